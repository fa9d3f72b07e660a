import { normalizeDecimal, type VenueId } from '@userstream/core';
import type { AccountMirror } from '@userstream/keepalive';
import type { Simulator } from '@userstream/simulator';

/** An account as compared at the end of a run: non-zero balances and open orders. */
export interface AccountView {
  balances: Record<string, { free: string; locked: string }>;
  /** `[symbol, orderId, status, filledQuantity]`, sorted. */
  orders: [string, string, string, string][];
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

export function ordersView(
  orders: readonly {
    symbol: unknown;
    orderId: unknown;
    status: unknown;
    filledQuantity?: unknown;
    executedQty?: unknown;
  }[],
): AccountView['orders'] {
  return orders
    .map(
      (o) =>
        [
          String(o.symbol),
          String(o.orderId),
          String(o.status),
          normalizeDecimal(String(o.filledQuantity ?? o.executedQty ?? '0')),
        ] as [string, string, string, string],
    )
    .sort((a, b) =>
      a[0] !== b[0]
        ? a[0] < b[0]
          ? -1
          : 1
        : a[1].length - b[1].length || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0),
    );
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
  return out;
}

/** The account as the embedded exchange's engine holds it. */
export function simulatorView(sim: Simulator, accountId: string, venue: VenueId): AccountView {
  return {
    balances: balancesView(sim.exchange.balances(accountId, venue)),
    orders: ordersView(
      sim.exchange.orders(accountId, venue) as { symbol: unknown; orderId: unknown; status: unknown }[],
    ),
  };
}

/** The account as a mirror holds it. */
export function mirrorView(mirror: AccountMirror): AccountView {
  return { balances: balancesView(mirror.balances), orders: ordersView(mirror.openOrders) };
}
