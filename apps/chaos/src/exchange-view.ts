import type { Simulator } from '@userstream/simulator';
import { type AccountView, balancesView, ordersView } from './checks.js';
import type { StreamPlan } from './plan.js';

/**
 * The exchange's side of a stream's mirror check: non-zero balances and open orders of the
 * account as the stream's venue holds them. Options keep one USDT wallet (the options market's,
 * not a book of `balances()`). The cross-margin risk data stream carries no balance or order
 * (MARGIN_LEVEL_STATUS_CHANGE and USER_LIABILITY_CHANGE only), so a mirror on it cannot follow
 * the margin account: `undefined`, checked for being live and for delivery only. A portfolio-margin
 * account adds its margin ledger (`crossMarginFree`/`crossMarginLocked` of /papi/v1/balance, GET
 * /papi/v1/margin/openOrders) as `MARGIN:`-named balances and orders, which the mirror's
 * `book('MARGIN')` must equal (see {@link mirrorView}).
 */
export function exchangeView(
  sim: Simulator,
  s: StreamPlan,
): { balances: ReturnType<typeof balancesView>; orders: ReturnType<typeof ordersView> } | undefined {
  if (s.venue === 'binance-margin-risk') return undefined;
  let balances =
    s.venue === 'binance-options'
      ? { USDT: { free: sim.exchange.optionsBalance(s.accountId), locked: '0' } }
      : sim.exchange.balances(s.accountId, s.venue);
  if (s.symbol !== undefined) {
    // Isolated margin: the engine keys balances `PAIR:ASSET`; the stream and mirror cover one pair.
    const pair = `${s.symbol}:`;
    balances = Object.fromEntries(
      Object.entries(balances)
        .filter(([k]) => k.startsWith(pair))
        .map(([k, v]) => [k.slice(pair.length), v]),
    );
  }
  const view = {
    balances: balancesView(balances),
    orders: ordersView(
      sim.exchange.orders(s.accountId, s.venue) as { symbol: unknown; orderId: unknown; status: unknown }[],
    ),
  };
  if (s.venue !== 'binance-portfolio-margin') return view;
  const rows = sim.exchange.account(s.accountId, s.venue) as Record<string, string>[];
  const margin = Object.fromEntries(
    rows.map((r) => [
      r.asset as string,
      { free: r.crossMarginFree as string, locked: r.crossMarginLocked as string },
    ]),
  );
  const marginOrders = sim.exchange.portfolioMargin(s.accountId, 'marginOpenOrders') as {
    symbol: unknown;
    orderId: unknown;
    status: unknown;
  }[];
  return withMargin(view, margin, marginOrders);
}

type Balances = Readonly<Record<string, { readonly free: string; readonly locked: string }>>;
type Orders = readonly { symbol: unknown; orderId: unknown; status: unknown; filledQuantity?: unknown }[];

/** `view` plus a margin ledger, its balances and orders named `MARGIN:…` so the two never mix. */
function withMargin(view: AccountView, balances: Balances, orders: Orders): AccountView {
  const named = Object.entries(balancesView(balances)).map(([a, b]) => [`MARGIN:${a}`, b] as const);
  return {
    balances: balancesView({ ...view.balances, ...Object.fromEntries(named) }),
    orders: [
      ...view.orders,
      ...ordersView(orders.map((o) => ({ ...o, symbol: `MARGIN:${String(o.symbol)}` }))),
    ].sort(),
  };
}

/**
 * The mirror's side of the check: its balances and open orders, and on portfolio margin its
 * `MARGIN` ledger (`mirror.book('MARGIN')`) named as {@link exchangeView} names the exchange's.
 */
export function mirrorView(
  mirror: {
    balances: Balances;
    openOrders: Orders;
    margin?: { balances: Balances; openOrders: Orders } | undefined;
  },
  s: StreamPlan,
): AccountView {
  const view = { balances: balancesView(mirror.balances), orders: ordersView(mirror.openOrders) };
  if (s.venue !== 'binance-portfolio-margin') return view;
  return withMargin(view, mirror.margin?.balances ?? {}, mirror.margin?.openOrders ?? []);
}
