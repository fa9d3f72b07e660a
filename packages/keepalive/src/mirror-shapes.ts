/**
 * The public shapes of `AccountMirror`'s state and changes (the fold that builds them is
 * account-fold.ts): balances and orders as exact decimal strings, what a reconciliation starts
 * from, what one applied event changed.
 */
import type { OrderSnapshot } from '@userstream/core';
import type { AlgoOrderChange, MirrorAlgoOrderInput } from './algo-orders-fold.js';
import type { MirrorPositionInput, PositionChange } from './positions-fold.js';

/**
 * A portfolio-margin ledger: `UM` (the USDⓈ-M wallets and orders, what `balances` and
 * `openOrders` hold on a PM account), `CM` (the COIN-M wallets and orders, ACCOUNT_UPDATE and
 * ORDER_TRADE_UPDATE with `fs` CM) and `MARGIN` (the PM margin account: outboundAccountPosition,
 * balanceUpdate and executionReport on the PM stream).
 */
export type MirrorBook = 'UM' | 'CM' | 'MARGIN';

/** One ledger of the mirror as `AccountMirror.book()` returns it. */
export interface MirrorLedgerView {
  /** Balances with a non-zero free or locked amount, by asset. */
  readonly balances: Record<string, MirrorBalance>;
  /** Open orders, sorted by symbol then order id. */
  readonly openOrders: MirrorOrder[];
}

/** A balance the mirror holds: exact decimals, normalized ("1.50000000" → "1.5"). */
export interface MirrorBalance {
  /** Available amount, a decimal string. */
  readonly free: string;
  /** Amount held by open orders, a decimal string. */
  readonly locked: string;
}

/**
 * An open order the mirror holds: core's one order shape (`OrderSnapshot`, as `@userstream/rest`'s
 * `OpenOrder` without `raw`), amounts normalized ("0.010" → "0.01").
 */
export type MirrorOrder = Readonly<OrderSnapshot>;

/** What a reconciliation starts from: `AccountSnapshot` plus `openOrders` from `@userstream/rest`, or your own. */
export interface MirrorSnapshot {
  /**
   * The venue's time of the last account change the snapshot reflects (e.g. spot
   * `/api/v3/account` `updateTime`). Buffered events at or before it are already included.
   */
  readonly updateTime: number;
  /** Asset → amounts (decimal strings); an asset left out has a zero balance. */
  readonly balances: Readonly<
    Record<
      string,
      {
        /** Available amount, a decimal string. */
        readonly free: string;
        /** Amount held by open orders, a decimal string. */
        readonly locked: string;
      }
    >
  >;
  /** Every open order of the account (of `symbol` on isolated margin). */
  readonly openOrders: readonly {
    /** Market symbol, e.g. `BTCUSDT`. */
    readonly symbol: string;
    /** The venue's order id (a number on Binance, a string elsewhere; kept as given). */
    readonly orderId: string | number;
    /** Your client order id, when the venue reports one. */
    readonly clientOrderId?: string | number | undefined;
    /** `BUY` or `SELL`. */
    readonly side?: string | undefined;
    /** Order type as the venue names it (`LIMIT`, `MARKET`, …). */
    readonly type?: string | undefined;
    /** Order status as the venue names it (`NEW`, `PARTIALLY_FILLED`, …). */
    readonly status: string;
    /** Limit price, a decimal string. */
    readonly price?: string | undefined;
    /** Ordered quantity, a decimal string. */
    readonly quantity?: string | undefined;
    /** Executed quantity so far, a decimal string. */
    readonly filledQuantity?: string | undefined;
    /** The venue's time of the order's last change (ms). */
    readonly updateTime: number;
  }[];
  /**
   * Futures positions (`@userstream/rest`'s `positionSnapshot()`). Leave it out where the venue
   * has none: the mirror then keeps the positions its events told it.
   */
  readonly positions?: readonly MirrorPositionInput[] | undefined;
  /** Open conditional orders (`openAlgoOrders()`); left out, the mirror keeps what its events told it. */
  readonly algoOrders?: readonly MirrorAlgoOrderInput[] | undefined;
  /**
   * Portfolio margin's other ledgers at `updateTime` (`balances` and `openOrders` above are UM's):
   * `CM` (cmWalletBalance of /papi/v1/balance, open orders of /papi/v1/cm/openOrders) and
   * `MARGIN` (crossMarginFree/crossMarginLocked, open orders of /papi/v1/margin/openOrders). A ledger left out keeps what the events told; a
   * ledger without `openOrders` keeps its orders from the events.
   */
  readonly books?:
    | Readonly<
        Partial<
          Record<
            Exclude<MirrorBook, 'UM'>,
            {
              /** Asset → amounts (decimal strings); an asset left out has a zero balance. */
              readonly balances: MirrorSnapshot['balances'];
              /** Every open order of the ledger, when the venue lists them. */
              readonly openOrders?: MirrorSnapshot['openOrders'] | undefined;
            }
          >
        >
      >
    | undefined;
}

/** What applying one event did. */
export type FoldChange =
  | {
      /** A balance changed. */
      readonly type: 'balance';
      /** The asset, e.g. `USDT`. */
      readonly asset: string;
      /** Its amounts now. */
      readonly balance: MirrorBalance;
      /** Portfolio margin's CM or MARGIN ledger; absent for the account's own (UM). */
      readonly book?: Exclude<MirrorBook, 'UM'>;
    }
  | {
      /** An open order changed, appeared or ended. */
      readonly type: 'order';
      /** The order as it is now (its last state when removed). */
      readonly order: MirrorOrder;
      /** True when the order is no longer open (filled, canceled, expired, …). */
      readonly removed: boolean;
      /** Portfolio margin's CM or MARGIN ledger; absent for the account's own (UM). */
      readonly book?: Exclude<MirrorBook, 'UM'>;
    }
  | PositionChange
  | AlgoOrderChange;
