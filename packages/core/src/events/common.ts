/**
 * Building blocks shared by the dialect schemas. Decimal amounts stay strings: they are never
 * turned into floats. Objects are `z.object`, so fields we do not know are dropped (never a
 * failure), which keeps the parsed events lean.
 */
import { z } from 'zod';

/**
 * Which family of payloads a stream speaks; picks the schemas used to parse its events.
 * `futures`: USDⓈ-M, COIN-M and Portfolio Margin Pro (`pm-classic`); `portfolioMargin`: the
 * `/papi` stream (futures events with `fs`, margin-side spot events, PM risk events);
 * `options`: the `/eapi` stream (options shapes, frames in a `{stream, data}` envelope);
 * `marginRisk`: the cross margin risk data stream; `asterFutures`: Aster futures v3 (futures events
 * plus `announcement`, which has no `E`).
 */
export type Dialect =
  | 'spot'
  | 'futures'
  | 'bhex'
  | 'coins'
  | 'options'
  | 'portfolioMargin'
  | 'marginRisk'
  | 'bingxSpot'
  | 'bingxSwap'
  | 'mexc'
  | 'aster'
  | 'asterFutures'
  | 'tokocrypto'
  | 'toobit'
  | 'bitrue';

/** All dialects, in a stable order. */
export const DIALECTS: readonly Dialect[] = [
  'spot',
  'futures',
  'bhex',
  'coins',
  'options',
  'portfolioMargin',
  'marginRisk',
  'bingxSpot',
  'bingxSwap',
  'mexc',
  'aster',
  'asterFutures',
  'tokocrypto',
  'toobit',
  'bitrue',
];

/** A decimal amount, price or quantity as the venue sent it, e.g. `"0.10264410"`. */
export const decimal = z.string();
/** An integer id, count or epoch-millisecond timestamp. Not checked for safe range (venues send ids above 2^53). */
export const int = z.number();

/**
 * An epoch-millisecond time sent as a number or, by some venues, as a string of digits
 * (USD-M `listenKeyExpired` documents `"E": "1736996475556"`). Parsed to a number.
 */
export const millisLoose = z.union(
  [
    z.number(),
    z
      .string()
      .regex(/^\d{1,16}$/)
      .transform(Number),
  ],
  { error: 'Invalid input: expected a number or a string of digits' },
);

/** `{a, f, l}`: asset, free, locked. */
export const assetBalance = z.object({
  /** Asset. */
  a: z.string(),
  /** Free amount. */
  f: decimal,
  /** Locked amount. */
  l: decimal,
});
