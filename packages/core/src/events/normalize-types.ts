/**
 * The shapes of core's readable view of events (normalize.ts builds them): one shape per kind
 * across all dialects. Decimal amounts stay strings; ids become strings.
 */
import type { AlgoOrderSnapshot } from './normalize-algo.js';
import type { UserDataEvent } from './parse.js';

/** Portfolio margin's two futures books (`fs` on its futures events). */
export type FuturesBook = 'UM' | 'CM';

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
  /**
   * Portfolio margin's `fs`: which book the update belongs to, `UM` (USDⓈ-M) or `CM` (COIN-M);
   * undefined on plain USDⓈ-M and COIN-M streams, where the venue is the book.
   */
  book: FuturesBook | undefined;
  balances: NormalizedFuturesBalance[];
  positions: NormalizedPosition[];
  raw: UserDataEvent;
}

/**
 * A conditional (algo) order update: USDⓈ-M `ALGO_UPDATE` (`o`), portfolio margin's (`ao`).
 * `algoOrder` holds the order as a snapshot of it would (see {@link AlgoOrderSnapshot}).
 */
export interface NormalizedAlgoOrder {
  kind: 'algoOrder';
  eventType: string;
  venueEventTime: number;
  /**
   * The time that orders this update: the later of the event's `T` and `E` (the ALGO_UPDATE page
   * labels `T` "Event Time" and `E` "Transaction Time", and its example has `E` after `T`; the
   * Message Ordering Guarantee recommends `E`). Replaying a restated absolute update is harmless,
   * skipping a newer one is not, so the later clock is the safe one to compare with a snapshot.
   */
  transactionTime: number;
  algoOrder: AlgoOrderSnapshot;
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
  | NormalizedAlgoOrder
  | NormalizedOrderList
  | NormalizedCredentialExpired
  | NormalizedServerShutdown
  | NormalizedOther;
