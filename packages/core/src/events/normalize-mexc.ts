/**
 * MEXC's private pushes in the common model (issue #13 item 1): `privateOrders` becomes an order
 * update, `privateAccount` a one-asset balance snapshot, `privateDeals` (a fill, already folded
 * into the order's cumulative quantity and the account's balances) stays `other`.
 * Numeric enums from https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams/spot-account-orders
 * (checked 2026-12-03): orderType LIMIT_ORDER 1, POST_ONLY 2, IMMEDIATE_OR_CANCEL 3,
 * FILL_OR_KILL 4, MARKET_ORDER 5, stop-limit 100; tradeType 1 buy, 2 sell; status 1 not traded,
 * 2 fully traded, 3 partially traded, 4 canceled, 5 partially canceled.
 */
import type { MexcEvent, MexcPrivateOrders } from './mexc.js';
import type { NormalizedEvent, NormalizedOrder } from './normalize-types.js';

/** MEXC orderType → [Binance-style type, timeInForce] (the names MEXC's REST orders use). */
const ORDER_TYPES: Readonly<Record<number, readonly [string, string]>> = {
  1: ['LIMIT', 'GTC'],
  2: ['LIMIT_MAKER', 'GTC'],
  3: ['IMMEDIATE_OR_CANCEL', 'IOC'],
  4: ['FILL_OR_KILL', 'FOK'],
  5: ['MARKET', 'GTC'],
  100: ['STOP_LIMIT', 'GTC'],
};

/** MEXC status → the REST names (`GET /api/v3/openOrders` reports NEW, PARTIALLY_FILLED, …). */
const STATUSES: Readonly<Record<number, string>> = {
  1: 'NEW',
  2: 'FILLED',
  3: 'PARTIALLY_FILLED',
  4: 'CANCELED',
  5: 'PARTIALLY_CANCELED',
};

/** The REST name of a pushed MEXC order status (`UNKNOWN_<n>` for one the docs do not list). */
export function mexcOrderStatus(status: number): string {
  return STATUSES[status] ?? `UNKNOWN_${status}`;
}

function order(event: MexcPrivateOrders): NormalizedOrder {
  const d = event.d;
  const [type, timeInForce] = ORDER_TYPES[d.orderType] ?? [`UNKNOWN_${d.orderType}`, 'GTC'];
  const status = mexcOrderStatus(d.status);
  const last = d.lastDealQuantity ?? '0';
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: event.s,
    orderId: d.id,
    clientOrderId: d.clientId,
    side: d.tradeType === 2 ? 'SELL' : 'BUY',
    type,
    timeInForce,
    status,
    // The push says what the order is now, not why: a fill shows as a changed cumulative quantity.
    executionType: undefined,
    price: d.price,
    quantity: d.quantity,
    filledQuantity: d.cumulativeQuantity,
    lastFilledQuantity: last === '' ? '0' : last,
    // The order push carries the average price only; the deal push has each fill's price.
    lastFilledPrice: d.avgPrice === '' ? '0' : d.avgPrice,
    quoteFilledQuantity: d.cumulativeAmount,
    commission: '0',
    commissionAsset: null,
    isMaker: d.isMaker,
    // No transaction time on the order push: the push time orders it.
    transactionTime: event.E,
    raw: event,
  };
}

export function normalizeMexc(event: MexcEvent): NormalizedEvent {
  switch (event.e) {
    case 'privateOrders':
      return order(event);
    case 'privateAccount':
      return {
        kind: 'balances',
        eventType: event.e,
        venueEventTime: event.E,
        lastUpdateTime: event.d.time,
        balances: [{ asset: event.d.vcoinName, free: event.d.balanceAmount, locked: event.d.frozenAmount }],
        raw: event,
      };
    default:
      return { kind: 'other', eventType: event.e, venueEventTime: event.E, raw: event };
  }
}
