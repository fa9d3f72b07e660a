/**
 * Portfolio margin's conditional orders in AccountMirror, against the simulator: UM's live in the
 * Algo service (`ALGO_UPDATE` with `ao`, GET /papi/v1/um/algo/openAlgoOrders), CM's are strategy
 * orders (`CONDITIONAL_ORDER_TRADE_UPDATE` fs CM, GET /papi/v1/cm/conditional/openOrders). The
 * mirror holds both, apart by `book`, and equals the two endpoints after a gap.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Conditional-Order-Trade-Update
 * https://developers.binance.com/docs/zh-CN/derivatives/portfolio-margin/trade/Query-All-Current-CM-Open-Conditional-Orders
 * https://developers.binance.com/legacy-docs/zh-CN/derivatives/portfolio-margin/trade/Query-Current-UM-Open-Conditional-Order
 *   (UM conditional endpoints answer 404 since 2026-04-28: the Algo service instead, strategyId → algoId …)
 * The UM open-algo-orders page itself is not in the search store; its path is the issue's.
 */
import { normalizeDecimal, normalizeRestAlgoOrder, type VirtualClock } from '@userstream/core';
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

const cmStop = (accountId: string, side: 'BUY' | 'SELL', stopPrice: string) =>
  sim.exchange.portfolioMargin(accountId, 'cmConditionalOrder', {
    symbol: 'BTCUSD_PERP',
    side,
    strategyType: 'STOP_MARKET',
    quantity: '1',
    stopPrice,
  }) as { strategyId: number };

const umStop = (accountId: string, side: 'BUY' | 'SELL', triggerPrice: string) =>
  sim.exchange.placeAlgoOrder(accountId, PM, {
    algoType: 'CONDITIONAL',
    symbol: 'BTCUSDT',
    side,
    type: 'STOP_MARKET',
    quantity: '0.010',
    triggerPrice,
  }) as { algoId: number };

/** What the two PM endpoints list, in the mirror's terms. */
function exchangeOrders(accountId: string) {
  const um = sim.exchange.openAlgoOrders(accountId, PM).map((o) => normalizeRestAlgoOrder(o, 'UM'));
  const cm = (
    sim.exchange.portfolioMargin(accountId, 'cmOpenConditionalOrders') as Record<string, unknown>[]
  ).map((o) => normalizeRestAlgoOrder(o, 'CM'));
  return [...um, ...cm]
    .map((o) => [o.book, o.algoId, o.status, normalizeDecimal(o.triggerPrice)])
    .sort((a, b) => String(a).localeCompare(String(b)));
}
const mirrored = (mirror: AccountMirror) =>
  mirror
    .algoOrders()
    .map((o) => [o.book, o.algoId, o.status, o.triggerPrice])
    .sort((a, b) => String(a).localeCompare(String(b)));

/**
 * Lives through virtual time in 1 s steps until `predicate` holds. The mirror's REST snapshot
 * (six signed PM requests) is not a scheduler job, so a long step could move the clock past a
 * request's recvWindow while it is in flight (-1021; the PM profile has no server-time endpoint
 * to resync from). Bounded: 15 virtual minutes, past the mirror's longest retry delay.
 */
async function liveUntil(predicate: () => boolean, what: string) {
  for (let i = 0; i < 90 && !predicate(); i++) await liveSteps(clock, scheduler, 10_000, 1_000);
  expect(predicate(), what).toBe(true);
}

async function converged(mirror: AccountMirror, accountId: string) {
  await until(
    () =>
      mirror.phase === 'live' &&
      JSON.stringify(mirrored(mirror)) === JSON.stringify(exchangeOrders(accountId)),
    5_000,
    'the mirror to equal the PM endpoints',
  ).catch(() => {});
  expect(mirrored(mirror)).toEqual(exchangeOrders(accountId));
}

it('UM algo and CM conditional orders: from the snapshot, the stream, a trigger and a gap, equal to the endpoints', async () => {
  const account = sim.accounts[0]!;
  const before = cmStop(account.id, 'SELL', '55000'); // only the start snapshot can tell
  const { stream, mirror, reconciled } = await openMirror();
  // RestClient.openAlgoOrders() reads both PM endpoints, each order naming its book.
  expect((await stream.rest.openAlgoOrders()).map((o) => [o.book, o.algoId])).toEqual([
    ['CM', String(before.strategyId)],
  ]);
  expect(mirrored(mirror)).toEqual([['CM', String(before.strategyId), 'NEW', '55000']]);

  const um = umStop(account.id, 'SELL', '55000');
  const trig = cmStop(account.id, 'BUY', '60500');
  await pass(MIN);
  await converged(mirror, account.id);
  expect(mirrored(mirror).map((o) => o[0])).toEqual(['CM', 'CM', 'UM']);
  expect(mirrored(mirror)).toContainEqual(['UM', String(um.algoId), 'NEW', '55000']);

  // The COIN-M price crosses one CM stop: TRIGGERED then FINISHED on the PM stream.
  sim.exchange.setPrice('BTCUSD_PERP', '60500');
  await pass(MIN);
  await converged(mirror, account.id);
  expect(mirror.algoOrders().map((o) => o.algoId)).not.toContain(String(trig.strategyId));

  // Down: a CM stop placed and the first one cancelled while no event can arrive.
  sim.faults.drop({ mode: 'terminate', connections: 'stream' });
  const lost = cmStop(account.id, 'SELL', '54000');
  sim.exchange.portfolioMargin(account.id, 'cancelCmConditionalOrder', {
    strategyId: String(before.strategyId),
  });
  await liveUntil(() => reconciled.length >= 2 && mirror.phase === 'live', 'a reconciliation after the drop');
  await converged(mirror, account.id);
  const afterDrop = reconciled.slice(1).flatMap((r) => r.differences);
  expect(
    afterDrop
      .filter((d) => d.kind === 'algoOrder')
      .map((d) => d.algoId)
      .sort(),
  ).toEqual([String(before.strategyId), String(lost.strategyId)].sort());
  expect(mirrored(mirror)).toEqual(
    [
      ['CM', String(lost.strategyId), 'NEW', '54000'],
      ['UM', String(um.algoId), 'NEW', '55000'],
    ].sort((a, b) => String(a).localeCompare(String(b))),
  );
});
