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
  'binance-coinm-testnet': COINM,
  'binance-pm-pro': USDM,
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
  if (venue === 'binance-options') return optionsTrader(sim, accountId, random, stats);
  if (venue === 'binance-margin-risk') return riskTrader(sim, accountId, random, stats);
  if (venue === 'binance-portfolio-margin') return portfolioMarginTrader(sim, accountId, random, stats);
  return bookTrader(sim, venue, accountId, random, stats);
}

/** Resting, filling and canceled orders and deposits on the venue's own book. */
function bookTrader(sim: Simulator, venue: VenueId, accountId: string, random: Random, stats: TradeStats) {
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

/** Counts a step the engine refused (unknown order, balance, nothing to repay): nothing changed. */
function refused(error: unknown, stats: TradeStats): void {
  if (!(error as { code?: string }).code) throw error;
  stats.rejected++;
}

/**
 * Options (`/eapi`): resting LIMIT orders around each option's mark (5 USDT ticks), the mark moved
 * across them and back (fills at the limit), cancels, and small MARKET buys. The marks start at
 * the simulator's and are always put back, so two accounts trading options agree on them.
 */
function optionsTrader(sim: Simulator, accountId: string, random: Random, stats: TradeStats) {
  const marks: Record<string, string> = { 'BTC-261225-60000-C': '2500', 'BTC-261225-60000-P': '2400' };
  const open: { symbol: string; orderId: string }[] = [];
  return function step(): void {
    stats.steps++;
    const r = random.next();
    const symbol = random.pick(Object.keys(marks));
    const mark = marks[symbol] as string;
    try {
      if (r < 0.4) {
        const side = random.chance(0.5) ? 'BUY' : 'SELL';
        const ticks = random.chance(0.15) ? -random.int(1, 3) : random.int(1, 3);
        const body = sim.exchange.placeOrder(accountId, 'binance-options', {
          symbol,
          side,
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.01',
          price: addTicks(mark, '5', side === 'BUY' ? -ticks : ticks),
        }) as { orderId: unknown };
        open.push({ symbol, orderId: String(body.orderId) });
      } else if (r < 0.6) {
        sim.exchange.setOptionMark(symbol, addTicks(mark, '5', random.chance(0.5) ? 4 : -4));
        sim.exchange.setOptionMark(symbol, mark);
      } else if (r < 0.85 && open.length > 0) {
        const o = open.splice(random.int(0, open.length - 1), 1)[0] as { symbol: string; orderId: string };
        sim.exchange.cancelOrder(accountId, 'binance-options', { symbol: o.symbol, orderId: o.orderId });
      } else {
        sim.exchange.placeOrder(accountId, 'binance-options', {
          symbol,
          side: 'BUY',
          type: 'MARKET',
          quantity: '0.01',
        });
      }
    } catch (error) {
      refused(error, stats);
    }
  };
}

/**
 * Portfolio margin: the UM book as USD-M trades it, and the PM margin account's own orders
 * (POST/DELETE /papi/v1/margin/order): LIMIT orders around the price, filled when the book
 * trader moves the shared BTCUSDT price across them, and canceled. Their executionReport and
 * outboundAccountPosition reach the PM stream only, and the mirror must keep them in its MARGIN
 * ledger, apart from the UM wallet (exchange-view.ts compares both).
 */
function portfolioMarginTrader(sim: Simulator, accountId: string, random: Random, stats: TradeStats) {
  const um = bookTrader(sim, 'binance-portfolio-margin', accountId, random.fork(), stats);
  const open: string[] = [];
  return function step(): void {
    const r = random.next();
    if (r < 0.6) {
      um();
      return;
    }
    stats.steps++;
    try {
      if (r < 0.85 || open.length === 0) {
        const side = random.chance(0.5) ? 'BUY' : 'SELL';
        const ticks = random.chance(0.15) ? -random.int(1, 3) : random.int(1, 3);
        const body = sim.exchange.portfolioMargin(accountId, 'marginOrder', {
          symbol: 'BTCUSDT',
          side,
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.001',
          price: addTicks(sim.exchange.price('BTCUSDT'), '0.1', side === 'BUY' ? -ticks : ticks),
        }) as { orderId: unknown };
        open.push(String(body.orderId));
      } else {
        const orderId = open.splice(random.int(0, open.length - 1), 1)[0] as string;
        sim.exchange.portfolioMargin(accountId, 'cancelMarginOrder', { symbol: 'BTCUSDT', orderId });
      }
    } catch (error) {
      refused(error, stats);
    }
  };
}

/**
 * The cross-margin risk data stream carries the margin account's risk events only: borrows and
 * repayments (USER_LIABILITY_CHANGE, and MARGIN_LEVEL_STATUS_CHANGE when the level crosses a
 * status), plus a margin order now and then whose events that stream must not carry.
 */
function riskTrader(sim: Simulator, accountId: string, random: Random, stats: TradeStats) {
  const spot = trader(sim, 'binance-margin', accountId, random.fork(), stats);
  return function step(): void {
    const r = random.next();
    if (r < 0.25) {
      spot();
      return;
    }
    stats.steps++;
    try {
      sim.exchange.borrowRepay(accountId, 'binance-margin', {
        type: r < 0.65 ? 'BORROW' : 'REPAY',
        asset: 'USDT',
        amount: random.pick(['25.5', '100', '1000']),
      });
    } catch (error) {
      refused(error, stats);
    }
  };
}
