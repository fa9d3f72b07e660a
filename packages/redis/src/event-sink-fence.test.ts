/**
 * Fenced appends (issue 15, found by the partition chaos scenario, seed 1): a worker cut off from
 * Redis loses its stream to a new owner, and when its link heals its queued appends must not land
 * after the new owner's entries. Each append carries the writer's fencing token; the account's
 * stream refuses a token older than the newest that wrote.
 */

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { systemClock } from '@userstream/core';
import { LeaseLostError } from '@userstream/keepalive';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
import { createRedisEventSink, type SinkEvent } from './event-sink.js';
import { DEFAULT_PREFIX, redisKeys } from './keys.js';
import { SinkQueue, type SinkQueueStats } from './sink-queue.js';

let server: TestRedisServer;
let redis: Redis;

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

const event = (i: number): SinkEvent => ({ e: 'ORDER_TRADE_UPDATE', E: 1_767_225_600_000 + i, o: { i } });

describe('fenced appends', () => {
  it("refuses an append or a gap marker whose fencing token is older than the newest writer's", async () => {
    const sink = createRedisEventSink({ redis });
    const old = { accountId: 'acct-1', venue: 'binance-usdm', fencingToken: () => 4 };
    const next = { accountId: 'acct-1', venue: 'binance-usdm', fencingToken: () => 5 };
    expect(await sink.append(old, event(1))).toEqual(expect.any(String));
    expect(await sink.append(next, event(3))).toEqual(expect.any(String));
    const stale = await sink.append(old, event(2)).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(LeaseLostError);
    const staleGap = await sink.appendGap(old, { reason: 'x', worker: 'w', at: 1 }).catch((e: unknown) => e);
    expect(staleGap).toBeInstanceOf(LeaseLostError);
    // The newest writer goes on; a writer without a token (a single process, no fleet) is not fenced.
    expect(await sink.append(next, event(4))).toEqual(expect.any(String));
    expect(await sink.append({ accountId: 'acct-2', venue: 'binance-usdm' }, event(1))).toEqual(
      expect.any(String),
    );
    const rows = await redis.xrange(sink.streamKey('acct-1'), '-', '+');
    expect(rows.map(([, f]) => f[3])).toEqual(['1767225600001', '1767225600003', '1767225600004']);
  });

  it('a queue whose writer was fenced off drops what it still holds, counts it and says so', async () => {
    const sink = createRedisEventSink({ redis });
    await sink.append({ accountId: 'acct-1', venue: 'binance-usdm', fencingToken: () => 9 }, event(10));
    const stats: SinkQueueStats = { appended: 0, duplicates: 0, dropped: 0, quarantined: 0, fenced: 0 };
    const queue = new SinkQueue({
      sink,
      target: { accountId: 'acct-1', venue: 'binance-usdm', fencingToken: () => 8 },
      clock: systemClock,
      workerId: 'stale-worker',
      maxPending: 100,
      stats,
      warn: () => {},
      stopped: () => false,
    });
    for (let i = 0; i < 5; i++) queue.event(event(i));
    queue.gap({ reason: 'x', worker: 'stale-worker', at: 1 });
    const until = Date.now() + 5_000;
    while (!queue.idle && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(queue.idle).toBe(true);
    expect(stats).toMatchObject({ appended: 0, fenced: 6 });
    expect(await redis.xlen(sink.streamKey('acct-1'))).toBe(1);
  });

  it('a batch refused part way: what landed counts as appended, only what did not as fenced', async () => {
    const sink = createRedisEventSink({ redis });
    // The script loaded first: on first use EVALSHA fails and EVAL goes out later, out of send order.
    await sink.append({ accountId: 'warm-up', venue: 'binance-usdm' }, event(0));
    const fenceKey = redisKeys(DEFAULT_PREFIX).eventsFence('acct-1');
    let calls = 0;
    const fencingToken = () => {
      // A newer owner (token 9) writes between our second and third appends: queued on the same
      // connection just before the third, so Redis runs it exactly there.
      if (++calls === 3) void redis.set(fenceKey, '9');
      return 8;
    };
    const stats: SinkQueueStats = { appended: 0, duplicates: 0, dropped: 0, quarantined: 0, fenced: 0 };
    const messages: { dropped?: number }[] = [];
    const onMessage = (m: unknown) => messages.push(m as { dropped?: number });
    subscribe(DIAGNOSTICS_CHANNELS.sink, onMessage);
    try {
      const queue = new SinkQueue({
        sink,
        target: { accountId: 'acct-1', venue: 'binance-usdm', fencingToken },
        clock: systemClock,
        workerId: 'stale-worker',
        maxPending: 100,
        stats,
        warn: () => {},
        stopped: () => false,
      });
      // The first event goes alone; the next four are one pipelined batch, refused from its second item on.
      for (let i = 1; i <= 5; i++) queue.event(event(i));
      const until = Date.now() + 5_000;
      while (!queue.idle && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      expect(queue.idle).toBe(true);
      expect(queue.fenced).toBe(true);
      expect(await redis.xlen(sink.streamKey('acct-1'))).toBe(2);
      expect(stats).toMatchObject({ appended: 2, fenced: 3 }); // events 1 and 2 landed; 3 to 5 did not
      expect(messages.filter((m) => (m as { type?: string }).type === 'fenced')).toMatchObject([
        { dropped: 3 },
      ]);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.sink, onMessage);
    }
  });
});
