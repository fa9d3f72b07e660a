/**
 * One ledger of the mirror's fold: balances and open orders as exact decimal strings, each item
 * remembering the `(time, seq)` of the last change applied to it (account-fold.ts says why). An
 * account has one; a portfolio-margin account has three (UM, CM and its margin account, kept
 * apart so the margin account's events never touch the UM wallet).
 */
import { addDecimal, compareDecimal, isDecimal, normalizeDecimal } from '@userstream/core';
import type { FoldChange, MirrorBalance, MirrorBook, MirrorOrder, MirrorSnapshot } from './mirror-shapes.js';

/** Statuses after which an order never returns to the book. */
const TERMINAL = new Set([
  'FILLED',
  'CANCELED',
  'REJECTED',
  'EXPIRED',
  'EXPIRED_IN_MATCH',
  'PARTIALLY_CANCELED',
]);

/** `seq` of items that come from a snapshot: older than any event of the same millisecond. */
export const SNAPSHOT_SEQ = Number.NEGATIVE_INFINITY;

/** Most finished-order ids remembered per ledger, oldest forgotten first. */
export const MAX_FINISHED_ORDERS = 10_000;

/** Orders with these statuses are open. Anything else that is not terminal is treated as open too. */
export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}

interface BalanceEntry {
  free: string;
  locked: string;
  time: number;
  seq: number;
}

interface OrderEntry {
  order: MirrorOrder;
  time: number;
  seq: number;
}

/** Balances and open orders of one ledger. */
export interface Ledger {
  /** Portfolio margin's CM or MARGIN ledger; undefined for the account's own (UM on portfolio margin). */
  readonly book: Exclude<MirrorBook, 'UM'> | undefined;
  balances: Map<string, BalanceEntry>;
  /** symbol → orderId → entry. */
  orders: Map<string, Map<string, OrderEntry>>;
  /** Orders seen reaching a terminal status: symbol → orderId → time (never resurrected). */
  finished: Map<string, Map<string, number>>;
  finishedCount: number;
  /** Baseline time of items the snapshot did not list (zero balance, no such open order). */
  asOf: number;
}

/** Callback receiving each change (only called when someone listens). */
export type ChangeSink = ((change: FoldChange) => void) | undefined;

export function emptyLedger(asOf: number, book?: Exclude<MirrorBook, 'UM'>): Ledger {
  return { book, balances: new Map(), orders: new Map(), finished: new Map(), finishedCount: 0, asOf };
}

export const dec = (value: unknown): string => (isDecimal(value) ? normalizeDecimal(value) : '0');
export const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/**
 * A ledger as a snapshot describes it: balances at `updateTime`, each open order at its own
 * `updateTime`. With the `previous` ledger: a book whose open orders the snapshot does not list
 * keeps the previous orders instead of emptying them, and the orders it knew finished stay
 * finished (but for one the snapshot lists as open), so a late report of one, replayed after
 * the snapshot, cannot bring it back: a snapshot without an account update time (isolated
 * margin's) would otherwise take any replayed report as newer (chaos seed 36).
 */
export function ledgerFromSnapshot(
  updateTime: number,
  balances: MirrorSnapshot['balances'],
  openOrders: MirrorSnapshot['openOrders'] | undefined,
  book: Exclude<MirrorBook, 'UM'> | undefined,
  previous?: Ledger,
): Ledger {
  const orderTimes = (openOrders ?? []).map((o) => num(o.updateTime));
  const ledger = emptyLedger(Math.max(num(updateTime), ...orderTimes), book);
  for (const [asset, b] of Object.entries(balances)) {
    ledger.balances.set(asset, {
      free: dec(b.free),
      locked: dec(b.locked),
      time: ledger.asOf,
      seq: SNAPSHOT_SEQ,
    });
  }
  if (openOrders === undefined && previous) {
    ledger.orders = previous.orders;
    ledger.finished = previous.finished;
    ledger.finishedCount = previous.finishedCount;
  } else if (previous) {
    const open = new Set((openOrders ?? []).map((o) => `${o.symbol}\u0000${String(o.orderId)}`));
    for (const [symbol, ids] of previous.finished) {
      for (const [id, time] of ids)
        if (!open.has(`${symbol}\u0000${id}`)) markFinished(ledger, symbol, id, time);
    }
  }
  for (const o of openOrders ?? []) {
    const order: MirrorOrder = {
      symbol: o.symbol,
      orderId: String(o.orderId),
      clientOrderId: String(o.clientOrderId ?? ''),
      side: o.side ?? '',
      type: o.type ?? '',
      status: o.status,
      price: dec(o.price),
      quantity: dec(o.quantity),
      filledQuantity: dec(o.filledQuantity),
      updateTime: num(o.updateTime),
    };
    ordersOf(ledger, order.symbol).set(order.orderId, { order, time: num(o.updateTime), seq: SNAPSHOT_SEQ });
  }
  return ledger;
}

function ordersOf(ledger: Ledger, symbol: string): Map<string, OrderEntry> {
  let m = ledger.orders.get(symbol);
  if (!m) {
    m = new Map();
    ledger.orders.set(symbol, m);
  }
  return m;
}

const newer = (time: number, seq: number, itemTime: number, itemSeq: number): boolean =>
  time > itemTime || (time === itemTime && seq > itemSeq);

/** Not older: the same millisecond's later event (stream order) replaces an absolute value. */
const notOlder = (time: number, seq: number, itemTime: number, itemSeq: number): boolean =>
  time > itemTime || (time === itemTime && seq >= itemSeq);

/** Sets an absolute balance when `(time, seq)` is not older than what the ledger holds. */
export function setBalance(
  ledger: Ledger,
  asset: string,
  free: string,
  locked: string,
  time: number,
  seq: number,
  sink: ChangeSink,
): boolean {
  const entry = ledger.balances.get(asset);
  if (entry ? !notOlder(time, seq, entry.time, entry.seq) : !newer(time, seq, ledger.asOf, SNAPSHOT_SEQ)) {
    return false;
  }
  const f = dec(free);
  const l = dec(locked);
  if (entry) {
    entry.free = f;
    entry.locked = l;
    entry.time = time;
    entry.seq = seq;
  } else {
    ledger.balances.set(asset, { free: f, locked: l, time, seq });
  }
  if (sink) {
    const balance = { free: f, locked: l };
    sink(
      ledger.book
        ? { type: 'balance', asset, balance, book: ledger.book }
        : { type: 'balance', asset, balance },
    );
  }
  return true;
}

/** Adds a delta to the free balance when `(time, seq)` is strictly newer than what the ledger holds. */
export function addToBalance(
  ledger: Ledger,
  asset: string,
  freeDelta: string,
  lockedDelta: string,
  time: number,
  seq: number,
  sink: ChangeSink,
): boolean {
  const entry = ledger.balances.get(asset);
  const base = entry ?? { free: '0', locked: '0', time: ledger.asOf, seq: SNAPSHOT_SEQ };
  if (!newer(time, seq, base.time, base.seq)) return false;
  // A delta at exactly the snapshot's time is one the snapshot already holds.
  if (base.seq === SNAPSHOT_SEQ && time === base.time) return false;
  return setBalance(
    ledger,
    asset,
    addDecimal(base.free, dec(freeDelta)),
    addDecimal(base.locked, dec(lockedDelta)),
    time,
    seq,
    sink,
  );
}

function isFinished(ledger: Ledger, symbol: string, orderId: string): boolean {
  return ledger.finished.get(symbol)?.has(orderId) ?? false;
}

function markFinished(ledger: Ledger, symbol: string, orderId: string, time: number): void {
  let m = ledger.finished.get(symbol);
  if (!m) {
    m = new Map();
    ledger.finished.set(symbol, m);
  }
  if (!m.has(orderId)) ledger.finishedCount++;
  m.set(orderId, time);
  if (ledger.finishedCount > MAX_FINISHED_ORDERS) {
    // Forget the oldest-inserted id of the first symbol (insertion order ~ time order).
    for (const [sym, ids] of ledger.finished) {
      const first = ids.keys().next();
      if (!first.done) {
        ids.delete(first.value);
        ledger.finishedCount--;
        if (ids.size === 0) ledger.finished.delete(sym);
        break;
      }
    }
  }
}

function orderChange(ledger: Ledger, order: MirrorOrder, removed: boolean): FoldChange {
  return ledger.book
    ? { type: 'order', order, removed, book: ledger.book }
    : { type: 'order', order, removed };
}

/** Applies an order report (absolute, cumulative fill) to the ledger. */
export function applyOrder(
  ledger: Ledger,
  order: MirrorOrder,
  time: number,
  seq: number,
  sink: ChangeSink,
): boolean {
  const { symbol, orderId } = order;
  // A finished order never comes back, whatever the time of a straggling event.
  if (isFinished(ledger, symbol, orderId)) return false;
  const book = ledger.orders.get(symbol);
  const entry = book?.get(orderId);
  if (entry) {
    if (!notOlder(time, seq, entry.time, entry.seq)) return false;
    // Cumulative filled quantity never goes down: an event that says so is stale.
    if (compareDecimal(order.filledQuantity, entry.order.filledQuantity) < 0) return false;
  } else if (!newer(time, seq, ledger.asOf, SNAPSHOT_SEQ)) {
    return false;
  }
  if (isTerminalStatus(order.status)) {
    markFinished(ledger, symbol, orderId, time);
    if (book && entry) {
      book.delete(orderId);
      if (book.size === 0) ledger.orders.delete(symbol);
    }
    sink?.(orderChange(ledger, order, true));
    return true;
  }
  const merged: MirrorOrder = entry
    ? {
        ...order,
        // A cancel-replace style event may omit what it does not change.
        clientOrderId: order.clientOrderId || entry.order.clientOrderId,
      }
    : order;
  ordersOf(ledger, symbol).set(orderId, { order: merged, time, seq });
  sink?.(orderChange(ledger, merged, false));
  return true;
}

/** Plain-object view of the balances; assets with zero free and locked are left out. */
export function balancesView(ledger: Ledger): Record<string, MirrorBalance> {
  const out: Record<string, MirrorBalance> = {};
  const assets = [...ledger.balances.keys()].sort();
  for (const asset of assets) {
    const b = ledger.balances.get(asset) as BalanceEntry;
    if (b.free === '0' && b.locked === '0') continue;
    out[asset] = { free: b.free, locked: b.locked };
  }
  return out;
}

/** The open orders, sorted by symbol then order id. */
export function ordersView(ledger: Ledger): MirrorOrder[] {
  const out: MirrorOrder[] = [];
  for (const symbol of [...ledger.orders.keys()].sort()) {
    const book = ledger.orders.get(symbol) as Map<string, OrderEntry>;
    const ids = [...book.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const id of ids) out.push((book.get(id) as OrderEntry).order);
  }
  return out;
}
