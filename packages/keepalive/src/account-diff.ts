/**
 * What a reconciliation found: the mirror's state (the stream alone) against the exchange's
 * (the snapshot plus the buffered events), item by item.
 */
import {
  balancesView,
  type FoldState,
  type Ledger,
  type MirrorBalance,
  type MirrorBook,
  type MirrorOrder,
  ordersView,
} from './account-fold.js';
import { type AlgoOrderDifference, diffAlgoOrders } from './algo-orders-fold.js';
import { diffPositions, type PositionDifference } from './positions-fold.js';

/** One difference found by a reconciliation. */
export type MirrorDifference =
  | {
      /** A balance differed. */
      readonly kind: 'balance';
      /** The asset, e.g. `USDT`. */
      readonly asset: string;
      /** What the mirror held before the snapshot (undefined: nothing). */
      readonly mirror: MirrorBalance | undefined;
      /** What the exchange's snapshot says (undefined: zero). */
      readonly exchange: MirrorBalance | undefined;
      /** Portfolio margin's CM or MARGIN ledger; absent for the account's own (UM). */
      readonly book?: Exclude<MirrorBook, 'UM'>;
    }
  | {
      /** An open order differed. */
      readonly kind: 'order';
      /** Market symbol. */
      readonly symbol: string;
      /** The venue's order id, as a string. */
      readonly orderId: string;
      /** The mirror's order before the snapshot (undefined: it did not know it as open). */
      readonly mirror: MirrorOrder | undefined;
      /** The exchange's open order (undefined: not open there). */
      readonly exchange: MirrorOrder | undefined;
      /** Portfolio margin's CM or MARGIN ledger; absent for the account's own (UM). */
      readonly book?: Exclude<MirrorBook, 'UM'>;
    }
  | PositionDifference
  | AlgoOrderDifference;

/**
 * What differs between two states: balances by amount; orders by presence, status and fill;
 * positions by amount and entry price; algo orders by presence, status, quantity and prices.
 */
export function diffStates(mirror: FoldState, exchange: FoldState): MirrorDifference[] {
  const out: MirrorDifference[] = [];
  diffLedgers(mirror, exchange, undefined, out);
  for (const book of ['CM', 'MARGIN'] as const) {
    const m = mirror.books.get(book);
    const x = exchange.books.get(book);
    if (m || x) diffLedgers(m, x, book, out);
  }
  out.push(...diffPositions(mirror.positions, exchange.positions));
  out.push(...diffAlgoOrders(mirror.algoOrders, exchange.algoOrders));
  return out;
}

/** Balances by amount, orders by presence, status, fill and price, of one ledger (absent: empty). */
function diffLedgers(
  mirror: Ledger | undefined,
  exchange: Ledger | undefined,
  book: Exclude<MirrorBook, 'UM'> | undefined,
  out: MirrorDifference[],
): void {
  const tag = book === undefined ? {} : { book };
  const mb = mirror ? balancesView(mirror) : {};
  const eb = exchange ? balancesView(exchange) : {};
  for (const asset of new Set([...Object.keys(mb), ...Object.keys(eb)])) {
    const m = mb[asset];
    const x = eb[asset];
    if (m?.free !== x?.free || m?.locked !== x?.locked)
      out.push({ kind: 'balance', asset, mirror: m, exchange: x, ...tag });
  }
  const mo = mirror ? ordersView(mirror) : [];
  const xo = exchange ? ordersView(exchange) : [];
  const find = (list: MirrorOrder[], symbol: string, orderId: string) =>
    list.find((o) => o.symbol === symbol && o.orderId === orderId);
  for (const o of mo) {
    const x = find(xo, o.symbol, o.orderId);
    if (!x || x.status !== o.status || x.filledQuantity !== o.filledQuantity || x.price !== o.price) {
      out.push({ kind: 'order', symbol: o.symbol, orderId: o.orderId, mirror: o, exchange: x, ...tag });
    }
  }
  for (const x of xo) {
    if (!find(mo, x.symbol, x.orderId))
      out.push({
        kind: 'order',
        symbol: x.symbol,
        orderId: x.orderId,
        mirror: undefined,
        exchange: x,
        ...tag,
      });
  }
}
