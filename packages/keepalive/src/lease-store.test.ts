import { VirtualClock, venues } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { createLeaseKey } from './lease-key.js';
import { createMemoryLeaseStore, type LeaseRecord } from './lease-store.js';

const key = createLeaseKey({ venue: venues['binance-usdm'], apiKey: 'api-key-account-1' });
const other = createLeaseKey({ venue: venues['binance-usdm'], apiKey: 'api-key-account-2' });

const record = (owner: string, fencingToken: number): LeaseRecord => ({
  kind: 'listenKey',
  owner,
  fencingToken,
  createdAt: 1,
  lastRenewedAt: undefined,
  nextRenewalAt: 2,
  expiresAt: 3,
  credentialFingerprint: 'abcd1234',
});

describe('createMemoryLeaseStore', () => {
  it('stores records per structured key with versions and compare-and-set', async () => {
    const store = createMemoryLeaseStore();
    expect(await store.get(key)).toBeUndefined();
    expect(await store.put(key, record('w1', 1), { ifVersion: 0 })).toBe(1);
    await expect(store.put(key, record('w2', 2), { ifVersion: 0 })).rejects.toMatchObject({
      code: 'USERSTREAM_LEASE_CONFLICT',
    });
    expect(await store.put(key, record('w1', 1), { ifVersion: 1 })).toBe(2);
    expect(await store.put(key, record('w1', 1))).toBe(3);
    expect((await store.get(key))?.record.owner).toBe('w1');
    expect(await store.get(other)).toBeUndefined();
    expect(store.size).toBe(1);
    await expect(store.delete(key, { ifVersion: 1 })).rejects.toMatchObject({
      code: 'USERSTREAM_LEASE_CONFLICT',
    });
    expect(await store.delete(key, { ifVersion: 3 })).toBe(true);
    expect(await store.delete(key)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('gives one owner at a time and a strictly newer fencing token to each new owner', async () => {
    const clock = new VirtualClock();
    const store = createMemoryLeaseStore({ clock });
    const a = await store.claim(key, 'worker-a', 60_000);
    expect(a).toMatchObject({ owner: 'worker-a', expiresAt: clock.now() + 60_000 });
    expect(await store.claim(key, 'worker-b', 60_000)).toBeUndefined();
    // The owner claiming again keeps its token.
    const again = await store.claim(key, 'worker-a', 60_000);
    expect(again?.fencingToken).toBe(a?.fencingToken);

    await clock.advance(30_000);
    const renewed = await store.renewOwnership(key, a!, 60_000);
    expect(renewed).toMatchObject({ fencingToken: a!.fencingToken, expiresAt: clock.now() + 60_000 });

    // worker-a stops renewing; after expiry worker-b takes over with a newer token.
    await clock.advance(61_000);
    const b = await store.claim(key, 'worker-b', 60_000);
    expect(b!.fencingToken).toBeGreaterThan(a!.fencingToken);
    // The stale owner is fenced off.
    expect(await store.renewOwnership(key, a!, 60_000)).toBeUndefined();
    await store.release(key, a!);
    expect(await store.claim(key, 'worker-a', 60_000)).toBeUndefined();
    await store.release(key, b!);
    const c = await store.claim(key, 'worker-a', 60_000);
    expect(c!.fencingToken).toBeGreaterThan(b!.fencingToken);
  });

  it('renewing a lapsed ownership nobody took yields a new token', async () => {
    const clock = new VirtualClock();
    const store = createMemoryLeaseStore({ clock });
    const a = await store.claim(key, 'w', 1000);
    await clock.advance(2000);
    const r = await store.renewOwnership(key, a!, 1000);
    expect(r!.fencingToken).toBeGreaterThan(a!.fencingToken);
  });

  it('rejects a nonsensical ttl', async () => {
    const store = createMemoryLeaseStore();
    await expect(store.claim(key, 'w', 0)).rejects.toThrow(/ttlMs must be a positive number/);
  });
});

describe('createLeaseKey', () => {
  it('keeps only a fingerprint of the API key and tells hosts, accounts and symbols apart', () => {
    const k = createLeaseKey({
      venue: venues['binance-isolated-margin'],
      apiKey: 'my-secret-api-key',
      symbol: 'BTCUSDT',
    });
    expect(JSON.stringify(k)).not.toContain('my-secret-api-key');
    expect(k).toMatchObject({
      venue: 'binance-isolated-margin',
      origin: 'https://api.binance.com',
      symbol: 'BTCUSDT',
    });
    expect(k.account).toMatch(/^[0-9a-f]{32}$/);
    expect(() => createLeaseKey({ venue: venues['binance-usdm'], apiKey: 'k', symbol: 'btc&x=1' })).toThrow(
      /symbol/,
    );
  });
});
