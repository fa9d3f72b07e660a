import type { Note } from './bot.js';
import { formatDuration } from './dashboard.js';
import type { FleetDemo } from './fleet.js';

const ESC = '\x1b[';
const color = {
  bold: (s: string) => `${ESC}1m${s}${ESC}22m`,
  dim: (s: string) => `${ESC}2m${s}${ESC}22m`,
  red: (s: string) => `${ESC}31m${s}${ESC}39m`,
  green: (s: string) => `${ESC}32m${s}${ESC}39m`,
  yellow: (s: string) => `${ESC}33m${s}${ESC}39m`,
  cyan: (s: string) => `${ESC}36m${s}${ESC}39m`,
};
const plain = Object.fromEntries(Object.keys(color).map((k) => [k, (s: string) => s])) as typeof color;

function pad(s: string, n: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI escape sequences
  const w = s.replace(/\x1b\[[0-9;]*m/g, '').length;
  return w >= n ? s : s + ' '.repeat(n - w);
}

function noteText(n: Note, c: typeof color): string {
  const time = new Date(n.at).toISOString().slice(11, 19);
  const paint =
    n.level === 'fault'
      ? c.red
      : n.level === 'warn'
        ? c.yellow
        : n.level === 'ok'
          ? c.green
          : (x: string) => x;
  return `${c.dim(time)} ${c.cyan(pad(n.stream ?? '·', 5))} ${paint(n.text)}`;
}

/** One frame of the fleet dashboard: workers, accounts and their owners, kills and takeovers, recent events. */
export function renderFleetDashboard(
  demo: FleetDemo,
  o: { columns: number; rows: number; opsUrl: string | undefined; ansi: boolean; interactive: boolean },
): string[] {
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
  for (const n of demo.notes.slice(-room)) lines.push(noteText(n, c).slice(0, cols + 40));
  while (lines.length < o.rows - 1) lines.push('');
  lines.push(
    c.dim(
      o.interactive ? 'keys: k kill a worker · q quit (workers release, keys deleted)' : 'Ctrl-C to quit',
    ),
  );
  return lines;
}

/** Redraws the fleet dashboard on the alternate screen; `k` kills a worker, `q` quits. */
export class FleetDashboard {
  readonly #demo: FleetDemo;
  readonly #out: NodeJS.WriteStream;
  readonly #in: NodeJS.ReadStream | undefined;
  readonly #opsUrl: string | undefined;
  readonly #onQuit: () => void;
  #timer: NodeJS.Timeout | undefined;
  readonly #onKey = (data: Buffer) => {
    const key = data.toString('utf8');
    if (key === 'q' || key === 'Q' || key === '\u0003') this.#onQuit();
    else if (key === 'k' || key === 'K') this.#demo.kill();
  };

  constructor(options: {
    demo: FleetDemo;
    out: NodeJS.WriteStream;
    in?: NodeJS.ReadStream;
    opsUrl?: string;
    onQuit: () => void;
  }) {
    this.#demo = options.demo;
    this.#out = options.out;
    this.#in = options.in?.isTTY ? options.in : undefined;
    this.#opsUrl = options.opsUrl;
    this.#onQuit = options.onQuit;
  }

  start(): void {
    this.#out.write(`${ESC}?1049h${ESC}?25l`);
    if (this.#in) {
      this.#in.setRawMode(true);
      this.#in.resume();
      this.#in.on('data', this.#onKey);
    }
    this.draw();
    this.#timer = setInterval(() => this.draw(), 250);
  }

  draw(): void {
    const lines = renderFleetDashboard(this.#demo, {
      columns: this.#out.columns ?? 120,
      rows: this.#out.rows ?? 40,
      opsUrl: this.#opsUrl,
      ansi: true,
      interactive: this.#in !== undefined,
    });
    this.#out.write(`${ESC}H${lines.map((l) => `${l}${ESC}K`).join('\n')}${ESC}J`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#in) {
      this.#in.off('data', this.#onKey);
      this.#in.setRawMode(false);
      this.#in.pause();
    }
    this.#out.write(`${ESC}?25h${ESC}?1049l`);
  }
}
