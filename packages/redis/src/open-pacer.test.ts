/**
 * Fleet-wide open pacing (issue 15 item 7): a worker that wakes late for its open slot (timers
 * and round trips on a loaded event loop) must not push every later slot back. The pacer used to
 * chain from the late slot's own time only when it was less than one interval late; on a loaded
 * machine the 2,572-stream takeover bench then lost slot after slot and ran its second half at a
 * quarter of the rate (bench/RESULTS.md). Slots missed within the catch-up window (250 ms) are
 * now granted at once, so the fleet keeps its rate; beyond it they are gone (opens never bunch
 * by more than that). Real redis-server, a virtual clock.
 */
import { VirtualClock } from '@userstream/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { redisKeys } from './keys.js';
import { OpenPacer, type OpenSlot } from './open-pacer.js';

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

const ORIGIN = 'https://fapi.example';

/** Asks for a slot and reports whether it was granted without the clock moving. */
async function grantedNow(pacer: OpenPacer, clock: VirtualClock, lease: string): Promise<boolean> {
  let slot: OpenSlot | undefined;
  const asked = pacer
    .acquire(ORIGIN, lease, clock.now() + 10_000, () => false)
    .then((s) => {
      slot = s;
    });
  // Redis answers in real time; a slot in the future would wait on the (virtual) clock.
  for (let i = 0; i < 50 && slot === undefined; i++) await new Promise((r) => setTimeout(r, 5));
  if (slot === undefined) {
    await clock.advance(10_000); // let it finish (its slot), outside what is measured
    await asked;
    return false;
  }
  return slot === 'go';
}

it('a worker 150 ms late for its slot (10/s) gets the slot it missed and the next one at once: the pace is kept', async () => {
  const clock = new VirtualClock(1_767_225_600_000);
  const pacer = new OpenPacer({
    redis,
    keys: redisKeys('t:'),
    clock,
    workerId: 'w1',
    intervalMs: () => 100,
  });
  expect(await grantedNow(pacer, clock, 'lease-0')).toBe(true); // slot 0; the next is due at +100 ms
  await clock.advance(250); // the worker wakes 150 ms after that slot
  expect(await grantedNow(pacer, clock, 'lease-1')).toBe(true); // the slot of +100 ms
  expect(await grantedNow(pacer, clock, 'lease-2')).toBe(true); // the slot of +200 ms, caught up
  expect(await grantedNow(pacer, clock, 'lease-3')).toBe(false); // +300 ms: in the future, waited for
});

it('slots missed longer ago than the catch-up window are gone: no burst after a pause', async () => {
  const clock = new VirtualClock(1_767_225_600_000);
  const pacer = new OpenPacer({
    redis,
    keys: redisKeys('t:'),
    clock,
    workerId: 'w1',
    intervalMs: () => 100,
  });
  expect(await grantedNow(pacer, clock, 'lease-0')).toBe(true);
  await clock.advance(2_000); // nothing to open for two seconds
  expect(await grantedNow(pacer, clock, 'lease-1')).toBe(true);
  expect(await grantedNow(pacer, clock, 'lease-2')).toBe(false); // paced again from now
});
