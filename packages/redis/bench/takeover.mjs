// Benchmark (not a test): how long a fleet takes to take over a killed worker's streams (about
// STREAMS, default 2,500, of 2 × STREAMS accounts over two workers) on Binance USD-M, against the bound the venue's request weight sets
// (takeoverBound(): ownership TTL + reconcile interval + streams × create weight ÷ weight per
// second; 2,400/min and weight 1 on USD-M). Real time, a real redis-server, the simulator in a
// child process (it enforces the same weights).
//
// Two workers open every stream (at the profile's default pace, fleet-wide), then one is killed
// (closed without releasing anything, as kill -9 leaves it): the takeover is timed from the kill
// until every one of its streams is open on the survivor.
//
//   pnpm --filter @userstream/redis build && node bench/takeover.mjs
//   STREAMS=500 node bench/takeover.mjs
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createFleetWorker, takeoverBound, venueOpenRate } from '../dist/index.js';

const STREAMS = Number(process.env.STREAMS ?? 2_500);
const VENUE = 'binance-usdm';
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

const dir = mkdtempSync(join(tmpdir(), 'userstream-takeover-bench-'));
const port = await freePort();
const redisServer = spawn(
  process.env.REDIS_SERVER ?? 'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
admin.on('error', () => {});
await until(() => admin.status === 'ready', 10_000, 'redis-server');

const ACCOUNTS = 2 * STREAMS;
const sim = fork(fileURLToPath(new URL('./sim-child.mjs', import.meta.url)), [
  JSON.stringify({ n: ACCOUNTS, venues: [VENUE] }),
]);
const [ready] = await once(sim, 'message');
const venue = ready.venues[VENUE];
const accounts = ready.accounts.map((a) => ({
  id: a.id,
  venue,
  credentials: { apiKey: a.apiKey, secret: a.secret },
}));

const clients = [];
const warnings = new Map();
function worker(id) {
  const redis = new Redis({ port, host: '127.0.0.1' });
  redis.on('error', () => {});
  clients.push(redis);
  const w = createFleetWorker({
    redis,
    workerId: id,
    accounts,
    openConcurrency: 32,
    sink: false,
    rest: { timeoutMs: 30_000 },
  });
  w.on('warning', ({ error }) =>
    warnings.set(error.code ?? error.name, (warnings.get(error.code ?? error.name) ?? 0) + 1),
  );
  return w;
}

const rate = venueOpenRate(venue);
const [survivor, victim] = [worker('survivor'), worker('victim')];
let t0 = performance.now();
await Promise.all([survivor.start(), victim.start()]);
await until(() => survivor.stats.owned + victim.stats.owned === ACCOUNTS, 30 * 60_000, 'every stream open');
print(`takeover: ${fmt(ACCOUNTS)} ${VENUE} streams over 2 workers, one killed, a real redis-server`);
print(
  `  all open after ${secs(performance.now() - t0)} (default pace from the profile: ${fmt(rate, 1)} opens/s fleet-wide)`,
);
const victims = victim.owned();
const onSurvivor = () => victims.filter((id) => survivor.stream(id)?.state === 'open').length;
const killedAt = performance.now();
await victim.close({ release: false });
let first;
let half;
await until(
  () => {
    const n = onSurvivor();
    if (first === undefined && n > 0) first = performance.now() - killedAt;
    if (half === undefined && n >= victims.length / 2) half = performance.now() - killedAt;
    return n === victims.length;
  },
  30 * 60_000,
  'every stream of the dead worker open on the survivor',
);
const all = performance.now() - killedAt;
const bound = takeoverBound({ venue, streams: victims.length });
print(
  `  bound the venue sets for the dead worker's ${fmt(victims.length)} streams: ${secs(bound.boundMs)} = ownership TTL 5 s + reconcile 1 s + ${fmt(victims.length)} creates at ${fmt(bound.limitOpensPerSecond)}/s (${secs(bound.rateMs)})`,
);
print(
  `  taken over: first after ${secs(first)}, half after ${secs(half)}, all after ${secs(all)} = ${fmt(all / bound.boundMs, 2)}× the bound`,
);
print(`  warnings: ${[...warnings].map(([code, n]) => `${code} ×${n}`).join(', ') || 'none'}`);

t0 = performance.now();
await survivor.close({ release: false });
for (const c of clients) c.disconnect();
sim.send({ type: 'close' });
await once(sim, 'exit');
admin.disconnect();
redisServer.kill('SIGTERM');
await once(redisServer, 'exit');
rmSync(dir, { recursive: true, force: true });
