import type { Note } from './notes.js';

/** ANSI control sequence introducer. */
export const ESC = '\x1b[';

export const color = {
  bold: (s: string) => `${ESC}1m${s}${ESC}22m`,
  dim: (s: string) => `${ESC}2m${s}${ESC}22m`,
  red: (s: string) => `${ESC}31m${s}${ESC}39m`,
  green: (s: string) => `${ESC}32m${s}${ESC}39m`,
  yellow: (s: string) => `${ESC}33m${s}${ESC}39m`,
  cyan: (s: string) => `${ESC}36m${s}${ESC}39m`,
};
export type Colors = typeof color;
/** The same functions without escape codes (piped output, tests). */
export const plain = Object.fromEntries(Object.keys(color).map((k) => [k, (s: string) => s])) as Colors;

/** Visible width (ANSI codes excluded). */
export function width(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI escape sequences
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * `s` cut to `n` visible columns (an ellipsis marks the cut), escape sequences kept and, after a
 * cut, reset, so no colour bleeds into the next line. Every glyph the dashboards use is one column.
 */
export function fit(s: string, n: number): string {
  if (width(s) <= n) return s;
  let out = '';
  let shown = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: splits ANSI escape sequences from text
  for (const part of s.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (shown >= n - 1) return `${out}…${ESC}0m`;
      out += ch;
      shown++;
    }
  }
  return out;
}

/** A frame cut to the terminal: at most `rows` lines of at most `columns` visible columns. */
export function fitFrame(lines: readonly string[], columns: number, rows: number): string[] {
  return lines.slice(0, rows).map((l) => fit(l, columns));
}

/** A section rule with its title: `── title ─────…` across `columns`. */
export function section(title: string, columns: number, c: Colors): string {
  const head = `── ${title} `;
  return c.dim(`${head}${'─'.repeat(Math.max(0, columns - head.length))}`);
}

export function pad(s: string, n: number): string {
  const w = width(s);
  return w >= n ? s : s + ' '.repeat(n - w);
}

/** One line of the recent-events list: time, who, text coloured by level. */
export function noteText(n: Note, c: Colors, whoWidth: number): string {
  const time = new Date(n.at).toISOString().slice(11, 19);
  const paint =
    n.level === 'fault'
      ? c.red
      : n.level === 'warn'
        ? c.yellow
        : n.level === 'ok'
          ? c.green
          : (x: string) => x;
  return `${c.dim(time)} ${c.cyan(pad(n.stream ?? '·', whoWidth))} ${paint(n.text)}`;
}

/** What a frame is rendered for. */
export interface RenderOptions {
  columns: number;
  rows: number;
  opsUrl: string | undefined;
  ansi: boolean;
  interactive: boolean;
}

/**
 * A full-screen view on the alternate screen, redrawn about four times a second, with key presses
 * turned into actions when stdin is a TTY (`q` / Ctrl-C always quit).
 */
export class Screen {
  readonly #out: NodeJS.WriteStream;
  readonly #in: NodeJS.ReadStream | undefined;
  readonly #opsUrl: string | undefined;
  readonly #render: (options: RenderOptions) => string[];
  readonly #keys: Readonly<Record<string, () => void>>;
  readonly #onQuit: () => void;
  #timer: NodeJS.Timeout | undefined;
  readonly #onKey = (data: Buffer) => {
    const key = data.toString('utf8');
    if (key === 'q' || key === 'Q' || key === '\u0003') this.#onQuit();
    else this.#keys[key.toLowerCase()]?.();
  };

  constructor(options: {
    out: NodeJS.WriteStream;
    in?: NodeJS.ReadStream | undefined;
    opsUrl?: string | undefined;
    render: (options: RenderOptions) => string[];
    /** Lower-case key → action. */
    keys: Readonly<Record<string, () => void>>;
    onQuit: () => void;
  }) {
    this.#out = options.out;
    this.#in = options.in?.isTTY ? options.in : undefined;
    this.#opsUrl = options.opsUrl;
    this.#render = options.render;
    this.#keys = options.keys;
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
    const lines = this.#render({
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
