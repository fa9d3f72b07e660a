/**
 * A planned move is covered only if the old owner's events reached Redis. Its queue can be fenced
 * off while it waits for them (a newer token wrote the account's stream: chaos partition seed
 * 15), and then `idle()` is true because the queue dropped them: the old owner must mark the move
 * failed, so the new owner writes its gap marker instead of trusting a hole.
 */
import { systemClock } from '@userstream/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { Handoffs } from './handoff.js';
import { redisKeys } from './keys.js';

let server: TestRedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});

it('the old owner marks a move failed when it is no longer covered once its events are (not) in Redis', async () => {
  const keys = redisKeys('t:');
  const handoffs = (workerId: string) =>
    new Handoffs({ redis, keys, clock: systemClock, workerId, timeoutMs: 2_000, pollMs: 5 });
  const lease = 'binance-usdm/x/fp/';
  await redis.hset(keys.ownerById(lease), 'owner', 'old', 'token', '7', 'exp', String(Date.now() + 60_000));
  const [old, next] = [handoffs('old'), handoffs('new')];
  expect(await old.start(lease, 'new')).toBe(true);
  expect(await next.ready(lease)).toBe(true);
  // Covered when asked first (stream open, no gap); the wait for Redis then ends fenced off.
  let fenced = false;
  const covered = () => !fenced;
  const idle = () => {
    fenced = true;
    return true;
  };
  // The connection proved life after the new one opened (see handoff-alive.test.ts): not the point here.
  const alive = () => Number.POSITIVE_INFINITY;
  expect(await old.giveAway(lease, covered, idle, alive)).toBe(false);
  expect(await old.state(lease)).toMatchObject({ done: false, failed: true });
});
