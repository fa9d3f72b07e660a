import {
  normalizeDecimal,
  normalizeRestOrder,
  normalizeRestPosition,
  type OrderSnapshot,
  type PositionSnapshot,
  type VenueId,
  venues,
} from '@userstream/core';
import type { AccountMirror } from '@userstream/keepalive';
import { type Simulator, venueRestBodies } from '@userstream/simulator';

/** An account as compared at the end of a run: non-zero balances and open orders. */
export interface AccountView {
  balances: Record<string, { free: string; locked: string }>;
  /** `[symbol, orderId, status, filledQuantity]`, sorted. */
  orders: [string, string, string, string][];
  /** Futures positions `[symbol, positionSide, amount, entryPrice]`, open ones only, sorted. */
  positions: [string, string, string, string][];
}

export function balancesView(
  balances: Readonly<Record<string, { readonly free: string; readonly locked: string }>>,
): AccountView['balances'] {
  const out: AccountView['balances'] = {};
  for (const asset of Object.keys(balances).sort()) {
    const b = balances[asset] as { free: string; locked: string };
    const free = normalizeDecimal(b.free);
    const locked = normalizeDecimal(b.locked);
    if (free !== '0' || locked !== '0') out[asset] = { free, locked };
  }
  return out;
}

/**
 * Orders in core's one order shape (the mirror's, or a venue's REST objects read through
 * `normalizeRestOrder`): the demo compares, it does not normalize orders itself.
 */
export function ordersView(
  orders: readonly Pick<OrderSnapshot, 'symbol' | 'orderId' | 'status' | 'filledQuantity'>[],
): AccountView['orders'] {
  return orders
    .map(
      (o) =>
        [o.symbol, o.orderId, o.status, normalizeDecimal(o.filledQuantity || '0')] as [
          string,
          string,
          string,
          string,
        ],
    )
    .sort((a, b) =>
      a[0] !== b[0]
        ? a[0] < b[0]
          ? -1
          : 1
        : a[1].length - b[1].length || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0),
    );
}

/** Open positions (core's one position shape) as compared: amount and entry price, normalized. */
export function positionsView(
  positions: readonly Pick<PositionSnapshot, 'symbol' | 'positionSide' | 'positionAmount' | 'entryPrice'>[],
): AccountView['positions'] {
  return positions
    .map(
      (p) =>
        [
          p.symbol,
          p.positionSide,
          normalizeDecimal(p.positionAmount || '0'),
          normalizeDecimal(p.entryPrice || '0'),
        ] as [string, string, string, string],
    )
    .filter((p) => p[2] !== '0')
    .sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1));
}

/** Where two account views differ, as short lines (empty when equal). */
export function differences(mirror: AccountView, exchange: AccountView): string[] {
  const out: string[] = [];
  const assets = new Set([...Object.keys(mirror.balances), ...Object.keys(exchange.balances)]);
  for (const a of [...assets].sort()) {
    const m = mirror.balances[a];
    const e = exchange.balances[a];
    if (m?.free !== e?.free || m?.locked !== e?.locked) {
      out.push(
        `balance ${a}: mirror ${m ? `${m.free}/${m.locked}` : '-'} vs exchange ${e ? `${e.free}/${e.locked}` : '-'}`,
      );
    }
  }
  const key = (o: [string, string, string, string]) => o.join(' ');
  const mo = new Set(mirror.orders.map(key));
  const eo = new Set(exchange.orders.map(key));
  for (const o of mo) if (!eo.has(o)) out.push(`order only in mirror: ${o}`);
  for (const o of eo) if (!mo.has(o)) out.push(`order only on exchange: ${o}`);
  const mp = new Set(mirror.positions.map(key));
  const ep = new Set(exchange.positions.map(key));
  for (const p of mp) if (!ep.has(p)) out.push(`position only in mirror: ${p}`);
  for (const p of ep) if (!mp.has(p)) out.push(`position only on exchange: ${p}`);
  return out;
}

/** The account as the embedded exchange's engine holds it. */
export function simulatorView(sim: Simulator, accountId: string, venue: VenueId): AccountView {
  // As the venue's own REST doors answer (Toobit USDT-M's symbols and sides are its own).
  const orders = venueRestBodies(sim.exchange, accountId, venue, 'openOrders');
  // The engine answers positions as its REST endpoint does, where the venue has one, and on
  // every futures book (a venue profile without a positions endpoint still streams positions).
  const profile = venues[venue];
  const positions =
    profile?.endpoints.positions || profile?.market === 'usdm' || profile?.market === 'coinm'
      ? venueRestBodies(sim.exchange, accountId, venue, 'positions').map((p) => normalizeRestPosition(p))
      : [];
  return {
    balances: balancesView(sim.exchange.balances(accountId, venue)),
    orders: ordersView(orders.map(normalizeRestOrder)),
    positions: positionsView(positions),
  };
}

/** The account as a mirror holds it. */
export function mirrorView(mirror: AccountMirror): AccountView {
  return {
    balances: balancesView(mirror.balances),
    orders: ordersView(mirror.openOrders),
    positions: positionsView(mirror.positions()),
  };
}
