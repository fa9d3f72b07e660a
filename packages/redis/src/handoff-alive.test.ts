/**
 * A planned move is covered only if the old owner's connection proved life after the new owner's
 * opened (chaos partition seed 432): a connection the venue silently stalls still reads open
 * without a gap, and what it holds back would be lost when the old owner closes it. Its last
 * frame, ping or pong must be newer than the moment the old owner saw the move `ready`, else the
 * move is marked failed and the new owner writes its gap marker. Real redis-server, a virtual
 * clock (the old owner's polls advance with it). The end-to-end case (the simulator stalls the
 * old connection) is in test/handoff-order.test.ts.
 */
import { VirtualClock } from '@userstream/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { until } from '../test/helpers.js';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { Handoffs } from './handoff.js';
import { redisKeys } from './keys.js';

let server: TestRedisServer;
let redis: Redis;
const keys = redisKeys('t:');
const lease = 'binance-usdm/x/fp/';
beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await redis.flushall();
  await redis.hset(keys.ownerById(lease), 'owner', 'old', 'token', '7', 'exp', String(Date.now() + 60_000));
});

/** Moves `lease` from 'old' to 'new' with the new stream open; `activity` is the old connection's. */
async function move(clock: VirtualClock, activity: () => number | undefined) {
  const handoffs = (workerId: string) =>
    new Handoffs({ redis, keys, clock, workerId, timeoutMs: 10_000, pollMs: 100 });
  const [old, next] = [handoffs('old'), handoffs('new')];
  expect(await old.start(lease, 'new')).toBe(true);
  expect(await next.ready(lease)).toBe(true);
  let result: boolean | undefined;
  let readyAt = Number.NaN;
  const covered = () => {
    if (Number.isNaN(readyAt)) readyAt = clock.now(); // first asked right after the old owner read `ready`
    return true;
  };
  void old
    .giveAway(
      lease,
      covered,
      () => true,
      () => activity(),
    )
    .then((r) => {
      result = r;
    });
  return {
    get result() {
      return result;
    },
    get readyAt() {
      return readyAt;
    },
    old,
  };
}

/** Advances the clock a poll at a time until `done()` (each step lets Redis answer). */
async function run(clock: VirtualClock, done: () => boolean, maxMs: number): Promise<void> {
  for (let t = 0; t < maxMs && !done(); t += 100) {
    await clock.advance(100);
    await new Promise((r) => setTimeout(r, 5));
  }
  await until(done, 5_000, 'the old owner to decide');
}

it('a stalled old connection (nothing since before ready): the move is failed, not done', async () => {
  const clock = new VirtualClock(1_767_225_600_000);
  const before = clock.now() - 1; // its last frame came before the new stream opened
  const m = await move(clock, () => before);
  await run(clock, () => m.result !== undefined, 20_000);
  expect(m.result).toBe(false);
  expect(await m.old.state(lease)).toMatchObject({ done: false, failed: true });
});

it('no open connection (undefined): the move is failed', async () => {
  const clock = new VirtualClock(1_767_225_600_000);
  const m = await move(clock, () => undefined);
  await run(clock, () => m.result !== undefined, 20_000);
  expect(m.result).toBe(false);
  expect(await m.old.state(lease)).toMatchObject({ failed: true });
});

it('a quiet but live old connection: its next pong, after ready, proves it and the move is done', async () => {
  const clock = new VirtualClock(1_767_225_600_000);
  let last = clock.now() - 1;
  const m = await move(clock, () => last);
  await until(() => !Number.isNaN(m.readyAt), 5_000, 'the old owner to read ready');
  // Still waiting for a sign of life a few seconds in (a heartbeat every 10 s by default).
  await run(clock, () => clock.now() - m.readyAt >= 3_000, 3_000);
  expect(m.result).toBeUndefined();
  last = clock.now(); // a pong arrives
  await run(clock, () => m.result !== undefined, 5_000);
  expect(m.result).toBe(true);
  expect(await m.old.state(lease)).toMatchObject({ done: true });
});
