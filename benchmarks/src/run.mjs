// `pnpm bench`: every figure, median over several runs, written to benchmarks/RESULTS.md.
// `pnpm --filter @userstream/benchmarks bench:smoke`: a small run for CI (no rivals, no network,
// under a minute) that fails when a client delivers the wrong number of events.
//
//   node --expose-gc src/run.mjs [--smoke] [--runs 3] [--count 100000] [--clients bare,userstream]
//                                [--sections throughput,latency,faults,scale] [--profiles burst,flat]
//                                [--paths spot-listenkey,usdm-listenkey] [--no-rivals] [--out RESULTS.md]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLIENTS, loadClient } from './clients.mjs';
import { measureBurst, measureFault, measureLatency, PROFILES } from './harness.mjs';
import { PATHS } from './paths.mjs';
import { renderResults } from './report.mjs';
import { installRivals, RIVAL_VERSIONS } from './rivals.mjs';
import { runScale } from './scale.mjs';
import { median } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    runs: { type: 'string' },
    count: { type: 'string' },
    clients: { type: 'string' },
    sections: { type: 'string' },
    profiles: { type: 'string' },
    paths: { type: 'string' },
    'no-rivals': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const smoke = args.smoke;
const RUNS = Number(args.runs ?? (smoke ? 1 : 5));
/** Latency runs are long (a steady load) and steadier: at most three. */
const LATENCY_RUNS = Math.min(RUNS, 3);
const COUNT = Number(args.count ?? (smoke ? 20_000 : 100_000));
const sections = new Set(
  (args.sections ?? (smoke ? 'throughput,faults' : 'throughput,latency,faults,scale')).split(','),
);
const print = (line = '') => process.stdout.write(`${line}\n`);
const started = Date.now();
const loadBefore = loadavg()[0];

// Faults: steady load, then the fault; the window after it is long enough for a client with
// default heartbeat settings to notice a stalled (half-open) connection.
const FAULT = {
  ratePerSec: 500,
  beforeMs: 1500,
  afterMs: { drop: 8000, stall: 35_000, expire: 8000 },
};
/** The paced profile: a rate every client follows (issue 17: 5,000 events/s). */
const LATENCY = { ratePerSec: 5000, durationMs: 5000, warmMs: 1000 };
/** Throughput load shapes (harness.mjs PROFILES); the smoke runs the same-E burst only. */
const profiles = (args.profiles ?? (smoke ? 'burst' : 'burst,flat')).split(',');
for (const p of profiles) if (!PROFILES[p]) throw new Error(`unknown profile '${p}'`);
/** Which stream paths to measure (paths.mjs ids); all by default. A filter, for profiling one path. */
const pathIds = args.paths ? args.paths.split(',') : Object.keys(PATHS);
for (const p of pathIds)
  if (!PATHS[p]) throw new Error(`unknown path '${p}'; known: ${Object.keys(PATHS).join(', ')}`);

let wanted = smoke
  ? ['bare', 'userstream', 'userstream-keepalive', 'userstream-iterator']
  : CLIENTS.map((c) => c.id);
if (args.clients) wanted = args.clients.split(',');
if (args['no-rivals']) wanted = wanted.filter((id) => !CLIENTS.find((c) => c.id === id)?.rival);

const results = {
  throughput: [],
  latency: [],
  faults: [],
  unsupported: [],
  failures: [],
  pointedBy: [],
  scale: undefined,
};

// --- which clients, on which paths --------------------------------------------------------------
let rivalsInstalled = false;
if (!smoke && wanted.some((id) => CLIENTS.find((c) => c.id === id)?.rival)) {
  print('installing rivals into benchmarks/.rivals (npm, pinned versions) …');
  installRivals((line) => print(`  ${line}`));
  rivalsInstalled = true;
}
const clients = [];
for (const id of wanted) {
  const meta = CLIENTS.find((c) => c.id === id);
  if (!meta) throw new Error(`unknown client '${id}'; known: ${CLIENTS.map((c) => c.id).join(', ')}`);
  const adapter = await loadClient(id);
  for (const [path, reason] of Object.entries(adapter.unsupported ?? {})) {
    results.unsupported.push({ client: id, label: meta.label, path, reason });
  }
  if (adapter.pointedBy) results.pointedBy.push({ client: id, how: adapter.pointedBy });
  clients.push({
    ...meta,
    paths: adapter.paths,
    faultPath: adapter.faultPath ?? adapter.paths[0],
    maxBurst: adapter.maxBurst,
    faults: adapter.faults,
  });
}

/** What failed once (client and measurement): later runs skip it instead of waiting out its timeout again. */
const failedOnce = new Set();

async function attempt(what, client, fn) {
  const key = `${client}|${what}`;
  if (failedOnce.has(key)) {
    print(`  ! ${client} ${what}: skipped (failed in an earlier run)`);
    return undefined;
  }
  try {
    return await fn();
  } catch (error) {
    failedOnce.add(key);
    const message = String(error?.message ?? error)
      .split('\n')
      .slice(0, 3)
      .join(' ');
    print(`  ! ${client} ${what}: ${message}`);
    results.failures.push({ client, what, error: message });
    return undefined;
  }
}

// --- throughput --------------------------------------------------------------------------------
if (sections.has('throughput')) {
  print(
    `\nthroughput: bursts of ${COUNT.toLocaleString('en-US')} events (${profiles.join(', ')}), ${RUNS} run(s) each`,
  );
  const runs = new Map();
  // Rounds interleave clients and profiles, so a burst of load from other jobs hits them alike.
  for (let r = 0; r < RUNS; r++) {
    for (const profile of profiles) {
      for (const path of pathIds) {
        for (const c of clients) {
          if (!c.paths.includes(path)) continue;
          const count = Math.min(COUNT, c.maxBurst ?? COUNT);
          const m = await attempt(`throughput ${profile} ${path}`, c.id, () =>
            measureBurst({ client: c.id, path, count, profile }),
          );
          if (!m) continue;
          print(
            `  run ${r + 1} ${profile.padEnd(5)} ${path.padEnd(15)} ${c.id.padEnd(22)} ${m.count}/${m.expected} events` +
              `${m.lost || m.duplicated ? ` (lost ${m.lost}, duplicated ${m.duplicated})` : ''}, ` +
              `${Math.round(m.eventsPerSec ?? 0).toLocaleString('en-US')} ev/s, ${m.cpuMsPer1k.toFixed(2)} CPU ms/1k, ` +
              `${Math.round(m.maxRssMiB)} MiB`,
          );
          const key = `${c.id}|${path}|${profile}`;
          if (!runs.has(key)) runs.set(key, []);
          runs.get(key).push(m);
        }
      }
    }
  }
  for (const [key, list] of runs) {
    const [client, path, profile] = key.split('|');
    results.throughput.push({
      client,
      path,
      profile,
      runs: list.length,
      expected: list[0].expected,
      complete: list.every((m) => m.complete),
      counts: list.map((m) => m.count),
      lost: list.map((m) => m.lost),
      duplicated: list.map((m) => m.duplicated),
      eventsPerSec: median(list.map((m) => m.eventsPerSec)),
      cpuMsPer1k: median(list.map((m) => m.cpuMsPer1k)),
      maxRssMiB: median(list.map((m) => m.maxRssMiB)),
      userDelivered: list.map((m) => m.markers.userDelivered).filter((n) => n !== undefined),
    });
  }
}

// --- latency -----------------------------------------------------------------------------------
if (sections.has('latency')) {
  print(
    `\nlatency: ${LATENCY.ratePerSec} events/s for ${LATENCY.durationMs} ms after ${LATENCY.warmMs} ms unmeasured, ${LATENCY_RUNS} run(s) each`,
  );
  const runs = new Map();
  for (let r = 0; r < LATENCY_RUNS; r++) {
    for (const path of pathIds) {
      for (const c of clients) {
        if (!c.paths.includes(path)) continue;
        const m = await attempt(`latency ${path}`, c.id, () =>
          measureLatency({ client: c.id, path, ...LATENCY }),
        );
        if (!m) continue;
        print(
          `  run ${r + 1} ${path.padEnd(15)} ${c.id.padEnd(22)} p50 ${m.p50?.toFixed(2)} ms, p99 ${m.p99?.toFixed(2)} ms, ` +
            `${m.cpuMsPer1k.toFixed(2)} CPU ms/1k (${m.count}/${m.sent})`,
        );
        const key = `${c.id}|${path}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(m);
      }
    }
  }
  for (const [key, list] of runs) {
    const [client, path] = key.split('|');
    results.latency.push({
      client,
      path,
      p50: median(list.map((m) => m.p50)),
      p99: median(list.map((m) => m.p99)),
      cpuMsPer1k: median(list.map((m) => m.cpuMsPer1k)),
      maxRssMiB: median(list.map((m) => m.maxRssMiB)),
      complete: list.every((m) => m.count === m.sent),
      count: list.map((m) => `${m.count}/${m.sent}`).join(', '),
    });
  }
}

// --- faults ------------------------------------------------------------------------------------
if (sections.has('faults')) {
  const faultClients = smoke ? clients.filter((c) => c.id === 'userstream') : clients;
  const faults = smoke ? ['drop'] : ['drop', 'stall', 'expire'];
  print(`\nfaults: ${FAULT.ratePerSec} events/s, the fault after ${FAULT.beforeMs} ms`);
  for (const c of faultClients) {
    for (const fault of faults) {
      if (c.faults && !c.faults.includes(fault)) continue;
      const path = c.faultPath;
      if (fault === 'expire' && PATHS[path].protocol !== 'listenKey') continue;
      const m = await attempt(`fault ${fault}`, c.id, () =>
        measureFault({
          client: c.id,
          path,
          fault,
          ratePerSec: FAULT.ratePerSec,
          beforeMs: FAULT.beforeMs,
          afterMs: FAULT.afterMs[fault],
        }),
      );
      if (!m) continue;
      print(
        `  ${c.id.padEnd(22)} ${fault.padEnd(6)} ${path}: sent ${m.sent}, lost ${m.lost}, duplicated ${m.duplicated}, ` +
          `first new event after ${m.recoveryMs === undefined ? 'never' : `${Math.round(m.recoveryMs)} ms`}, ` +
          `gaps ${m.markers.gaps}, reconnects ${m.markers.reconnects}`,
      );
      results.faults.push({ ...m, windowMs: FAULT.afterMs[fault] });
    }
  }
}

// --- scale -------------------------------------------------------------------------------------
if (sections.has('scale')) {
  results.scale = await attempt('scale', 'scale', () =>
    runScale({ clients: clients.map((c) => c.id), print }),
  );
}

const elapsed = (Date.now() - started) / 1000;
print(`\ndone in ${elapsed.toFixed(0)} s`);

// --- verdict -----------------------------------------------------------------------------------
const own = new Set(['bare', 'userstream', 'userstream-keepalive', 'userstream-iterator']);
const wrong = results.throughput.filter((t) => own.has(t.client) && !t.complete);
const ownFailures = results.failures.filter((f) => own.has(f.client));
if (smoke) {
  const expectedClients = clients.filter((c) => own.has(c.id)).map((c) => c.id);
  const missing = expectedClients.filter((id) => !results.throughput.some((t) => t.client === id));
  const recovered = results.faults.filter((f) => f.client === 'userstream');
  const badFault = recovered.filter(
    (f) => f.recoveryMs === undefined || f.duplicated > 0 || (f.lost > 0 && f.markers.gaps === 0),
  );
  if (wrong.length || ownFailures.length || missing.length || badFault.length) {
    for (const t of wrong)
      print(
        `FAIL ${t.client} ${t.path} ${t.profile}: delivered ${t.counts} of ${t.expected} (lost ${t.lost}, duplicated ${t.duplicated})`,
      );
    for (const f of ownFailures) print(`FAIL ${f.client} ${f.what}: ${f.error}`);
    for (const id of missing) print(`FAIL ${id}: no throughput figure`);
    for (const f of badFault)
      print(
        `FAIL ${f.client} ${f.fault}: lost ${f.lost} (gaps ${f.markers.gaps}), duplicated ${f.duplicated}, recovered ${f.recoveryMs !== undefined}`,
      );
    process.exit(1);
  }
  print('smoke: every client delivered every event of a same-E burst exactly once');
  process.exit(0);
}

const out = args.out ?? fileURLToPath(new URL('../RESULTS.md', import.meta.url));
writeFileSync(
  out,
  renderResults({
    results,
    runs: RUNS,
    latencyRuns: LATENCY_RUNS,
    loadBefore,
    count: COUNT,
    fault: FAULT,
    latency: LATENCY,
    profiles,
    elapsed,
    rivalsInstalled,
    rivalVersions: RIVAL_VERSIONS,
  }),
);
print(`wrote ${out}`);
if (wrong.length) {
  for (const t of wrong) print(`WARNING ${t.client} ${t.path}: delivered ${t.counts} of ${t.expected}`);
  process.exitCode = 1;
}
