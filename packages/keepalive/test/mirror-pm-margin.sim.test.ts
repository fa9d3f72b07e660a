/**
 * Portfolio margin's margin account in AccountMirror, against the simulator. A PM account's
 * margin orders (POST /papi/v1/margin/order) stream the spot-shaped `executionReport` and
 * `outboundAccountPosition` on the PM stream; they belong to the margin ledger, never to the UM
 * wallet or the UM open orders. The mirror keeps UM, CM and MARGIN apart and equals
 * GET /papi/v1/balance (umWalletBalance, cmWalletBalance, crossMarginFree/crossMarginLocked),
 * GET /papi/v1/um/openOrders, /papi/v1/cm/openOrders and /papi/v1/margin/openOrders, also after
 * a dropped stream.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Order-Update
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Account-Update
 *   (outboundAccountPosition: E, u "time of last account update", U, B [{a, f free, l locked}])
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Balance-and-Position-Update
 *   (ACCOUNT_UPDATE with fs UM | CM; a CM conditional order's fill arrives so, and its order as
 *   ORDER_TRADE_UPDATE fs CM: Event-Futures-Order-update)
 * https://developers.binance.me/docs/derivatives/portfolio-margin-pro/account/Get-Classic-Portfolio-Margin-Balance-Info
 *   (the balance row's fields and "totalWalletBalance = cross margin free + cross margin locked +
 *   UM wallet balance + CM wallet balance"; the /papi/v1/balance page itself is not in the search
 *   store, the PM Pro page prints the same row). Query-Current-Margin-Open-Order
 *   (GET /papi/v1/margin/openOrders) and Query-All-Current-CM-Open-Orders (GET /papi/v1/cm/openOrders)
 *   are not in the search store either: their paths are the and the PM trade index's.
 */
import {
  normalizeDecimal,
  normalizeRestOrder,
  normalizeRestPosition,
  type VirtualClock,
} from '@userstream/core';
import type { Simulator } from '@userstream/simulator';
import { beforeEach, expect, it } from 'vitest';
import type { AccountMirror, Scheduler } from '../src/index.js';
import { liveSteps, MIN, openMirroredStream, until, useVenueHarness } from './helpers.js';

const PM = 'binance-portfolio-margin';
const h = useVenueHarness({ stepMs: 10 * MIN });
// The harness's fields under the names the cases use (live inside each test).
let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
beforeEach(() => {
  ({ clock, sim, scheduler } = h);
});
const pass = (ms: number) => h.pass(ms);

async function openMirror() {
  const m = await openMirroredStream(h, { venue: sim.venue(PM) });
  return { account: sim.accounts[0]!, ...m };
}

type Balances = Record<string, { free: string; locked: string }>;
type Row = Record<string, string>;

/** One ledger of the /papi/v1/balance rows, non-zero amounts only, as the mirror normalizes them. */
function ledgerOf(rows: Row[], free: (r: Row) => string, locked: (r: Row) => string): Balances {
  const out: Balances = {};
  for (const r of [...rows].sort((a, b) => (a.asset! < b.asset! ? -1 : 1))) {
    const b = { free: normalizeDecimal(free(r)), locked: normalizeDecimal(locked(r)) };
    if (b.free !== '0' || b.locked !== '0') out[r.asset!] = b;
  }
  return out;
}

const orderKeys = (orders: readonly Record<string, unknown>[]) =>
  orders
    .map((o) => normalizeRestOrder(o))
    .map((o) => [o.symbol, String(o.orderId), o.status, normalizeDecimal(o.filledQuantity ?? '0')].join(' '))
    .sort();

/** The simulator's PM account as its endpoints answer. */
function exchangeAccount(accountId: string) {
  const rows = sim.exchange.account(accountId, PM) as Row[];
  return {
    um: ledgerOf(
      rows,
      (r) => r.umWalletBalance!,
      () => '0',
    ),
    umOrders: orderKeys(sim.exchange.openOrders(accountId, PM) as Record<string, unknown>[]),
    cm: ledgerOf(
      rows,
      (r) => r.cmWalletBalance!,
      () => '0',
    ),
    margin: ledgerOf(
      rows,
      (r) => r.crossMarginFree!,
      (r) => r.crossMarginLocked!,
    ),
    marginOrders: orderKeys(
      sim.exchange.portfolioMargin(accountId, 'marginOpenOrders') as Record<string, unknown>[],
    ),
    cmOrders: orderKeys(sim.exchange.portfolioMargin(accountId, 'cmOpenOrders') as Record<string, unknown>[]),
    positions: (['papi-um', 'papi-cm'] as const).flatMap((shape) =>
      sim.exchange
        .positionRisk(accountId, PM, { shape })
        .map((p) => normalizeRestPosition(p, shape === 'papi-um' ? 'UM' : 'CM'))
        .filter((p) => normalizeDecimal(p.positionAmount) !== '0')
        .map((p) => [p.book, p.symbol, normalizeDecimal(p.positionAmount)].join(' ')),
    ),
  };
}

const mirrorOrders = (
  orders: readonly { symbol: string; orderId: string; status: string; filledQuantity: string }[],
) => orders.map((o) => [o.symbol, o.orderId, o.status, o.filledQuantity].join(' ')).sort();

function mirrorAccount(mirror: AccountMirror) {
  return {
    um: mirror.balances,
    umOrders: mirrorOrders(mirror.openOrders),
    cm: mirror.book('CM').balances,
    margin: mirror.book('MARGIN').balances,
    marginOrders: mirrorOrders(mirror.book('MARGIN').openOrders),
    cmOrders: mirrorOrders(mirror.book('CM').openOrders),
    positions: mirror.positions().map((p) => [p.book, p.symbol, p.positionAmount].join(' ')),
  };
}

async function converged(mirror: AccountMirror, accountId: string) {
  await until(
    () =>
      mirror.phase === 'live' &&
      JSON.stringify(mirrorAccount(mirror)) === JSON.stringify(exchangeAccount(accountId)),
    5_000,
    'the mirror to equal the PM account',
  ).catch(() => {});
  expect(mirrorAccount(mirror)).toEqual(exchangeAccount(accountId));
}

/** Lives through virtual time in 1 s steps until `predicate` holds (see mirror-pm-conditional.sim.test.ts). */
async function liveUntil(predicate: () => boolean, what: string) {
  for (let i = 0; i < 90 && !predicate(); i++) await liveSteps(clock, scheduler, 10_000, 1_000);
  expect(predicate(), what).toBe(true);
}

const marginOrder = (accountId: string, side: 'BUY' | 'SELL', price: string, quantity = '0.01') =>
  sim.exchange.portfolioMargin(accountId, 'marginOrder', {
    symbol: 'BTCUSDT',
    side,
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity,
    price,
  }) as { orderId: number };

it('PM margin orders fill into the margin ledger; UM wallet and UM orders untouched; equal after a drop', async () => {
  const { account, mirror, reconciled } = await openMirror();
  const price = sim.exchange.price('BTCUSDT');
  const below = (n: number) => (Number(price) - n * 10).toFixed(2);
  const above = (n: number) => (Number(price) + n * 10).toFixed(2);
  // A UM order resting beside them: the UM book's own open orders.
  sim.exchange.placeOrder(account.id, PM, {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.010',
    price: below(20),
  });
  marginOrder(account.id, 'BUY', below(1)); // fills when the price dips
  marginOrder(account.id, 'SELL', above(3)); // rests
  const cancelLater = marginOrder(account.id, 'BUY', below(5));
  sim.exchange.setPrice('BTCUSDT', below(2));
  sim.exchange.setPrice('BTCUSDT', price);
  // A margin loan lands in the margin wallet (liabilityChange, then its outboundAccountPosition).
  sim.exchange.pmLoan(account.id, 'BORROW', { asset: 'USDT', amount: '100' });
  // A CM conditional order fires: its order and the CM wallet and position arrive with fs CM.
  sim.exchange.portfolioMargin(account.id, 'cmConditionalOrder', {
    symbol: 'BTCUSD_PERP',
    side: 'BUY',
    strategyType: 'STOP_MARKET',
    quantity: '2',
    stopPrice: '60500',
  });
  sim.exchange.setPrice('BTCUSD_PERP', '60500');
  // And a CM stop-limit whose order rests once it fires (a SELL far above the price).
  sim.exchange.portfolioMargin(account.id, 'cmConditionalOrder', {
    symbol: 'BTCUSD_PERP',
    side: 'SELL',
    strategyType: 'STOP',
    quantity: '1',
    stopPrice: '59000',
    price: '70000',
    timeInForce: 'GTC',
  });
  sim.exchange.setPrice('BTCUSD_PERP', '59000');
  await pass(MIN);
  await converged(mirror, account.id);
  expect(mirror.positions().map((p) => [p.book, p.positionAmount])).toEqual([['CM', '2']]);
  const resting = mirror.book('CM').openOrders;
  expect(resting.map((o) => [o.symbol, o.side, o.price, o.status])).toEqual([
    ['BTCUSD_PERP', 'SELL', '70000', 'NEW'],
  ]);
  // What the stream told: one margin fill (0.01 BTC bought, 0.1 % fee), a SELL holding 0.01 BTC
  // and a BUY resting, the 100 USDT loan in the margin wallet, the UM wallet whole.
  expect(mirror.book('MARGIN').openOrders.map((o) => o.side)).toEqual(['SELL', 'BUY']);
  expect(mirror.book('MARGIN').balances.BTC).toEqual({ free: '0.99999', locked: '0.01' });
  expect(mirror.balances).toEqual({ USDT: { free: '10000', locked: '0' } });
  expect(mirror.book('UM')).toEqual({ balances: mirror.balances, openOrders: mirror.openOrders });
  expect(reconciled.map((r) => r.reason)).toEqual(['start']);

  // Down: a margin fill, a new margin order and a cancel no event reports.
  sim.faults.drop({ mode: 'terminate', connections: 'stream' });
  marginOrder(account.id, 'SELL', above(1), '0.02');
  marginOrder(account.id, 'BUY', below(4));
  sim.exchange.portfolioMargin(account.id, 'cancelMarginOrder', {
    symbol: 'BTCUSDT',
    orderId: String(cancelLater.orderId),
  });
  sim.exchange.setPrice('BTCUSDT', above(2));
  sim.exchange.setPrice('BTCUSDT', price);
  sim.exchange.pmLoan(account.id, 'REPAY', { asset: 'USDT', amount: '40' });
  // The CM book's resting order canceled (only GET /papi/v1/cm/openOrders can tell the mirror).
  sim.exchange.cancelOrder(account.id, 'binance-coinm', {
    symbol: 'BTCUSD_PERP',
    orderId: resting[0]!.orderId,
  });
  await liveUntil(() => reconciled.length >= 2 && mirror.phase === 'live', 'a reconciliation after the drop');
  await converged(mirror, account.id);
  expect(mirror.book('CM').openOrders).toEqual([]);
  // The reconciliation said what the stream had missed: margin and CM items (and the CM strategy
  // order that ended with its order), never the UM wallet or UM orders.
  const lost = reconciled.slice(1).flatMap((r) => r.differences);
  const ledgers = lost.flatMap((d) => (d.kind === 'balance' || d.kind === 'order' ? [d.book ?? 'UM'] : []));
  expect(new Set(ledgers)).toEqual(new Set(['MARGIN', 'CM']));
  expect(lost.filter((d) => d.kind === 'order' && 'book' in d && d.book === 'CM')).toEqual([
    expect.objectContaining({ orderId: resting[0]!.orderId, exchange: undefined }),
  ]);
});
