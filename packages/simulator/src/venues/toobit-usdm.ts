/**
 * Toobit USDT-M perpetual futures (issue #13 item 4) on the simulator's USDⓈ-M book: its streams
 * carry the book's events in Toobit's shapes, each frame a JSON array (venues/toobit.ts frames and
 * keeps the connection), and its REST doors answer in Toobit's bodies (toobit-usdm-rest.ts).
 * As documented (checked 2026-12-03):
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html (pushes, keys in the documented
 * order) and https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (REST bodies, symbols).
 * - Symbols are `<BASE>-SWAP-<QUOTE>` (`BTC-SWAP-USDT` for the book's BTCUSDT).
 * - `ORDER_TRADE_UPDATE` becomes `contractExecutionReport` (BHEX's letters plus `C` close flag,
 *   `mt`, `v` leverage, `U` update time, `rp`) and, on a fill, a `ticketInfo`.
 * - `ACCOUNT_UPDATE` becomes `outboundContractAccountInfo` (the changed assets) and, when it carries
 *   a position, `outboundContractPositionInfo` for the symbol's LONG and SHORT sides.
 * Choices where the docs are silent (the simulator's, written down):
 * - The book is one-way (a signed amount); Toobit's positions are per side. A change of a symbol's
 *   position pushes both sides, the held one with its size and the other with 0 (absolute values:
 *   a reader that keeps positions by side is right after every push).
 * - A contract is one unit of the book's quantity (Toobit's contract multiplier is not played).
 * - The balance push's `f` is the wallet balance and `l` is "0" (the page does not define the
 *   letters on a margin account; the REST `balance` is the same wallet balance).
 * - `O` (creation time) is the time of the order's first report; `v` is the book's leverage.
 */
import { isDecimal, isZeroDecimal, mulDecimal } from '@userstream/core';
import { FUTURES_LEVERAGE } from '../engine/index.js';

type Event = Record<string, unknown>;

/** The quote assets of the book's symbols, longest first (a symbol ends with one). */
const QUOTES = ['USDT', 'USDC'];

/** The book's `BTCUSDT` as Toobit writes it, `BTC-SWAP-USDT` (a symbol it cannot split: as is). */
export function toobitSymbol(symbol: string): string {
  const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length);
  return quote ? `${symbol.slice(0, -quote.length)}-SWAP-${quote}` : symbol;
}

/** Toobit's `BTC-SWAP-USDT` as the book's `BTCUSDT` (anything else as is). */
export function bookSymbol(symbol: string): string {
  const m = /^([A-Z0-9]+)-SWAP-([A-Z0-9]+)$/.exec(symbol);
  return m ? `${m[1]}${m[2]}` : symbol;
}

/** Per simulator: creation times of the open orders (`O`), by order id. */
const created = new WeakMap<object, Map<unknown, number>>();

function createdOf(owner: object): Map<unknown, number> {
  let m = created.get(owner);
  if (!m) {
    m = new Map();
    created.set(owner, m);
  }
  return m;
}

const TERMINAL = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED']);

function report(owner: object, event: Event, o: Event): Event {
  const times = createdOf(owner);
  const T = Number(o.T ?? event.T ?? event.E);
  const O = times.get(o.i) ?? T;
  if (TERMINAL.has(String(o.X))) times.delete(o.i);
  else times.set(o.i, O);
  return {
    e: 'contractExecutionReport',
    E: event.E,
    s: toobitSymbol(String(o.s)),
    c: o.c,
    C: o.R === true,
    S: o.S,
    o: o.o,
    f: o.f,
    q: o.q,
    p: o.p,
    pt: o.o === 'MARKET' ? 'MARKET' : 'INPUT',
    X: o.X,
    i: o.i,
    l: o.l,
    z: o.z,
    L: o.L,
    n: o.n,
    N: o.N,
    u: true,
    w: true,
    m: o.m,
    mt: 'CROSS',
    O,
    // Cumulative quote: the average price times the filled quantity (the book's `ap` and `z`).
    Z: isDecimal(o.ap) && isDecimal(o.z) ? mulDecimal(o.ap, o.z) : '0',
    v: String(FUTURES_LEVERAGE),
    U: T,
    rp: o.rp ?? '0',
  };
}

function ticket(event: Event, o: Event, ticketId: number): Event {
  return {
    e: 'ticketInfo',
    E: String(event.E),
    s: toobitSymbol(String(o.s)),
    q: o.l,
    t: String(o.T ?? event.E),
    p: o.L,
    T: String(ticketId),
    o: String(o.i),
    c: String(o.c),
    a: '1286424214388204801',
    m: o.m,
    S: o.S,
  };
}

function positions(event: Event, p: Event): Event[] {
  const pa = String(p.pa);
  const short = pa.startsWith('-');
  const size = short ? pa.slice(1) : pa;
  const flat = isZeroDecimal(size);
  return (['LONG', 'SHORT'] as const).map((side) => {
    const held = !flat && (side === 'SHORT') === short;
    return {
      e: 'outboundContractPositionInfo',
      E: String(event.E),
      A: '1270447370291795457',
      s: toobitSymbol(String(p.s)),
      S: side,
      p: held ? p.ep : '0',
      P: held ? size : '0',
      a: held ? size : '0',
      f: '0',
      m: '0',
      r: held ? p.cr : '0',
      mt: 'CROSS',
      rr: '0',
      up: held ? p.up : '0',
      pr: '0',
      pv: '0',
      v: String(FUTURES_LEVERAGE),
    };
  });
}

/** One USDⓈ-M book event in Toobit USDT-M's documented shapes (none for the types it lacks). */
export function toobitUsdmEvents(owner: object, event: Event, ticketId: () => number): Event[] {
  if (event.e === 'ORDER_TRADE_UPDATE') {
    const o = event.o as Event;
    const out = [report(owner, event, o)];
    if (!isZeroDecimal(String(o.l ?? '0'))) out.push(ticket(event, o, ticketId()));
    return out;
  }
  if (event.e === 'ACCOUNT_UPDATE') {
    const a = event.a as { B?: Event[]; P?: Event[] };
    const out: Event[] = [];
    if (a.B && a.B.length > 0) {
      out.push({
        e: 'outboundContractAccountInfo',
        E: event.E,
        T: true,
        W: true,
        D: true,
        B: a.B.map((b) => ({ a: b.a, f: b.wb, l: '0' })),
      });
    }
    for (const p of a.P ?? []) out.push(...positions(event, p));
    return out;
  }
  return [];
}
