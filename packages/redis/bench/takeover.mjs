// Benchmark (not a test): how long a fleet takes to take over a killed worker's streams (about
// STREAMS, default 2,500, of 2 × STREAMS accounts over two workers) on Binance USD-M, against the
// bound the venue's request weight sets (takeoverBound(): ownership TTL + reconcile interval +
// streams × create weight ÷ weight per second; 2,400/min and weight 1 on USD-M). Real time, a real
// redis-server, the simulator in a child process (it enforces the same weights).
//
// Two workers open every stream (at the profile's default pace, fleet-wide): the survivor in this
// process, the victim in a child process. Then the victim is killed with SIGKILL (a crash: no
// close, nothing released, its sockets reset by the kernel): the takeover is timed from the kill
// until every one of its streams is open on the survivor. Also printed: the survivor's pace per
// 10 s window, its CPU and event-loop delay during the takeover, and claims refused.
//
//   pnpm --filter @userstream/redis build && node bench/takeover.mjs
//   STREAMS=500 node bench/takeover.mjs
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openUserDataStream } from '@userstream/keepalive';
import { createFleetWorker, takeoverBound, venueOpenRate } from '../dist/index.js';
import { fmt, print, secs, startRedis, startSim, startWorkerChild, until } from './setup.mjs';

const STREAMS = Number(process.env.STREAMS ?? 2_500);
const VENUE = 'binance-usdm';
const ACCOUNTS = 2 * STREAMS;
/** The same for both workers (JSON: the child gets it over IPC). */
const OPTIONS = {
  openConcurrency: Number(process.env.OPEN_CONCURRENCY ?? 32),
  sink: false,
  rest: { timeoutMs: 30_000 },
};

const redis = await startRedis('takeover');
const sim = await startSim({ n: ACCOUNTS, venues: [VENUE] });
const venue = sim.venues[VENUE];

const warnings = new Map();
/** How long each of the survivor's stream opens took (claim, listenKey POST, connect), in ms. */
const openMs = [];
const timedOpen = async (options) => {
  const t = performance.now();
  try {
    return await openUserDataStream(options);
  } finally {
    openMs.push(performance.now() - t);
  }
};
const survivor = createFleetWorker({
  openStream: timedOpen,
  ...OPTIONS,
  redis: redis.client(),
  workerId: 'survivor',
  accounts: sim.accounts,
});
/** Streams the survivor lost (its own ownership lapsed: renewals too late), after the kill. */
let lostStreams = 0;
survivor.on('lost', () => {
  lostStreams++;
});
survivor.on('warning', ({ error }) =>
  warnings.set(error.code ?? error.name, (warnings.get(error.code ?? error.name) ?? 0) + 1),
);
const rate = venueOpenRate(venue);
let t0 = performance.now();
const victim = await startWorkerChild({
  port: redis.port,
  workerId: 'victim',
  accounts: sim.accounts,
  options: OPTIONS,
});
await survivor.start();
// Settled: every stream open once, each on the worker rendezvous gives it (no planned move left).
const settled = () => {
  const [s, v] = [survivor.stats, victim.stats];
  if (s.owned + v.owned !== ACCOUNTS || s.opening + v.opening > 0) return false;
  const mine = new Set(survivor.assigned()); // 5,000 hashes: only once the counts add up
  return mine.size === s.owned && survivor.owned().every((id) => mine.has(id));
};
await until(settled, 30 * 60_000, 'every stream open on its rendezvous owner');
print(
  `takeover: ${fmt(ACCOUNTS)} ${VENUE} streams over 2 workers (the victim in a child process), a real redis-server`,
);
print(
  `  all open after ${secs(performance.now() - t0)} (default pace from the profile: ${fmt(rate, 1)} opens/s fleet-wide)`,
);
const victims = await victim.owned();
const onSurvivor = () => victims.filter((id) => survivor.stream(id)?.state === 'open').length;
const refused0 = survivor.stats.refusedClaims;
const delay = monitorEventLoopDelay({ resolution: 10 });
const cpu0 = process.cpuUsage();
const opens0 = openMs.length;
const killedAt = performance.now();
const lost0 = lostStreams;
await victim.kill();
delay.enable();
let first;
let half;
const windows = [];
let windowStart = killedAt;
let windowCount = 0;
await until(
  () => {
    const n = onSurvivor();
    const now = performance.now();
    if (first === undefined && n > 0) first = now - killedAt;
    if (half === undefined && n >= victims.length / 2) half = now - killedAt;
    if (now - windowStart >= 10_000) {
      windows.push(n - windowCount);
      const st = survivor.stats;
      process.stderr.write(
        `  +${secs(now - killedAt)}: ${n} of ${victims.length} taken over (owned ${st.owned}, opening ${st.opening}, refused ${st.refusedClaims - refused0}, opens timed ${openMs.length - opens0})\n`,
      );
      windowStart = now;
      windowCount = n;
    }
    return n === victims.length;
  },
  30 * 60_000,
  'every stream of the dead worker open on the survivor',
);
const all = performance.now() - killedAt;
delay.disable();
const cpu = process.cpuUsage(cpu0);
const bound = takeoverBound({ venue, streams: victims.length });
print(
  `  bound the venue sets for the dead worker's ${fmt(victims.length)} streams: ${secs(bound.boundMs)} = ownership TTL 5 s + reconcile 1 s + ${fmt(victims.length)} creates at ${fmt(bound.limitOpensPerSecond)}/s (${secs(bound.rateMs)})`,
);
print(
  `  taken over: first after ${secs(first)}, half after ${secs(half)}, all after ${secs(all)} = ${fmt(all / bound.boundMs, 2)}× the bound`,
);
print(
  `  opens per 10 s window after the kill: ${windows.map((n) => fmt(n)).join(' ')} (then ${fmt(victims.length - windowCount)})`,
);
print(
  `  survivor process during the takeover: CPU ${secs((cpu.user + cpu.system) / 1000)} of ${secs(all)}, event-loop delay p50 ${fmt(delay.percentile(50) / 1e6, 1)} ms, p99 ${fmt(delay.percentile(99) / 1e6, 1)} ms, max ${fmt(delay.max / 1e6)} ms`,
);
const took = openMs.slice(opens0).sort((a, b) => a - b);
const pct = (p) => took[Math.min(took.length - 1, Math.floor((p / 100) * took.length))] ?? 0;
print(
  `  the survivor's ${fmt(took.length)} opens during the takeover took p50 ${fmt(pct(50))} ms, p90 ${fmt(pct(90))} ms, max ${fmt(pct(100))} ms each (claim, POST, connect; ${OPTIONS.openConcurrency} at once)`,
);
print(
  `  streams the survivor lost during the takeover (its own renewals late): ${fmt(lostStreams - lost0)}; claims refused while the victim's ownership lasted: ${fmt(survivor.stats.refusedClaims - refused0)}; warnings: ${[...warnings].map(([code, n]) => `${code} ×${n}`).join(', ') || 'none'}`,
);

t0 = performance.now();
await survivor.close({ release: false });
await sim.close();
await redis.stop();
