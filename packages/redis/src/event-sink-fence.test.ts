/**
 * Fenced appends (issue 15, found by the partition chaos scenario, seed 1): a worker cut off from
 * Redis loses its stream to a new owner, and when its link heals its queued appends must not land
 * after the new owner's entries. Each append carries the writer's fencing token; the account's
 * stream refuses a token older than the newest that wrote.
 */

import { systemClock } from '@userstream/core';
import { LeaseLostError } from '@userstream/keepalive';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { createRedisEventSink, type SinkEvent } from './event-sink.js';
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
});
