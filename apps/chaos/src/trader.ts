import type { VenueId } from '@userstream/core';
import type { Simulator } from '@userstream/simulator';
import type { Random } from './random.js';

interface Instrument {
  symbol: string;
  qty: string;
  tick: string;
}

interface Market {
  instruments: Instrument[];
  deposit: [asset: string, amount: string];
}

const SPOT: Market = {
  instruments: [
    { symbol: 'BTCUSDT', qty: '0.001', tick: '0.01' },
    { symbol: 'ETHBTC', qty: '0.01', tick: '0.00001' },
  ],
  deposit: ['USDT', '125.5'],
};
const ISOLATED: Market = {
  instruments: [{ symbol: 'BTCUSDT', qty: '0.001', tick: '0.01' }],
  deposit: ['USDT', '75.25'],
};
const USDM: Market = {
  instruments: [{ symbol: 'BTCUSDT', qty: '0.010', tick: '0.1' }],
  deposit: ['USDT', '250.25'],
};
const COINM: Market = {
  instruments: [{ symbol: 'BTCUSD_PERP', qty: '1', tick: '0.1' }],
  deposit: ['BTC', '0.0125'],
};
const BROKER: Market = {
  instruments: [{ symbol: 'BTCUSDT', qty: '0.001', tick: '0.01' }],
  deposit: ['USDT', '99.5'],
};

const MARKETS: Partial<Record<VenueId, Market>> = {
  'binance-spot': SPOT,
  'binance-spot-legacy': SPOT,
  'binance-margin': SPOT,
  'binance-isolated-margin': ISOLATED,
  'binance-usdm': USDM,
  'binance-portfolio-margin': USDM,
  'binance-coinm': COINM,
  bhex: BROKER,
  'coins-ph': BROKER,
};

function addTicks(price: string, tick: string, n: number): string {
  const places = tick.split('.')[1]?.length ?? 0;
  const scale = 10 ** places;
  const t = Math.round(Number(tick) * scale);
  // Snap to the market's tick first: a shared symbol's price may sit on a finer grid.
  const snapped = Math.round((Number(price) * scale) / t) * t;
  return ((snapped + n * t) / scale).toFixed(places);
}

/** What a trading step did (the engine said no to some: unknown order, balance), for the run's figures. */
export interface TradeStats {
  steps: number;
  rejected: number;
}

/**
 * Random trading on the engine for one account and venue: orders that rest, fill (fully or
 * partly) and get canceled, and deposits. Every step makes the exchange send events.
 */
export function trader(sim: Simulator, venue: VenueId, accountId: string, random: Random, stats: TradeStats) {
  const market = MARKETS[venue];
  if (!market) throw new Error(`no trading plan for ${venue}`);
  const open: { symbol: string; orderId: string }[] = [];
  return function step(): void {
    stats.steps++;
    const r = random.next();
    const inst = random.pick(market.instruments);
    try {
      const price = sim.exchange.price(inst.symbol);
      if (r < 0.4) {
        const side = random.chance(0.5) ? 'BUY' : 'SELL';
        // Mostly resting orders; now and then a marketable one that fills as it is placed (its
        // NEW and TRADE reports come from one matching step: same E, same T, as on Binance).
        const ticks = random.chance(0.15) ? -random.int(1, 3) : random.int(1, 3);
        const body = sim.exchange.placeOrder(accountId, venue, {
          symbol: inst.symbol,
          side,
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: inst.qty,
          price: addTicks(price, inst.tick, side === 'BUY' ? -ticks : ticks),
        }) as { orderId: unknown };
        open.push({ symbol: inst.symbol, orderId: String(body.orderId) });
      } else if (r < 0.6) {
        // Move the price across resting orders (they fill at their limit), then back.
        sim.exchange.setPrice(inst.symbol, addTicks(price, inst.tick, random.chance(0.5) ? 4 : -4), {
          partial: random.chance(0.5),
        });
        sim.exchange.setPrice(inst.symbol, price);
      } else if (r < 0.85 && open.length > 0) {
        const o = open.splice(random.int(0, open.length - 1), 1)[0] as { symbol: string; orderId: string };
        sim.exchange.cancelOrder(accountId, venue, { symbol: o.symbol, orderId: o.orderId });
      } else {
        sim.exchange.deposit(accountId, venue, market.deposit[0], market.deposit[1]);
      }
    } catch (error) {
      // The engine said no (unknown order, insufficient balance): nothing changed.
      if (!(error as { code?: string }).code) throw error;
      stats.rejected++;
    }
  };
}
