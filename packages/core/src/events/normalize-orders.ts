/**
 * Orders in one shape: order events (spot, Coins.ph, BHEX `executionReport`, futures
 * `ORDER_TRADE_UPDATE`) and venues' REST order objects, so a mirror and a snapshot compare alike.
 */
import type { AsterExecutionReport } from './aster.js';
import type { BhexExecutionReport } from './bhex.js';
import type { CoinsExecutionReport } from './coins.js';
import type { FuturesOrderTradeUpdate } from './futures.js';
import { restOrderSide } from './normalize-toobit-rest.js';
import type { NormalizedOrder } from './normalize-types.js';
import type { SpotExecutionReport } from './spot.js';

/** `undefined` for the venues' "none" markers (-1, or a missing value). */
export function orNone(value: number | undefined): number | undefined {
  return value === undefined || value < 0 ? undefined : value;
}

/** Spot, Coins.ph and Aster spot share the executionReport letters (Coins.ph and Aster send subsets). */
export function spotOrder(
  event: SpotExecutionReport | CoinsExecutionReport | AsterExecutionReport,
): NormalizedOrder {
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: event.s,
    orderId: String(event.i),
    clientOrderId: event.c,
    // Spot only (Coins.ph has no C); "" on anything but a cancel.
    ...('C' in event && event.C !== '' ? { originalClientOrderId: event.C } : {}),
    side: event.S,
    type: event.o,
    timeInForce: event.f,
    status: event.X,
    executionType: event.x,
    price: event.p,
    quantity: event.q,
    filledQuantity: event.z,
    lastFilledQuantity: event.l,
    lastFilledPrice: event.L,
    quoteFilledQuantity: event.Z,
    commission: event.n,
    commissionAsset: event.N,
    tradeId: orNone(event.t),
    isMaker: event.m,
    transactionTime: orNone(event.T),
    raw: event,
  };
}

/** BHEX's executionReport: a numeric client order id, no `T`. */
export function bhexOrder(event: BhexExecutionReport): NormalizedOrder {
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: event.s,
    orderId: String(event.i),
    clientOrderId: String(event.c),
    side: event.S,
    type: event.o,
    timeInForce: event.f,
    status: event.X,
    executionType: event.x,
    price: event.p,
    quantity: event.q,
    filledQuantity: event.z,
    lastFilledQuantity: event.l,
    lastFilledPrice: event.L,
    quoteFilledQuantity: event.Z,
    commission: event.n,
    commissionAsset: event.N,
    tradeId: orNone(event.t),
    isMaker: event.m,
    transactionTime: orNone(event.T),
    raw: event,
  };
}

export function futuresOrder(event: FuturesOrderTradeUpdate): NormalizedOrder {
  const o = event.o;
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: o.s,
    orderId: String(o.i),
    clientOrderId: o.c,
    side: o.S,
    type: o.o,
    timeInForce: o.f,
    status: o.X,
    executionType: o.x,
    price: o.p,
    quantity: o.q,
    filledQuantity: o.z,
    lastFilledQuantity: o.l,
    lastFilledPrice: o.L,
    quoteFilledQuantity: undefined,
    commission: o.n ?? '0',
    commissionAsset: o.N ?? null,
    tradeId: o.t > 0 ? o.t : undefined,
    isMaker: o.m,
    transactionTime: o.T,
    raw: event,
  };
}

/**
 * An order as a snapshot or a mirror holds it: one shape whatever it was read from, an order
 * event ({@link orderSnapshotOf}) or a venue's REST order object ({@link normalizeRestOrder}).
 * Amounts are the venue's decimal strings as sent.
 */
export interface OrderSnapshot {
  /** Market symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** The venue's order id, as a string. */
  orderId: string;
  /** Your client order id (`""` when the venue has none). */
  clientOrderId: string;
  /** `BUY` or `SELL`. */
  side: string;
  /** Order type as the venue names it (`LIMIT`, `MARKET`, …). */
  type: string;
  /** Order status (`NEW`, `PARTIALLY_FILLED`, …). */
  status: string;
  /** Limit price, a decimal string. */
  price: string;
  /** Ordered quantity, a decimal string. */
  quantity: string;
  /** Cumulative filled quantity. */
  filledQuantity: string;
  /** When the order last changed (epoch ms). */
  updateTime: number;
}

/**
 * The order an order event reports, as of `updateTime` (the caller's choice of the event's
 * times). On a spot cancel the order is named by its own client id, not the cancel request's.
 */
export function orderSnapshotOf(order: NormalizedOrder, updateTime: number): OrderSnapshot {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    clientOrderId:
      (order.status === 'CANCELED' ? order.originalClientOrderId : undefined) ?? order.clientOrderId,
    side: order.side,
    type: order.type,
    status: order.status,
    price: order.price,
    quantity: order.quantity,
    filledQuantity: order.filledQuantity,
    updateTime,
  };
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const epochMs = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/**
 * A venue's REST order object (open orders of spot, margin, futures, portfolio margin, BHEX,
 * Coins.ph: `orderId`, `origQty`, `executedQty`, `updateTime` or `time`) as an {@link OrderSnapshot}.
 * Tolerant: a missing field is `""` (a time 0), ids become strings.
 */
export function normalizeRestOrder(body: Readonly<Record<string, unknown>>): OrderSnapshot {
  return {
    symbol: text(body.symbol),
    orderId: text(body.orderId),
    clientOrderId: text(body.clientOrderId),
    // Toobit USDT-M's BUY_OPEN/SELL_CLOSE/… as the order push names them (BUY, SELL).
    side: restOrderSide(body.side),
    type: text(body.type),
    status: text(body.status),
    price: text(body.price),
    quantity: text(body.origQty),
    filledQuantity: text(body.executedQty),
    updateTime: epochMs(body.updateTime ?? body.time),
  };
}
