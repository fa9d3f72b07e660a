import type { VenueId } from '@userstream/core';
import { inputError } from './engine-input.js';

/**
 * Which account a venue id trades on. Several venue ids share one account: the Binance spot
 * profiles (`binance-spot`, `binance-spot-testnet`, `binance-spot-legacy`) all see the same spot
 * balances and orders, and every event for that account is emitted once, addressed to the
 * market's canonical venue id (`canonicalVenueOf`). A server delivers it to the streams
 * of every venue id whose {@link marketOf} is the same.
 */
export type MarketKey = 'spot' | 'margin' | 'isolatedMargin' | 'usdm' | 'coinm' | 'bhex' | 'coins';

/** The event dialect a venue speaks (the same union as core's `Dialect`). */
export type EngineDialect = 'spot' | 'futures' | 'bhex' | 'coins';

/**
 * `binance-options` is not a book of this map: the options market (options-market.ts) sends its
 * events to that venue id, and the server's venue-map routes them to the options streams.
 */
const MARKET_OF: Readonly<Record<Exclude<VenueId, 'binance-options'>, MarketKey>> = Object.freeze({
  'binance-spot': 'spot',
  'binance-spot-testnet': 'spot',
  'binance-spot-legacy': 'spot',
  'binance-margin': 'margin',
  'binance-margin-legacy': 'margin',
  'binance-isolated-margin': 'isolatedMargin',
  'binance-isolated-margin-legacy': 'isolatedMargin',
  'binance-usdm': 'usdm',
  'binance-usdm-testnet': 'usdm',
  'binance-portfolio-margin': 'usdm',
  'binance-coinm': 'coinm',
  // Issue #18 venues: COIN-M testnet is the COIN-M book; Portfolio Margin Pro's key is a /fapi
  // key on the USD-M account; the risk data stream reads the cross margin account.
  'binance-coinm-testnet': 'coinm',
  'binance-pm-pro': 'usdm',
  'binance-margin-risk': 'margin',
  bhex: 'bhex',
  'coins-ph': 'coins',
  // Issue #13: MEXC spot trades on the simulator's spot book (one matching engine, MEXC's doors:
  // its REST routes, protobuf pushes and subscriptions).
  mexc: 'spot',
  // Issue #13: coins.xyz and Coins TH speak Coins.ph's protocol; the simulator plays one
  // deployment at a time, so they trade on its coins book.
  'coins-xyz': 'coins',
  'coins-th': 'coins',
  // Issue #13: Aster's futures speak USDⓈ-M's protocol; played on the USDⓈ-M book.
  'aster-futures': 'usdm',
  // Aster futures v3 (EIP-712 signed, /fapi/v3 paths of its own): the same USDⓈ-M book.
  'aster-futures-v3': 'usdm',
  // Aster spot trades on the spot book; hub.ts rewrites its events into Aster's shape.
  'aster-spot': 'spot',
  // Aster spot v3 (EIP-712 signed): the same spot book and shapes.
  'aster-spot-v3': 'spot',
  // Issue #13: Tokocrypto's MBX symbols trade on Binance's engine: the spot book, its own doors
  // (venues/tokocrypto.ts).
  tokocrypto: 'spot',
  // Issue #13: Toobit spot (BHEX's lineage) trades on the BHEX book; hub.ts rewrites its events
  // into Toobit's shapes and array frames (venues/toobit.ts).
  'toobit-spot': 'bhex',
  // Toobit USDT-M trades on the USDⓈ-M book, behind its own doors (venues/toobit-usdm*.ts).
  'toobit-usdm': 'usdm',
  // Issue #13: Bitrue spot trades on the spot book; hub.ts writes its ORDER/BALANCE pushes
  // (venues/bitrue.ts).
  'bitrue-spot': 'spot',
  // Issue #13: BingX spot trades on the spot book, BingX swap on the USDⓈ-M book; hub.ts writes
  // their events in BingX's shapes, gzip-compressed (venues/bingx*.ts).
  'bingx-spot': 'spot',
  'bingx-swap': 'usdm',
});

/** The venue id events of each market are addressed to. */
export const CANONICAL_VENUE: Readonly<Record<MarketKey, VenueId>> = Object.freeze({
  spot: 'binance-spot',
  margin: 'binance-margin',
  isolatedMargin: 'binance-isolated-margin',
  usdm: 'binance-usdm',
  coinm: 'binance-coinm',
  bhex: 'bhex',
  coins: 'coins-ph',
});

const DIALECT_OF_MARKET: Readonly<Record<MarketKey, EngineDialect>> = Object.freeze({
  spot: 'spot',
  margin: 'spot',
  isolatedMargin: 'spot',
  usdm: 'futures',
  coinm: 'futures',
  bhex: 'bhex',
  coins: 'coins',
});

/** Every market key, in the order the engine walks them. */
export const MARKETS: readonly MarketKey[] = Object.freeze([
  'spot',
  'margin',
  'isolatedMargin',
  'bhex',
  'coins',
  'usdm',
  'coinm',
]);

/** The account (market) a venue id trades on; throws `USERSTREAM_INVALID_INPUT` for an unknown id. */
export function marketOf(venue: VenueId | string): MarketKey {
  const market = Object.hasOwn(MARKET_OF, venue)
    ? (MARKET_OF as Record<string, MarketKey>)[venue]
    : undefined;
  if (!market) {
    throw inputError(
      `unknown venue ${JSON.stringify(String(venue).slice(0, 64))}; use one of ${Object.keys(MARKET_OF).join(', ')}`,
      'venue',
    );
  }
  return market;
}

/** The dialect events of `venue` are written in. */
export function dialectOf(venue: VenueId | string): EngineDialect {
  return DIALECT_OF_MARKET[marketOf(venue)];
}

/** The venue id the engine addresses events of `market` to. */
export function canonicalVenueOf(market: MarketKey): VenueId {
  return CANONICAL_VENUE[market];
}

/** Every venue id that streams `market`'s events (for fan-out in a server). */
export function venuesOfMarket(market: MarketKey): readonly VenueId[] {
  return (Object.keys(MARKET_OF) as (keyof typeof MARKET_OF)[]).filter((v) => MARKET_OF[v] === market);
}

export function dialectOfMarket(market: MarketKey): EngineDialect {
  return DIALECT_OF_MARKET[market];
}

export function isFuturesMarket(market: MarketKey): market is 'usdm' | 'coinm' {
  return market === 'usdm' || market === 'coinm';
}

export type SpotMarketKey = Exclude<MarketKey, 'usdm' | 'coinm'>;

/** Trading rules of a spot pair (spot, margin, isolated margin, BHEX, Coins.ph). */
export interface SpotInstrument {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly minPrice: string;
  readonly maxPrice: string;
  readonly tickSize: string;
  readonly minQty: string;
  readonly maxQty: string;
  readonly stepSize: string;
  /** Smallest price × quantity accepted, in the quote asset. */
  readonly minNotional: string;
}

/** Trading rules of a perpetual contract. */
export interface FuturesInstrument {
  readonly symbol: string;
  /** `linear`: USDⓈ-M, quantity in the base asset; `inverse`: COIN-M, quantity in contracts. */
  readonly kind: 'linear' | 'inverse';
  readonly pair: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly marginAsset: string;
  readonly tickSize: string;
  readonly minPrice: string;
  readonly maxPrice: string;
  readonly stepSize: string;
  readonly minQty: string;
  readonly maxQty: string;
  /** Smallest notional (USDⓈ-M only), in the quote asset. */
  readonly minNotional: string;
  /** USD value of one contract (COIN-M only). */
  readonly contractSize: string;
}

// Filters chosen so that price × quantity never needs more than 8 decimal places: every
// amount the engine books stays exact at the venues' 8-place precision.
export const SPOT_INSTRUMENTS: Readonly<Record<string, SpotInstrument>> = Object.freeze({
  BTCUSDT: {
    symbol: 'BTCUSDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    minPrice: '0.01',
    maxPrice: '1000000',
    tickSize: '0.01',
    minQty: '0.00001',
    maxQty: '9000',
    stepSize: '0.00001',
    minNotional: '5',
  },
  ETHUSDT: {
    symbol: 'ETHUSDT',
    baseAsset: 'ETH',
    quoteAsset: 'USDT',
    minPrice: '0.01',
    maxPrice: '1000000',
    tickSize: '0.01',
    minQty: '0.0001',
    maxQty: '9000',
    stepSize: '0.0001',
    minNotional: '5',
  },
  ETHBTC: {
    symbol: 'ETHBTC',
    baseAsset: 'ETH',
    quoteAsset: 'BTC',
    minPrice: '0.00001',
    maxPrice: '1000',
    tickSize: '0.00001',
    minQty: '0.001',
    maxQty: '100000',
    stepSize: '0.001',
    minNotional: '0.0001',
  },
});

export const USDM_INSTRUMENTS: Readonly<Record<string, FuturesInstrument>> = Object.freeze({
  BTCUSDT: {
    symbol: 'BTCUSDT',
    kind: 'linear',
    pair: 'BTCUSDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
    tickSize: '0.1',
    minPrice: '0.1',
    maxPrice: '4529764',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    minNotional: '100',
    contractSize: '1',
  },
  ETHUSDT: {
    symbol: 'ETHUSDT',
    kind: 'linear',
    pair: 'ETHUSDT',
    baseAsset: 'ETH',
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
    tickSize: '0.01',
    minPrice: '0.01',
    maxPrice: '306177',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '10000',
    minNotional: '20',
    contractSize: '1',
  },
});

export const COINM_INSTRUMENTS: Readonly<Record<string, FuturesInstrument>> = Object.freeze({
  BTCUSD_PERP: {
    symbol: 'BTCUSD_PERP',
    kind: 'inverse',
    pair: 'BTCUSD',
    baseAsset: 'BTC',
    quoteAsset: 'USD',
    marginAsset: 'BTC',
    tickSize: '0.1',
    minPrice: '0.1',
    maxPrice: '4520958',
    stepSize: '1',
    minQty: '1',
    maxQty: '1000000',
    minNotional: '0',
    contractSize: '100',
  },
});

/** Starting price of every symbol. A symbol name shared by markets (BTCUSDT) has one price. */
export const INITIAL_PRICES: Readonly<Record<string, string>> = Object.freeze({
  BTCUSDT: '60000',
  ETHUSDT: '3000',
  ETHBTC: '0.05',
  BTCUSD_PERP: '60000',
});

/**
 * The price grid of each symbol: `setPrice` and the synthetic walk only use multiples of it
 * (the finest tick of the markets that list the symbol).
 */
export const PRICE_TICKS: Readonly<Record<string, string>> = Object.freeze({
  BTCUSDT: '0.01',
  ETHUSDT: '0.01',
  ETHBTC: '0.00001',
  BTCUSD_PERP: '0.1',
});

/** Symbols in the order the walk and the fills visit them. */
export const SYMBOLS: readonly string[] = Object.freeze(Object.keys(INITIAL_PRICES));

export function spotInstrument(symbol: string): SpotInstrument | undefined {
  return Object.hasOwn(SPOT_INSTRUMENTS, symbol) ? SPOT_INSTRUMENTS[symbol] : undefined;
}

export function futuresInstrument(market: 'usdm' | 'coinm', symbol: string): FuturesInstrument | undefined {
  const table = market === 'usdm' ? USDM_INSTRUMENTS : COINM_INSTRUMENTS;
  return Object.hasOwn(table, symbol) ? table[symbol] : undefined;
}
