/**
 * Planned moves are lossless (issue 15 item 6): when a worker joins, or leaves with close(), the
 * streams rendezvous moves keep running on their old owner until the new owner's stream is open
 * (make-before-break), so every event sent meanwhile lands in Redis and no gap marker is written.
 * A real redis-server, the simulator, three workers in this process, on one clock at 2× real time.
 */
import { type Clock, createScaledClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker, GAP_MARKER, rendezvousOwner } from '../src/index.js';
import { DEFAULT_PREFIX, redisKeys } from '../src/keys.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

const keys = redisKeys(DEFAULT_PREFIX);
const SPEED = 2;
const M = 12;
const VENUE = 'binance-usdm';
const DELETE_PATH = '/fapi/v1/listenKey';

let server: TestRedisServer;
let redis: Redis;
let clock: Clock;
let sim: Simulator;
const workers: FleetWorker[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await redis.flushall();
  clock = createScaledClock({ speed: SPEED });
  sim = await startSimulator({
    clock,
    accounts: Array.from({ length: M }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
  });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await sim.close();
});

function worker(id: string): FleetWorker {
  const w = createFleetWorker({
    redis: server.client(),
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
    return (
      holders.length === 1 &&
      holders[0]!.workerId === rendezvousOwner(a.id, ids) &&
      live.every((w) => w.membership.members.length === ids.length)
    );
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

/** Deposits into every account, one account per real 10 ms, until stopped: events keep coming during the moves. */
function pump(): { stop: () => Promise<number> } {
  let n = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const a = sim.accounts[n % M]!;
      sim.exchange.deposit(a.id, VENUE, 'USDT', `${1 + (n % 7)}.5`);
      n++;
      await new Promise((r) => setTimeout(r, 10));
    }
    return n;
  })();
  return {
    stop: async () => {
      stopped = true;
      return done;
    },
  };
}

describe('planned moves (join, graceful leave)', () => {
  it('lose no event and write no gap marker: the old owner keeps a moved stream until the new owner’s is open, and never DELETEs its listenKey', async () => {
    const [a, b] = [worker('worker-a'), worker('worker-b')];
    await Promise.all([a.start(), b.start()]);
    await until(() => settledOn([a, b]), 20_000, 'two workers settled');
    const gaps: string[] = [];
    for (const w of workers) w.on('gap', (g) => gaps.push(`${w.workerId} ${g.account} ${g.reason}`));
    const deletesBefore = sim.record.requestCount('DELETE', DELETE_PATH);

    const events = pump();
    const c = worker('worker-c');
    c.on('gap', (g) => gaps.push(`worker-c ${g.account} ${g.reason}`));
    await c.start();
    await until(() => settledOn([a, b, c]), 30_000, 'three workers settled');
    const moved = c.owned();
    expect(moved.length).toBeGreaterThan(0);
    // Keep events coming on the new owners for a moment, then leave gracefully.
    const from = clock.now();
    await until(() => clock.now() - from >= 1_000, 10_000, 'a second of events on worker-c');
    await c.close();
    workers.splice(workers.indexOf(c), 1);
    await until(() => settledOn([a, b]), 30_000, 'two workers again');
    const sentCount = await events.stop();
    expect(sentCount).toBeGreaterThan(50);

    for (const w of [a, b]) expect(await w.flushed(10_000)).toBe(true);
    for (const acct of sim.accounts) {
      const want = sim.record.events({ accountId: acct.id, venue: VENUE }).map((r) => `${r.e}@${r.E}`);
      await until(
        async () => (await rows(acct.id)).filter((r) => r.e !== GAP_MARKER).length >= want.length,
        30_000,
        `events of ${acct.id} in Redis`,
      ).catch(() => {});
      const got = await rows(acct.id);
      expect(
        got
          .filter((r) => r.e !== GAP_MARKER)
          .map((r) => `${r.e}@${r.E}`)
          .sort(),
      ).toEqual(want.sort());
      // Only the marker of the first acquisition, before any planned move.
      expect(got.filter((r) => r.e === GAP_MARKER).map((r) => r.reason)).toEqual(['acquired']);
    }
    expect(gaps).toEqual([]);
    // Nobody closed a moved stream's listenKey: the new owner's stream runs on it.
    expect(sim.record.requestCount('DELETE', DELETE_PATH) - deletesBefore).toBe(0);
  }, 90_000);

  it('says which streams it is moving: stats.moving counts a stream handed to a worker that cannot open it yet, and the move completes once it can', async () => {
    const [a, b] = [worker('worker-a'), worker('worker-b')];
    await Promise.all([a.start(), b.start()]);
    await until(() => settledOn([a, b]), 20_000, 'two workers settled');
    expect(a.stats.moving + b.stats.moving).toBe(0);
    // The newcomer's connections are refused: every move to it waits with the old stream open.
    const refused = sim.faults.refuseConnections();
    const c = worker('worker-c');
    await c.start();
    const ids = ['worker-a', 'worker-b', 'worker-c'];
    const toC = sim.accounts.filter((acct) => rendezvousOwner(acct.id, ids) === 'worker-c').length;
    expect(toC).toBeGreaterThan(0);
    await until(() => a.stats.moving + b.stats.moving === toC, 20_000, 'the moves to worker-c under way');
    // A stream being moved is still open on its old owner: two workers may hold it open for a
    // while, and stats.moving is how a caller tells a move in flight from a settled fleet.
    expect(c.stats.owned).toBe(0);
    refused.release();
    await until(() => settledOn([a, b, c]), 30_000, 'three workers settled');
    await until(() => a.stats.moving + b.stats.moving === 0, 30_000, 'the moves done');
    expect(c.owned().length).toBe(toC);
  }, 90_000);
});
