import { type VenueId, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountMirror, type MirrorReconciled, type MirrorSnapshot } from '../src/index.js';
import { seededRandom, tick, until } from './helpers.js';
import { type PlainRest, plainRest } from './plain-rest.js';
import {
  accountPart,
  engineBalances,
  engineOrders,
  engineSnapshot,
  orderOf,
  PlainStream,
} from './plain-stream.js';

let clock: VirtualClock;
let sim: Simulator;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await sim.close();
});

interface Market {
  venue: VenueId;
  symbols: { symbol: string; price: string; qty: string; tick: string }[];
  deposit: [string, string];
}

const SPOT: Market = {
  venue: 'binance-spot-legacy',
  symbols: [
    { symbol: 'BTCUSDT', price: '60000', qty: '0.001', tick: '0.01' },
    { symbol: 'ETHBTC', price: '0.05', qty: '0.01', tick: '0.00001' },
  ],
  deposit: ['USDT', '125.5'],
};
const FUTURES: Market = {
  venue: 'binance-usdm',
  symbols: [{ symbol: 'BTCUSDT', price: '60000', qty: '0.010', tick: '0.10' }],
  deposit: ['USDT', '250.25'],
};
const BHEX: Market = { ...SPOT, venue: 'bhex', symbols: SPOT.symbols.slice(0, 1) };
const COINS: Market = { ...SPOT, venue: 'coins-ph', symbols: SPOT.symbols.slice(0, 1) };

async function setup(market: Market, snapshot?: (base: () => MirrorSnapshot) => Promise<MirrorSnapshot>) {
  const venue = sim.venue(market.venue);
  const account = sim.accounts[0]!;
  const rest: PlainRest = plainRest(venue, account, clock);
  cleanups.push(() => rest.close());
  const listenKey = await rest.createListenKey();
  const stream = new PlainStream(venue, listenKey);
  cleanups.push(() => stream.close());
  await stream.opened();
  const base = () => engineSnapshot(sim, account.id, market.venue);
  const mirror = new AccountMirror({
    stream,
    snapshot: snapshot ? () => snapshot(base) : async () => base(),
    clock,
  });
  cleanups.push(() => mirror.close());
  const reconciled: MirrorReconciled[] = [];
  mirror.on('reconciled', (r) => reconciled.push(r));
  await mirror.ready();
  return { venue, account, stream, mirror, reconciled };
}

/** Random trading on the engine: orders that rest, fill (fully or partly) and get canceled; deposits. */
function trader(market: Market, accountId: string, seed: number) {
  const random = seededRandom(seed);
  const open: { symbol: string; orderId: number }[] = [];
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)] as T;
  return async function step(): Promise<void> {
    const r = random();
    const s = pick(market.symbols);
    try {
      if (r < 0.4) {
        const side = random() < 0.5 ? 'BUY' : 'SELL';
        // Rest 1 to 3 ticks away from the price, on the passive side.
        const ticks = 1 + Math.floor(random() * 3);
        const price = addTicks(s.price, s.tick, side === 'BUY' ? -ticks : ticks);
        const body = sim.exchange.placeOrder(accountId, market.venue, {
          symbol: s.symbol,
          side,
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: s.qty,
          price,
        }) as { orderId: number };
        open.push({ symbol: s.symbol, orderId: body.orderId });
      } else if (r < 0.6) {
        // Move the price across resting orders: they fill at their limit.
        const up = random() < 0.5;
        sim.exchange.setPrice(s.symbol, addTicks(s.price, s.tick, up ? 4 : -4), { partial: random() < 0.5 });
        sim.exchange.setPrice(s.symbol, s.price);
      } else if (r < 0.85 && open.length > 0) {
        const o = open.splice(Math.floor(random() * open.length), 1)[0]!;
        sim.exchange.cancelOrder(accountId, market.venue, { symbol: o.symbol, orderId: String(o.orderId) });
      } else {
        sim.exchange.deposit(accountId, market.venue, market.deposit[0], market.deposit[1]);
      }
    } catch (error) {
      // Unknown order (already filled) or insufficient balance: the engine said no, nothing changed.
      if (!(error as { code?: string }).code) throw error;
    }
    await clock.advance(Math.floor(random() * 3));
  };
}

function addTicks(price: string, tickSize: string, n: number): string {
  const places = tickSize.split('.')[1]?.length ?? 0;
  const scale = 10 ** places;
  return (Math.round(Number(price) * scale + n * Number(tickSize) * scale) / scale).toFixed(places);
}

async function converged(mirror: AccountMirror, market: Market, accountId: string): Promise<void> {
  const same = () =>
    JSON.stringify(mirror.balances) === JSON.stringify(engineBalances(sim, accountId, market.venue)) &&
    JSON.stringify(mirror.openOrders.map((o) => [o.symbol, o.orderId, o.status, o.filledQuantity])) ===
      JSON.stringify(engineOrders(sim, accountId, market.venue));
  await until(() => mirror.phase === 'live' && same(), 5_000, 'the mirror to equal the simulator').catch(
    () => {},
  );
  expect(mirror.balances).toEqual(engineBalances(sim, accountId, market.venue));
  expect(mirror.openOrders.map((o) => [o.symbol, o.orderId, o.status, o.filledQuantity])).toEqual(
    engineOrders(sim, accountId, market.venue),
  );
}

describe('AccountMirror against the simulator', () => {
  for (const market of [SPOT, FUTURES, BHEX, COINS]) {
    it(`${market.venue}: folds a trading session into exactly the exchange's balances and open orders`, async () => {
      const { mirror, account, reconciled } = await setup(market);
      const step = trader(market, account.id, 11);
      for (let i = 0; i < 120; i++) await step();
      await converged(mirror, market, account.id);
      expect(mirror.stats.applied).toBeGreaterThan(50);
      expect(reconciled.map((r) => r.reason)).toEqual(['start']);
      expect(mirror.stats.differences).toBe(0);
    });
  }

  it('reconciles after a dropped connection (events lost in between) and reports what the stream missed', async () => {
    const { mirror, account, reconciled, stream } = await setup(SPOT);
    const step = trader(SPOT, account.id, 5);
    for (let i = 0; i < 30; i++) await step();
    await converged(mirror, SPOT, account.id);
    // Drop the stream and trade while it is down: those events are lost by design.
    const opens = stream.opens;
    sim.faults.drop({ mode: 'terminate', connections: 'stream' });
    sim.exchange.deposit(account.id, SPOT.venue, 'BTC', '0.5');
    for (let i = 0; i < 10; i++) await step();
    await until(() => stream.opens > opens, 5_000, 'the reconnect');
    for (let i = 0; i < 20; i++) await step();
    await converged(mirror, SPOT, account.id);
    const after = reconciled.filter((r) => r.reason === 'gap:reconnect');
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.flatMap((r) => r.differences).some((d) => d.kind === 'balance' && d.asset === 'BTC')).toBe(
      true,
    );
  });

  it('never double-applies or misses events that happen while the snapshot is being read', async () => {
    const account = sim.accounts[0]!;
    const step = trader(SPOT, account.id, 9);
    let snapshots = 0;
    const { mirror, reconciled } = await setup(SPOT, async () => {
      snapshots++;
      // Trade before, between and after the two reads: their events are buffered meanwhile.
      for (let i = 0; i < 5; i++) await step();
      const accountBody = sim.exchange.account(account.id, SPOT.venue, {}) as Record<string, unknown>;
      for (let i = 0; i < 5; i++) await step();
      await tick(5);
      const orders = (sim.exchange.openOrders(account.id, SPOT.venue, {}) as Record<string, unknown>[]).map(
        orderOf,
      );
      for (let i = 0; i < 5; i++) await step();
      return { ...accountPart(accountBody), openOrders: orders };
    });
    for (let i = 0; i < 20; i++) await step();
    await converged(mirror, SPOT, account.id);
    // And again on a gap, with trading during the snapshot.
    sim.faults.drop({ mode: 'close', connections: 'stream' });
    await until(() => reconciled.length >= 2, 5_000, 'the second reconciliation');
    for (let i = 0; i < 20; i++) await step();
    await converged(mirror, SPOT, account.id);
    expect(snapshots).toBeGreaterThanOrEqual(2);
    expect(mirror.stats.skipped).toBeGreaterThan(0);
  });

  it('stays exact with duplicated and reordered delivery (no dedupe upstream)', async () => {
    const { mirror, account } = await setup(SPOT);
    const step = trader(SPOT, account.id, 21);
    sim.faults.duplicate({ count: 20 });
    for (let i = 0; i < 25; i++) await step();
    sim.faults.reorder({ window: 4, windows: 5 });
    for (let i = 0; i < 25; i++) await step();
    await clock.advance(2_000); // flushes held reorder windows
    await converged(mirror, SPOT, account.id);
  });
});
