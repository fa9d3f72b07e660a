/**
 * A readable view of parsed events, one shape per kind across all dialects. Opt-in and off the
 * hot path: it builds new objects. Decimal amounts stay strings; ids become strings.
 */
import type { BhexEvent } from './bhex.js';
import type { CoinsEvent } from './coins.js';
import type { Dialect } from './common.js';
import type { FuturesAccountUpdate, FuturesEvent, FuturesOrderTradeUpdate } from './futures.js';
import type { UserDataEvent } from './parse.js';
import type { ListStatus, SpotEvent } from './spot.js';

/** An order update (spot/coins/bhex `executionReport`, futures `ORDER_TRADE_UPDATE`) in one shape. */
export interface NormalizedOrder {
  kind: 'order';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). */
  venueEventTime: number;
  symbol: string;
  orderId: string;
  /** Always a string (BHEX sends a number). On a spot cancel: the cancel request's id. */
  clientOrderId: string;
  /**
   * On a spot cancel, the canceled order's own client id (`C`); present only when the venue
   * sends a non-empty one (Coins.ph, BHEX and futures never do).
   */
  originalClientOrderId?: string;
  side: string;
  type: string;
  timeInForce: string;
  status: string;
  /** Why this update was sent (NEW, TRADE, CANCELED, …); BHEX usually omits it. */
  executionType: string | undefined;
  price: string;
  quantity: string;
  filledQuantity: string;
  lastFilledQuantity: string;
  lastFilledPrice: string;
  /** Cumulative quote quantity (`Z`), where the venue sends it (not futures). */
  quoteFilledQuantity?: string | undefined;
  /** `"0"` when the venue sends no commission. */
  commission: string;
  commissionAsset: string | null;
  /** Undefined when the update is not a trade (the venue sends -1 or 0). */
  tradeId?: number | undefined;
  isMaker?: boolean | undefined;
  /** Transaction / trade time; undefined when the venue sends none or -1. */
  transactionTime: number | undefined;
  raw: UserDataEvent;
}

/** One asset of a balance snapshot. */
export interface NormalizedBalance {
  asset: string;
  free: string;
  locked: string;
}

/** A snapshot of the assets an event changed (`outboundAccountPosition`, BHEX `outboundAccountInfo`). */
export interface NormalizedBalances {
  kind: 'balances';
  eventType: string;
  venueEventTime: number;
  /** `u`: time of the last account update, when sent. */
  lastUpdateTime: number | undefined;
  balances: NormalizedBalance[];
  canTrade?: boolean | undefined;
  canWithdraw?: boolean | undefined;
  canDeposit?: boolean | undefined;
  raw: UserDataEvent;
}

/** A balance change outside trading (`balanceUpdate`: deposit, withdrawal, transfer). */
export interface NormalizedBalanceDelta {
  kind: 'balanceDelta';
  eventType: string;
  venueEventTime: number;
  asset: string;
  /** Signed decimal. */
  delta: string;
  clearTime: number;
  raw: UserDataEvent;
}

/** One asset of a futures `ACCOUNT_UPDATE`. */
export interface NormalizedFuturesBalance {
  asset: string;
  walletBalance: string;
  crossWalletBalance: string;
  /** Balance change except PnL and commission, when sent. */
  balanceChange: string | undefined;
}

/** One position of a futures `ACCOUNT_UPDATE`. */
export interface NormalizedPosition {
  symbol: string;
  /** Signed: negative is short. */
  positionAmount: string;
  entryPrice: string;
  breakEvenPrice: string | undefined;
  unrealizedPnl: string;
  accumulatedRealized: string;
  marginType: string;
  isolatedWallet: string | undefined;
  positionSide: string;
}

/** Futures `ACCOUNT_UPDATE`: changed balances and positions. */
export interface NormalizedAccountUpdate {
  kind: 'accountUpdate';
  eventType: string;
  venueEventTime: number;
  transactionTime: number;
  /** Why it changed: ORDER, FUNDING_FEE, DEPOSIT, … */
  reason: string;
  balances: NormalizedFuturesBalance[];
  positions: NormalizedPosition[];
  raw: UserDataEvent;
}

/** Spot `listStatus` (OCO/OTO order lists). */
export interface NormalizedOrderList {
  kind: 'orderList';
  eventType: string;
  venueEventTime: number;
  transactionTime: number;
  symbol: string;
  orderListId: number;
  contingencyType: string;
  listStatusType: string;
  listOrderStatus: string;
  listRejectReason: string;
  listClientOrderId: string;
  orders: { symbol: string; orderId: string; clientOrderId: string }[];
  raw: UserDataEvent;
}

/**
 * The stream's credential or subscription ended (`listenKeyExpired`, `eventStreamTerminated`):
 * no more events until it is replaced. `raw` may hold the listenKey: do not log it.
 */
export interface NormalizedCredentialExpired {
  kind: 'credentialExpired';
  eventType: string;
  venueEventTime: number;
  raw: UserDataEvent;
}

/** `serverShutdown`: reconnect now. */
export interface NormalizedServerShutdown {
  kind: 'serverShutdown';
  eventType: string;
  venueEventTime: number;
  raw: UserDataEvent;
}

/** Everything else (unknown events, TRADE_LITE, ACCOUNT_CONFIG_UPDATE, MARGIN_CALL, externalLockUpdate): see `raw`. */
export interface NormalizedOther {
  kind: 'other';
  eventType: string;
  venueEventTime: number | undefined;
  raw: UserDataEvent;
}

/** The readable view of any user data event, discriminated by `kind`. */
export type NormalizedEvent =
  | NormalizedOrder
  | NormalizedBalances
  | NormalizedBalanceDelta
  | NormalizedAccountUpdate
  | NormalizedOrderList
  | NormalizedCredentialExpired
  | NormalizedServerShutdown
  | NormalizedOther;

function other(eventType: string, venueEventTime: number | undefined, raw: UserDataEvent): NormalizedOther {
  return { kind: 'other', eventType, venueEventTime, raw };
}

function orNone(value: number | undefined): number | undefined {
  return value === undefined || value < 0 ? undefined : value;
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

function futuresOrder(event: FuturesOrderTradeUpdate): NormalizedOrder {
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

function futuresAccount(event: FuturesAccountUpdate): NormalizedAccountUpdate {
  return {
    kind: 'accountUpdate',
    eventType: event.e,
    venueEventTime: event.E,
    transactionTime: event.T,
    reason: event.a.m,
    balances: event.a.B.map((b) => ({
      asset: b.a,
      walletBalance: b.wb,
      crossWalletBalance: b.cw,
      balanceChange: b.bc,
    })),
    positions: (event.a.P ?? []).map((p) => ({
      symbol: p.s,
      positionAmount: p.pa,
      entryPrice: p.ep,
      breakEvenPrice: p.bep,
      unrealizedPnl: p.up,
      accumulatedRealized: p.cr,
      marginType: p.mt,
      isolatedWallet: p.iw,
      positionSide: p.ps,
    })),
    raw: event,
  };
}

function futures(event: FuturesEvent): NormalizedEvent {
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

function bhex(event: BhexEvent): NormalizedEvent {
  switch (event.e) {
    case 'executionReport':
    case 'marginExecutionReport':
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
 * An order as a snapshot or a mirror holds it: one shape whatever it was read from, an order
 * event ({@link orderSnapshotOf}) or a venue's REST order object ({@link normalizeRestOrder}).
 * Amounts are the venue's decimal strings as sent.
 */
export interface OrderSnapshot {
  symbol: string;
  orderId: string;
  clientOrderId: string;
  side: string;
  type: string;
  status: string;
  price: string;
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
    side: text(body.side),
    type: text(body.type),
    status: text(body.status),
    price: text(body.price),
    quantity: text(body.origQty),
    filledQuantity: text(body.executedQty),
    updateTime: epochMs(body.updateTime ?? body.time),
  };
}

/**
 * The readable view of an event parsed with the same `dialect` (the dialect decides what an
 * `executionReport` looks like). Unknown and unlisted events become `kind: 'other'`.
 */
export function normalizeEvent(event: UserDataEvent, dialect: Dialect): NormalizedEvent {
  if (event.e === 'unknown') return other(event.type, event.E, event);
  switch (dialect) {
    case 'spot':
      return spotLike(event as SpotEvent);
    case 'coins':
      return spotLike(event as CoinsEvent);
    case 'futures':
      return futures(event as FuturesEvent);
    case 'bhex':
      return bhex(event as BhexEvent);
    default:
      return other(event.e, (event as { E?: number }).E, event);
  }
}
