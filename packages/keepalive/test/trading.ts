import type { VenueId } from '@userstream/core';
import type { Simulator } from '@userstream/simulator';
import { expect } from 'vitest';
import type { AccountMirror } from '../src/index.js';
import { seededRandom, until } from './helpers.js';
import { engineBalances, engineOrders } from './plain-stream.js';

export interface Market {
  venue: VenueId;
  symbols: { symbol: string; price: string; qty: string; tick: string }[];
  deposit: [string, string];
}

export const SPOT: Market = {
  venue: 'binance-spot-legacy',
  symbols: [
    { symbol: 'BTCUSDT', price: '60000', qty: '0.001', tick: '0.01' },
    { symbol: 'ETHBTC', price: '0.05', qty: '0.01', tick: '0.00001' },
  ],
  deposit: ['USDT', '125.5'],
};
export const FUTURES: Market = {
  venue: 'binance-usdm',
  symbols: [{ symbol: 'BTCUSDT', price: '60000', qty: '0.010', tick: '0.10' }],
  deposit: ['USDT', '250.25'],
};
export const BHEX: Market = { ...SPOT, venue: 'bhex', symbols: SPOT.symbols.slice(0, 1) };
export const COINS: Market = { ...SPOT, venue: 'coins-ph', symbols: SPOT.symbols.slice(0, 1) };

/** Random trading on the engine: orders that rest, fill (fully or partly) and get canceled; deposits. */
export function trader(
  sim: Simulator,
  market: Market,
  accountId: string,
  seed: number,
  advance: (ms: number) => Promise<void> = async () => {},
) {
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
    await advance(Math.floor(random() * 3));
  };
}

function addTicks(price: string, tickSize: string, n: number): string {
  const places = tickSize.split('.')[1]?.length ?? 0;
  const scale = 10 ** places;
  return (Math.round(Number(price) * scale + n * Number(tickSize) * scale) / scale).toFixed(places);
}

export async function converged(
  sim: Simulator,
  mirror: AccountMirror,
  market: Market,
  accountId: string,
): Promise<void> {
  const same = () =>
    JSON.stringify(mirror.balances) === JSON.stringify(engineBalances(sim, accountId, market.venue)) &&
    JSON.stringify(mirror.openOrders.map((o) => [o.symbol, o.orderId, o.status, o.filledQuantity])) ===
      JSON.stringify(engineOrders(sim, accountId, market.venue));
  // A bound on waiting, not a speed claim: on a loaded CI machine a resync at 3600x can take seconds.
  await until(() => mirror.phase === 'live' && same(), 15_000, 'the mirror to equal the simulator').catch(
    () => {},
  );
  expect(mirror.balances).toEqual(engineBalances(sim, accountId, market.venue));
  expect(mirror.openOrders.map((o) => [o.symbol, o.orderId, o.status, o.filledQuantity])).toEqual(
    engineOrders(sim, accountId, market.venue),
  );
}
