import {
  type Clock,
  createOptionKit,
  isDecimal,
  type Logger,
  normalizeDecimal,
  type VenueId,
} from '@userstream/core';
import { compareDecimal, isMultipleOf } from './decimal-math.js';
import type { InputError } from './engine-input.js';
import { INITIAL_PRICES, PRICE_TICKS, SYMBOLS } from './markets.js';

/** Where an event goes: the account, the market's canonical venue id and, for isolated margin, the pair. */
export interface ExchangeTarget {
  /** The simulator account the event belongs to. */
  accountId: string;
  /** The canonical venue id of the market ({@link CANONICAL_VENUE}); deliver to every venue id with the same `marketOf`. */
  venue: VenueId;
  /** Isolated margin only: the pair whose stream (listenKey `symbol`) receives the event. */
  symbol?: string;
}

export type ExchangeEmit = (target: ExchangeTarget, event: Record<string, unknown>) => void;

/** Options of the account engine (`sim.exchange`); `startSimulator()` builds them from its own options. */
export interface ExchangeOptions {
  /** Time source for `E`, `T`, order and update times. */
  clock: Clock;
  /**
   * Seed of the synthetic price walk, generated client order ids and partial fills.
   * @default DEFAULT_SEED
   */
  seed?: number;
  /** Receives every event, in order, after the operation that caused it has committed. */
  emit: ExchangeEmit;
  /** Starting prices by symbol. @default INITIAL_PRICES */
  prices?: Partial<Record<string, string>>;
  /** Told when `emit` throws (the engine carries on with the next event); only `error` is used. */
  logger?: Logger;
}

export interface SetPriceOptions {
  /**
   * Fill only half (rounded down to the step size) of what is left of each crossed order, to
   * produce PARTIALLY_FILLED updates. @default false
   */
  partial?: boolean;
}

/** @default 1 */
export const DEFAULT_SEED = 1;

/** Chance that the synthetic walk fills only part of a crossed order. */
export const PARTIAL_FILL_PROBABILITY = 0.3;

/** The constructor's options are configuration: refusals are USERSTREAM_INVALID_CONFIG. */
const kit = createOptionKit('@userstream/simulator');

export interface ResolvedExchangeOptions {
  clock: Clock;
  emit: ExchangeEmit;
  logger: Logger | undefined;
  seed: number;
  /** Every symbol's starting price. */
  prices: Map<string, string>;
}

/** Checks `new Exchange(options)` and fills in the defaults. */
export function resolveExchangeOptions(options: ExchangeOptions): ResolvedExchangeOptions {
  if (!options || typeof options !== 'object')
    throw kit.invalid('new Exchange(options) needs { clock, emit }', 'options');
  const { clock, emit } = options;
  if (!clock || typeof clock.now !== 'function') {
    throw kit.invalid(
      'options.clock must be a Clock from @userstream/core (systemClock, VirtualClock…)',
      'clock',
    );
  }
  if (typeof emit !== 'function')
    throw kit.invalid('options.emit must be a function (target, event) => void', 'emit');
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed))
    throw kit.invalid(`options.seed must be an integer, got ${String(seed)}`, 'seed');
  const prices = new Map<string, string>();
  for (const symbol of SYMBOLS) {
    const given = options.prices?.[symbol];
    prices.set(
      symbol,
      given === undefined ? (INITIAL_PRICES[symbol] as string) : checkPrice(symbol, given, kit.invalid),
    );
  }
  for (const symbol of Object.keys(options.prices ?? {})) {
    if (!prices.has(symbol))
      throw kit.invalid(`options.prices: unknown symbol ${JSON.stringify(symbol)}`, 'prices');
  }
  return { clock, emit, logger: options.logger, seed, prices };
}

/**
 * A price for `symbol`: a positive decimal string on the symbol's tick. `refuse` builds the
 * error: a configuration error for the constructor's `prices`, an input error for `setPrice`.
 */
export function checkPrice(symbol: string, price: unknown, refuse: InputError): string {
  if (typeof price !== 'string' || !isDecimal(price) || compareDecimal(price, '0') <= 0) {
    throw refuse(`price of ${symbol} must be a positive decimal string such as "60000.5"`, 'price');
  }
  const tick = PRICE_TICKS[symbol] as string;
  if (!isMultipleOf(price, tick)) throw refuse(`price of ${symbol} must be a multiple of ${tick}`, 'price');
  return normalizeDecimal(price);
}
