/**
 * The public shapes of `AccountMirror`'s state and changes (the fold that builds them is
 * account-fold.ts): balances and orders as exact decimal strings, what a reconciliation starts
 * from, what one applied event changed.
 */
import type { OrderSnapshot } from '@userstream/core';
import type { AlgoOrderChange, MirrorAlgoOrderInput } from './algo-orders-fold.js';
import type { MirrorPositionInput, PositionChange } from './positions-fold.js';

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
    }
  | {
      /** An open order changed, appeared or ended. */
      readonly type: 'order';
      /** The order as it is now (its last state when removed). */
      readonly order: MirrorOrder;
      /** True when the order is no longer open (filled, canceled, expired, …). */
      readonly removed: boolean;
    }
  | PositionChange
  | AlgoOrderChange;
