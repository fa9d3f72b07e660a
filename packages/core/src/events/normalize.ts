/**
 * A readable view of parsed events, one shape per kind across all dialects. Opt-in and off the
 * hot path: it builds new objects. Decimal amounts stay strings; ids become strings.
 *
 * The shapes live in normalize-types.ts; orders, positions and algo orders each have their own
 * module (events and REST objects side by side, so snapshots and events fold through one model).
 */
import type { AsterEvent } from './aster.js';
import type { BhexEvent } from './bhex.js';
import type { BingxSpotEvent, BingxSwapEvent } from './bingx.js';
import type { BitrueEvent } from './bitrue.js';
import type { CoinsEvent } from './coins.js';
import type { Dialect } from './common.js';
import type { FuturesEvent } from './futures.js';
import type { MexcEvent } from './mexc.js';
import { algoUpdate, conditionalOrderUpdate } from './normalize-algo.js';
import { normalizeBingxSpot, normalizeBingxSwap } from './normalize-bingx.js';
import { normalizeBitrue } from './normalize-bitrue.js';
import { normalizeMexc } from './normalize-mexc.js';
import { bhexOrder, futuresOrder, spotOrder } from './normalize-orders.js';
import { futuresAccount, optionsBalancePosition } from './normalize-positions.js';
import { normalizeToobit } from './normalize-toobit.js';
import type {
  NormalizedBalance,
  NormalizedEvent,
  NormalizedOrderList,
  NormalizedOther,
} from './normalize-types.js';
import type { OptionsBalancePositionUpdate } from './options.js';
import type { UserDataEvent } from './parse.js';
import type { ListStatus, SpotEvent } from './spot.js';
import type { ToobitEvent } from './toobit.js';

export {
  type AlgoOrderSnapshot,
  isTerminalAlgoStatus,
  normalizeRestAlgoOrder,
} from './normalize-algo.js';
export { normalizeRestOrder, type OrderSnapshot, orderSnapshotOf } from './normalize-orders.js';
export {
  normalizeRestPosition,
  type PositionSnapshot,
  positionKey,
  positionSnapshotOf,
} from './normalize-positions.js';
export type * from './normalize-types.js';

function other(eventType: string, venueEventTime: number | undefined, raw: UserDataEvent): NormalizedOther {
  return { kind: 'other', eventType, venueEventTime, raw };
}

function snapshot(items: readonly { a: string; f: string; l: string }[]): NormalizedBalance[] {
  return items.map((b) => ({ asset: b.a, free: b.f, locked: b.l }));
}

function orderList(event: ListStatus): NormalizedOrderList {
  return {
    kind: 'orderList',
    eventType: event.e,
    venueEventTime: event.E,
    transactionTime: event.T,
    symbol: event.s,
    orderListId: event.g,
    contingencyType: event.c,
    listStatusType: event.l,
    listOrderStatus: event.L,
    listRejectReason: event.r,
    listClientOrderId: event.C,
    orders: event.O.map((o) => ({ symbol: o.s, orderId: String(o.i), clientOrderId: o.c })),
    raw: event,
  };
}

/** Spot and Coins.ph share the executionReport letters (Coins.ph sends a subset). */
function spotLike(event: SpotEvent | CoinsEvent): NormalizedEvent {
  switch (event.e) {
    case 'executionReport':
      return spotOrder(event);
    case 'outboundAccountPosition':
      return {
        kind: 'balances',
        eventType: event.e,
        venueEventTime: event.E,
        lastUpdateTime: event.u,
        balances: snapshot(event.B),
        raw: event,
      };
    case 'balanceUpdate':
      return {
        kind: 'balanceDelta',
        eventType: event.e,
        venueEventTime: event.E,
        asset: event.a,
        delta: event.d,
        clearTime: event.T,
        raw: event,
      };
    case 'listStatus':
      return orderList(event);
    case 'listenKeyExpired':
    case 'eventStreamTerminated':
      return { kind: 'credentialExpired', eventType: event.e, venueEventTime: event.E, raw: event };
    case 'serverShutdown':
      return { kind: 'serverShutdown', eventType: event.e, venueEventTime: event.E, raw: event };
    default:
      return other(event.e, event.E, event);
  }
}

/** Aster spot: Binance's executionReport letters; its balance snapshot carries `T`, not `u`. */
function aster(event: AsterEvent): NormalizedEvent {
  if (event.e === 'executionReport') return spotOrder(event);
  return {
    kind: 'balances',
    eventType: event.e,
    venueEventTime: event.E,
    lastUpdateTime: event.T,
    balances: snapshot(event.B),
    raw: event,
  };
}

function futures(event: FuturesEvent): NormalizedEvent {
  // ALGO_UPDATE is matched on the type string: the futures dialect may not list it (yet).
  if ((event as { e: string }).e === 'ALGO_UPDATE') {
    return algoUpdate(event) ?? other('ALGO_UPDATE', (event as { E?: number }).E, event);
  }
  switch (event.e) {
    case 'ORDER_TRADE_UPDATE':
      return futuresOrder(event);
    case 'ACCOUNT_UPDATE':
      return futuresAccount(event);
    case 'listenKeyExpired':
      return { kind: 'credentialExpired', eventType: event.e, venueEventTime: event.E, raw: event };
    default:
      return other(event.e, event.E, event);
  }
}

/** The `/papi` stream: futures events (with `fs`) and the margin side's spot events. */
function portfolioMargin(event: UserDataEvent): NormalizedEvent {
  switch (event.e) {
    case 'executionReport':
    case 'outboundAccountPosition':
    case 'balanceUpdate':
    case 'listStatus':
      return spotLike(event as SpotEvent);
    default:
      return futures(event as FuturesEvent);
  }
}

/** The `/eapi` stream: balances and positions; the rest (orders, greeks, risk) through `raw`. */
function options(event: UserDataEvent): NormalizedEvent {
  switch (event.e) {
    case 'BALANCE_POSITION_UPDATE':
      return optionsBalancePosition(event as OptionsBalancePositionUpdate);
    case 'listenKeyExpired':
      return { kind: 'credentialExpired', eventType: event.e, venueEventTime: Number(event.E), raw: event };
    default:
      return other(event.e, (event as { E?: number }).E, event);
  }
}

function bhex(event: BhexEvent): NormalizedEvent {
  switch (event.e) {
    case 'executionReport':
    case 'marginExecutionReport':
      return bhexOrder(event);
    case 'outboundAccountInfo':
    case 'outboundMarginAccountInfo':
      return {
        kind: 'balances',
        eventType: event.e,
        venueEventTime: event.E,
        lastUpdateTime: event.u,
        balances: snapshot(event.B),
        canTrade: event.T,
        canWithdraw: event.W,
        canDeposit: event.D,
        raw: event,
      };
    default:
      return other((event as { e: string }).e, (event as { E?: number }).E, event);
  }
}

/**
 * The readable view of an event parsed with the same `dialect` (the dialect decides what an
 * `executionReport` looks like). Unknown and unlisted events become `kind: 'other'`.
 */
export function normalizeEvent(event: UserDataEvent, dialect: Dialect): NormalizedEvent {
  if (event.e === 'unknown') {
    // An ALGO_UPDATE the dialect's schemas do not list yet still carries a mirrorable order.
    if (event.type === 'ALGO_UPDATE' || event.type === 'CONDITIONAL_ORDER_TRADE_UPDATE') {
      const raw = event.raw as unknown as UserDataEvent;
      const algo = event.type === 'ALGO_UPDATE' ? algoUpdate(raw) : conditionalOrderUpdate(raw);
      if (algo) return { ...algo, raw: event };
    }
    return other(event.type, event.E, event);
  }
  // PM's CM conditional orders are algo orders of book CM, whatever dialect the caller names (the
  // mirror reads each event type with the dialect its letters need; this type is PM's alone).
  if (event.e === 'CONDITIONAL_ORDER_TRADE_UPDATE') {
    return conditionalOrderUpdate(event) ?? other(event.e, event.E, event);
  }
  switch (dialect) {
    case 'spot':
      return spotLike(event as SpotEvent);
    case 'coins':
      return spotLike(event as CoinsEvent);
    case 'futures':
      return futures(event as FuturesEvent);
    case 'bhex':
      return bhex(event as BhexEvent);
    case 'portfolioMargin':
      return portfolioMargin(event);
    case 'options':
      return options(event);
    case 'bingxSpot':
      return normalizeBingxSpot(event as BingxSpotEvent);
    case 'bingxSwap':
      return normalizeBingxSwap(event as BingxSwapEvent);
    case 'mexc':
      return normalizeMexc(event as MexcEvent);
    case 'aster':
      return aster(event as AsterEvent);
    case 'asterFutures':
      // USDⓈ-M's shapes; `announcement` (no E) falls through to `other`.
      return futures(event as FuturesEvent);
    case 'tokocrypto':
      // Binance spot's letters (a subset of the executionReport, a superset of the balances).
      return spotLike(event as SpotEvent);
    case 'toobit':
      return normalizeToobit(event as ToobitEvent);
    case 'bitrue':
      return normalizeBitrue(event as BitrueEvent);
    default:
      return other(event.e, (event as { E?: number }).E, event);
  }
}
