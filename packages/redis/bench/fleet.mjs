// Benchmark (not a test): ACCOUNTS accounts (default 10,000) over WORKERS fleet workers (default
// 4) sharing them through a real redis-server, against the simulator in a child process, in
// real time. Prints how long the fleet took to open everything, the takeover time after one
// worker is killed (it runs in a child process, killed with SIGKILL), and events/s through the
// Redis sink.
//
//   pnpm --filter @userstream/redis build && pnpm --filter @userstream/redis bench
//   ACCOUNTS=2000 WORKERS=4 BURST_ACCOUNTS=200 BURST=200 node bench/fleet.mjs
//
// Opens are paced fleet-wide per venue host (OPEN_RATE per second, default 100; the simulator
// serves all four venues from one origin) under the simulator's request weights (2,400/min on
// fapi and dapi, as the venues); the takeover figure includes re-creating the dead worker's
// listenKeys at that pace.
import { createFleetWorker } from '../dist/index.js';
import { fmt, print, secs, startRedis, startSim, startWorkerChild, until } from './setup.mjs';

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 10_000);
const WORKERS = Number(process.env.WORKERS ?? 4);
const BURST_ACCOUNTS = Number(process.env.BURST_ACCOUNTS ?? 500);
const BURST = Number(process.env.BURST ?? 200);
/** Fleet-wide opens per second per venue host. The simulator serves every venue from ONE origin. */
const OPEN_RATE = Number(process.env.OPEN_RATE ?? 100);
const VENUES = ['binance-usdm', 'binance-coinm', 'binance-spot-legacy', 'binance-portfolio-margin'];

const redis = await startRedis('fleet');
const sim = await startSim({ n: ACCOUNTS, venues: VENUES });
const accounts = sim.accounts;

// --- Fleet ------------------------------------------------------------------------------------
// The last worker runs in a child process: it is the one killed (SIGKILL) for the takeover.
const OPTIONS = {
  openConcurrency: 32,
  openRatePerSecond: OPEN_RATE,
  sink: { maxLen: 1_000 },
  rest: { timeoutMs: 30_000 },
};
const workers = [];
for (let i = 0; i < WORKERS - 1; i++) {
  workers.push(createFleetWorker({ ...OPTIONS, redis: redis.client(), workerId: `worker-${i}`, accounts }));
}
const victim = await startWorkerChild({
  port: redis.port,
  workerId: `worker-${WORKERS - 1}`,
  accounts,
  options: OPTIONS,
});
const warnings = new Map();
for (const w of workers) {
  w.on('warning', ({ error }) =>
    warnings.set(error.code ?? error.name, (warnings.get(error.code ?? error.name) ?? 0) + 1),
  );
}
const everyone = () => [...workers, victim];
const owned = (ws) => ws.reduce((n, w) => n + w.stats.owned, 0);
const cpu0 = process.cpuUsage();
let t0 = performance.now();
await Promise.all(workers.map((w) => w.start()));
await until(() => owned(everyone()) === ACCOUNTS, 30 * 60_000, 'every account open');
print(
  `fleet: ${fmt(ACCOUNTS)} accounts over ${WORKERS} workers (${VENUES.length} venues) on a real redis-server`,
);
print(
  `  all streams owned and open after ${secs(performance.now() - t0)} (opens paced at ${fmt(OPEN_RATE)}/s fleet-wide; the simulator serves every venue from one origin)`,
);
print(
  `  per worker: ${everyone()
    .map((w) => fmt(w.stats.owned))
    .join(' / ')}`,
);

// --- Events/s through Redis -------------------------------------------------------------------
const appended = () => everyone().reduce((n, w) => n + w.stats.appended + w.stats.duplicates, 0);
const before = appended();
const targets = accounts.slice(0, BURST_ACCOUNTS).map((a) => ({ accountId: a.id, venue: a.venue.id }));
t0 = performance.now();
const burst = await sim.burst(targets, BURST);
print(`  burst sent: ${burst.sent} in ${fmt(burst.ms)} ms`);
await until(
  () => appended() - before >= burst.sent,
  Number(process.env.BURST_TIMEOUT_MS ?? 600_000),
  'every burst event in Redis',
).catch((e) => {
  print(`  ${e.message}: ${appended() - before} of ${burst.sent}`);
  throw e;
});
const burstMs = performance.now() - t0;
print(
  `  events through Redis: ${fmt(burst.sent)} events (${fmt(BURST_ACCOUNTS)} accounts × ${fmt(BURST)}) in ${secs(burstMs)} = ${fmt(burst.sent / (burstMs / 1000))} events/s end to end (exchange → worker → XADD)`,
);

// --- Takeover after a kill --------------------------------------------------------------------
const survivors = workers;
const victims = await victim.owned();
const ownedBySurvivors = () =>
  victims.filter((id) => survivors.some((w) => w.stream(id)?.state === 'open')).length;
const killedAt = performance.now();
await victim.kill();
await until(() => ownedBySurvivors() > 0, 5 * 60_000, 'the first takeover');
const first = performance.now() - killedAt;
let half;
await until(
  () => {
    const n = ownedBySurvivors();
    if (half === undefined && n >= victims.length / 2) half = performance.now() - killedAt;
    return n === victims.length;
  },
  30 * 60_000,
  'every stream of the dead worker open elsewhere',
);
const all = performance.now() - killedAt;
print(
  `  takeover of ${fmt(victims.length)} streams after a worker died (ownership TTL 5 s, member TTL 3 s):`,
);
print(
  `    first stream flowing again after ${secs(first)}, half after ${secs(half)}, all after ${secs(all)}`,
);
print(
  `    claims refused while the old ownership lasted: ${fmt(survivors.reduce((n, w) => n + w.stats.refusedClaims, 0))}; warnings: ${
    [...warnings].map(([code, n]) => `${code} ×${n}`).join(', ') || 'none'
  }`,
);
const cpu = process.cpuUsage(cpu0);
print(
  `  CPU of this process (${fmt(WORKERS - 1)} of the workers): ${secs((cpu.user + cpu.system) / 1000)}; heap ${fmt(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
);

// --- Teardown ---------------------------------------------------------------------------------
await Promise.all(survivors.map((w) => w.close()));
await sim.close();
await redis.stop();
