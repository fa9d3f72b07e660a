import {
  type Dialect,
  type NormalizedEvent,
  type NormalizedOrder,
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
import {
  addToBalance,
  applyOrder,
  type ChangeSink,
  dec,
  emptyLedger,
  type Ledger,
  ledgerFromSnapshot,
  num,
  setBalance,
} from './ledger-fold.js';
import type { MirrorBook, MirrorOrder, MirrorSnapshot } from './mirror-shapes.js';
import {
  applyAccountPositions,
  emptyPositions,
  type PositionsState,
  positionsFromSnapshot,
} from './positions-fold.js';

export {
  balancesView,
  type ChangeSink,
  isTerminalStatus,
  type Ledger,
  MAX_FINISHED_ORDERS,
  ordersView,
} from './ledger-fold.js';
export type {
  FoldChange,
  MirrorBalance,
  MirrorBook,
  MirrorLedgerView,
  MirrorOrder,
  MirrorSnapshot,
} from './mirror-shapes.js';

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
 *
 * Ledgers (ledger-fold.ts). The state is the account's own ledger plus, on portfolio margin, a CM
 * and a MARGIN ledger: ACCOUNT_UPDATE and ORDER_TRADE_UPDATE with `fs` CM go to CM, and (when the
 * state is a PM account's) the margin account's spot-shaped events go to MARGIN, so neither ever
 * changes the UM wallet or the UM open orders (developers.binance.com/docs/derivatives/
 * portfolio-margin/user-data-streams/: Event-Margin-Account-Update, Event-Margin-Order-Update,
 * Event-Futures-Balance-and-Position-Update).
 */

/** The mirror's state: the account's ledger (UM on portfolio margin) and what it holds beside. */
export interface FoldState extends Ledger {
  /** Futures positions (positions-fold.ts). */
  positions: PositionsState;
  /** Open conditional orders (algo-orders-fold.ts). */
  algoOrders: AlgoOrdersState;
  /** Portfolio margin's CM and MARGIN ledgers, created by their first snapshot or event. */
  books: Map<Exclude<MirrorBook, 'UM'>, Ledger>;
  /** A portfolio-margin account: spot-shaped events are its margin account's (the MARGIN ledger). */
  portfolioMargin: boolean;
}

export function emptyState(asOf: number, portfolioMargin = false): FoldState {
  return {
    ...emptyLedger(asOf),
    positions: emptyPositions(),
    algoOrders: emptyAlgoOrders(),
    books: new Map(),
    portfolioMargin,
  };
}

/** One of portfolio margin's other ledgers, created empty (at the state's baseline) when first met. */
export function bookOf(state: FoldState, book: Exclude<MirrorBook, 'UM'>): Ledger {
  let ledger = state.books.get(book);
  if (!ledger) {
    ledger = emptyLedger(state.asOf, book);
    state.books.set(book, ledger);
  }
  return ledger;
}

/**
 * Builds the state a snapshot describes. Positions, algo orders or portfolio-margin ledgers the
 * snapshot leaves out are taken from `previous` (the mirror's own state), so a venue without those
 * endpoints keeps what its events said instead of losing it on every gap.
 */
export function stateFromSnapshot(
  snapshot: MirrorSnapshot,
  previous?: FoldState,
  portfolioMargin = previous?.portfolioMargin ?? false,
): FoldState {
  const own = ledgerFromSnapshot(
    snapshot.updateTime,
    snapshot.balances,
    snapshot.openOrders ?? [],
    undefined,
    previous,
  );
  const state: FoldState = {
    ...own,
    positions: snapshot.positions
      ? positionsFromSnapshot(snapshot.positions)
      : (previous?.positions ?? emptyPositions()),
    algoOrders: snapshot.algoOrders
      ? algoOrdersFromSnapshot(snapshot.algoOrders)
      : (previous?.algoOrders ?? emptyAlgoOrders()),
    books: new Map(previous?.books ?? []),
    portfolioMargin,
  };
  for (const book of ['CM', 'MARGIN'] as const) {
    const given = snapshot.books?.[book];
    if (given === undefined) continue;
    state.books.set(
      book,
      ledgerFromSnapshot(
        snapshot.updateTime,
        given.balances,
        given.openOrders,
        book,
        previous?.books.get(book),
      ),
    );
  }
  return state;
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
    // Toobit USDT-M's pushes (issue #13): BHEX's letters, positions per side.
    case 'contractExecutionReport':
    case 'outboundContractAccountInfo':
    case 'outboundContractPositionInfo':
      return 'toobit';
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

/** Order reports folded by their transaction time (else `E`); ORDER_TRADE_UPDATE has its own rule. */
const ORDER_EVENTS: ReadonlySet<string> = new Set([
  'executionReport',
  'privateOrders',
  'ORDER',
  'contractExecutionReport',
]);

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
  const ledger = ledgerFor(state, n);
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
        n.eventType !== 'outboundContractAccountInfo' &&
        n.eventType !== 'privateAccount' &&
        n.eventType !== 'BALANCE' &&
        n.eventType !== 'ACCOUNT_UPDATE'
      )
        return false;
      // BHEX's outboundAccountInfo and Toobit USDT-M's outboundContractAccountInfo: ordered by E.
      const byE = n.eventType === 'outboundAccountInfo' || n.eventType === 'outboundContractAccountInfo';
      const time = byE ? E : num(n.lastUpdateTime, E);
      let changed = false;
      for (const b of n.balances) {
        if (typeof b.asset !== 'string') continue;
        if (setBalance(ledger, b.asset, str(b.free) || '0', str(b.locked) || '0', time, E, sink))
          changed = true;
      }
      return changed;
    }
    case 'balanceDelta':
      // A delta to the free balance (deposit, withdrawal, transfer) at clear time T.
      if (typeof n.asset !== 'string') return false;
      return addToBalance(ledger, n.asset, str(n.delta) || '0', '0', num(n.clearTime, E), E, sink);
    case 'order': {
      // BHEX's margin orders (marginExecutionReport) are not mirrored.
      // MEXC's privateOrders carries no transaction time: its push time E orders it.
      // Bitrue's ORDER: its trade time T when it has one, else E.
      if (ORDER_EVENTS.has(n.eventType)) {
        // Spot, margin, Coins.ph: T is the transaction time. BHEX sends no T: use E. Toobit
        // USDT-M's contractExecutionReport: its update time U.
        const time = num(n.transactionTime, E);
        return applyOrder(ledger, mirrorOrder(n, time), time, E, sink);
      }
      if (n.raw.e === 'ORDER_TRADE_UPDATE') {
        // The event's own transaction time first, then the order's trade time. BingX swap sends
        // no event T and the order's T as 0 before it trades: then E orders it.
        const traded = n.transactionTime !== undefined && n.transactionTime > 0 ? n.transactionTime : E;
        const time = num(n.raw.T, traded);
        return applyOrder(ledger, mirrorOrder(n, time), time, E, sink);
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
        if (setBalance(ledger, b.asset, str(b.walletBalance) || '0', '0', time, E, sink)) changed = true;
      }
      return changed;
    }
    case 'algoOrder':
      return applyAlgoUpdate(state.algoOrders, n, E, sink);
    default:
      return false;
  }
}

/** The ledger a portfolio-margin event belongs to (the state itself outside portfolio margin). */
function ledgerFor(state: FoldState, n: NormalizedEvent): Ledger {
  if (n.kind === 'accountUpdate') return n.book === 'CM' ? bookOf(state, 'CM') : state;
  if (n.kind === 'order' && n.raw.e === 'ORDER_TRADE_UPDATE')
    return (n.raw as { fs?: unknown }).fs === 'CM' ? bookOf(state, 'CM') : state;
  if (!state.portfolioMargin) return state;
  // The PM stream's spot-shaped events are the margin account's.
  const type = n.eventType;
  return type === 'outboundAccountPosition' || type === 'balanceUpdate' || type === 'executionReport'
    ? bookOf(state, 'MARGIN')
    : state;
}

export type { MirrorDifference } from './account-diff.js';
