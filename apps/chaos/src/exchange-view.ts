import type { Simulator } from '@userstream/simulator';
import { balancesView, ordersView } from './checks.js';
import type { StreamPlan } from './plan.js';

/**
 * The exchange's side of a stream's mirror check: non-zero balances and open orders of the
 * account as the stream's venue holds them. Options keep one USDT wallet (the options market's,
 * not a book of `balances()`). The cross-margin risk data stream carries no balance or order
 * (MARGIN_LEVEL_STATUS_CHANGE and USER_LIABILITY_CHANGE only), so a mirror on it cannot follow
 * the margin account: `undefined`, checked for being live and for delivery only.
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
  return {
    balances: balancesView(balances),
    orders: ordersView(
      sim.exchange.orders(s.accountId, s.venue) as { symbol: unknown; orderId: unknown; status: unknown }[],
    ),
  };
}
