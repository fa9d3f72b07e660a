export { DEFAULT_BALANCES } from './account-book.js';
export type { SimBalance } from './account-queries.js';
export { COMMISSION_RATE } from './context.js';
export { Exchange } from './exchange.js';
export {
  DEFAULT_SEED,
  type ExchangeEmit,
  type ExchangeOptions,
  type ExchangeTarget,
  PARTIAL_FILL_PROBABILITY,
  type SetPriceOptions,
} from './exchange-options.js';
export { FUTURES_LEVERAGE } from './futures-math.js';
export { MatchingSteps, type StepEvent } from './load-steps.js';
export type { SimMarginLevel } from './margin-risk.js';
export {
  CANONICAL_VENUE,
  COINM_INSTRUMENTS,
  canonicalVenueOf,
  dialectOf,
  type EngineDialect,
  type FuturesInstrument,
  INITIAL_PRICES,
  MARKETS,
  type MarketKey,
  marketOf,
  PRICE_TICKS,
  SPOT_INSTRUMENTS,
  type SpotInstrument,
  SYMBOLS,
  USDM_INSTRUMENTS,
  venuesOfMarket,
} from './markets.js';
export { isPortfolioMarginOnly, PORTFOLIO_MARGIN_ONLY, portfolioMarginText } from './portfolio-margin.js';
export { VenueCode } from './venue-codes.js';
