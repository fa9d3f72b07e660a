// Benchmark (not a test): ACCOUNTS accounts (default 10,000) over WORKERS fleet workers (default
// 4) sharing them through a real redis-server, against the simulator in a child process, in
// real time. Prints how long the fleet took to open everything, the takeover time after one
// worker is killed (closed without releasing anything, as kill -9 leaves it), and events/s
// through the Redis sink.
//
//   pnpm --filter @userstream/redis build && pnpm --filter @userstream/redis bench
//   ACCOUNTS=2000 WORKERS=4 BURST_ACCOUNTS=200 BURST=200 node bench/fleet.mjs
//
// Opens are paced fleet-wide per venue host (OPEN_RATE per second, default 100; the simulator
// serves all four venues from one origin) under the simulator's request weights (2,400/min on
// fapi and dapi, as the venues); the takeover figure includes re-creating the dead worker's
// listenKeys at that pace.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createFleetWorker } from '../dist/index.js';

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 10_000);
const WORKERS = Number(process.env.WORKERS ?? 4);
const BURST_ACCOUNTS = Number(process.env.BURST_ACCOUNTS ?? 500);
const BURST = Number(process.env.BURST ?? 200);
/** Fleet-wide opens per second per venue host. The simulator serves every venue from ONE origin. */
const OPEN_RATE = Number(process.env.OPEN_RATE ?? 100);
const VENUES = ['binance-usdm', 'binance-coinm', 'binance-spot-legacy', 'binance-portfolio-margin'];
const print = (line) => process.stdout.write(`${line}\n`);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${fmt(ms / 1000, 1)} s`;

async function freePort() {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

async function until(predicate, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// --- Redis ------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'userstream-fleet-bench-'));
const port = await freePort();
const redisServer = spawn(
  process.env.REDIS_SERVER ?? 'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
admin.on('error', () => {});
await until(() => admin.status === 'ready', 10_000, 'redis-server');

// --- Simulator --------------------------------------------------------------------------------
const sim = fork(fileURLToPath(new URL('./sim-child.mjs', import.meta.url)), [
  JSON.stringify({ n: ACCOUNTS, venues: VENUES }),
]);
const [ready] = await once(sim, 'message');
const accounts = ready.accounts.map((a, i) => ({
  id: a.id,
  venue: ready.venues[VENUES[i % VENUES.length]],
  credentials: { apiKey: a.apiKey, secret: a.secret },
}));

// --- Fleet ------------------------------------------------------------------------------------
const clients = [];
const workers = [];
for (let i = 0; i < WORKERS; i++) {
  const redis = new Redis({ port, host: '127.0.0.1' });
  redis.on('error', () => {});
  clients.push(redis);
  workers.push(
    createFleetWorker({
      redis,
      workerId: `worker-${i}`,
      accounts,
      openConcurrency: 32,
      openRatePerSecond: OPEN_RATE,
      sink: { maxLen: 1_000 },
      rest: { timeoutMs: 30_000 },
    }),
  );
}
const warnings = new Map();
for (const w of workers) {
  w.on('warning', ({ error }) =>
    warnings.set(error.code ?? error.name, (warnings.get(error.code ?? error.name) ?? 0) + 1),
  );
}
const owned = (ws) => ws.reduce((n, w) => n + w.stats.owned, 0);
const cpu0 = process.cpuUsage();
let t0 = performance.now();
await Promise.all(workers.map((w) => w.start()));
await until(() => owned(workers) === ACCOUNTS, 30 * 60_000, 'every account open');
print(
  `fleet: ${fmt(ACCOUNTS)} accounts over ${WORKERS} workers (${VENUES.length} venues) on a real redis-server`,
);
print(
  `  all streams owned and open after ${secs(performance.now() - t0)} (opens paced at ${fmt(OPEN_RATE)}/s fleet-wide; the simulator serves every venue from one origin)`,
);
print(`  per worker: ${workers.map((w) => fmt(w.stats.owned)).join(' / ')}`);

// --- Events/s through Redis -------------------------------------------------------------------
const appended = () => workers.reduce((n, w) => n + w.stats.appended + w.stats.duplicates, 0);
const before = appended();
const targets = accounts.slice(0, BURST_ACCOUNTS).map((a) => ({ accountId: a.id, venue: a.venue.id }));
t0 = performance.now();
sim.send({ type: 'burst', targets, count: BURST });
const [burst] = await once(sim, 'message');
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
const victim = workers[WORKERS - 1];
const survivors = workers.slice(0, -1);
const victims = victim.owned();
const ownedBySurvivors = () =>
  victims.filter((id) => survivors.some((w) => w.stream(id)?.state === 'open')).length;
const killedAt = performance.now();
await victim.close({ release: false });
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
  `  fleet process CPU: ${secs((cpu.user + cpu.system) / 1000)}; heap ${fmt(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
);

// --- Teardown ---------------------------------------------------------------------------------
await Promise.all(survivors.map((w) => w.close()));
for (const c of clients) c.disconnect();
sim.send({ type: 'close' });
await once(sim, 'exit');
admin.disconnect();
redisServer.kill('SIGTERM');
await once(redisServer, 'exit');
rmSync(dir, { recursive: true, force: true });
