/**
 * A fleet on a real Redis Cluster (three masters, three replicas, started by the test): every
 * script touches the keys of one hash slot (keys.ts), so ioredis's Cluster client routes each to
 * its master; a planned failover of the master holding the fleet's control plane, and then of
 * one holding events, keeps every stream open and loses no event.
 *
 * Heavy: runs only with USERSTREAM_CLUSTER_TESTS=1 (CI sets it for its one Node 20 run).
 * Cluster facts used: https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/
 * (hash tags: only the part between the first `{` and the next `}` is hashed; a multi-key command
 * or script over several slots fails with CROSSSLOT; CLUSTER FAILOVER without options waits for
 * the replica to catch up, so no acknowledged write is lost).
 */
import { type Clock, createScaledClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker, GAP_MARKER, rendezvousOwner } from '../src/index.js';
import { DEFAULT_PREFIX, redisKeys } from '../src/keys.js';
import { CLUSTER_TESTS, startRedisCluster, type TestRedisCluster } from './cluster-server.js';
import { until } from './helpers.js';

const keys = redisKeys(DEFAULT_PREFIX);
const SPEED = 1;
const M = 8;
const VENUE = 'binance-usdm';

let cluster: TestRedisCluster;
let redis: Cluster;
let clock: Clock;
let sim: Simulator;
const workers: FleetWorker[] = [];

beforeAll(async () => {
  if (!CLUSTER_TESTS) return;
  cluster = await startRedisCluster();
  redis = cluster.client();
  clock = createScaledClock({ speed: SPEED });
  sim = await startSimulator({
    clock,
    accounts: Array.from({ length: M }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
  });
}, 60_000);
afterAll(async () => {
  for (const w of workers.splice(0)) await w.close();
  await sim?.close();
  await cluster?.stop();
}, 30_000);

function worker(id: string): FleetWorker {
  const w = createFleetWorker({
    redis: cluster.client(),
    workerId: id,
    accounts: sim.accounts.map((a) => ({
      id: a.id,
      venue: sim.venue(VENUE),
      credentials: { apiKey: a.apiKey, secret: a.secret! },
    })),
    clock,
    lease: { renewIntervalMs: 5_000, validityMs: 60_000 },
  });
  workers.push(w);
  return w;
}

function settledOn(live: readonly FleetWorker[]): boolean {
  const ids = live.map((w) => w.workerId);
  return sim.accounts.every((a) => {
    const holders = live.filter((w) => w.stream(a.id)?.state === 'open');
    return holders.length === 1 && holders[0]!.workerId === rendezvousOwner(a.id, ids);
  });
}

async function rows(accountId: string): Promise<{ e: string; E: string; reason?: string }[]> {
  const entries = await redis.xrange(keys.events(accountId), '-', '+');
  return entries.map(([, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    return f as { e: string; E: string; reason?: string };
  });
}

const sent = (accountId: string) =>
  sim.record.events({ accountId, venue: VENUE }).map((r) => `${r.e}@${r.E}`);

function deposit(round: number): void {
  for (const a of sim.accounts) sim.exchange.deposit(a.id, VENUE, 'USDT', `${round}.5`);
}

describe.runIf(CLUSTER_TESTS)('a fleet on a three-master Redis Cluster', () => {
  it('opens every stream, lands every event exactly once, and keeps every stream and event through failovers of the control-plane master and of an events master', async () => {
    const [a, b] = [worker('worker-a'), worker('worker-b')];
    const trouble: string[] = [];
    for (const w of [a, b]) {
      w.on('lost', ({ account }) => trouble.push(`${w.workerId} lost ${account}`));
      w.on('released', ({ account }) => trouble.push(`${w.workerId} released ${account}`));
      w.on('gap', ({ account, reason }) => {
        if (reason !== 'acquired') trouble.push(`${w.workerId} gap ${account} ${reason}`);
      });
    }
    await Promise.all([a.start(), b.start()]);
    await until(() => settledOn([a, b]), 30_000, 'every account open on its rendezvous owner');
    // The accounts' events really are spread over the masters (not all in one slot).
    const masters = new Set<number>();
    for (const acct of sim.accounts) masters.add((await cluster.roles(keys.events(acct.id))).master.port);
    expect(masters.size).toBeGreaterThan(1);

    let round = 0;
    deposit(++round);
    const control = await cluster.failover(keys.members());
    expect(control.to).not.toBe(control.from);
    deposit(++round);
    // Ownership renewals and heartbeats keep going on the promoted replica.
    const renewedFrom = clock.now();
    await until(() => clock.now() - renewedFrom >= 4_000, 20_000, 'a few ownership renewals');
    deposit(++round);
    const events = await cluster.failover(keys.events(sim.accounts[0]!.id));
    expect(events.to).not.toBe(events.from);
    deposit(++round);

    for (const w of [a, b]) expect(await w.flushed(10_000)).toBe(true);
    for (const acct of sim.accounts) {
      const want = sent(acct.id);
      expect(want.length).toBeGreaterThanOrEqual(round);
      await until(
        async () => (await rows(acct.id)).filter((r) => r.e !== GAP_MARKER).length >= want.length,
        30_000,
        `events of ${acct.id} in Redis`,
      ).catch(() => {});
      const got = await rows(acct.id);
      expect(got.filter((r) => r.e !== GAP_MARKER).map((r) => `${r.e}@${r.E}`)).toEqual(want);
      // The only marker is the one written when the stream was first acquired.
      expect(got.filter((r) => r.e === GAP_MARKER).map((r) => r.reason)).toEqual(['acquired']);
    }
    expect(trouble).toEqual([]);
    expect(settledOn([a, b])).toBe(true);
    expect(a.stats.dropped + b.stats.dropped).toBe(0);
  }, 120_000);
});
