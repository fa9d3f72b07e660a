/**
 * The overload cascade (issue 15, fleet): a survivor taking over a dead worker's streams spends
 * its event loop on opens (listenKey creates, WebSocket handshakes, bookkeeping), its ownership
 * renewals for the streams it already owned go out (or their answers are read) after its
 * ownership lapsed, and it drops every stream it had: one death becomes a fleet-wide gap storm.
 *
 * A real redis-server, the simulator, two workers, real time (the subject is the real event loop,
 * so a compressed clock would only multiply the machine's own lag). The ownership TTL is short
 * (1.5 s, renewed every 300 ms, so 1.2 s of event-loop lag loses ownership) and each open the
 * survivor makes during the takeover costs OPEN_CPU_MS of event-loop time: the CPU a TLS
 * handshake, a listenKey create and the stream's bookkeeping cost on a loaded host, made
 * explicit so the test does not depend on how fast this machine is. Before the fix the survivor
 * ran 16 such opens back to back in one turn of the loop (about 4 s) and lost its own streams.
 * Binance USD-M: a listenKey create has weight 1 under 2,400 per minute
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Start-User-Data-Stream);
 * the test raises the fleet's pace far above that (the simulator enforces no limit it does not
 * reach) so that the event loop, not the venue, is the bottleneck.
 */
import { openUserDataStream } from '@userstream/keepalive';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker } from '../src/index.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

const M = 32;
const VENUE = 'binance-usdm';
/**
 * Event-loop time each of the survivor's opens costs during the takeover, in slices (a real
 * open's CPU comes in several callbacks: the POST's answer, the upgrade, the lease's writes).
 */
const OPEN_CPU_SLICES = 4;
const OPEN_SLICE_MS = 250;

let server: TestRedisServer;
let sim: Simulator;
const workers: FleetWorker[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  sim = await startSimulator({ accounts: Array.from({ length: M }, (_, i) => ({ id: `acct-${i}` })) });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close({ release: false });
  await sim.close();
});

/** Holds the event loop for `ms` of real time: the CPU an open costs (not a sleep: nothing else runs). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

function worker(id: string, costly: () => boolean): FleetWorker {
  const w = createFleetWorker({
    redis: server.client(),
    workerId: id,
    accounts: sim.accounts.map((a) => ({
      id: a.id,
      venue: sim.venue(VENUE),
      credentials: { apiKey: a.apiKey, secret: a.secret! },
    })),
    sink: false,
    heartbeatMs: 300,
    memberTtlMs: 3_000,
    ownershipTtlMs: 3_000,
    ownershipRenewMs: 500,
    reconcileMs: 200,
    openRatePerSecond: 1_000,
    lease: { renewIntervalMs: 600_000, validityMs: 3_600_000 },
    openStream: async (options) => {
      const handle = await openUserDataStream(options);
      for (let i = 0; costly() && i < OPEN_CPU_SLICES; i++) {
        busy(OPEN_SLICE_MS);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return handle;
    },
  });
  workers.push(w);
  return w;
}

describe('a takeover that overloads the survivor’s event loop', () => {
  it('keeps the streams the survivor already owned (renewals go first, opens slow down) and still takes every stream over', async () => {
    let takingOver = false;
    const a = worker('worker-a', () => takingOver);
    const b = worker('worker-b', () => false);
    const lost: string[] = [];
    a.on('lost', ({ account }) => lost.push(account));
    await Promise.all([a.start(), b.start()]);
    await until(
      () => a.stats.owned + b.stats.owned === M && a.stats.opening + b.stats.opening === 0,
      30_000,
      'every account open',
    );
    const kept = a.owned();
    const victims = b.owned();
    expect(victims.length).toBeGreaterThan(M / 4);
    expect(kept.length).toBeGreaterThan(M / 4);

    takingOver = true;
    await b.close({ release: false });
    await until(
      () => victims.every((id) => a.stream(id) !== undefined) || lost.length > 0,
      90_000,
      'the dead worker’s streams open on worker-a (or worker-a losing one)',
    );
    // Before the fix: worker-a lost streams it owned all along (its renewals came too late).
    expect(lost).toEqual([]);
    expect(kept.filter((id) => a.stream(id) === undefined)).toEqual([]);
    expect(victims.filter((id) => a.stream(id) === undefined)).toEqual([]);
  }, 120_000);
});
