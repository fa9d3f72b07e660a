// One client under test, in its own process. Forked by harness.mjs with a JSON config; the client
// adapter (./clients/<name>.mjs) opens a user data stream and calls `onEvent(E)` from the user
// callback for every event that reaches user code. Counts, CPU, RSS and latencies go back over IPC.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getVenue, withBaseUrls } from '@userstream/core';
import { PATHS } from './paths.mjs';

const config = JSON.parse(process.argv[2]);
const adapter = await import(`./clients/${config.client}.mjs`);
const path = PATHS[config.path];

const capacity = config.capacity ?? 1_000_000;
const Es = new Float64Array(capacity);
const at = new Float64Array(capacity);
let n = 0;
let expected = Number.POSITIVE_INFINITY;
let cpu0 = process.cpuUsage();
let finished = false;
const markers = { reconnects: 0, gaps: 0, errors: 0 };

function onEvent(E) {
  const now = performance.now();
  if (n < capacity) {
    Es[n] = Number(E);
    at[n] = now;
  }
  n++;
  if (n >= expected && !finished) {
    finished = true;
    // Let the callback return before reporting: the report is not part of the measured work.
    setImmediate(() => process.send({ type: 'done', ...summary(false) }));
  }
}

/** Lifecycle signals a client gives its user (reconnect, gap), counted for the fault table. */
function onSignal(kind, amount = 1) {
  markers[kind] = (markers[kind] ?? 0) + amount;
}

function summary(withEvents) {
  const cpu = process.cpuUsage(cpu0);
  const m = Math.min(n, capacity);
  const sorted = Float64Array.from(Es.subarray(0, m)).sort();
  let distinct = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const latencies = new Float64Array(m);
  const origin = performance.timeOrigin;
  for (let i = 0; i < m; i++) latencies[i] = origin + at[i] - Es[i];
  latencies.sort();
  const out = {
    count: n,
    distinct,
    firstAt: m > 0 ? origin + at[0] : undefined,
    lastAt: m > 0 ? origin + at[m - 1] : undefined,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: process.memoryUsage().rss,
    latencyP50: m > 0 ? latencies[Math.max(0, Math.ceil(0.5 * m) - 1)] : undefined,
    latencyP99: m > 0 ? latencies[Math.max(0, Math.ceil(0.99 * m) - 1)] : undefined,
    markers,
  };
  if (withEvents) {
    out.events = Array.from(Es.subarray(0, m));
    out.receivedAt = Array.from(at.subarray(0, m), (t) => origin + t);
  }
  return out;
}

// A rival that lets a promise rejection escape would end a default Node process; count it and go
// on, so the figures of the rest of the run still come in (the fault table reports the count).
process.on('unhandledRejection', () => onSignal('unhandledRejections'));
process.on('uncaughtException', () => onSignal('uncaughtExceptions'));

const rivalsDir = fileURLToPath(new URL('../.rivals/', import.meta.url));
const context = {
  path: config.path,
  venueId: path.venue,
  protocol: path.protocol,
  urls: config.urls,
  account: config.account,
  options: config.options ?? {},
  /** A core venue profile pointed at the simulator (what `sim.venue(id)` returns). */
  venue: simVenue(path.venue, config.urls),
  /** `require` rooted in benchmarks/.rivals, where the rival SDKs are installed. */
  requireRival: createRequire(`${rivalsDir}package.json`),
  onEvent,
  onSignal,
};

function simVenue(id, urls) {
  const profile = getVenue(id);
  const stream = profile.streamBaseUrl
    ? urls.ws + new URL(profile.streamBaseUrl).pathname.replace(/\/+$/, '')
    : undefined;
  return withBaseUrls(profile, { rest: urls.rest, stream, wsApi: urls.wsApi });
}

/**
 * BENCH_PROFILE_DIR: a CPU profile of the measured span only (from `go` to the report), so the
 * imports, the connection and the report are not in it (`--cpu-prof` profiles the whole process).
 * BENCH_PROFILE_INTERVAL_US sets the sampling interval (default 100 µs).
 */
const profileDir = process.env.BENCH_PROFILE_DIR;
let profiler;
let profiling = false;
function startProfile() {
  if (!profileDir || profiling) return;
  if (!profiler) {
    profiler = new Session();
    profiler.connect();
    profiler.post('Profiler.enable');
  }
  const interval = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 100);
  profiler.post('Profiler.setSamplingInterval', { interval });
  profiler.post('Profiler.start');
  profiling = true;
}
function stopProfile() {
  if (!profiling) return;
  profiling = false;
  // The in-process inspector answers synchronously: the file is written before the report goes.
  profiler.post('Profiler.stop', (error, result) => {
    if (error) return;
    const file = `${profileDir}/${config.client}-${config.path}-${process.pid}-${Date.now()}.cpuprofile`;
    writeFileSync(file, JSON.stringify(result.profile));
  });
}

let handle;
try {
  handle = await adapter.open(context);
} catch (error) {
  process.send({ type: 'failed', error: String(error?.stack ?? error) });
  setTimeout(() => process.exit(1), 100);
}
if (handle) process.send({ type: 'open' });

process.on('message', async (msg) => {
  if (msg.cmd === 'go') {
    n = 0;
    finished = false;
    for (const k of Object.keys(markers)) markers[k] = 0;
    handle?.reset?.();
    expected = msg.expected ?? Number.POSITIVE_INFINITY;
    if (globalThis.gc) globalThis.gc();
    startProfile();
    cpu0 = process.cpuUsage();
    process.send({ type: 'armed' });
  } else if (msg.cmd === 'progress') {
    process.send({ type: 'progress', count: n });
  } else if (msg.cmd === 'report') {
    finished = true;
    const out = summary(msg.events === true);
    stopProfile();
    process.send({ type: 'report', ...out });
  } else if (msg.cmd === 'close') {
    // Rivals may keep timers alive: give close() a moment, then leave regardless.
    setTimeout(() => process.exit(0), 2000).unref();
    try {
      await handle?.close();
    } catch {}
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
