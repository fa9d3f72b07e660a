/**
 * Takeover at the venue's pace (issue 15 item 7): a killed worker's streams are taken over within
 * 1.2× of the bound the venue's request-weight limit sets (takeoverBound(): ownership TTL +
 * reconcile interval + streams × create weight ÷ weight per second), and never faster than that
 * limit allows. BHEX: a listenKey create has weight 1
 * (https://github.com/bhexopen/BHEX-OpenApi/blob/master/doc/user-data-stream.md, "Create a
 * listenKey … Weight: 1"); the 1,200 weight per minute is our venue profile's (core), which the
 * simulator enforces too (BHEX's limits page was not in our docs store). So 20 opens per second.
 * A real redis-server, the simulator (which enforces the same weights), two workers, real time.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type Clock, createScaledClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createFleetWorker, type FleetWorker } from '../src/index.js';
import { takeoverBound } from '../src/takeover-bound.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

// Real time: at a compressed clock, event-loop lateness under a loaded CI machine counts several times over.
const SPEED = 1;
const M = 240;
const VENUE = 'bhex';
/** The venue's sustained limit: 1,200 weight per minute, create weight 1. */
const LIMIT_PER_SECOND = 20;

let server: TestRedisServer;
let clock: Clock;
let sim: Simulator;
const workers: FleetWorker[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  clock = createScaledClock({ speed: SPEED });
  sim = await startSimulator({
    clock,
    accounts: Array.from({ length: M }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
  });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close({ release: false });
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
    sink: false,
    lease: { renewIntervalMs: 600_000, validityMs: 3_600_000 },
  });
  workers.push(w);
  return w;
}

/** The most acquisitions in any `windowMs` of protocol time. */
function busiest(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('takeover at the venue’s pace', () => {
  it('a killed worker’s streams are open elsewhere within 1.2× the bound the venue’s weight limit sets, and opens never outpace that limit', async () => {
    const [a, b] = [worker('worker-a'), worker('worker-b')];
    // When the venue received each listenKey create (its limit counts requests as they arrive,
    // not streams as they finish opening: that adds each open's own jitter).
    const opens: number[] = [];
    const onRequest = (m: unknown) => {
      const r = m as { method?: string; path?: string };
      if (r.method === 'POST' && r.path === '/openapi/v1/userDataStream') opens.push(clock.now());
    };
    subscribe('userstream:simulator:request', onRequest);
    onTestFinished(() => {
      unsubscribe('userstream:simulator:request', onRequest);
    });
    await Promise.all([a.start(), b.start()]);
    await until(() => a.stats.owned + b.stats.owned === M, 60_000, 'every account open');
    const victims = b.owned();
    expect(victims.length).toBeGreaterThan(M / 4);

    const killedAt = clock.now();
    await b.close({ release: false });
    await until(
      () => victims.every((id) => a.stream(id) !== undefined),
      60_000,
      'the dead worker’s streams open on worker-a',
    );
    const takeoverMs = clock.now() - killedAt;
    const bound = takeoverBound({ venue: sim.venue(VENUE), streams: victims.length });
    expect(bound.limitOpensPerSecond).toBe(LIMIT_PER_SECOND);
    expect(takeoverMs).toBeLessThanOrEqual(1.2 * bound.boundMs);
    // Not faster than the venue allows (some slack for a window's edges).
    opens.sort((x, y) => x - y);
    expect(busiest(opens, 5_000)).toBeLessThanOrEqual(5 * LIMIT_PER_SECOND + 2);
    expect(sim.record.requestCount('POST', '/openapi/v1/userDataStream')).toBeGreaterThanOrEqual(
      M + victims.length,
    );
    console.info(
      `takeover of ${victims.length} streams: ${takeoverMs} ms, bound ${Math.round(bound.boundMs)} ms (${(takeoverMs / bound.boundMs).toFixed(2)}×)`,
    );
  }, 120_000);
});
