/**
 * The shared fencing suite (keepalive's lease-store-conformance.ts) against the Redis store on a
 * real redis-server, plus what only a networked store can get wrong: an ownership entry that
 * Redis collected after it lapsed must not hand a stale owner a new token.
 */
import { VirtualClock, venues } from '@userstream/core';
import { createLeaseKey } from '@userstream/keepalive';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLeaseStoreFencing } from '../../keepalive/src/lease-store-conformance.js';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { redisKeys } from './keys.js';
import { createRedisLeaseStore } from './lease-store.js';

let server: TestRedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});

describeLeaseStoreFencing('redis', async (clock) => {
  await redis.flushall();
  return createRedisLeaseStore({ redis, clock });
});

describe('Redis lease store: collected ownership entries', () => {
  const key = createLeaseKey({ venue: venues['binance-usdm'], apiKey: 'conformance-account-2' });

  it("does not grant a stale owner a new token once its successor's entry was collected", async () => {
    await redis.flushall();
    const clock = new VirtualClock();
    const store = createRedisLeaseStore({ redis, clock });
    const a = (await store.claim(key, 'worker-a', 1_000))!;
    await clock.advance(1_001);
    const b = (await store.claim(key, 'worker-b', 1_000))!;
    await store.release(key, b);
    // Redis drops the released entry collectAfterMs later: do it now.
    await redis.del(redisKeys('userstream:').owner(key));
    expect(await store.renewOwnership(key, a, 1_000)).toBeUndefined();
    await expect(store.put(key, { ...record(a) })).rejects.toMatchObject({ code: 'USERSTREAM_LEASE_LOST' });
  });

  it('after a restart that lost everything, an owner from before carries on with a newer token', async () => {
    await redis.flushall();
    const clock = new VirtualClock();
    const store = createRedisLeaseStore({ redis, clock });
    const a = (await store.claim(key, 'worker-a', 1_000))!;
    await redis.flushall();
    const a2 = await store.renewOwnership(key, a, 1_000);
    expect(a2?.fencingToken).toBeGreaterThan(a.fencingToken);
    await store.put(key, record(a2!));
  });
});

function record(o: { owner: string; fencingToken: number }) {
  return {
    kind: 'listenKey' as const,
    owner: o.owner,
    fencingToken: o.fencingToken,
    createdAt: 1,
    lastRenewedAt: undefined,
    nextRenewalAt: undefined,
    expiresAt: undefined,
    credentialFingerprint: 'abcd1234',
  };
}
