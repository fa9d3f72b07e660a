/**
 * BingX's events (bingx.ts) in the common shapes, so `AccountMirror` folds them like Binance's:
 * spot `executionReport` as a spot order, spot `ACCOUNT_UPDATE` as a balance snapshot of the
 * listed assets (free = `wb` − `lk`, locked = `lk`: `wb` is the asset's whole balance, the
 * reading BingX.Net's model gives it; our choice, the docs do not define the letters), swap
 * `ORDER_TRADE_UPDATE` / `ACCOUNT_UPDATE` as USDⓈ-M's.
 */
import { subDecimal } from '../decimal.js';
import type {
  BingxSpotEvent,
  BingxSwapAccountUpdate,
  BingxSwapEvent,
  BingxSwapOrderTradeUpdate,
} from './bingx.js';
import { orNone } from './normalize-orders.js';
import type { NormalizedAccountUpdate, NormalizedEvent, NormalizedOrder } from './normalize-types.js';

/** wb − lk, exactly; wb when either is not a decimal (the fold then still sees the total). */
function freeOf(wb: string, lk: string | undefined): string {
  if (lk === undefined) return wb;
  try {
    return subDecimal(wb, lk);
  } catch {
    return wb;
  }
}

export function normalizeBingxSpot(event: BingxSpotEvent): NormalizedEvent {
  if (event.e === 'ACCOUNT_UPDATE') {
    return {
      kind: 'balances',
      eventType: event.e,
      venueEventTime: event.E,
      lastUpdateTime: event.T,
      balances: event.a.B.map((b) => ({ asset: b.a, free: freeOf(b.wb, b.lk), locked: b.lk ?? '0' })),
      raw: event,
    };
  }
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: event.s,
    orderId: String(event.i),
    clientOrderId: event.c ?? '',
    ...(event.C !== undefined && event.C !== '' ? { originalClientOrderId: event.C } : {}),
    side: event.S,
    type: event.o,
    // BingX spot reports no time in force.
    timeInForce: '',
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
    transactionTime: orNone(event.T),
    raw: event,
  };
}

function swapOrder(event: BingxSwapOrderTradeUpdate): NormalizedOrder {
  const o = event.o;
  const T = o.T ?? event.T;
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: o.s,
    orderId: String(o.i),
    clientOrderId: o.c ?? o.C ?? '',
    side: o.S,
    type: o.o,
    timeInForce: o.f ?? '',
    status: o.X,
    executionType: o.x,
    price: o.p ?? '0',
    quantity: o.q ?? '0',
    filledQuantity: o.z ?? '0',
    lastFilledQuantity: o.l ?? '0',
    lastFilledPrice: o.L ?? '0',
    quoteFilledQuantity: undefined,
    commission: o.n ?? '0',
    commissionAsset: o.N ?? null,
    tradeId: o.t !== undefined && o.t > 0 ? o.t : undefined,
    isMaker: o.m,
    // BingX sends T 0 on an order that has not traded: no time.
    transactionTime: T !== undefined && T > 0 ? T : undefined,
    raw: event,
  };
}

function swapAccount(event: BingxSwapAccountUpdate): NormalizedAccountUpdate {
  return {
    kind: 'accountUpdate',
    eventType: event.e,
    venueEventTime: event.E,
    transactionTime: event.T ?? event.E,
    reason: event.a.m,
    book: undefined,
    balances: event.a.B.map((b) => ({
      asset: b.a,
      walletBalance: b.wb,
      crossWalletBalance: b.cw ?? b.wb,
      balanceChange: b.bc,
    })),
    positions: (event.a.P ?? []).map((p) => ({
      symbol: p.s,
      positionAmount: p.pa,
      entryPrice: p.ep ?? '0',
      breakEvenPrice: undefined,
      unrealizedPnl: p.up ?? '0',
      accumulatedRealized: p.cr ?? '0',
      marginType: p.mt ?? '',
      isolatedWallet: p.iw,
      positionSide: p.ps ?? 'BOTH',
    })),
    raw: event,
  };
}

export function normalizeBingxSwap(event: BingxSwapEvent): NormalizedEvent {
  switch (event.e) {
    case 'ORDER_TRADE_UPDATE':
      return swapOrder(event);
    case 'ACCOUNT_UPDATE':
      return swapAccount(event);
    case 'listenKeyExpired':
      return { kind: 'credentialExpired', eventType: event.e, venueEventTime: event.E, raw: event };
    default:
      return { kind: 'other', eventType: event.e, venueEventTime: event.E, raw: event };
  }
}
