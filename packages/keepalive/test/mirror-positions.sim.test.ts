/**
 * AccountMirror positions and open algo (conditional) orders against the simulator's own
 * endpoints: a USDⓈ-M account trades through a real listenKey stream (openUserDataStream), the
 * mirror folds ACCOUNT_UPDATE / ALGO_UPDATE and reconciles against GET /fapi/v3/positionRisk and
 * GET /fapi/v1/openAlgoOrders on every gap; after disconnects and a listenKey expiry it still
 * equals what those endpoints answer.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Current-All-Algo-Open-Orders
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
 */
import {
  normalizeDecimal,
  normalizeRestAlgoOrder,
  normalizeRestPosition,
  VirtualClock,
} from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountMirror,
  createScheduler,
  type MirrorReconciled,
  type OpenUserDataStreamOptions,
  type Scheduler,
  type UserDataStreamHandle,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, liveSteps, MIN, until } from './helpers.js';
import { FUTURES, trader } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const cleanups: (() => unknown)[] = [];
const pass = (ms: number) => liveSteps(clock, scheduler, ms, Math.min(ms, 10 * MIN));

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scheduler.close();
  await sim.close();
});

async function openMirror(
  venue: 'binance-usdm' | 'binance-options' | 'binance-portfolio-margin' = 'binance-usdm',
) {
  const account = sim.accounts[0]!;
  const options: OpenUserDataStreamOptions = {
    venue: sim.venue(venue),
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
    rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
    stream: {
      heartbeat: { pingIntervalMs: HOUR, pongTimeoutMs: 2 * HOUR, inactivityTimeoutMs: 6 * HOUR },
      reconnect: { baseDelayMs: 10_000, maxDelayMs: 10 * MIN },
      requestTimeoutMs: 5 * MIN,
      openTimeoutMs: 5 * MIN,
    },
  };
  const stream: UserDataStreamHandle = await openUserDataStream(options);
  cleanups.push(() => stream.close());
  const mirror = new AccountMirror({
    stream,
    rest: stream.rest,
    clock,
    retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN },
  });
  cleanups.push(() => mirror.close());
  const reconciled: MirrorReconciled[] = [];
  mirror.on('reconciled', (r) => reconciled.push(r));
  await mirror.ready();
  return { account, stream, mirror, reconciled };
}

/** The simulator's position endpoint, in the mirror's terms (open positions only). */
function exchangePositions(accountId: string) {
  return sim.exchange
    .positionRisk(accountId, 'binance-usdm')
    .map((p) => normalizeRestPosition(p))
    .filter((p) => normalizeDecimal(p.positionAmount) !== '0')
    .map((p) => [
      p.symbol,
      p.positionSide,
      normalizeDecimal(p.positionAmount),
      normalizeDecimal(p.entryPrice),
    ]);
}

function exchangeAlgoOrders(accountId: string) {
  return sim.exchange
    .openAlgoOrders(accountId, 'binance-usdm')
    .map((o) => normalizeRestAlgoOrder(o))
    .map((o) => [o.algoId, o.status, normalizeDecimal(o.triggerPrice)])
    .sort();
}

const mirrorPositions = (mirror: AccountMirror) =>
  mirror.positions().map((p) => [p.symbol, p.positionSide, p.positionAmount, p.entryPrice]);
const mirrorAlgoOrders = (mirror: AccountMirror) =>
  mirror
    .algoOrders()
    .map((o) => [o.algoId, o.status, o.triggerPrice])
    .sort();

async function positionsConverged(mirror: AccountMirror, accountId: string): Promise<void> {
  const same = () =>
    mirror.phase === 'live' &&
    JSON.stringify(mirrorPositions(mirror)) === JSON.stringify(exchangePositions(accountId)) &&
    JSON.stringify(mirrorAlgoOrders(mirror)) === JSON.stringify(exchangeAlgoOrders(accountId));
  await until(same, 5_000, 'the mirror to equal the simulator').catch(() => {});
  expect(mirrorPositions(mirror)).toEqual(exchangePositions(accountId));
  expect(mirrorAlgoOrders(mirror)).toEqual(exchangeAlgoOrders(accountId));
}

/** A stop on each side of the price: one the next moves trigger, one that waits. */
function placeStops(accountId: string, price: number, n: number) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const side = i % 2 === 0 ? 'BUY' : 'SELL';
    const trigger = (price + (side === 'BUY' ? 1 : -1) * (1 + i) * 10).toFixed(1);
    const body = sim.exchange.placeAlgoOrder(accountId, 'binance-usdm', {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side,
      type: 'STOP_MARKET',
      quantity: '0.010',
      triggerPrice: trigger,
    }) as { algoId: number };
    ids.push(body.algoId);
  }
  return ids;
}

describe('AccountMirror positions and algo orders (USDⓈ-M, simulator)', () => {
  it('a trading session: positions equal positionRisk and algo orders equal openAlgoOrders', async () => {
    const { account, mirror, reconciled } = await openMirror();
    sim.exchange.deposit(account.id, 'binance-usdm', 'USDT', '100000');
    const step = trader(sim, FUTURES, account.id, 17);
    for (let i = 0; i < 60; i++) {
      await step();
      await pass(MIN);
    }
    const stops = placeStops(account.id, 60000, 4);
    await pass(MIN);
    await positionsConverged(mirror, account.id);
    expect(mirror.algoOrders().length).toBe(4);
    // Cross the two nearest triggers (a BUY above, a SELL below), cancel one that waits.
    sim.exchange.setPrice('BTCUSDT', '60010');
    sim.exchange.setPrice('BTCUSDT', '59980');
    sim.exchange.setPrice('BTCUSDT', '60000');
    sim.exchange.cancelAlgoOrder(account.id, 'binance-usdm', { algoId: String(stops[3]) });
    await pass(MIN);
    await positionsConverged(mirror, account.id);
    expect(mirror.algoOrders().map((o) => o.algoId)).toEqual([String(stops[2])]);
    expect(mirror.positions().length).toBeGreaterThan(0);
    expect(reconciled.map((r) => r.reason)).toEqual(['start']);
    expect(mirror.stats.differences).toBe(0);
  });

  it('after a disconnect and a listenKey expiry (events lost) the mirror resyncs and still equals', async () => {
    const { account, mirror, reconciled } = await openMirror();
    sim.exchange.deposit(account.id, 'binance-usdm', 'USDT', '100000');
    const step = trader(sim, FUTURES, account.id, 23);
    const trade = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await step();
        await pass(MIN);
      }
    };
    await trade(20);
    await positionsConverged(mirror, account.id);

    // Down: a fill that opens a position and a stop placed while no event can arrive.
    sim.faults.drop({ mode: 'terminate', connections: 'stream' });
    sim.exchange.placeOrder(account.id, 'binance-usdm', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.050',
    });
    placeStops(account.id, 60000, 1);
    await pass(10 * MIN);
    await until(() => reconciled.length >= 2, 5_000, 'a reconciliation after the drop');
    await trade(10);
    await positionsConverged(mirror, account.id);
    const afterDrop = reconciled.slice(1).flatMap((r) => r.differences);
    expect(afterDrop.some((d) => d.kind === 'position' || d.kind === 'algoOrder')).toBe(true);

    // The key lapses (listenKeyExpired, then a new key): what happened meanwhile comes from the snapshot.
    const before = reconciled.length;
    sim.faults.expire({ apiKey: account.apiKey, venue: 'binance-usdm' });
    sim.exchange.placeOrder(account.id, 'binance-usdm', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.020',
    });
    await pass(HOUR);
    await until(() => reconciled.length > before, 5_000, 'a reconciliation after the expiry');
    await trade(10);
    await pass(10 * MIN);
    await positionsConverged(mirror, account.id);
  });

  it('options: positions from BALANCE_POSITION_UPDATE equal GET /eapi/v1/position, also after a drop', async () => {
    // https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Balance-and-Position-Update
    const { account, mirror, reconciled } = await openMirror('binance-options');
    const CALL = 'BTC-261225-60000-C';
    const trade = (side: string, quantity: string) =>
      sim.exchange.options(account.id, 'place', { symbol: CALL, side, type: 'MARKET', quantity });
    const exchange = () =>
      (sim.exchange.options(account.id, 'positions') as Record<string, unknown>[])
        .map((p) => normalizeRestPosition(p))
        .map((p) => [p.symbol, normalizeDecimal(p.positionAmount), normalizeDecimal(p.entryPrice)]);
    const mirrored = () => mirror.positions().map((p) => [p.symbol, p.positionAmount, p.entryPrice]);
    trade('BUY', '0.5');
    await pass(MIN); // the stream's events wait on the virtual clock
    await until(() => mirrored().length === 1, 5_000, 'the option position in the mirror');
    expect(mirrored()).toEqual(exchange());
    // Down: a second buy no event reports; the resync takes it from the position endpoint.
    sim.faults.drop({ mode: 'terminate', connections: 'stream' });
    trade('BUY', '0.3');
    await pass(10 * MIN);
    await until(
      () => reconciled.length >= 2 && mirror.phase === 'live',
      5_000,
      'a reconciliation after the drop',
    );
    await until(
      () => JSON.stringify(mirrored()) === JSON.stringify(exchange()),
      5_000,
      'positions to converge',
    );
    expect(mirrored()).toEqual(exchange());
    expect(mirrored()[0]![1]).toBe('0.8');
  });

  it('portfolio margin: UM and CM positions kept apart, equal to /papi/v1/um|cm/positionRisk', async () => {
    // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-UM-Position-Information
    // (the PM pages are not in the search store: paths from the issue, shapes the simulator's)
    const account = sim.accounts[0]!;
    // A CM position (the simulator's PM account shares the COIN-M book) before the mirror starts.
    sim.exchange.placeOrder(account.id, 'binance-coinm', {
      symbol: 'BTCUSD_PERP',
      side: 'BUY',
      type: 'MARKET',
      quantity: '3',
    });
    const { mirror, reconciled } = await openMirror('binance-portfolio-margin');
    // A UM position while the mirror runs: ACCOUNT_UPDATE with fs UM on the PM stream.
    sim.exchange.placeOrder(account.id, 'binance-portfolio-margin', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.020',
    });
    await pass(MIN);
    const exchange = () =>
      (['papi-um', 'papi-cm'] as const).flatMap((shape) =>
        sim.exchange
          .positionRisk(account.id, 'binance-portfolio-margin', { shape })
          .map((p) => normalizeRestPosition(p, shape === 'papi-um' ? 'UM' : 'CM'))
          .filter((p) => normalizeDecimal(p.positionAmount) !== '0')
          .map((p) => [p.book, p.symbol, normalizeDecimal(p.positionAmount), normalizeDecimal(p.entryPrice)]),
      );
    const mirrored = () => mirror.positions().map((p) => [p.book, p.symbol, p.positionAmount, p.entryPrice]);
    await until(() => mirrored().length === 2, 5_000, 'both books in the mirror');
    expect(mirrored()).toEqual([...exchange()].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(mirrored().map((p) => [p[0], p[2]])).toEqual([
      ['CM', '3'],
      ['UM', '-0.02'],
    ]);
    expect(reconciled.map((r) => r.reason)).toEqual(['start']);
  });
});
