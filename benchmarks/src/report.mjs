// Renders benchmarks/RESULTS.md from the figures of one `pnpm bench` run.
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { CLIENTS } from './clients.mjs';
import { PATHS } from './paths.mjs';
import { fmt } from './stats.mjs';

const SIGNALS = {
  gaps: 'gap',
  reconnects: 'reconnected',
  errors: 'error',
  unhandledRejections: '**unhandled rejection**',
  uncaughtExceptions: '**uncaught exception**',
};

/** `gap ×1, reconnected ×1` from a client's counted signals; `nothing` when there were none. */
function signals(markers) {
  const parts = [];
  for (const [key, name] of Object.entries(SIGNALS)) {
    if (markers[key] > 0) parts.push(`${name} ×${fmt(markers[key])}`);
  }
  return parts.length ? parts.join(', ') : 'nothing';
}

const label = (id) => CLIENTS.find((c) => c.id === id)?.label ?? id;

export function renderResults({
  results,
  runs,
  latencyRuns,
  count,
  fault,
  latency,
  elapsed,
  rivalVersions,
  loadBefore,
}) {
  const cpu = cpus();
  const lines = [];
  const out = (line = '') => lines.push(line);
  out('# Benchmark results');
  out();
  out('Written by `pnpm bench` (benchmarks/src/run.mjs); do not edit by hand. Each figure is the median');
  out(`of ${runs} runs (latency: ${latencyRuns}). Every client and every simulator runs in its own process.`);
  out();
  out(
    `- machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ${platform()} ${release()}`,
  );
  out(`- Node ${process.version}`);
  out(`- date: ${new Date().toISOString()}`);
  out(
    `- rivals (npm, pinned): ${Object.entries(rivalVersions)
      .map(([n, v]) => `\`${n}@${v}\``)
      .join(', ')}`,
  );
  out(`- full run took ${fmt(elapsed / 60, 1)} min`);
  out(
    `- load average (1 min) before / after: ${fmt(loadBefore, 2)} / ${fmt(loadavg()[0], 2)} (other jobs share the machine)`,
  );
  out();

  if (results.throughput.length) {
    out('## Summary');
    out();
    out('Events/s through the full pipeline as a share of the bare `ws` + `JSON.parse` client on the same');
    out('stream (issue #5 aims for >= 0.8 with validation, ordering and dedupe), next to the fastest rival:');
    out();
    out("Each cell: events/s ÷ bare, then bare's CPU per event ÷ the client's (1.00 = as cheap as bare).");
    out();
    out('| path | userstream `@userstream/stream` | `openUserDataStream` | fastest rival (by events/s) |');
    out('| --- | ---: | ---: | --- |');
    for (const path of Object.keys(PATHS)) {
      const rows = results.throughput.filter((t) => t.path === path);
      const bareRow = rows.find((t) => t.client === 'bare');
      const bare = bareRow?.eventsPerSec;
      if (!bare) continue;
      const shares = (t) => `${fmt(t.eventsPerSec / bare, 2)} · ${fmt(bareRow.cpuMsPer1k / t.cpuMsPer1k, 2)}`;
      const share = (id) => {
        const t = rows.find((r) => r.client === id);
        return t?.eventsPerSec ? shares(t) : '–';
      };
      const rivals = rows
        .filter((t) => CLIENTS.find((c) => c.id === t.client)?.rival && t.eventsPerSec)
        .sort((a, b) => b.eventsPerSec - a.eventsPerSec);
      const best = rivals[0] ? `${label(rivals[0].client)}: ${shares(rivals[0])}` : '–';
      out(`| ${PATHS[path].label} | ${share('userstream')} | ${share('userstream-keepalive')} | ${best} |`);
    }
    out();
    out('The machine is shared (2 cores, other jobs running), so single runs vary by ±20 %; the');
    out('medians below are what to compare, and CPU per event is steadier than events/s.');
    out();
    out('## Event delivery');
    out();
    out(
      `The simulator pushes a burst of ${fmt(count)} events into one user data stream as fast as the socket`,
    );
    out(
      'drains; the client counts the events that reach user code. events/s from the first to the last event',
    );
    out('seen; CPU is the client process (`process.cpuUsage`) from just before the burst to the last event;');
    out('peak RSS is `maxRSS` of the client process. Ratio = events/s ÷ the bare client on the same path;');
    out("CPU × bare = CPU per event ÷ the bare client's (the simulator paces every burst, so when a client");
    out('keeps up, CPU per event is the sharper comparison). A warm-up burst precedes each measured one.');
    out('The slowest rivals get a smaller burst (they would take minutes): the count column shows it.');
    out();
    for (const path of Object.keys(PATHS)) {
      const rows = results.throughput.filter((t) => t.path === path);
      if (!rows.length) continue;
      const bare = rows.find((t) => t.client === 'bare');
      out(`### ${PATHS[path].label} (\`${PATHS[path].venue}\`)`);
      out();
      out(
        '| client | events delivered | events/s | ratio to bare | CPU ms / 1,000 events | CPU × bare | peak RSS MiB |',
      );
      out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const t of rows) {
        const delivered = t.complete
          ? `${fmt(t.expected)} of ${fmt(t.expected)}`
          : `**${t.counts.map((c) => fmt(c)).join(' / ')}** of ${fmt(t.expected)}${t.distinct.some((d, i) => d !== t.counts[i]) ? ` (distinct ${t.distinct.map((d) => fmt(d)).join(' / ')})` : ''}`;
        const userSaw = t.userDelivered?.length
          ? ` (user code got ${t.userDelivered.map((n) => fmt(n)).join(' / ')} \`watchOrders\` results)`
          : '';
        const ratio = bare?.eventsPerSec && t.eventsPerSec ? t.eventsPerSec / bare.eventsPerSec : undefined;
        const cpuRatio = bare?.cpuMsPer1k ? t.cpuMsPer1k / bare.cpuMsPer1k : undefined;
        out(
          `| ${label(t.client)} | ${delivered}${userSaw} | ${fmt(t.eventsPerSec)} | ${fmt(ratio, 2)} | ${fmt(t.cpuMsPer1k, 2)} | ${fmt(cpuRatio, 2)} | ${fmt(t.maxRssMiB, 0)} |`,
        );
      }
      out();
    }
  }

  if (results.latency.length) {
    out('## Latency from `E` to the callback');
    out();
    out(
      `A steady ${latency.ratePerSec} events/s for ${fmt(latency.durationMs / 1000, 0)} s (a rate every client follows), latency = the`,
    );
    out(
      "callback's wall clock minus the event's `E`. `E` has 1 ms resolution (the simulator's `Date.now()`),",
    );
    out('so figures below 1 ms mean "within the same millisecond or the next".');
    out();
    out('| client | path | p50 ms | p99 ms | events seen/sent |');
    out('| --- | --- | ---: | ---: | --- |');
    for (const l of results.latency) {
      out(`| ${label(l.client)} | ${l.path} | ${fmt(l.p50, 2)} | ${fmt(l.p99, 2)} | ${l.count} |`);
    }
    out();
  }

  if (results.faults.length) {
    out('## Faults');
    out();
    out(
      `A steady ${fault.ratePerSec} events/s; after ${fmt(fault.beforeMs / 1000, 1)} s one fault hits the stream, and the load goes on`,
    );
    out('for the window shown. Lost = events the simulator sent that never reached user code; duplicated =');
    out('events delivered more than once; "first new event" = time from the fault to the first event');
    out('generated after it reaching user code ("never" = not within the window). "What the user was');
    out('told": the signals the client gave user code (`gap`, `reconnected` events, errors thrown or');
    out('emitted), and promise rejections it let escape (each would end a Node process that has no');
    out("`unhandledRejection` handler: Node's default). Every client runs with default settings.");
    out();
    out('- **drop**: the TCP connection is destroyed (`sim.faults.drop({ mode: "terminate" })`).');
    out('- **stall**: the connection goes silent, half-open: no data, no pings, no pongs, never released.');
    out('- **expire**: the listenKey lapses (`listenKeyExpired`, the stream closed); listenKey paths only.');
    out();
    out(
      '| client | path | fault | sent | lost | duplicated | first new event after | what the user was told |',
    );
    out('| --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
    for (const f of results.faults) {
      const recovered =
        f.recoveryMs === undefined
          ? `never (${fmt(f.windowMs / 1000, 0)} s window)`
          : `${fmt(f.recoveryMs)} ms`;
      const told = signals(f.markers);
      out(
        `| ${label(f.client)} | ${f.path} | ${f.fault} | ${fmt(f.sent)} | ${fmt(f.lost)} | ${fmt(f.duplicated)} | ${recovered} | ${told} |`,
      );
    }
    out();
  }

  if (results.scale) {
    const s = results.scale;
    out('## Scale');
    out();
    out(`### ${fmt(s.streams)} concurrent idle streams`);
    out();
    out('One process opens one USD-M listenKey stream per account (each its own key and connection),');
    out('then idles; memory per stream is the growth of the heap (and of RSS) divided by the streams,');
    out('after GC, keys created before the baseline. The keepalive row is a managed stream per');
    out('account on one shared scheduler: lease, store record, REST client and stream together.');
    out();
    out(
      '| client | streams | heap bytes / stream | RSS bytes / stream | idle CPU ms per s | open all (ms) |',
    );
    out('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of s.idle) {
      if (r.error) out(`| ${label(r.client)} | failed: ${r.error} | | | | |`);
      else
        out(
          `| ${label(r.client)} | ${fmt(r.streams)} | ${fmt(r.heapPerStream)} | ${fmt(r.rssPerStream)} | ${fmt(r.idleCpuMsPerSec, 2)} | ${fmt(r.openMs)} |`,
        );
    }
    out();
    out(`### ${fmt(s.leases)} listenKey leases in one process`);
    out();
    out('`packages/keepalive/bench/leases.mjs` (one scheduler, the simulator in a child process, a');
    out(`compressed clock), run with SPEED=${s.leaseSpeed} CYCLES=${s.leaseCycles}, its output verbatim.`);
    out();
    out('```');
    for (const line of s.leaseLines) out(line);
    out('```');
    out();
  }

  if (results.pointedBy.length) {
    out('## How each rival is pointed at the simulator');
    out();
    out('Only options, fields and methods of the SDK as installed; nothing in its package is edited.');
    out();
    out('| client | how |');
    out('| --- | --- |');
    for (const p of results.pointedBy) out(`| ${label(p.client)} | ${p.how} |`);
    out();
  }
  if (results.unsupported.length) {
    out('## Rivals and paths not measured, and why');
    out();
    out('| client | path | why |');
    out('| --- | --- | --- |');
    for (const u of results.unsupported) out(`| ${u.label} | ${u.path} | ${u.reason} |`);
    out();
  }
  if (results.failures.length) {
    out('## Failures in this run');
    out();
    for (const f of results.failures) out(`- ${label(f.client)}, ${f.what}: ${f.error}`);
    out();
  }
  return `${lines.join('\n')}\n`;
}
