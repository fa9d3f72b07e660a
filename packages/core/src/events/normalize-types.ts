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
  /** Discriminant: an order update. */
  kind: 'order';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). */
  venueEventTime: number;
  /** Market symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** The venue's order id, as a string. */
  orderId: string;
  /** Always a string (BHEX sends a number). On a spot cancel: the cancel request's id. */
  clientOrderId: string;
  /**
   * On a spot cancel, the canceled order's own client id (`C`); present only when the venue
   * sends a non-empty one (Coins.ph, BHEX and futures never do).
   */
  originalClientOrderId?: string;
  /** `BUY` or `SELL`. */
  side: string;
  /** Order type as the venue names it (`LIMIT`, `MARKET`, `STOP_MARKET`, …). */
  type: string;
  /** `GTC`, `IOC`, `FOK`, `GTX`, … as the venue sends it. */
  timeInForce: string;
  /** Order status after this update (`NEW`, `PARTIALLY_FILLED`, `FILLED`, `CANCELED`, …). */
  status: string;
  /** Why this update was sent (NEW, TRADE, CANCELED, …); BHEX usually omits it. */
  executionType: string | undefined;
  /** Limit price, a decimal string (`"0"` for market orders). */
  price: string;
  /** Ordered quantity, a decimal string. */
  quantity: string;
  /** Cumulative filled quantity, a decimal string. */
  filledQuantity: string;
  /** Quantity of this fill, a decimal string (`"0"` when this update is not a fill). */
  lastFilledQuantity: string;
  /** Price of this fill, a decimal string. */
  lastFilledPrice: string;
  /** Cumulative quote quantity (`Z`), where the venue sends it (not futures). */
  quoteFilledQuantity?: string | undefined;
  /** `"0"` when the venue sends no commission. */
  commission: string;
  /** Asset the commission is charged in; null when there is none. */
  commissionAsset: string | null;
  /** Undefined when the update is not a trade (the venue sends -1 or 0). */
  tradeId?: number | undefined;
  /** Whether this fill made liquidity; undefined when not a trade or not sent. */
  isMaker?: boolean | undefined;
  /** Transaction / trade time; undefined when the venue sends none or -1. */
  transactionTime: number | undefined;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/** One asset of a balance snapshot. */
export interface NormalizedBalance {
  /** Asset name, e.g. `USDT`. */
  asset: string;
  /** Available amount, a decimal string. */
  free: string;
  /** Amount held by open orders, a decimal string. */
  locked: string;
}

/** A snapshot of the assets an event changed (`outboundAccountPosition`, BHEX `outboundAccountInfo`). */
export interface NormalizedBalances {
  /** Discriminant: a balance snapshot of the assets that changed. */
  kind: 'balances';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /** `u`: time of the last account update, when sent. */
  lastUpdateTime: number | undefined;
  /** The assets the event lists (only those that changed, on most venues). */
  balances: NormalizedBalance[];
  /** BHEX `T`: whether the account may trade; undefined where not sent. */
  canTrade?: boolean | undefined;
  /** BHEX `W`: whether the account may withdraw. */
  canWithdraw?: boolean | undefined;
  /** BHEX `D`: whether the account may deposit. */
  canDeposit?: boolean | undefined;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/** A balance change outside trading (`balanceUpdate`: deposit, withdrawal, transfer). */
export interface NormalizedBalanceDelta {
  /** Discriminant: a balance change outside trading. */
  kind: 'balanceDelta';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /** Asset name, e.g. `USDT`. */
  asset: string;
  /** Signed decimal. */
  delta: string;
  /** `T`: when the change was cleared (epoch ms). */
  clearTime: number;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/** One asset of a futures `ACCOUNT_UPDATE`. */
export interface NormalizedFuturesBalance {
  /** Asset name, e.g. `USDT`. */
  asset: string;
  /** Wallet balance, a decimal string. */
  walletBalance: string;
  /** Cross wallet balance, a decimal string. */
  crossWalletBalance: string;
  /** Balance change except PnL and commission, when sent. */
  balanceChange: string | undefined;
}

/** One position of a futures `ACCOUNT_UPDATE`. */
export interface NormalizedPosition {
  /** Market symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** Signed: negative is short. */
  positionAmount: string;
  /** Average entry price, a decimal string. */
  entryPrice: string;
  /** Break-even price, a decimal string, when sent. */
  breakEvenPrice: string | undefined;
  /** Unrealized profit and loss, a decimal string. */
  unrealizedPnl: string;
  /** Accumulated realized profit and loss, a decimal string. */
  accumulatedRealized: string;
  /** `cross` or `isolated`. */
  marginType: string;
  /** Isolated wallet, a decimal string (isolated positions). */
  isolatedWallet: string | undefined;
  /** `BOTH` (one-way mode), `LONG` or `SHORT` (hedge mode). */
  positionSide: string;
}

/** Futures `ACCOUNT_UPDATE`: changed balances and positions. */
export interface NormalizedAccountUpdate {
  /** Discriminant: a futures account update. */
  kind: 'accountUpdate';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /** `T`: transaction time (epoch ms). */
  transactionTime: number;
  /** Why it changed: ORDER, FUNDING_FEE, DEPOSIT, … */
  reason: string;
  /**
   * Portfolio margin's `fs`: which book the update belongs to, `UM` (USDⓈ-M) or `CM` (COIN-M);
   * undefined on plain USDⓈ-M and COIN-M streams, where the venue is the book.
   */
  book: FuturesBook | undefined;
  /** The balances the update changed. */
  balances: NormalizedFuturesBalance[];
  /** The positions the update changed. */
  positions: NormalizedPosition[];
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/**
 * A conditional (algo) order update: USDⓈ-M `ALGO_UPDATE` (`o`), portfolio margin's (`ao`).
 * `algoOrder` holds the order as a snapshot of it would (see {@link AlgoOrderSnapshot}).
 */
export interface NormalizedAlgoOrder {
  /** Discriminant: a conditional (algo) order update. */
  kind: 'algoOrder';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /**
   * The time that orders this update: the later of the event's `T` and `E` (the ALGO_UPDATE page
   * labels `T` "Event Time" and `E` "Transaction Time", and its example has `E` after `T`; the
   * Message Ordering Guarantee recommends `E`). Replaying a restated absolute update is harmless,
   * skipping a newer one is not, so the later clock is the safe one to compare with a snapshot.
   */
  transactionTime: number;
  /** The algo order as it is after this update. */
  algoOrder: AlgoOrderSnapshot;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/** Spot `listStatus` (OCO/OTO order lists). */
export interface NormalizedOrderList {
  /** Discriminant: an order list (OCO/OTO) update. */
  kind: 'orderList';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /** `T`: transaction time (epoch ms). */
  transactionTime: number;
  /** Market symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** The venue's order list id. */
  orderListId: number;
  /** `OCO` or `OTO`. */
  contingencyType: string;
  /** `RESPONSE`, `EXEC_STARTED`, `ALL_DONE`, … as sent. */
  listStatusType: string;
  /** `EXECUTING`, `ALL_DONE` or `REJECT`. */
  listOrderStatus: string;
  /** Why the list was rejected, or `NONE`. */
  listRejectReason: string;
  /** Your client id of the list. */
  listClientOrderId: string;
  /** The orders of the list (ids as strings). */
  orders: {
    /** Market symbol. */
    symbol: string;
    /** The venue's order id, as a string. */
    orderId: string;
    /** Your client order id. */
    clientOrderId: string;
  }[];
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/**
 * The stream's credential or subscription ended (`listenKeyExpired`, `eventStreamTerminated`):
 * no more events until it is replaced. `raw` never holds the expired listenKey (core drops it).
 */
export interface NormalizedCredentialExpired {
  /** Discriminant: the credential or subscription ended. */
  kind: 'credentialExpired';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/** `serverShutdown`: reconnect now. */
export interface NormalizedServerShutdown {
  /** Discriminant: the venue is about to close the connection. */
  kind: 'serverShutdown';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E`: when the venue emitted the event (epoch ms). Not unique: one matching step shares one ms. */
  venueEventTime: number;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
  raw: UserDataEvent;
}

/** Everything else (unknown events, TRADE_LITE, ACCOUNT_CONFIG_UPDATE, MARGIN_CALL, externalLockUpdate): see `raw`. */
export interface NormalizedOther {
  /** Discriminant: any other event (read `raw`). */
  kind: 'other';
  /** The venue's event type (`e`). */
  eventType: string;
  /** `E` when the event carries a numeric one (epoch ms). */
  venueEventTime: number | undefined;
  /** The event as parsed, with every field the venue sent (an expired listenKey excepted). */
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
