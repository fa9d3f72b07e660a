/**
 * The fencing contract every {@link LeaseStore} with owners must keep, as one suite that each
 * store's tests run (keepalive's memory store here, the Redis store in @userstream/redis): a
 * write is accepted only from the key's current owner with its current fencing token, and a
 * stale owner gets a typed `LeaseLostError` (USERSTREAM_LEASE_LOST), whatever happened in
 * between (takeover, release, lapse). Issue 15 item 1: an adversarial run against a real
 * redis-server showed a stale owner's put() overwrite the new owner's record and its delete()
 * remove it. Not part of the published bundle (index.ts does not export it).
 */
import { UserstreamError, VirtualClock, venues } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { LeaseErrorCode, LeaseLostError } from './errors.js';
import { createLeaseKey } from './lease-key.js';
import type { LeaseRecord, LeaseStore, Ownership } from './lease-store.js';

type OwnedStore = Required<LeaseStore>;

const key = createLeaseKey({ venue: venues['binance-usdm'], apiKey: 'conformance-account-1' });
const TTL = 1_000;

const record = (o: Pick<Ownership, 'owner' | 'fencingToken'>, createdAt = 1): LeaseRecord => ({
  kind: 'listenKey',
  owner: o.owner,
  fencingToken: o.fencingToken,
  createdAt,
  lastRenewedAt: undefined,
  nextRenewalAt: undefined,
  expiresAt: undefined,
  credentialFingerprint: 'abcd1234',
});

/** A stale write must be refused with the typed error, whatever the store. */
async function expectLost(write: Promise<unknown>): Promise<void> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'a stale owner must be refused').toBeDefined();
  expect(UserstreamError.isInstance(error)).toBe(true);
  expect(error).toBeInstanceOf(LeaseLostError);
  expect((error as LeaseLostError).code).toBe(LeaseErrorCode.Lost);
  expect((error as LeaseLostError).isRetryable).toBe(false);
}

/**
 * Runs the fencing conformance suite. `make` gives a fresh, empty store whose ownership expiry
 * runs on `clock`.
 */
export function describeLeaseStoreFencing(
  name: string,
  make: (clock: VirtualClock) => OwnedStore | Promise<OwnedStore>,
): void {
  describe(`LeaseStore fencing conformance (${name})`, () => {
    /** A took the key, lapsed, and B took it over with a newer token. */
    async function takeover() {
      const clock = new VirtualClock();
      const store = await make(clock);
      const a = (await store.claim(key, 'worker-a', TTL))!;
      await store.put(key, record(a));
      await clock.advance(TTL + 1);
      const b = (await store.claim(key, 'worker-b', TTL))!;
      expect(b.fencingToken).toBeGreaterThan(a.fencingToken);
      await store.put(key, record(b, 2));
      return { clock, store, a, b };
    }

    it("refuses a stale owner's put after a takeover and keeps the new owner's record", async () => {
      const { store, a, b } = await takeover();
      await expectLost(store.put(key, record(a, 99)));
      await expectLost(store.put(key, record(a, 99), { ifVersion: (await store.get(key))!.version }));
      expect((await store.get(key))?.record).toMatchObject({
        owner: 'worker-b',
        fencingToken: b.fencingToken,
      });
    });

    it("refuses a stale owner's delete after a takeover and keeps the new owner's record", async () => {
      const { store, a, b } = await takeover();
      await expectLost(store.delete(key, { ownership: a }));
      // No ownership named: token 0, which only writes while nobody holds the key.
      await expectLost(store.delete(key));
      expect((await store.get(key))?.record.owner).toBe('worker-b');
      expect(await store.delete(key, { ownership: b })).toBe(true);
      expect(await store.get(key)).toBeUndefined();
    });

    it('keeps a stale owner fenced off after the new owner released the key', async () => {
      const { store, a, b } = await takeover();
      await store.release(key, b);
      await expectLost(store.put(key, record(a, 99)));
      await expectLost(store.delete(key, { ownership: a }));
      expect(await store.renewOwnership(key, a, TTL)).toBeUndefined();
      expect((await store.get(key))?.record.owner).toBe('worker-b');
    });

    it('refuses a renewal by a stale owner, also once the new owner has lapsed too', async () => {
      const { clock, store, a, b } = await takeover();
      expect(await store.renewOwnership(key, a, TTL)).toBeUndefined();
      await clock.advance(TTL + 1);
      // B lapsed without anyone taking over: A's older token still must not come back.
      expect(await store.renewOwnership(key, a, TTL)).toBeUndefined();
      await expectLost(store.put(key, record(a, 99)));
      // B itself may carry on (with a newer token, since its ownership lapsed).
      const b2 = await store.renewOwnership(key, b, TTL);
      expect(b2?.fencingToken).toBeGreaterThan(b.fencingToken);
      await store.put(key, record(b2!, 3));
    });

    it("accepts the current owner's writes with its token, and an owner-less write only while nobody holds the key", async () => {
      const clock = new VirtualClock();
      const store = await make(clock);
      // Nobody holds the key: a store used without claims writes with token 0.
      expect(await store.put(key, record({ owner: 'solo', fencingToken: 0 }))).toBe(1);
      const a = (await store.claim(key, 'worker-a', TTL))!;
      await expectLost(store.put(key, record({ owner: 'solo', fencingToken: 0 })));
      // The right token under another owner's name is no proof either.
      await expectLost(store.put(key, record({ owner: 'worker-b', fencingToken: a.fencingToken })));
      expect(await store.put(key, record(a), { ifVersion: 1 })).toBe(2);
      expect(await store.delete(key, { ownership: a })).toBe(true);
      await store.release(key, a);
    });

    it('tells a stale owner why in a message that names no credential', async () => {
      const { store, a } = await takeover();
      const error = (await store.put(key, record(a)).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/fencing token \d+ is stale/);
      expect(error.message).toMatch(/another worker owns this lease/);
      expect(error.message).not.toContain('conformance-account-1');
    });
  });
}
