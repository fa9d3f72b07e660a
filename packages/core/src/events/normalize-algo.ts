/**
 * Conditional (algo) orders in one shape, whether an event reported them (USDⓈ-M `ALGO_UPDATE`
 * `o`, portfolio margin `ALGO_UPDATE` `ao`) or a REST snapshot listed them
 * (`/fapi/v1/openAlgoOrders`, `/papi/v1/um/algo/openAlgoOrders`).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Current-All-Algo-Open-Orders
 */

import { bookOf } from './normalize-positions.js';
import type { FuturesBook, NormalizedAlgoOrder } from './normalize-types.js';
import type { UserDataEvent } from './parse.js';

/** An algo order as a snapshot or a mirror holds it; amounts are the venue's decimal strings. */
export interface AlgoOrderSnapshot {
  /** Portfolio margin's book (`UM` for the Algo service, `CM` for CM conditional orders); undefined on a USDⓈ-M account. */
  book: FuturesBook | undefined;
  /** Market symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** The venue's algo order id, as a string. */
  algoId: string;
  /** Your client id of the algo order (`""` when none). */
  clientAlgoId: string;
  /** `CONDITIONAL`. */
  algoType: string;
  /** STOP_MARKET, STOP, TAKE_PROFIT, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET. */
  orderType: string;
  /** `BUY` or `SELL`. */
  side: string;
  /** `BOTH` (one-way mode), `LONG` or `SHORT` (hedge mode). */
  positionSide: string;
  /** NEW, TRIGGERING, TRIGGERED, FINISHED, CANCELED, REJECTED, EXPIRED. */
  status: string;
  /** Quantity, a decimal string. */
  quantity: string;
  /** Trigger (stop) price, a decimal string. */
  triggerPrice: string;
  /** Limit price of the order placed when triggered, a decimal string (`"0"` for market). */
  price: string;
  /** The matching engine's order id once triggered; "" before. */
  actualOrderId: string;
  /** When the algo order last changed (epoch ms). */
  updateTime: number;
}

/** Statuses after which an algo order is no longer open in the Algo service. */
const ALGO_TERMINAL = new Set(['FINISHED', 'CANCELED', 'REJECTED', 'EXPIRED']);

/**
 * Whether an algo order in `status` has left the open set for good (`FINISHED`, `CANCELED`, `REJECTED`,
 * `EXPIRED`); a mirror removes it and never resurrects it.
 */
export function isTerminalAlgoStatus(status: string): boolean {
  return ALGO_TERMINAL.has(status);
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const epochMs = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/**
 * `ALGO_UPDATE` in its readable shape, or undefined when it has no order object. Read through
 * the documented letters (caid, aid, at, o, s, S, ps, X, q, tp, p, ai), so USDⓈ-M's `o` and
 * portfolio margin's `ao` fold alike.
 */
export function algoUpdate(event: UserDataEvent): NormalizedAlgoOrder | undefined {
  const raw = event as unknown as Record<string, unknown>;
  const o = (raw.o ?? raw.ao) as Record<string, unknown> | undefined;
  if (typeof o !== 'object' || o === null) return undefined;
  const E = epochMs(raw.E);
  const time = Math.max(E, epochMs(raw.T));
  return {
    kind: 'algoOrder',
    eventType: text(raw.e),
    venueEventTime: E,
    transactionTime: time,
    algoOrder: {
      book: bookOf(raw),
      symbol: text(o.s),
      algoId: text(o.aid),
      clientAlgoId: text(o.caid),
      algoType: text(o.at),
      orderType: text(o.o),
      side: text(o.S),
      positionSide: text(o.ps) || 'BOTH',
      status: text(o.X),
      quantity: text(o.q),
      triggerPrice: text(o.tp),
      price: text(o.p),
      actualOrderId: text(o.ai),
      updateTime: time,
    },
    raw: event,
  };
}

/**
 * A venue's REST algo order object (open algo orders) as an {@link AlgoOrderSnapshot}. Portfolio
 * margin's CM conditional orders (`/papi/v1/cm/conditional/openOrders`) keep the older strategy
 * names, read here under the algo ones: strategyId → algoId, newClientStrategyId → clientAlgoId,
 * strategyType → orderType, strategyStatus → status, origQty → quantity, stopPrice → triggerPrice
 * (the renames Binance lists for the UM endpoints that moved to the Algo service).
 */
export function normalizeRestAlgoOrder(
  body: Readonly<Record<string, unknown>>,
  book?: FuturesBook,
): AlgoOrderSnapshot {
  const strategy = body.algoId === undefined && body.strategyId !== undefined;
  return {
    book,
    symbol: text(body.symbol),
    algoId: text(strategy ? body.strategyId : body.algoId),
    clientAlgoId: text(strategy ? body.newClientStrategyId : body.clientAlgoId),
    algoType: strategy ? 'CONDITIONAL' : text(body.algoType),
    orderType: text(strategy ? body.strategyType : body.orderType),
    side: text(body.side),
    positionSide: text(body.positionSide) || 'BOTH',
    status: text(strategy ? body.strategyStatus : body.algoStatus),
    quantity: text(strategy ? body.origQty : body.quantity),
    triggerPrice: text(strategy ? body.stopPrice : body.triggerPrice),
    price: text(body.price),
    actualOrderId: text(body.actualOrderId),
    updateTime: epochMs(body.updateTime),
  };
}

/**
 * Portfolio margin's `CONDITIONAL_ORDER_TRADE_UPDATE` (the CM book's conditional orders, `fs`
 * naming the book) in the algo order shape, or undefined when it has no `so` object:
 * si → algoId, c → clientAlgoId, st → orderType, os → status, q, sp → triggerPrice, p, i → the
 * placed order's id; its time is the later of `E` and `T`, as for `ALGO_UPDATE`.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Conditional-Order-Trade-Update
 */
export function conditionalOrderUpdate(event: UserDataEvent): NormalizedAlgoOrder | undefined {
  const raw = event as unknown as Record<string, unknown>;
  const so = raw.so as Record<string, unknown> | undefined;
  if (typeof so !== 'object' || so === null) return undefined;
  const E = epochMs(raw.E);
  const time = Math.max(E, epochMs(raw.T));
  return {
    kind: 'algoOrder',
    eventType: text(raw.e),
    venueEventTime: E,
    transactionTime: time,
    algoOrder: {
      book: bookOf(raw),
      symbol: text(so.s),
      algoId: text(so.si),
      clientAlgoId: text(so.c),
      algoType: 'CONDITIONAL',
      orderType: text(so.st),
      side: text(so.S),
      positionSide: text(so.ps) || 'BOTH',
      status: text(so.os),
      quantity: text(so.q),
      triggerPrice: text(so.sp),
      price: text(so.p),
      actualOrderId: text(so.i),
      updateTime: time,
    },
    raw: event,
  };
}
