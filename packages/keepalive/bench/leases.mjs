// Benchmark (not a test): 10,000 listenKey leases in one process on ONE scheduler, against the
// simulator (in a child process) on a compressed clock. Prints renewals on time, scheduler
// memory and CPU.
//
//   pnpm --filter @userstream/keepalive bench            (builds nothing: run `pnpm build` first)
//   LEASES=10000 SPEED=120 CYCLES=3 node --expose-gc bench/leases.mjs
//
// SPEED is protocol ms per real ms (120: 30 min of keepalive interval pass in 15 s, so 10,000 keys
// ask for ~670 keepalives per real second, 120 times the real load). Faster than that, a loaded
// 2-core machine cannot serve the requests in time and lateness measures the machine, not the
// scheduler. CYCLES is how many 30-minute keepalive intervals the steady phase lasts.
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  createScaledClock,
  createSigner,
  ExchangeError,
  encodeQuery,
  getVenue,
  RateLimitError,
  signQuery,
  TransportError,
  withBaseUrls,
} from '@userstream/core';
import * as restPackage from '@userstream/rest';
import { Agent, request } from 'undici';
import { createLeaseKey, createMemoryLeaseStore, createScheduler, ListenKeyLease } from '../dist/index.js';

const N = Number(process.env.LEASES ?? 10_000);
const SPEED = Number(process.env.SPEED ?? 120);
const CYCLES = Number(process.env.CYCLES ?? 3);
const VENUES = ['binance-usdm', 'binance-coinm', 'binance-spot-legacy'];
/** Creation pace per venue (the simulator enforces 2400 weight/min on fapi and dapi). */
const CREATES_PER_MINUTE = 1500;
const MIN = 60_000;
const INTERVAL = 30 * MIN;
/** How late a keepalive may be and still count as on time (protocol ms). */
const TOLERANCE = MIN;

const gc = globalThis.gc ?? (() => {});
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const print = (line) => process.stdout.write(`${line}\n`);

// --- 1. The scheduler alone: memory per job -------------------------------------------------
{
  const clock = createScaledClock({ speed: 1 });
  const h0 = heap();
  const s = createScheduler({ clock });
  const jobs = [];
  for (let i = 0; i < N; i++) {
    const job = s.add({ run: () => {} });
    job.scheduleIn(INTERVAL);
    jobs.push(job);
  }
  const h1 = heap();
  print(
    `scheduler alone: ${fmt(N)} jobs, ${fmt((h1 - h0) / N)} bytes/job, ${s.stats.timersArmed} clock timer(s) armed`,
  );
  s.close();
}

// --- 2. The simulator and a shared clock ----------------------------------------------------
const start = Date.UTC(2026, 0, 1);
const realAt = Date.now();
const clock = createScaledClock({ speed: SPEED, start });
const child = fork(fileURLToPath(new URL('./sim-child.mjs', import.meta.url)), [
  JSON.stringify({ n: N, speed: SPEED, start, realAt }),
]);
const ask = (msg, type) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type === type) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    if (msg) child.send(msg);
  });
const { urls } = await ask(undefined, 'ready');

const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
const useRest = typeof restPackage.createRestClient === 'function';

/** A minimal listenKey client, used when @userstream/rest is not built yet. */
function minimalRest(venue, apiKey, secret) {
  const signer = createSigner({ secret });
  const rateLimit = { retryAfterUntil: undefined, bannedUntil: undefined };
  async function call(endpoint, params) {
    const now = clock.now();
    if ((rateLimit.bannedUntil ?? 0) > now || (rateLimit.retryAfterUntil ?? 0) > now) {
      const banned = (rateLimit.bannedUntil ?? 0) > now;
      const until = banned ? rateLimit.bannedUntil : rateLimit.retryAfterUntil;
      throw new RateLimitError('held', { retryAfterMs: until - now, banned, until });
    }
    const query = endpoint.signed
      ? await signQuery({ ...params, timestamp: now }, signer)
      : encodeQuery(params);
    let res;
    try {
      res = await request(`${venue.restBaseUrl}${endpoint.path}${query ? `?${query}` : ''}`, {
        method: endpoint.method,
        headers: { [venue.apiKeyHeader]: apiKey },
        dispatcher: agent,
        headersTimeout: 10_000,
      });
    } catch (cause) {
      throw new TransportError('request failed', { cause });
    }
    const text = await res.body.text();
    if (res.statusCode === 429 || res.statusCode === 418) {
      const ms = Number(res.headers['retry-after'] ?? 60) * 1000;
      const until = clock.now() + ms;
      if (res.statusCode === 418) rateLimit.bannedUntil = until;
      else rateLimit.retryAfterUntil = until;
      throw new RateLimitError(String(res.statusCode), {
        retryAfterMs: ms,
        banned: res.statusCode === 418,
        until,
      });
    }
    const body = text ? JSON.parse(text) : {};
    if (res.statusCode >= 400) throw new ExchangeError(body.code, body.msg, { status: res.statusCode });
    return body;
  }
  const lk = venue.listenKey;
  return {
    rateLimit,
    createListenKey: async () => (await call(lk.create, {})).listenKey,
    keepAliveListenKey: (listenKey) => call(lk.keepAlive, { listenKey }).then(() => {}),
    closeListenKey: (listenKey) => call(lk.close, { listenKey }).then(() => {}),
  };
}

// --- 3. 10,000 leases on one scheduler ------------------------------------------------------
const scheduler = createScheduler({ clock, lateThresholdMs: 5_000 });
const store = createMemoryLeaseStore({ clock });
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const counts = { renewed: 0, renewFailed: 0, recreated: 0, expired: 0 };
const profiles = VENUES.map((id) => withBaseUrls(getVenue(id), { rest: urls.rest }));
const leases = [];
const h0 = heap();
const createdAt = new Map();
const t0 = performance.now();
await Promise.all(
  profiles.map(async (venue, v) => {
    const mine = [];
    for (let i = v; i < N; i += VENUES.length) mine.push(i);
    const gapMs = MIN / CREATES_PER_MINUTE / SPEED; // real ms between creates on this venue
    let next = performance.now();
    const inFlight = new Set();
    for (const i of mine) {
      const apiKey = `benchKey${String(i).padStart(12, '0')}`.padEnd(64, 'K');
      const secret = `benchSecret${String(i).padStart(12, '0')}`.padEnd(64, 'S');
      const rest = useRest
        ? restPackage.createRestClient({ venue, credentials: { apiKey, secret }, clock, dispatcher: agent })
        : minimalRest(venue, apiKey, secret);
      const lease = new ListenKeyLease({
        key: createLeaseKey({ venue, apiKey }),
        scheduler,
        store,
        owner: 'bench',
        logger: quiet,
        group: new URL(venue.restBaseUrl).origin + venue.id,
        rest,
        renewIntervalMs: venue.timing.renewIntervalMs,
        validityMs: venue.timing.keyValidityMs,
      });
      for (const type of Object.keys(counts)) lease.on(type, () => counts[type]++);
      leases.push(lease);
      next += gapMs;
      const wait = next - performance.now();
      if (wait > 1) await sleep(wait);
      const p = lease.start().then(() => createdAt.set(lease, clock.now()));
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 32) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }),
);
const createMs = performance.now() - t0;
const h1 = heap();
print(
  `created ${fmt(leases.length)} listenKeys on ${VENUES.length} venues in ${fmt(createMs / 1000, 1)} s real ` +
    `(${useRest ? '@userstream/rest' : 'minimal REST client'}, paced under the venues' weight limits); ` +
    `${fmt((h1 - h0) / N)} bytes/lease (lease + store record + REST client + job)`,
);

// --- 4. Steady state: CYCLES keepalive intervals --------------------------------------------
const statsBefore = scheduler.stats;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const cpu0 = process.cpuUsage();
const steadyStart = clock.now();
const realStart = performance.now();
await sleep((CYCLES * INTERVAL) / SPEED);
const cpu = process.cpuUsage(cpu0);
loop.disable();
const realSteady = performance.now() - realStart;
const endAt = clock.now();
const s = scheduler.stats;
const runs = s.runs - statsBefore.runs;

const report = await ask(
  {
    type: 'report',
    keys: leases.map((l) => [l.credential, createdAt.get(l)]),
    intervalMs: INTERVAL,
    toleranceMs: TOLERANCE,
    endAt,
  },
  'report',
);
const cpuMs = (cpu.user + cpu.system) / 1000;
print(
  `steady: ${fmt((endAt - steadyStart) / MIN)} protocol min in ${fmt(realSteady / 1000, 1)} s real (speed ${SPEED}); ` +
    `${fmt(runs)} renewals run, ${fmt(counts.renewFailed)} failed, ${fmt(counts.recreated)} keys recreated, ${fmt(counts.expired)} expired`,
);
print(
  `renewals on time: ${fmt(report.onTime)} of ${fmt(report.onTime + report.lateRenewals)} keepalives seen by the simulator ` +
    `(${fmt((100 * report.onTime) / Math.max(1, report.onTime + report.lateRenewals), 2)} %); keys always renewed in time: ` +
    `${fmt(N - report.lateKeys)} of ${fmt(N)}; gap between keepalives ${fmt(report.minGap / MIN, 1)}–${fmt(report.maxGap / MIN, 1)} min`,
);
print(
  `scheduler: ${s.jobs} jobs, ${s.timersArmed} timers armed in total (one at a time), max in flight ${s.maxInFlight}, ` +
    `start lateness max ${fmt(s.maxLatenessMs / 1000, 1)} protocol s (${fmt(s.maxLatenessMs / SPEED, 1)} ms real), ` +
    `late (>5 s) ${fmt(s.late)}, deferred by cap ${fmt(s.deferredByCap)}, by rate limit ${fmt(s.deferredByRateLimit)}`,
);
print(
  `CPU (lease side, simulator excluded): ${fmt(cpuMs)} ms over ${fmt(realSteady / 1000, 1)} s = ` +
    `${fmt((100 * cpuMs) / realSteady, 1)} % of one core; ${fmt((cpuMs * 1000) / Math.max(1, runs), 1)} µs per renewal; ` +
    `= ${fmt(cpuMs / ((endAt - steadyStart) / 3_600_000) / 1000, 2)} CPU-s per protocol hour for ${fmt(N)} keys. ` +
    `event loop delay p99 ${fmt(loop.percentile(99) / 1e6, 1)} ms`,
);
print(
  `memory: heapUsed ${fmt(process.memoryUsage().heapUsed / 2 ** 20, 1)} MiB, rss ${fmt(process.memoryUsage().rss / 2 ** 20, 1)} MiB`,
);

scheduler.close();
await agent.close();
const exited = new Promise((resolve) => child.once('exit', resolve));
child.send({ type: 'close' });
await exited;
