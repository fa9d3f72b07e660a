import type { Bot } from './bot.js';
import type { StreamRuntime } from './stream-runtime.js';
import { type Colors, color, noteText, pad, plain, type RenderOptions, Screen } from './terminal.js';

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

export function renderDashboard(bot: Bot, o: RenderOptions): string[] {
  const c = o.ansi ? color : plain;
  const cols = Math.max(60, o.columns);
  const lines: string[] = [];
  const rule = c.dim('─'.repeat(cols));
  const mode = bot.sim
    ? `embedded exchange, clock ×${bot.config.speed}`
    : `venue ${bot.streams[0]?.venue ?? ''}`;
  const protocolTime = new Date(bot.clock.now()).toISOString().replace('T', ' ').slice(0, 19);
  const faults = bot.faults ? `  ·  faults ${bot.faults.injected}` : '';
  const title = cut(
    `  ${mode}  ·  up ${formatDuration(Date.now() - bot.startedAt)}  ·  protocol time ${protocolTime}${faults}`,
    cols - 16,
  );
  lines.push(`${c.bold('userstream demo')}${title}`);
  if (o.opsUrl) lines.push(c.dim(`ops: ${o.opsUrl}/healthz  ${o.opsUrl}/metrics`));
  lines.push(rule);
  const via = Math.max(20, Math.min(52, cols - 84));
  const header = [
    pad('stream', 8),
    pad('via', via),
    pad('state', 13),
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
        pad(c.cyan(s.name), 8),
        pad(cut(`${s.venue}: ${s.spec.label}`, via - 1), via),
        pad(stateText(s, c), 13),
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
  lines.push(rule);
  lines.push(c.bold('balances (mirror)'));
  for (const s of bot.streams) {
    const parts = Object.entries(s.mirror.balances)
      .slice(0, 6)
      .map(([asset, b]) => `${asset} ${b.free}${b.locked !== '0' ? c.dim(` (+${b.locked} locked)`) : ''}`);
    lines.push(`${pad(c.cyan(s.name), 8)}${parts.join('   ') || c.dim('(empty)')}`);
  }
  lines.push(c.bold('open orders (mirror)'));
  for (const s of bot.streams) {
    const orders = s.mirror.openOrders;
    const buys = orders.filter((x) => x.side === 'BUY').map((x) => x.price);
    const sells = orders.filter((x) => x.side === 'SELL').map((x) => x.price);
    const symbol = orders[0]?.symbol ?? s.spec.ladder?.symbol ?? '';
    const ladder = s.ladder ? c.dim(`  placed ${s.ladder.placed}, filled ${s.ladder.filled}`) : '';
    lines.push(
      cut(
        `${pad(c.cyan(s.name), 8)}${pad(String(orders.length), 3)}${symbol} ` +
          `${c.green(`buy ${buys.join(' ') || '—'}`)}  ${c.red(`sell ${sells.join(' ') || '—'}`)}${ladder}`,
        cols + 60,
      ),
    );
  }
  const futures = bot.streams.filter((s) => s.spec.venue.endpoints.positions);
  if (futures.length > 0) {
    lines.push(c.bold('positions (mirror)'));
    for (const s of futures) {
      const parts = s.mirror
        .positions()
        .slice(0, 4)
        .map(
          (p) =>
            `${p.symbol}${p.positionSide === 'BOTH' ? '' : ` ${p.positionSide}`} ${p.positionAmount} @ ${p.entryPrice}` +
            c.dim(` (uPnL ${p.unrealizedPnl})`),
        );
      lines.push(cut(`${pad(c.cyan(s.name), 8)}${parts.join('   ') || c.dim('(flat)')}`, cols + 60));
    }
  }
  lines.push(rule);
  // Faults, recoveries and credential changes first; fills and position changes (frequent) get
  // the last few lines.
  const room = Math.max(6, o.rows - lines.length - 4);
  const trading = (n: (typeof bot.notes)[number]) =>
    n.level === 'info' && (n.text.endsWith(' filled') || n.text.startsWith('position '));
  const fills = bot.notes.filter(trading);
  const lifecycle = bot.notes.filter((n) => !trading(n));
  const fillRoom = Math.min(4, Math.max(2, Math.floor(room / 4)));
  lines.push(c.bold('recent events: faults, recoveries, credentials'));
  for (const n of lifecycle.slice(-(room - fillRoom - 1))) lines.push(cut(noteText(n, c, 7), cols + 40));
  lines.push(c.bold('recent fills and positions'));
  for (const n of fills.slice(-fillRoom)) lines.push(cut(noteText(n, c, 7), cols + 40));
  while (lines.length < o.rows - 1) lines.push('');
  lines.push(
    c.dim(
      o.interactive
        ? bot.sim
          ? 'keys: f inject a fault · q quit (cancels our orders, closes streams)'
          : 'keys: q quit (cancels our orders, closes streams)'
        : 'Ctrl-C to quit',
    ),
  );
  return lines;
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
