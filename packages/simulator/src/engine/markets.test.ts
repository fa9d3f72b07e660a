import { ErrorCode, type VenueProfile, venues } from '@userstream/core';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { isMultipleOf } from './decimal-math.js';
import {
  CANONICAL_VENUE,
  COINM_INSTRUMENTS,
  canonicalVenueOf,
  dialectOf,
  type EngineDialect,
  INITIAL_PRICES,
  MARKETS,
  marketOf,
  PRICE_TICKS,
  SPOT_INSTRUMENTS,
  USDM_INSTRUMENTS,
  venuesOfMarket,
} from './markets.js';

describe('marketOf / dialectOf', () => {
  test('every built-in venue profile has a market, and its dialect is the profile’s', () => {
    // Checked by tsc: the engine's books write a subset of core's dialects (options,
    // portfolioMargin and marginRisk streams are built from them, see below).
    expectTypeOf<EngineDialect>().toMatchTypeOf<VenueProfile['dialect']>();
    // Venues that read a book in a dialect of their own (issue #18): portfolio margin reads the
    // USD-M book as PM text (the hub writes fs/ao), the risk data stream only the margin book's
    // risk events, and options trade on their own market (events sent to binance-options).
    // MEXC (issue #13) trades on the spot book and writes its own protobuf pushes (venues/mexc.ts);
    // Aster spot trades on the spot book and the hub writes its shapes (venues/aster-spot.ts).
    const ownDialect = new Set([
      'binance-portfolio-margin',
      'binance-margin-risk',
      'binance-options',
      'mexc',
      'aster-spot',
      // Aster futures v3 reads the USD-M book in the asterFutures dialect (USD-M's events plus
      // announcement, sent by faults.announce).
      'aster-futures-v3',
      'aster-spot-v3',
      // Toobit spot trades on the BHEX book and the hub writes its shapes (venues/toobit.ts).
      'toobit-spot',
      // Toobit USDT-M: the USDⓈ-M book in Toobit's shapes (venues/toobit-usdm.ts).
      'toobit-usdm',
      // Bitrue spot trades on the spot book and the hub writes its pushes (venues/bitrue.ts).
      'bitrue-spot',
      // Tokocrypto (issue #13): the spot book in Tokocrypto's shapes (venues/tokocrypto.ts).
      'tokocrypto',
      // BingX (issue #13): the spot and USDⓈ-M books in BingX's shapes (venues/bingx.ts).
      'bingx-spot',
      'bingx-swap',
    ]);
    for (const profile of Object.values(venues)) {
      if (ownDialect.has(profile.id)) continue;
      expect(MARKETS).toContain(marketOf(profile.id));
      expect([profile.id, dialectOf(profile.id)]).toEqual([profile.id, profile.dialect]);
    }
  });

  test('the mapping the server fans out by', () => {
    expect(Object.fromEntries(MARKETS.map((m) => [m, venuesOfMarket(m)]))).toMatchInlineSnapshot(`
      {
        "bhex": [
          "bhex",
          "toobit-spot",
        ],
        "coinm": [
          "binance-coinm",
          "binance-coinm-testnet",
        ],
        "coins": [
          "coins-ph",
          "coins-xyz",
          "coins-th",
        ],
        "isolatedMargin": [
          "binance-isolated-margin",
          "binance-isolated-margin-legacy",
        ],
        "margin": [
          "binance-margin",
          "binance-margin-legacy",
          "binance-margin-risk",
        ],
        "spot": [
          "binance-spot",
          "binance-spot-testnet",
          "binance-spot-legacy",
          "mexc",
          "aster-spot",
          "aster-spot-v3",
          "tokocrypto",
          "bitrue-spot",
          "bingx-spot",
        ],
        "usdm": [
          "binance-usdm",
          "binance-usdm-testnet",
          "binance-portfolio-margin",
          "binance-pm-pro",
          "aster-futures",
          "aster-futures-v3",
          "toobit-usdm",
          "bingx-swap",
        ],
      }
    `);
    for (const m of MARKETS) {
      expect(marketOf(canonicalVenueOf(m))).toBe(m);
      expect(CANONICAL_VENUE[m]).toBe(canonicalVenueOf(m));
    }
  });

  test('an unknown venue is a typed error that lists the known ones', () => {
    expect(() => marketOf('kraken')).toThrowError(
      expect.objectContaining({
        code: ErrorCode.InvalidInput,
        message: expect.stringMatching(
          /^@userstream\/simulator: unknown venue "kraken"; use one of binance-spot/,
        ),
      }),
    );
    expect(() => dialectOf('__proto__')).toThrow(/unknown venue/);
  });
});

describe('instruments', () => {
  test('starting prices sit on the price grid, which is at least as fine as every market’s tick', () => {
    for (const [symbol, price] of Object.entries(INITIAL_PRICES)) {
      const tick = PRICE_TICKS[symbol] as string;
      expect(isMultipleOf(price, tick)).toBe(true);
      for (const table of [SPOT_INSTRUMENTS, USDM_INSTRUMENTS, COINM_INSTRUMENTS]) {
        const inst = table[symbol];
        if (inst) expect([symbol, isMultipleOf(inst.tickSize, tick)]).toEqual([symbol, true]);
      }
    }
  });

  test('spot filters keep price × quantity within 8 decimal places', () => {
    for (const inst of Object.values(SPOT_INSTRUMENTS)) {
      const places = (v: string) => v.split('.')[1]?.length ?? 0;
      expect(places(PRICE_TICKS[inst.symbol] as string) + places(inst.stepSize)).toBeLessThanOrEqual(8);
    }
  });
});
