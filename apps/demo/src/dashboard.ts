import type { Bot } from './bot.js';
import { bookSides } from './ladder.js';
import type { StreamRuntime } from './stream-runtime.js';
import {
  type Colors,
  color,
  fitFrame,
  noteText,
  pad,
  plain,
  type RenderOptions,
  Screen,
  section,
} from './terminal.js';

/** `250ms`, `12s`, `35m10s`, `1h02m`, `2d03h`; `—` for unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)}ms`;
  const s = Math.floor(a / 1000);
  if (s < 60) return `${sign}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${sign}${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${sign}${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

function stateText(s: StreamRuntime, c: Colors): string {
  const state = s.state;
  if (state === 'open') return c.green('open');
  if (state === 'closed') return c.red('closed');
  return c.yellow(state);
}

/**
 * One frame, cut to the terminal (80×24 and up): a table of streams, then balances and
 * positions, open orders and recent events, one line per stream each. What does not fit is cut,
 * never wrapped; recent events get the rows left over.
 */
export function renderDashboard(bot: Bot, o: RenderOptions): string[] {
  const c = o.ansi ? color : plain;
  const cols = Math.max(40, o.columns);
  const rows = Math.max(12, o.rows);
  const lines: string[] = [];
  const mode = bot.sim ? `embedded exchange ×${bot.config.speed}` : `venue ${bot.streams[0]?.venue ?? ''}`;
  const protocolTime = new Date(bot.clock.now()).toISOString().replace('T', ' ').slice(0, 19);
  const faults = bot.faults ? ` · faults ${bot.faults.injected}` : '';
  lines.push(
    `${c.bold('userstream demo')} ${mode} · up ${formatDuration(Date.now() - bot.startedAt)}${faults} · ${protocolTime}`,
  );
  if (o.opsUrl) lines.push(c.dim(`ops: ${o.opsUrl}/healthz  ${o.opsUrl}/metrics`));
  // 80 columns hold every number column; the venue/protocol column takes what is left over.
  const fixed = 7 + 9 + 9 + 9 + 7 + 5 + 7 + 7 + 6;
  const via = Math.min(52, cols - fixed);
  const header = [
    pad('stream', 7),
    via >= 8 ? pad('via', via) : '',
    pad('state', 9),
    pad('cred age', 9),
    pad('renew in', 9),
    pad('reconn', 7),
    pad('gaps', 5),
    pad('resync', 7),
    pad('events', 7),
    'lag',
  ].join('');
  lines.push(c.bold(header));
  for (const s of bot.streams) {
    lines.push(
      [
        pad(c.cyan(s.name), 7),
        via >= 8 ? pad(cut(`${s.venue}: ${s.spec.label}`, via - 1), via) : '',
        pad(stateText(s, c), 9),
        pad(formatDuration(s.credentialAgeMs), 9),
        pad(formatDuration(s.msToNextRenewal), 9),
        pad(String(s.reconnects), 7),
        pad(s.gaps > 0 ? c.yellow(String(s.gaps)) : '0', 5),
        pad(String(s.mirror.stats.reconciliations), 7),
        pad(String(s.events), 7),
        formatDuration(s.lastLagMs),
      ].join(''),
    );
  }
  lines.push(section('balances and positions (mirror)', cols, c));
  for (const s of bot.streams) {
    const parts = Object.entries(s.mirror.balances)
      .slice(0, 6)
      .map(([asset, b]) => `${asset} ${b.free}${b.locked !== '0' ? c.dim(` +${b.locked}`) : ''}`);
    // Futures: positions share the line with the (usually single-asset) balances.
    if (s.spec.venue.endpoints.positions) {
      for (const p of s.mirror.positions().slice(0, 2)) {
        const side = p.positionSide === 'BOTH' ? '' : ` ${p.positionSide}`;
        parts.push(
          `${c.bold(`${p.symbol}${side} ${p.positionAmount}`)} @ ${p.entryPrice}${c.dim(` uPnL ${p.unrealizedPnl}`)}`,
        );
      }
    }
    lines.push(`${pad(c.cyan(s.name), 7)}${parts.join('  ') || c.dim('(empty)')}`);
  }
  lines.push(section('open orders (mirror): bids best first, asks best first', cols, c));
  for (const s of bot.streams) {
    const orders = s.mirror.openOrders;
    const { bids, asks } = bookSides(orders);
    const symbol = orders[0]?.symbol ?? s.spec.ladder?.symbol ?? '';
    const ladder = s.ladder ? c.dim(`  placed ${s.ladder.placed}, filled ${s.ladder.filled}`) : '';
    lines.push(
      `${pad(c.cyan(s.name), 7)}${pad(String(orders.length), 3)}${symbol} ` +
        `${c.green(`buy ${bids.join(' ') || '—'}`)}  ${c.red(`sell ${asks.join(' ') || '—'}`)}${ladder}`,
    );
  }
  // Faults, recoveries and credential changes first; fills and position changes (frequent) get
  // the last lines of the rows left.
  lines.push(section('recent events, then fills', cols, c));
  const room = Math.max(2, rows - lines.length - 1);
  const trading = (n: (typeof bot.notes)[number]) =>
    n.level === 'info' && (n.text.endsWith(' filled') || n.text.startsWith('position '));
  const fills = bot.notes.filter(trading);
  const lifecycle = bot.notes.filter((n) => !trading(n));
  const fillRoom = Math.min(4, Math.max(1, Math.floor(room / 3)));
  for (const n of lifecycle.slice(-(room - fillRoom))) lines.push(noteText(n, c, 7));
  for (const n of fills.slice(-fillRoom)) lines.push(noteText(n, c, 7));
  while (lines.length < rows - 1) lines.push('');
  lines.push(
    c.dim(
      o.interactive
        ? bot.sim
          ? 'keys: f inject a fault · q quit (cancels our orders, closes streams)'
          : 'keys: q quit (cancels our orders, closes streams)'
        : 'Ctrl-C to quit',
    ),
  );
  return fitFrame(lines.slice(0, rows - 1).concat(lines.slice(-1)), cols, rows);
}

/** The single bot's dashboard: `f` injects a fault, `q` / Ctrl-C quits. */
export class Dashboard extends Screen {
  constructor(options: {
    bot: Bot;
    out: NodeJS.WriteStream;
    in?: NodeJS.ReadStream;
    opsUrl?: string;
    onQuit: () => void;
  }) {
    const { bot, ...rest } = options;
    super({ ...rest, render: (o) => renderDashboard(bot, o), keys: { f: () => bot.injectFault() } });
  }
}
