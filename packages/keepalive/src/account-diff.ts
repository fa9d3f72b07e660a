/**
 * What a reconciliation found: the mirror's state (the stream alone) against the exchange's
 * (the snapshot plus the buffered events), item by item.
 */
import {
  balancesView,
  type FoldState,
  type MirrorBalance,
  type MirrorOrder,
  ordersView,
} from './account-fold.js';
import { type AlgoOrderDifference, diffAlgoOrders } from './algo-orders-fold.js';
import { diffPositions, type PositionDifference } from './positions-fold.js';

/** One difference found by a reconciliation. */
export type MirrorDifference =
  | {
      readonly kind: 'balance';
      readonly asset: string;
      readonly mirror: MirrorBalance | undefined;
      readonly exchange: MirrorBalance | undefined;
    }
  | {
      readonly kind: 'order';
      readonly symbol: string;
      readonly orderId: string;
      readonly mirror: MirrorOrder | undefined;
      readonly exchange: MirrorOrder | undefined;
    }
  | PositionDifference
  | AlgoOrderDifference;

/**
 * What differs between two states: balances by amount; orders by presence, status and fill;
 * positions by amount and entry price; algo orders by presence, status, quantity and prices.
 */
export function diffStates(mirror: FoldState, exchange: FoldState): MirrorDifference[] {
  const out: MirrorDifference[] = [];
  const mb = balancesView(mirror);
  const eb = balancesView(exchange);
  for (const asset of new Set([...Object.keys(mb), ...Object.keys(eb)])) {
    const m = mb[asset];
    const x = eb[asset];
    if (m?.free !== x?.free || m?.locked !== x?.locked)
      out.push({ kind: 'balance', asset, mirror: m, exchange: x });
  }
  const key = (o: MirrorOrder) => [o.symbol, o.orderId] as const;
  const mo = ordersView(mirror);
  const xo = ordersView(exchange);
  const find = (list: MirrorOrder[], symbol: string, orderId: string) =>
    list.find((o) => o.symbol === symbol && o.orderId === orderId);
  for (const o of mo) {
    const [symbol, orderId] = key(o);
    const x = find(xo, symbol, orderId);
    if (!x || x.status !== o.status || x.filledQuantity !== o.filledQuantity || x.price !== o.price) {
      out.push({ kind: 'order', symbol, orderId, mirror: o, exchange: x });
    }
  }
  for (const x of xo) {
    const [symbol, orderId] = key(x);
    if (!find(mo, symbol, orderId))
      out.push({ kind: 'order', symbol, orderId, mirror: undefined, exchange: x });
  }
  out.push(...diffPositions(mirror.positions, exchange.positions));
  out.push(...diffAlgoOrders(mirror.algoOrders, exchange.algoOrders));
  return out;
}
