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
  profiles,
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

  const OURS = ['userstream', 'userstream-keepalive', 'userstream-iterator'];
  const isRival = (id) => CLIENTS.find((c) => c.id === id)?.rival === true;
  if (results.throughput.length || results.latency.length) {
    out('## Summary');
    out();
    out('Issue 17 targets, as ratios to the bare `ws` + `JSON.parse` client on the same stream in the same');
    out('run, with validation, `E` order and dedupe on: events/s >= 0.9x bare and CPU per event <= 1.15x');
    out('bare on every path in both throughput profiles; paced at 5,000 events/s, CPU <= 1.2x bare and p99');
    out('`E` to callback within 2 ms of bare; peak RSS <= bare + 30 MiB. Each cell: events/s ÷ bare ·');
    out('CPU per event ÷ bare · peak RSS − bare (MiB). The fastest rival is the one with most events/s.');
    out();
  }
  for (const profile of profiles ?? []) {
    const rowsOf = (path) => results.throughput.filter((t) => t.path === path && t.profile === profile);
    if (!Object.keys(PATHS).some((path) => rowsOf(path).length)) continue;
    out(`### Throughput, ${profile} profile`);
    out();
    out(`| path | ${OURS.map((id) => label(id)).join(' | ')} | fastest rival |`);
    out(`| --- | ${OURS.map(() => '---:').join(' | ')} | --- |`);
    for (const path of Object.keys(PATHS)) {
      const rows = rowsOf(path);
      const bare = rows.find((t) => t.client === 'bare');
      if (!bare?.eventsPerSec) continue;
      const cell = (t) =>
        t?.eventsPerSec
          ? `${fmt(t.eventsPerSec / bare.eventsPerSec, 2)} · ${fmt(t.cpuMsPer1k / bare.cpuMsPer1k, 2)} · ${t.maxRssMiB >= bare.maxRssMiB ? '+' : ''}${fmt(t.maxRssMiB - bare.maxRssMiB, 0)}${t.complete ? '' : ' **(incomplete)**'}`
          : '–';
      const rivals = rows
        .filter((t) => isRival(t.client) && t.eventsPerSec)
        .sort((a, b) => b.eventsPerSec - a.eventsPerSec);
      const best = rivals[0] ? `${label(rivals[0].client)}: ${cell(rivals[0])}` : '–';
      out(
        `| ${PATHS[path].label} | ${OURS.map((id) => cell(rows.find((t) => t.client === id))).join(' | ')} | ${best} |`,
      );
    }
    out();
  }
  if (results.latency.length) {
    out(`### Paced, ${fmt(latency.ratePerSec)} events/s`);
    out();
    out('Each cell: CPU per event ÷ bare · p99 − bare p99 (ms) · peak RSS − bare (MiB).');
    out();
    out(`| path | ${OURS.map((id) => label(id)).join(' | ')} |`);
    out(`| --- | ${OURS.map(() => '---:').join(' | ')} |`);
    for (const path of Object.keys(PATHS)) {
      const rows = results.latency.filter((l) => l.path === path);
      const bare = rows.find((l) => l.client === 'bare');
      if (!bare) continue;
      const cell = (l) =>
        l
          ? `${fmt(l.cpuMsPer1k / bare.cpuMsPer1k, 2)} · ${l.p99 >= bare.p99 ? '+' : ''}${fmt(l.p99 - bare.p99, 2)} · ${l.maxRssMiB >= bare.maxRssMiB ? '+' : ''}${fmt(l.maxRssMiB - bare.maxRssMiB, 0)}`
          : '–';
      out(
        `| ${PATHS[path].label} | ${OURS.map((id) => cell(rows.find((l) => l.client === id))).join(' | ')} |`,
      );
    }
    out();
  }
  if (results.throughput.length || results.latency.length) {
    out('The machine is shared (2 cores, other jobs running), so single runs vary by ±20 % and more;');
    out('the medians below are what to compare, and CPU per event is steadier than events/s.');
    out();
  }

  if (results.throughput.length) {
    out('## Event delivery');
    out();
    out(
      `The simulator pushes a burst of ${fmt(count)} events into one user data stream as fast as the socket`,
    );
    out('drains; the client counts the events that reach user code. Two load shapes:');
    out();
    out('- **burst**: matching steps, as a busy account sees them: one taker order filling against four');
    out('  makers (spot: 4 `executionReport` + `outboundAccountPosition`; USD-M: 4 × `TRADE_LITE` +');
    out('  `ORDER_TRADE_UPDATE`, then `ACCOUNT_UPDATE`; WebSocket API: the spot events wrapped). Every');
    out("  event of a step has the same `E` (the exchange's millisecond clock), hundreds of events share a");
    out('  millisecond, and 64 frames leave in one socket write. Payloads carry every documented field.');
    out('  The events are generated before the first write, so the reader is the bottleneck.');
    out('- **flat**: one `executionReport` (spot) or `ORDER_TRADE_UPDATE` (USD-M) per event, one frame per');
    out('  write.');
    out();
    out('events/s from the first to the last event seen; CPU is the client process (`process.cpuUsage`)');
    out('from just before the burst to the last event; peak RSS is `maxRSS` of the client process.');
    out(
      "Ratio = events/s ÷ the bare client on the same path; CPU × bare = CPU per event ÷ the bare client's.",
    );
    out('Delivery is checked against every `E` the simulator sent (per `E`, as several events share one):');
    out('lost or duplicated events mark a row incomplete. A warm-up burst precedes each measured one. The');
    out('slowest rivals get a smaller burst (they would take minutes): the count column shows it.');
    out();
    for (const profile of profiles ?? []) {
      for (const path of Object.keys(PATHS)) {
        const rows = results.throughput.filter((t) => t.path === path && t.profile === profile);
        if (!rows.length) continue;
        const bare = rows.find((t) => t.client === 'bare');
        out(`### ${profile}: ${PATHS[path].label} (\`${PATHS[path].venue}\`)`);
        out();
        out(
          '| client | events delivered | events/s | ratio to bare | CPU ms / 1,000 events | CPU × bare | peak RSS MiB |',
        );
        out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
        for (const t of rows) {
          const delivered = t.complete
            ? `${fmt(t.expected)} of ${fmt(t.expected)}`
            : `**${t.counts.map((c) => fmt(c)).join(' / ')}** of ${fmt(t.expected)} (lost ${t.lost.join(' / ')}, duplicated ${t.duplicated.join(' / ')})`;
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
  }

  if (results.latency.length) {
    out('## Paced: latency from `E` to the callback, and CPU');
    out();
    out(
      `A steady ${fmt(latency.ratePerSec)} events/s for ${fmt(latency.durationMs / 1000, 0)} s, after ${fmt((latency.warmMs ?? 0) / 1000, 0)} s of the same load unmeasured (warm-up), (a rate every client follows; the simulator sends a`,
    );
    out(
      "10 ms tick's events together, sharing `E`), latency = the callback's wall clock minus the event's `E`.",
    );
    out(
      '`E` has 1 ms resolution (the simulator\'s `Date.now()`), so figures below 1 ms mean "within the same',
    );
    out('millisecond or the next". CPU is the client process over the whole run, per 1,000 events.');
    out();
    out('| client | path | p50 ms | p99 ms | CPU ms / 1,000 events | peak RSS MiB | events seen/sent |');
    out('| --- | --- | ---: | ---: | ---: | ---: | --- |');
    for (const l of results.latency) {
      out(
        `| ${label(l.client)} | ${l.path} | ${fmt(l.p50, 2)} | ${fmt(l.p99, 2)} | ${fmt(l.cpuMsPer1k, 2)} | ${fmt(l.maxRssMiB, 0)} | ${l.count} |`,
      );
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

  // The fleet's figures come from packages/redis's own benchmarks (real redis-server processes,
  // minutes of real time): run there and kept verbatim beside them, not re-run by `pnpm bench`.
  out('## Fleet (packages/redis)');
  out();
  out("Takeover of a killed worker's streams against the bound the venue's request weight sets");
  out("(`takeoverBound()`), and the fleet's Redis figures: `packages/redis/bench/RESULTS.md`, the");
  out('verbatim output of `packages/redis/bench/*.mjs` with the command lines that produced it.');
  out();

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
