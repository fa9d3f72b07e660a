import {
  type AlgoOrderSnapshot,
  type FuturesBook,
  isDecimal,
  isTerminalAlgoStatus,
  type NormalizedAlgoOrder,
  normalizeDecimal,
} from '@userstream/core';

/**
 * The open conditional (algo) orders part of the mirror's fold: core's one algo order shape,
 * folded from `ALGO_UPDATE` (USDⓈ-M `o`, portfolio margin `ao`) and portfolio margin's
 * `CONDITIONAL_ORDER_TRADE_UPDATE` (CM conditional orders, `so`; core's normalizeEvent reads both)
 * and replaced by the open-algo-orders REST snapshot on every reconciliation (PM: UM's and CM's). An update carries the order's whole
 * state, so the not-older rule of account-fold.ts applies; an order that reached FINISHED,
 * CANCELED, REJECTED or EXPIRED is removed and remembered (bounded), never resurrected by a
 * straggling update.
 */

/** An open algo order the mirror holds; amounts normalized ("750.000" → "750"). */
export type MirrorAlgoOrder = Readonly<AlgoOrderSnapshot>;

/** What a reconciliation reads algo orders from (`@userstream/rest`'s `openAlgoOrders()`, or your own). */
export interface MirrorAlgoOrderInput {
  /** Portfolio margin: which book (`UM` or `CM`); left out elsewhere. */
  readonly book?: FuturesBook | undefined;
  /** Market symbol, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** The venue's algo order id. */
  readonly algoId: string | number;
  /** Your client id of the algo order. */
  readonly clientAlgoId?: string | undefined;
  /** Algo type as the venue names it (`CONDITIONAL`, …). */
  readonly algoType?: string | undefined;
  /** The order type it places when triggered (`STOP_MARKET`, `TAKE_PROFIT`, …). */
  readonly orderType?: string | undefined;
  /** `BUY` or `SELL`. */
  readonly side?: string | undefined;
  /** Hedge mode side (`LONG`, `SHORT`) or `BOTH`. */
  readonly positionSide?: string | undefined;
  /** Algo status as the venue names it (`NEW`, `TRIGGERING`, …). */
  readonly status: string;
  /** Quantity, a decimal string. */
  readonly quantity?: string | undefined;
  /** Trigger price, a decimal string. */
  readonly triggerPrice?: string | undefined;
  /** Limit price of the order placed when triggered, a decimal string. */
  readonly price?: string | undefined;
  /** Id of the order placed when it triggered, once it has. */
  readonly actualOrderId?: string | undefined;
  /** The venue's time of the last change (ms). */
  readonly updateTime: number;
}

interface AlgoEntry {
  order: MirrorAlgoOrder;
  time: number;
  seq: number;
}

export interface AlgoOrdersState {
  /** book + algoId → entry. */
  items: Map<string, AlgoEntry>;
  /** Algo orders seen ending (key → time), oldest forgotten first past MAX_FINISHED_ALGO_ORDERS. */
  finished: Map<string, number>;
  asOf: number;
}

/** An algo order change; `removed` when it left the open set. */
export interface AlgoOrderChange {
  /** Always `algoOrder`. */
  readonly type: 'algoOrder';
  /** The algo order as it is now (its last state when removed). */
  readonly algoOrder: MirrorAlgoOrder;
  /** True when it is no longer open (triggered, finished, canceled, rejected, expired). */
  readonly removed: boolean;
}

/** Most finished algo order ids remembered. */
export const MAX_FINISHED_ALGO_ORDERS = 10_000;

const SNAPSHOT_SEQ = Number.NEGATIVE_INFINITY;
const dec = (value: unknown): string => (isDecimal(value) ? normalizeDecimal(value) : '0');
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const keyOf = (o: { book?: FuturesBook | undefined; algoId: string }) => `${o.book ?? ''} ${o.algoId}`;

export function emptyAlgoOrders(asOf = 0): AlgoOrdersState {
  return { items: new Map(), finished: new Map(), asOf };
}

function held(o: MirrorAlgoOrderInput): MirrorAlgoOrder {
  return {
    book: o.book,
    symbol: String(o.symbol),
    algoId: String(o.algoId),
    clientAlgoId: o.clientAlgoId ?? '',
    algoType: o.algoType ?? '',
    orderType: o.orderType ?? '',
    side: o.side ?? '',
    positionSide: o.positionSide || 'BOTH',
    status: String(o.status),
    quantity: dec(o.quantity),
    triggerPrice: dec(o.triggerPrice),
    price: dec(o.price),
    actualOrderId: o.actualOrderId ?? '',
    updateTime: num(o.updateTime),
  };
}

/** The open algo orders a snapshot lists (anything it lists as ended is left out). */
export function algoOrdersFromSnapshot(list: readonly MirrorAlgoOrderInput[]): AlgoOrdersState {
  const state = emptyAlgoOrders(Math.max(0, ...list.map((o) => num(o.updateTime))));
  for (const o of list) {
    const order = held(o);
    if (isTerminalAlgoStatus(order.status)) continue;
    state.items.set(keyOf(order), { order, time: order.updateTime, seq: SNAPSHOT_SEQ });
  }
  return state;
}

/** Applies one `ALGO_UPDATE`; true when it changed the open set. */
export function applyAlgoUpdate(
  state: AlgoOrdersState,
  n: NormalizedAlgoOrder,
  seq: number,
  sink: ((change: AlgoOrderChange) => void) | undefined,
): boolean {
  const order = held(n.algoOrder);
  const time = n.transactionTime;
  const key = keyOf(order);
  if (state.finished.has(key)) return false;
  const entry = state.items.get(key);
  const fresh = entry
    ? time > entry.time || (time === entry.time && seq >= entry.seq)
    : time > state.asOf || (time === state.asOf && seq > SNAPSHOT_SEQ);
  if (!fresh) return false;
  if (isTerminalAlgoStatus(order.status)) {
    state.finished.set(key, time);
    if (state.finished.size > MAX_FINISHED_ALGO_ORDERS) {
      state.finished.delete(state.finished.keys().next().value as string);
    }
    state.items.delete(key);
    sink?.({ type: 'algoOrder', algoOrder: order, removed: true });
    return true;
  }
  state.items.set(key, { order, time, seq });
  sink?.({ type: 'algoOrder', algoOrder: order, removed: false });
  return true;
}

/** Open algo orders, sorted by book, symbol, then algo id (numerically). */
export function algoOrdersView(state: AlgoOrdersState): MirrorAlgoOrder[] {
  return [...state.items.values()]
    .map((e) => e.order)
    .sort(
      (a, b) =>
        (a.book ?? '').localeCompare(b.book ?? '') ||
        a.symbol.localeCompare(b.symbol) ||
        a.algoId.length - b.algoId.length ||
        (a.algoId < b.algoId ? -1 : a.algoId > b.algoId ? 1 : 0),
    );
}

/** One algo order that differs (by presence, status, quantity, trigger price or price). */
export interface AlgoOrderDifference {
  readonly kind: 'algoOrder';
  readonly algoId: string;
  readonly mirror: MirrorAlgoOrder | undefined;
  readonly exchange: MirrorAlgoOrder | undefined;
}

export function diffAlgoOrders(mirror: AlgoOrdersState, exchange: AlgoOrdersState): AlgoOrderDifference[] {
  if (mirror === exchange) return [];
  const out: AlgoOrderDifference[] = [];
  for (const key of new Set([...mirror.items.keys(), ...exchange.items.keys()])) {
    const a = mirror.items.get(key)?.order;
    const b = exchange.items.get(key)?.order;
    if (
      a?.status !== b?.status ||
      a?.quantity !== b?.quantity ||
      a?.triggerPrice !== b?.triggerPrice ||
      a?.price !== b?.price
    ) {
      out.push({ kind: 'algoOrder', algoId: (a ?? b)?.algoId ?? key, mirror: a, exchange: b });
    }
  }
  return out;
}
