import { VirtualClock, venues } from '@userstream/core';
import {
  createLeaseKey,
  createMemoryLeaseStore,
  type LeaseRecord,
  type LeaseStore,
} from '@userstream/keepalive';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { createRedisLeaseStore } from './lease-store.js';

const API_KEY_1 = 'api-key-account-1-do-not-store';
const key = createLeaseKey({ venue: venues['binance-usdm'], apiKey: API_KEY_1 });
const other = createLeaseKey({ venue: venues['binance-usdm'], apiKey: 'api-key-account-2' });
const isolated = createLeaseKey({
  venue: venues['binance-isolated-margin'],
  apiKey: API_KEY_1,
  symbol: 'BTCUSDT',
});

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

/**
 * The semantics tests of keepalive's memory store, run against both stores: the Redis store must
 * behave exactly like the memory one.
 */
const stores: [string, (clock?: VirtualClock) => LeaseStore & { size?: number }][] = [
  ['memory', (clock) => createMemoryLeaseStore(clock ? { clock } : {})],
  ['redis', (clock) => createRedisLeaseStore({ redis, ...(clock ? { clock } : {}) })],
];

describe.each(stores)('LeaseStore semantics (%s)', (_name, make) => {
  it('stores records per structured key with versions and compare-and-set', async () => {
    const store = make();
    expect(await store.get(key)).toBeUndefined();
    expect(await store.put(key, record('w1', 1), { ifVersion: 0 })).toBe(1);
    await expect(store.put(key, record('w2', 2), { ifVersion: 0 })).rejects.toMatchObject({
      code: 'USERSTREAM_LEASE_CONFLICT',
    });
    expect(await store.put(key, record('w1', 1), { ifVersion: 1 })).toBe(2);
    expect(await store.put(key, record('w1', 1))).toBe(3);
    expect((await store.get(key))?.record).toEqual(record('w1', 1));
    expect((await store.get(key))?.version).toBe(3);
    expect(await store.get(other)).toBeUndefined();
    expect(await store.get(isolated)).toBeUndefined();
    await expect(store.delete(key, { ifVersion: 1 })).rejects.toMatchObject({
      code: 'USERSTREAM_LEASE_CONFLICT',
    });
    expect(await store.delete(key, { ifVersion: 3 })).toBe(true);
    expect(await store.delete(key)).toBe(false);
    expect(await store.get(key)).toBeUndefined();
    // Versions start again after a delete.
    expect(await store.put(key, record('w1', 1), { ifVersion: 0 })).toBe(1);
  });

  it('gives one owner at a time and a strictly newer fencing token to each new owner', async () => {
    const clock = new VirtualClock();
    const store = make(clock);
    const a = await store.claim!(key, 'worker-a', 60_000);
    expect(a).toMatchObject({ owner: 'worker-a', expiresAt: clock.now() + 60_000 });
    expect(await store.claim!(key, 'worker-b', 60_000)).toBeUndefined();
    // Another key is independent.
    expect(await store.claim!(other, 'worker-b', 60_000)).toMatchObject({ owner: 'worker-b' });
    // The owner claiming again keeps its token.
    const again = await store.claim!(key, 'worker-a', 60_000);
    expect(again?.fencingToken).toBe(a?.fencingToken);

    await clock.advance(30_000);
    const renewed = await store.renewOwnership!(key, a!, 60_000);
    expect(renewed).toMatchObject({ fencingToken: a!.fencingToken, expiresAt: clock.now() + 60_000 });

    // worker-a stops renewing; after expiry worker-b takes over with a newer token.
    await clock.advance(61_000);
    const b = await store.claim!(key, 'worker-b', 60_000);
    expect(b!.fencingToken).toBeGreaterThan(a!.fencingToken);
    // The stale owner is fenced off.
    expect(await store.renewOwnership!(key, a!, 60_000)).toBeUndefined();
    await store.release!(key, a!);
    expect(await store.claim!(key, 'worker-a', 60_000)).toBeUndefined();
    await store.release!(key, b!);
    // A released ownership cannot be renewed by its former holder.
    expect(await store.renewOwnership!(key, b!, 60_000)).toBeUndefined();
    const c = await store.claim!(key, 'worker-a', 60_000);
    expect(c!.fencingToken).toBeGreaterThan(b!.fencingToken);
  });

  it('renewing a lapsed ownership nobody took yields a new token', async () => {
    const clock = new VirtualClock();
    const store = make(clock);
    const a = await store.claim!(key, 'w', 1000);
    await clock.advance(2000);
    const r = await store.renewOwnership!(key, a!, 1000);
    expect(r!.fencingToken).toBeGreaterThan(a!.fencingToken);
    expect(r!.expiresAt).toBe(clock.now() + 1000);
  });

  it('tokens keep increasing per key across deletes, releases and many owners', async () => {
    const clock = new VirtualClock();
    const store = make(clock);
    let last = 0;
    for (let i = 0; i < 20; i++) {
      const o = await store.claim!(key, `w${i % 3}`, 1000);
      expect(o!.fencingToken).toBeGreaterThan(last);
      last = o!.fencingToken;
      if (i % 2 === 0) await store.release!(key, o!);
      else await clock.advance(1001);
      await store.delete(key);
    }
  });

  it('rejects a nonsensical ttl', async () => {
    const store = make();
    await expect(store.claim!(key, 'w', 0)).rejects.toThrow(/ttlMs must be a positive number/);
  });
});

describe('createRedisLeaseStore', () => {
  it('lets exactly one of many concurrent claimers win', async () => {
    const clock = new VirtualClock();
    const stores = Array.from({ length: 8 }, () => createRedisLeaseStore({ redis: server.client(), clock }));
    const results = await Promise.all(stores.map((s, i) => s.claim(key, `w${i}`, 5000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('writes nothing but the record fields: no API key, no credential', async () => {
    const store = createRedisLeaseStore({ redis });
    const withExtra = { ...record('w1', 1), listenKey: 'LISTENKEY-SECRET-VALUE', apiKey: API_KEY_1 };
    await store.put(isolated, withExtra as LeaseRecord);
    await store.claim(isolated, 'w1', 5000);
    const dump: string[] = [];
    for (const k of await redis.keys('*')) {
      dump.push(k);
      const type = await redis.type(k);
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(k)));
      if (type === 'string') dump.push(String(await redis.get(k)));
    }
    const text = dump.join('\n');
    expect(text).toContain('binance-isolated-margin');
    expect(text).not.toContain(API_KEY_1);
    expect(text).not.toContain('LISTENKEY-SECRET-VALUE');
    expect((await store.get(isolated))?.record).toEqual(record('w1', 1));
    await expect(
      store.put(key, { ...record('w1', 1), credentialFingerprint: 'LISTENKEY-SECRET-VALUE' }),
    ).rejects.toMatchObject({
      code: 'USERSTREAM_INVALID_INPUT',
      message: expect.not.stringContaining('LISTENKEY'),
    });
  });

  it('keeps prefixes apart', async () => {
    const clock = new VirtualClock();
    const a = createRedisLeaseStore({ redis, prefix: 'fleet-a:', clock });
    const b = createRedisLeaseStore({ redis, prefix: 'fleet-b:', clock });
    expect(await a.claim(key, 'w1', 1000)).toBeDefined();
    expect(await b.claim(key, 'w2', 1000)).toBeDefined();
    expect(a.prefix).toBe('fleet-a:');
  });

  it('checks its options with messages that say what to do', () => {
    expect(() => createRedisLeaseStore({ redis: {} as Redis })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/redis: createRedisLeaseStore({ redis }) needs an ioredis client, e.g. new Redis("redis://127.0.0.1:6379")]`,
    );
    expect(() => createRedisLeaseStore({ redis, prefix: 'a b' })).toThrow(/prefix/);
    expect(() => createRedisLeaseStore({ redis, clock: {} as VirtualClock })).toThrow(/clock with now/);
  });

  it('after a Redis restart that lost everything, the holder carries on with a newer token and a newcomer is refused', async () => {
    const clock = new VirtualClock();
    const r = server.client();
    const store = createRedisLeaseStore({ redis: r, clock });
    const a = await store.claim(key, 'worker-a', 10_000);
    await server.restart();
    // A restart takes time: the new counter starts at now × 1000, above the tokens of before
    // (with the virtual clock standing still it would start exactly where the old one began).
    await clock.advance(1_000);
    await expect(
      store.claim(other, 'worker-b', 10_000).catch(() => store.claim(other, 'worker-b', 10_000)),
    ).resolves.toBeDefined();
    const renewed = await store.renewOwnership(key, a!, 10_000);
    expect(renewed!.fencingToken).toBeGreaterThan(a!.fencingToken);
    expect(await store.claim(key, 'worker-b', 10_000)).toBeUndefined();
  });

  it('rejects with USERSTREAM_REDIS_UNAVAILABLE while Redis is down', async () => {
    const r = server.client();
    const store = createRedisLeaseStore({ redis: r });
    await store.get(key);
    await server.stopServer();
    try {
      await expect(store.claim(key, 'w', 1000)).rejects.toMatchObject({
        code: 'USERSTREAM_REDIS_UNAVAILABLE',
        isRetryable: true,
      });
    } finally {
      await server.startServer();
    }
    await expect(store.claim(key, 'w', 1000).catch(() => store.claim(key, 'w', 1000))).resolves.toBeDefined();
  });
});
