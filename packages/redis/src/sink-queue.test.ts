/**
 * Poison events (issue 15 item 3): an event the sink cannot accept (no numeric `E`, nested too
 * deep to serialize) used to fail its whole batch, which was then retried forever: nothing more
 * was appended, the queue grew, events were dropped at maxPending. Now it is quarantined (a
 * dead-letter stream per account, the `quarantined` count, a diagnostics message) and every
 * other event flows, in order. Real redis-server.
 *
 * `E` is the event time in ms on every user data event ("E":1568879465651, // Event Time):
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update
 * (the ACCOUNT_UPDATE page was not looked up; its fields here follow ../shared/fixtures).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { systemClock } from '@userstream/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../test/helpers.js';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
import { createRedisEventSink, GAP_MARKER, type SinkEvent } from './event-sink.js';
import { DEFAULT_PREFIX, redisKeys } from './keys.js';
import { SinkQueue, type SinkQueueStats } from './sink-queue.js';

let server: TestRedisServer;
let redis: Redis;
const keys = redisKeys(DEFAULT_PREFIX);
const target = { accountId: 'acct-poison', venue: 'binance-usdm' };

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await redis.flushall();
});

const deposit = (i: number): SinkEvent => ({
  e: 'ACCOUNT_UPDATE',
  E: 1_767_225_600_000 + i,
  T: 1_767_225_600_000 + i,
  a: { m: 'DEPOSIT', B: [{ a: 'USDT', wb: `${i}.25`, cw: `${i}.25`, bc: '0' }], P: [] },
});

function deeplyNested(depth: number): SinkEvent {
  const root: Record<string, unknown> = {};
  let node = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    node.a = next;
    node = next;
  }
  return { e: 'ACCOUNT_UPDATE', E: 1_767_225_600_500, x: root };
}

async function fields(key: string) {
  const rows = await redis.xrange(key, '-', '+');
  return rows.map(([, f]) => {
    const o: Record<string, string> = {};
    for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i + 1]!;
    return o;
  });
}

describe('SinkQueue with poison events', () => {
  it('quarantines an event without a numeric E and one nested 20,000 deep; every other event flows in order', async () => {
    const sink = createRedisEventSink({ redis });
    const stats: SinkQueueStats = { appended: 0, duplicates: 0, dropped: 0, quarantined: 0, fenced: 0 };
    const warnings: Error[] = [];
    const messages: Record<string, unknown>[] = [];
    const onMessage = (m: unknown) => messages.push(m as Record<string, unknown>);
    subscribe(DIAGNOSTICS_CHANNELS.sink, onMessage);
    try {
      const queue = new SinkQueue({
        sink,
        target,
        clock: systemClock,
        workerId: 'worker-a',
        maxPending: 10_000,
        stats,
        warn: (e) => warnings.push(e),
        stopped: () => false,
      });
      const { E: _dropped, ...withoutE } = deposit(1);
      queue.event(deposit(0));
      queue.event(withoutE as unknown as SinkEvent);
      queue.event({ ...deposit(2), E: 'soon' });
      queue.event(deposit(3));
      queue.event(deeplyNested(20_000));
      queue.gap({ reason: 'reconnected', worker: 'worker-a', at: 1_767_225_600_900 });
      queue.event(deposit(4));
      await until(() => queue.idle, 5_000, 'the queue to drain past the poison events');

      const appended = await fields(sink.streamKey(target.accountId));
      expect(appended.map((r) => (r.e === GAP_MARKER ? 'gap' : r.E))).toEqual([
        String(deposit(0).E),
        String(deposit(3).E),
        'gap',
        String(deposit(4).E),
      ]);
      expect(stats).toMatchObject({ appended: 3, dropped: 0, quarantined: 3 });

      const dead = await fields(keys.deadLetter(target.accountId));
      expect(dead.map((r) => [r.reason, r.e, r.E])).toEqual([
        ['invalid-event', 'ACCOUNT_UPDATE', ''],
        ['invalid-event', 'ACCOUNT_UPDATE', 'soon'],
        ['unserializable', 'ACCOUNT_UPDATE', String(deeplyNested(1).E)],
      ]);
      for (const r of dead) expect(r).toMatchObject({ worker: 'worker-a', venue: 'binance-usdm' });
      // What could be serialized is kept for inspection (secrets left out); the deep one is not.
      expect(JSON.parse(dead[0]!.event!)).toEqual(withoutE);
      expect(dead[2]!.event).toBe('');

      const quarantined = messages.filter((m) => m.type === 'quarantined');
      expect(quarantined).toEqual([
        { type: 'quarantined', worker: 'worker-a', account: target.accountId, reason: 'invalid-event' },
        { type: 'quarantined', worker: 'worker-a', account: target.accountId, reason: 'invalid-event' },
        { type: 'quarantined', worker: 'worker-a', account: target.accountId, reason: 'unserializable' },
      ]);
      // Not an outage: nobody was told Redis is unavailable.
      expect(messages.filter((m) => m.type === 'retry')).toEqual([]);
      expect(warnings).toEqual([]);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.sink, onMessage);
    }
  });

  it('leaves secret fields out of the dead letter too', async () => {
    const sink = createRedisEventSink({ redis });
    const stats: SinkQueueStats = { appended: 0, duplicates: 0, dropped: 0, quarantined: 0, fenced: 0 };
    const queue = new SinkQueue({
      sink,
      target,
      clock: systemClock,
      workerId: 'worker-a',
      maxPending: 100,
      stats,
      warn: () => {},
      stopped: () => false,
    });
    queue.event({
      e: 'listenKeyExpired',
      E: 'never',
      listenKey: 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1',
    });
    await until(() => queue.idle, 5_000, 'the queue to drain');
    const dead = await fields(keys.deadLetter(target.accountId));
    expect(dead).toHaveLength(1);
    expect(JSON.stringify(dead)).not.toContain(
      'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1',
    );
  });
});
