/**
 * Two ownership renewals of one lease in flight at once (the periodic renewal and the check
 * before a keepalive, both due at the same tick) must agree. When the first one is granted a
 * NEW fencing token (ownership had lapsed with nobody taking it, or the store lost its data in
 * a restart), the second, sent with the old token, was refused and the lease stopped as if
 * another worker owned it: a fleet test saw a worker lose and re-open one of its own streams
 * after a Redis restart (redis test/fleet.test.ts, "survives a Redis restart").
 */
import { VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { createScheduler } from './create-scheduler.js';
import { createLeaseKey } from './lease-key.js';
import { LeaseOwnership } from './lease-ownership.js';
import { createMemoryLeaseStore } from './lease-store.js';
import { silentLogger } from './logger.js';

describe('LeaseOwnership renewals in flight together', () => {
  it('share one answer: a new token granted to one is not a loss for the other', async () => {
    const clock = new VirtualClock();
    const store = createMemoryLeaseStore({ clock });
    const key = createLeaseKey({
      venue: { id: 'binance-usdm', restBaseUrl: 'https://fapi.binance.com' },
      apiKey: 'k'.repeat(64),
    });
    let lost = 0;
    const ownership = new LeaseOwnership({
      key,
      store,
      owner: 'worker-a',
      scheduler: createScheduler({ clock }),
      logger: silentLogger,
      ttlMs: () => 5_000,
      renewMs: undefined,
      describe: () => 'test lease',
      running: () => true,
      lost: () => lost++,
    });
    await ownership.claim();
    const first = ownership.fencingToken;
    // Ownership lapses with nobody taking it: the next renewal is granted a new token.
    await clock.advance(6_000);
    const [a, b] = await Promise.all([ownership.check(), ownership.check()]);
    expect([a, b]).toEqual([true, true]);
    expect(ownership.fencingToken).toBeGreaterThan(first);
    expect(await ownership.check()).toBe(true);
    expect(lost).toBe(0);
  });
});
