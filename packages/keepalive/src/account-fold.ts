import {
  addDecimal,
  compareDecimal,
  type Dialect,
  isDecimal,
  type NormalizedEvent,
  type NormalizedOrder,
  normalizeDecimal,
  normalizeEvent,
  orderSnapshotOf,
  type UserDataEvent,
} from '@userstream/core';
import {
  type AlgoOrdersState,
  algoOrdersFromSnapshot,
  applyAlgoUpdate,
  emptyAlgoOrders,
} from './algo-orders-fold.js';
import type { FoldChange, MirrorBalance, MirrorOrder, MirrorSnapshot } from './mirror-shapes.js';
import {
  applyAccountPositions,
  emptyPositions,
  type PositionsState,
  positionsFromSnapshot,
} from './positions-fold.js';

export type { FoldChange, MirrorBalance, MirrorOrder, MirrorSnapshot } from './mirror-shapes.js';

/**
 * The fold behind `AccountMirror`: balances and open orders as exact decimal strings, built
 * from a REST snapshot plus the stream's events, each item remembering the time of the last
 * change applied to it so no event is applied twice or applied on top of newer state.
 *
 * Times. Every item carries `(time, seq)`: `time` is the venue's own update time of the change
 * (spot `outboundAccountPosition.u`, `balanceUpdate.T`, `executionReport.T`; futures `T`; BHEX,
 * whose events carry no transaction time, `E`) and `seq` is the event's `E`. Both are
 * millisecond clocks, and one matching step (or two in the same millisecond) produces several
 * events with the same `(time, E)`: the stream delivers them in order, so an event that carries
 * absolute values (a position, an order's cumulative state) changes an item when its
 * `(time, E)` is not older than the item's, and the last of a millisecond wins. An order report
 * whose cumulative fill is below the item's is stale and skipped, and a duplicate restates the
 * same value, so replays and duplicates change nothing. Deltas (`balanceUpdate`) need a strictly
 * newer `(time, E)`, so a duplicate is never added twice.
 *
 * Snapshot items get `seq = -Infinity`, so an event with exactly the snapshot's time is applied.
 * That is safe for the events that carry absolute values (`outboundAccountPosition`,
 * `ACCOUNT_UPDATE`, order reports with cumulative fills): the buffer replayed on a snapshot is a
 * contiguous run of the stream in `E` order, so if the event is older than the snapshot, the
 * newer event the snapshot reflects follows it in the buffer and wins; replaying it merely
 * restates a value (and an order report whose cumulative fill is below the item's is skipped).
 * Deltas (`balanceUpdate`) are different: one at exactly the snapshot's time is taken as
 * already in the snapshot, never added twice. (On Binance an absolute `outboundAccountPosition`
 * follows each `balanceUpdate`, so the rare same-millisecond ambiguity corrects itself.)
 */

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
const SNAPSHOT_SEQ = Number.NEGATIVE_INFINITY;

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

export interface FoldState {
  balances: Map<string, BalanceEntry>;
  /** symbol → orderId → entry. */
  orders: Map<string, Map<string, OrderEntry>>;
  /** Orders seen reaching a terminal status: symbol → orderId → time (never resurrected). */
  finished: Map<string, Map<string, number>>;
  finishedCount: number;
  /** Baseline time of items the snapshot did not list (zero balance, no such open order). */
  asOf: number;
  /** Futures positions (positions-fold.ts). */
  positions: PositionsState;
  /** Open conditional orders (algo-orders-fold.ts). */
  algoOrders: AlgoOrdersState;
}

/** Callback receiving each change (only called when someone listens). */
export type ChangeSink = ((change: FoldChange) => void) | undefined;

/** Most finished-order ids remembered, oldest forgotten first. */
export const MAX_FINISHED_ORDERS = 10_000;

export function emptyState(asOf: number): FoldState {
  return {
    balances: new Map(),
    orders: new Map(),
    finished: new Map(),
    finishedCount: 0,
    asOf,
    positions: emptyPositions(),
    algoOrders: emptyAlgoOrders(),
  };
}

const dec = (value: unknown): string => (isDecimal(value) ? normalizeDecimal(value) : '0');
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/**
 * Builds the state a snapshot describes. Positions or algo orders the snapshot leaves out are
 * taken from `previous` (the mirror's own state), so a venue without those endpoints keeps
 * what its events said instead of losing it on every gap.
 */
export function stateFromSnapshot(snapshot: MirrorSnapshot, previous?: FoldState): FoldState {
  const orderTimes = snapshot.openOrders.map((o) => num(o.updateTime));
  const asOf = Math.max(num(snapshot.updateTime), ...orderTimes);
  const state = emptyState(asOf);
  for (const [asset, b] of Object.entries(snapshot.balances)) {
    state.balances.set(asset, { free: dec(b.free), locked: dec(b.locked), time: asOf, seq: SNAPSHOT_SEQ });
  }
  for (const o of snapshot.openOrders) {
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
    ordersOf(state, order.symbol).set(order.orderId, {
      order,
      time: num(o.updateTime),
      seq: SNAPSHOT_SEQ,
    });
  }
  state.positions = snapshot.positions
    ? positionsFromSnapshot(snapshot.positions)
    : (previous?.positions ?? emptyPositions());
  state.algoOrders = snapshot.algoOrders
    ? algoOrdersFromSnapshot(snapshot.algoOrders)
    : (previous?.algoOrders ?? emptyAlgoOrders());
  return state;
}

function ordersOf(state: FoldState, symbol: string): Map<string, OrderEntry> {
  let m = state.orders.get(symbol);
  if (!m) {
    m = new Map();
    state.orders.set(symbol, m);
  }
  return m;
}

const newer = (time: number, seq: number, itemTime: number, itemSeq: number): boolean =>
  time > itemTime || (time === itemTime && seq > itemSeq);

/** Not older: the same millisecond's later event (stream order) replaces an absolute value. */
const notOlder = (time: number, seq: number, itemTime: number, itemSeq: number): boolean =>
  time > itemTime || (time === itemTime && seq >= itemSeq);

function setBalance(
  state: FoldState,
  asset: string,
  free: string,
  locked: string,
  time: number,
  seq: number,
  sink: ChangeSink,
): boolean {
  const entry = state.balances.get(asset);
  if (entry ? !notOlder(time, seq, entry.time, entry.seq) : !newer(time, seq, state.asOf, SNAPSHOT_SEQ)) {
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
    state.balances.set(asset, { free: f, locked: l, time, seq });
  }
  sink?.({ type: 'balance', asset, balance: { free: f, locked: l } });
  return true;
}

function addToBalance(
  state: FoldState,
  asset: string,
  freeDelta: string,
  lockedDelta: string,
  time: number,
  seq: number,
  sink: ChangeSink,
): boolean {
  const entry = state.balances.get(asset);
  const base = entry ?? { free: '0', locked: '0', time: state.asOf, seq: SNAPSHOT_SEQ };
  if (!newer(time, seq, base.time, base.seq)) return false;
  // A delta at exactly the snapshot's time is one the snapshot already holds.
  if (base.seq === SNAPSHOT_SEQ && time === base.time) return false;
  return setBalance(
    state,
    asset,
    addDecimal(base.free, dec(freeDelta)),
    addDecimal(base.locked, dec(lockedDelta)),
    time,
    seq,
    sink,
  );
}

function isFinished(state: FoldState, symbol: string, orderId: string): boolean {
  return state.finished.get(symbol)?.has(orderId) ?? false;
}

function markFinished(state: FoldState, symbol: string, orderId: string, time: number): void {
  let m = state.finished.get(symbol);
  if (!m) {
    m = new Map();
    state.finished.set(symbol, m);
  }
  if (!m.has(orderId)) state.finishedCount++;
  m.set(orderId, time);
  if (state.finishedCount > MAX_FINISHED_ORDERS) {
    // Forget the oldest-inserted id of the first symbol (insertion order ~ time order).
    for (const [sym, ids] of state.finished) {
      const first = ids.keys().next();
      if (!first.done) {
        ids.delete(first.value);
        state.finishedCount--;
        if (ids.size === 0) state.finished.delete(sym);
        break;
      }
    }
  }
}

function applyOrder(
  state: FoldState,
  order: MirrorOrder,
  time: number,
  seq: number,
  sink: ChangeSink,
): boolean {
  const { symbol, orderId } = order;
  // A finished order never comes back, whatever the time of a straggling event.
  if (isFinished(state, symbol, orderId)) return false;
  const book = state.orders.get(symbol);
  const entry = book?.get(orderId);
  if (entry) {
    if (!notOlder(time, seq, entry.time, entry.seq)) return false;
    // Cumulative filled quantity never goes down: an event that says so is stale.
    if (compareDecimal(order.filledQuantity, entry.order.filledQuantity) < 0) return false;
  } else if (!newer(time, seq, state.asOf, SNAPSHOT_SEQ)) {
    return false;
  }
  if (isTerminalStatus(order.status)) {
    markFinished(state, symbol, orderId, time);
    if (book && entry) {
      book.delete(orderId);
      if (book.size === 0) state.orders.delete(symbol);
    }
    sink?.({ type: 'order', order, removed: true });
    return true;
  }
  const merged: MirrorOrder = entry
    ? {
        ...order,
        // A cancel-replace style event may omit what it does not change.
        clientOrderId: order.clientOrderId || entry.order.clientOrderId,
      }
    : order;
  ordersOf(state, symbol).set(orderId, { order: merged, time, seq });
  sink?.({ type: 'order', order: merged, removed: false });
  return true;
}

/** A text field of an event (BHEX's numeric client order id included) as a string. */
const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/**
 * The dialect to read an event with. The event types the fold mirrors name their dialect, except
 * `executionReport`, whose spot, Coins.ph and BHEX forms normalize alike (spot's alone carries
 * `C`; BHEX's numeric client order id is made a string in {@link mirrorOrder}).
 */
function dialectOf(event: UserDataEvent): Dialect {
  // A parsed event the dialect does not list arrives as `unknown` with its wire type.
  switch (event.e === 'unknown' ? event.type : event.e) {
    case 'ACCOUNT_UPDATE':
      // BingX spot's balance push shares the futures name; its balances carry `lk` (locked).
      return isBingxSpotAccount(event) ? 'bingxSpot' : 'futures';
    case 'ORDER_TRADE_UPDATE':
    case 'ALGO_UPDATE':
      return 'futures';
    case 'outboundAccountInfo':
      return 'bhex';
    case 'BALANCE_POSITION_UPDATE':
      return 'options';
    // MEXC's decoded protobuf pushes (issue #13).
    case 'privateOrders':
    case 'privateAccount':
      return 'mexc';
    // Bitrue's pushes (issue #13), numeric enums.
    case 'ORDER':
    case 'BALANCE':
      return 'bitrue';
    default:
      return 'spot';
  }
}

/** BingX spot's `ACCOUNT_UPDATE` (issue #13): no positions, `lk` on its balances. */
function isBingxSpotAccount(event: UserDataEvent): boolean {
  const a = (event as { a?: { B?: unknown; P?: unknown } }).a;
  const first = Array.isArray(a?.B) ? (a.B[0] as { lk?: unknown } | undefined) : undefined;
  return a?.P === undefined && typeof first?.lk === 'string';
}

/** An order report as the mirror holds it: core's order shape, amounts normalized. */
function mirrorOrder(n: NormalizedOrder, time: number): MirrorOrder {
  const o = orderSnapshotOf(n, time);
  // Text fields through str(): a hand-made event from the caller's own source may lack one.
  return {
    symbol: str(o.symbol),
    orderId: str(o.orderId),
    clientOrderId: str(o.clientOrderId),
    side: str(o.side),
    type: str(o.type),
    status: str(o.status),
    price: dec(o.price),
    quantity: dec(o.quantity),
    filledQuantity: dec(o.filledQuantity),
    updateTime: time,
  };
}

/**
 * Applies one event. Returns true when it changed the state, false when it was skipped
 * (older than what the state holds, or an event that does not touch balances or orders).
 */
export function applyEvent(state: FoldState, event: UserDataEvent, sink?: ChangeSink): boolean {
  let n: NormalizedEvent;
  try {
    n = normalizeEvent(event, dialectOf(event));
  } catch {
    // Only a hand-made event (the caller's own source) can miss what its type promises: not ours to mirror.
    return false;
  }
  const E = num(n.venueEventTime);
  switch (n.kind) {
    case 'balances': {
      // Absolute free/locked per listed asset. Spot sends `u` (last account update time);
      // BHEX's outboundAccountInfo is ordered by `E` only ("order your updates using E").
      // BHEX's margin account (outboundMarginAccountInfo) is not mirrored.
      // MEXC's privateAccount: one asset's balance after a change, at its settlement `time`.
      // BingX spot's ACCOUNT_UPDATE: the listed assets' balances at `T`.
      if (
        n.eventType !== 'outboundAccountPosition' &&
        n.eventType !== 'outboundAccountInfo' &&
        n.eventType !== 'privateAccount' &&
        n.eventType !== 'BALANCE' &&
        n.eventType !== 'ACCOUNT_UPDATE'
      )
        return false;
      const time = n.eventType === 'outboundAccountInfo' ? E : num(n.lastUpdateTime, E);
      let changed = false;
      for (const b of n.balances) {
        if (typeof b.asset !== 'string') continue;
        if (setBalance(state, b.asset, str(b.free) || '0', str(b.locked) || '0', time, E, sink))
          changed = true;
      }
      return changed;
    }
    case 'balanceDelta':
      // A delta to the free balance (deposit, withdrawal, transfer) at clear time T.
      if (typeof n.asset !== 'string') return false;
      return addToBalance(state, n.asset, str(n.delta) || '0', '0', num(n.clearTime, E), E, sink);
    case 'order': {
      // BHEX's margin orders (marginExecutionReport) are not mirrored.
      // MEXC's privateOrders carries no transaction time: its push time E orders it.
      // Bitrue's ORDER: its trade time T when it has one, else E.
      if (n.eventType === 'executionReport' || n.eventType === 'privateOrders' || n.eventType === 'ORDER') {
        // Spot, margin, Coins.ph: T is the transaction time. BHEX sends no T: use E.
        const time = num(n.transactionTime, E);
        return applyOrder(state, mirrorOrder(n, time), time, E, sink);
      }
      if (n.raw.e === 'ORDER_TRADE_UPDATE') {
        // The event's own transaction time first, then the order's trade time. BingX swap sends
        // no event T and the order's T as 0 before it trades: then E orders it.
        const traded = n.transactionTime !== undefined && n.transactionTime > 0 ? n.transactionTime : E;
        const time = num(n.raw.T, traded);
        return applyOrder(state, mirrorOrder(n, time), time, E, sink);
      }
      return false;
    }
    case 'accountUpdate': {
      // Futures: absolute wallet balance per listed asset. The mirror maps wallet balance to
      // `free` and nothing to `locked` (futures margin is not locked per order). Positions:
      // absolute too (positions-fold.ts).
      const time = num(n.transactionTime, E);
      let changed = applyAccountPositions(state.positions, n, time, E, sink);
      for (const b of n.balances) {
        if (typeof b.asset !== 'string') continue;
        if (setBalance(state, b.asset, str(b.walletBalance) || '0', '0', time, E, sink)) changed = true;
      }
      return changed;
    }
    case 'algoOrder':
      return applyAlgoUpdate(state.algoOrders, n, E, sink);
    default:
      return false;
  }
}

/** Plain-object view of the balances; assets with zero free and locked are left out. */
export function balancesView(state: FoldState): Record<string, MirrorBalance> {
  const out: Record<string, MirrorBalance> = {};
  const assets = [...state.balances.keys()].sort();
  for (const asset of assets) {
    const b = state.balances.get(asset) as BalanceEntry;
    if (b.free === '0' && b.locked === '0') continue;
    out[asset] = { free: b.free, locked: b.locked };
  }
  return out;
}

/** The open orders, sorted by symbol then order id. */
export function ordersView(state: FoldState): MirrorOrder[] {
  const out: MirrorOrder[] = [];
  for (const symbol of [...state.orders.keys()].sort()) {
    const book = state.orders.get(symbol) as Map<string, OrderEntry>;
    const ids = [...book.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const id of ids) out.push((book.get(id) as OrderEntry).order);
  }
  return out;
}

export type { MirrorDifference } from './account-diff.js';
