import { formatDuration } from './dashboard.js';
import type { FleetDemo } from './fleet.js';
import { color, noteText, pad, plain, type RenderOptions, Screen } from './terminal.js';

/** One frame of the fleet dashboard: workers, accounts and their owners, kills and takeovers, recent events. */
export function renderFleetDashboard(demo: FleetDemo, o: RenderOptions): string[] {
  const c = o.ansi ? color : plain;
  const cols = Math.max(60, o.columns);
  const rule = c.dim('─'.repeat(cols));
  const lines: string[] = [];
  lines.push(
    `${c.bold('userstream demo · fleet')}  ${demo.live.length}/${demo.fleet.workers} workers · ${demo.accounts.length} USD-M accounts · clock ×${demo.config.speed} · up ${formatDuration(Date.now() - demo.startedAt)}`,
  );
  lines.push(c.dim(`redis keys under ${demo.prefix}${o.opsUrl ? `  ·  ops: ${o.opsUrl}/healthz` : ''}`));
  lines.push(rule);
  lines.push(
    c.bold(
      `${pad('worker', 8)}${pad('state', 9)}${pad('owns', 6)}${pad('acquired', 10)}${pad('takeovers', 11)}${pad('released', 10)}${pad('appended', 10)}accounts`,
    ),
  );
  for (const w of demo.workers.slice(-10)) {
    const owned = w.alive ? w.worker.owned().sort() : [];
    lines.push(
      `${pad(c.cyan(w.id), 8)}${pad(w.alive ? c.green('alive') : c.red('killed'), 9)}${pad(String(owned.length), 6)}${pad(String(w.acquired), 10)}${pad(w.takeovers > 0 ? c.green(String(w.takeovers)) : '0', 11)}${pad(String(w.released), 10)}${pad(String(w.worker.stats.appended), 10)}${owned.join(' ').slice(0, Math.max(10, cols - 74))}`,
    );
  }
  lines.push(rule);
  const perLine = Math.max(1, Math.floor(cols / 26));
  const cells = demo.accounts.map((a) => {
    const owner = demo.ownerOf(a.id);
    return pad(`${a.id} ${owner ? c.green(`→ ${owner.id}`) : c.yellow('→ (none)')}`, 26);
  });
  lines.push(c.bold('accounts → owner'));
  for (let i = 0; i < cells.length && i < perLine * 6; i += perLine)
    lines.push(cells.slice(i, i + perLine).join(''));
  lines.push(rule);
  lines.push(c.bold('kills and takeovers'));
  if (demo.kills.length === 0)
    lines.push(c.dim(demo.config.faults ? '(none yet)' : '(run with --faults, or press k)'));
  for (const k of demo.kills.slice(-4)) {
    lines.push(
      `${c.red(`${k.worker} killed`)} owning ${k.accounts.length} → ${
        k.takeoverMs === undefined
          ? c.yellow(`taking over… ${formatDuration(demo.clock.now() - k.at)}`)
          : c.green(`all flowing again after ${(k.takeoverMs / 1000).toFixed(1)} s`)
      }`,
    );
  }
  lines.push(rule);
  lines.push(c.bold('recent events'));
  const room = Math.max(4, o.rows - lines.length - 2);
  for (const n of demo.notes.slice(-room)) lines.push(noteText(n, c, 5).slice(0, cols + 40));
  while (lines.length < o.rows - 1) lines.push('');
  lines.push(
    c.dim(
      o.interactive ? 'keys: k kill a worker · q quit (workers release, keys deleted)' : 'Ctrl-C to quit',
    ),
  );
  return lines;
}

/** The fleet dashboard: `k` kills a worker, `q` / Ctrl-C quits. */
export class FleetDashboard extends Screen {
  constructor(options: {
    demo: FleetDemo;
    out: NodeJS.WriteStream;
    in?: NodeJS.ReadStream;
    opsUrl?: string;
    onQuit: () => void;
  }) {
    const { demo, ...rest } = options;
    super({ ...rest, render: (o) => renderFleetDashboard(demo, o), keys: { k: () => demo.kill() } });
  }
}
