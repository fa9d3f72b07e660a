/**
 * Ownership renewals in batches (issue 15 item 5): a worker renews all of its leases in one
 * script per tick, each lease fenced on its own, instead of one script per lease (about 6,700
 * scripts/s for 10,000 streams with 1.5 s renewals). Real redis-server; the fleet case counts
 * what Redis itself saw (MONITOR).
 */
import { type Clock, createScaledClock, VirtualClock, venues } from '@userstream/core';
import { createLeaseKey, type LeaseKey, type Ownership } from '@userstream/keepalive';
import { type Simulator, startSimulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker } from '../src/index.js';
import { createRedisLeaseStore } from '../src/lease-store.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

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

/** Script calls Redis ran (EVAL and EVALSHA), from INFO commandstats. */
async function scriptCalls(): Promise<number> {
  const info = await redis.info('commandstats');
  let n = 0;
  for (const m of info.matchAll(/cmdstat_(?:eval|evalsha):calls=(\d+)/g)) n += Number(m[1]);
  return n;
}

describe('batched ownership renewals', () => {
  it('renews 200 leases asked for together in one script, fencing each on its own', async () => {
    const clock = new VirtualClock();
    const store = createRedisLeaseStore({ redis, clock });
    const keys: LeaseKey[] = Array.from({ length: 200 }, (_, i) =>
      createLeaseKey({ venue: venues['binance-usdm'], apiKey: `batch-account-${i}` }),
    );
    const owned: Ownership[] = [];
    for (const key of keys) owned.push((await store.claim(key, 'worker-a', 1_000))!);
    // Lease 0 lapses and worker-b takes it; lease 1 lapses and nobody takes it.
    await clock.advance(900);
    for (let i = 2; i < keys.length; i++)
      owned[i] = (await store.renewOwnership(keys[i]!, owned[i]!, 1_000))!;
    await clock.advance(200);
    const b = await store.claim(keys[0]!, 'worker-b', 1_000);
    expect(b).toBeDefined();

    const before = await scriptCalls();
    const renewed = await Promise.all(keys.map((key, i) => store.renewOwnership(key, owned[i]!, 1_000)));
    const calls = (await scriptCalls()) - before;
    expect(calls).toBe(1);

    expect(renewed[0]).toBeUndefined();
    expect(renewed[1]!.fencingToken).toBeGreaterThan(owned[1]!.fencingToken);
    for (let i = 2; i < keys.length; i++) {
      expect(renewed[i]).toEqual({
        owner: 'worker-a',
        fencingToken: owned[i]!.fencingToken,
        expiresAt: clock.now() + 1_000,
      });
    }
    // The batch fenced lease 0 off: worker-b's ownership and record stand.
    expect(await store.renewOwnership(keys[0]!, b!, 1_000)).toMatchObject({ owner: 'worker-b' });
  });
});

describe('a fleet worker', () => {
  let sim: Simulator;
  let clock: Clock;
  let worker: FleetWorker | undefined;

  afterAll(async () => {
    await worker?.close();
    await sim?.close();
  });

  it('renews all of its streams’ ownerships in one round trip per tick', async () => {
    const ACCOUNTS = 12;
    const RENEW_MS = 1_500;
    clock = createScaledClock({ speed: 2 });
    sim = await startSimulator({
      clock,
      accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
    });
    worker = createFleetWorker({
      redis: server.client(),
      workerId: 'worker-a',
      accounts: sim.accounts.map((a) => ({
        id: a.id,
        venue: sim.venue('binance-usdm'),
        credentials: { apiKey: a.apiKey, secret: a.secret! },
      })),
      clock,
      ownershipTtlMs: 5_000,
      ownershipRenewMs: RENEW_MS,
      lease: { renewIntervalMs: 60_000, validityMs: 120_000 },
      sink: false,
    });
    await worker.start();
    await until(() => worker!.owned().length === ACCOUNTS, 20_000, 'every stream open');

    // What Redis runs that touches an ownership entry: in steady state, only renewals.
    const monitor = await server.client().monitor();
    const renewals: number[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (!/^eval/i.test(args[0] ?? '')) return;
      const owners = args.filter((a) => a.includes('owner:')).length;
      if (owners > 0) renewals.push(owners);
    });
    const from = clock.now();
    await until(() => clock.now() - from >= 4 * RENEW_MS, 10_000, 'four renewal ticks');
    monitor.disconnect();

    // Four ticks (five if the window straddles one): one script each, every stream in it.
    expect(renewals.length).toBeGreaterThanOrEqual(3);
    expect(renewals.length).toBeLessThanOrEqual(5);
    for (const n of renewals) expect(n).toBe(ACCOUNTS);
  });
});
