import { formatDuration } from './dashboard.js';
import type { FleetDemo } from './fleet.js';
import { color, fitFrame, noteText, pad, plain, type RenderOptions, Screen, section } from './terminal.js';

/**
 * One frame of the fleet dashboard, cut to the terminal (80×24 and up): workers, accounts and their
 * owners, kills and takeovers, recent events. Each section gets a bounded number of rows (live
 * workers before killed ones, the latest kills) and recent events get what is left.
 */
export function renderFleetDashboard(demo: FleetDemo, o: RenderOptions): string[] {
  const c = o.ansi ? color : plain;
  const cols = Math.max(40, o.columns);
  const rows = Math.max(16, o.rows);
  const lines: string[] = [];
  lines.push(
    `${c.bold('userstream demo · fleet')} ${demo.live.length}/${demo.fleet.workers} workers · ${demo.accounts.length} accounts · ×${demo.config.speed} · up ${formatDuration(Date.now() - demo.startedAt)}`,
  );
  lines.push(c.dim(`${o.opsUrl ? `ops: ${o.opsUrl}/healthz · ` : ''}redis keys under ${demo.prefix}`));
  lines.push(
    c.bold(
      `${pad('worker', 7)}${pad('state', 8)}${pad('owns', 5)}${pad('acquired', 9)}${pad('takeover', 9)}${pad('released', 9)}${pad('appended', 9)}accounts`,
    ),
  );
  // Live workers first, then the latest killed ones, within a third of the rows.
  const workerRows = Math.max(3, Math.floor(rows / 4));
  const alive = demo.workers.filter((w) => w.alive);
  const killed = demo.workers.filter((w) => !w.alive);
  const shown = [...alive, ...killed.slice(-Math.max(0, workerRows - alive.length))].slice(0, workerRows);
  for (const w of shown) {
    const owned = w.alive ? w.worker.owned().sort() : [];
    lines.push(
      `${pad(c.cyan(w.id), 7)}${pad(w.alive ? c.green('alive') : c.red('killed'), 8)}${pad(String(owned.length), 5)}${pad(String(w.acquired), 9)}${pad(w.takeovers > 0 ? c.green(String(w.takeovers)) : '0', 9)}${pad(String(w.released), 9)}${pad(String(w.worker.stats.appended), 9)}${owned.join(' ')}`,
    );
  }
  if (demo.workers.length > shown.length)
    lines.push(c.dim(`… ${demo.workers.length - shown.length} more killed worker(s)`));
  const cellWidth = 20;
  const perLine = Math.max(1, Math.floor(cols / cellWidth));
  const accountRows = Math.max(2, Math.floor(rows / 6));
  lines.push(section('accounts → owner', cols, c));
  const cells = demo.accounts.map((a) => {
    const owner = demo.ownerOf(a.id);
    return pad(`${a.id} ${owner ? c.green(`→ ${owner.id}`) : c.yellow('→ (none)')}`, cellWidth);
  });
  const cellRows = Math.ceil(cells.length / perLine);
  const fullRows = cellRows > accountRows ? accountRows - 1 : cellRows;
  for (let i = 0; i < fullRows; i++) lines.push(cells.slice(i * perLine, (i + 1) * perLine).join(''));
  if (cellRows > accountRows) {
    const unowned = demo.accounts.filter((a) => !demo.ownerOf(a.id)).length;
    lines.push(
      c.dim(`… ${cells.length - fullRows * perLine} more account(s); ${unowned} without an owner in all`),
    );
  }
  lines.push(section('kills and takeovers', cols, c));
  if (demo.kills.length === 0)
    lines.push(c.dim(demo.config.faults ? '(none yet)' : '(run with --faults, or press k)'));
  for (const k of demo.kills.slice(-2)) {
    lines.push(
      `${c.red(`${k.worker} killed`)} owning ${k.accounts.length} → ${
        k.takeoverMs === undefined
          ? c.yellow(`taking over… ${formatDuration(demo.clock.now() - k.at)}`)
          : c.green(`all flowing again after ${(k.takeoverMs / 1000).toFixed(1)} s`)
      }`,
    );
  }
  lines.push(section('recent events', cols, c));
  const room = Math.max(2, rows - lines.length - 1);
  for (const n of demo.notes.slice(-room)) lines.push(noteText(n, c, 5));
  while (lines.length < rows - 1) lines.push('');
  lines.push(
    c.dim(
      o.interactive ? 'keys: k kill a worker · q quit (workers release, keys deleted)' : 'Ctrl-C to quit',
    ),
  );
  return fitFrame(lines.slice(0, rows - 1).concat(lines.slice(-1)), cols, rows);
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
