import { type VenueId, type VenueProfile, venues } from '@userstream/core';
import { type MarketKey as EngineMarketKey, marketOf } from './engine/index.js';

/**
 * The book a server routes a venue's streams by: the engine's books, plus `options` for
 * `binance-options` (the options market addresses its events to that venue id).
 */
export type MarketKey = EngineMarketKey | 'options';

/**
 * The book a venue id reads and writes (the engine's `marketOf`): venue ids that are different
 * doors to the same account (spot WebSocket API, spot testnet and spot listenKey; USD-M, its
 * testnet and portfolio margin's UM side) share a book, and an event for the book goes to the
 * streams of all of them.
 */
export function marketKeyOf(venue: VenueId): MarketKey {
  if (venue === 'binance-options') return 'options';
  return marketOf(venue);
}

/** True for a built-in venue id. */
export function isVenueId(value: unknown): value is VenueId {
  return typeof value === 'string' && Object.hasOwn(venues, value);
}

/** The key-validity and connection timing of a venue. */
export function profileOf(venue: VenueId): VenueProfile {
  return venues[venue];
}

/** Weight buckets: one per REST host of the real venues (weight is counted per IP and host). */
export type WeightGroup =
  | 'api'
  | 'sapi'
  | 'fapi'
  | 'dapi'
  | 'papi'
  | 'eapi'
  | 'bhex'
  | 'coins'
  | 'toobit'
  | 'bitrue'
  | 'wsApi';

export function weightGroupOf(venue: VenueId): WeightGroup {
  switch (venue) {
    case 'binance-usdm':
    case 'binance-usdm-testnet':
    case 'binance-pm-pro':
    case 'aster-futures':
    case 'aster-futures-v3':
      return 'fapi';
    case 'binance-coinm':
    case 'binance-coinm-testnet':
      return 'dapi';
    case 'binance-options':
      return 'eapi';
    case 'binance-margin-risk':
      // The risk stream's key endpoints are /sapi (UID-weighted margin endpoints on api.binance.com).
      return 'sapi';
    case 'binance-portfolio-margin':
      return 'papi';
    case 'bhex':
      return 'bhex';
    case 'coins-ph':
    case 'coins-xyz':
    case 'coins-th':
      return 'coins';
    case 'toobit-spot':
    case 'toobit-usdm':
      return 'toobit';
    case 'bitrue-spot':
      return 'bitrue';
    default:
      return 'api';
  }
}

export const WEIGHT_LIMITS: Readonly<Record<WeightGroup, number>> = {
  api: venues['binance-spot'].weightLimitPerMinute,
  fapi: venues['binance-usdm'].weightLimitPerMinute,
  dapi: venues['binance-coinm'].weightLimitPerMinute,
  papi: venues['binance-portfolio-margin'].weightLimitPerMinute,
  eapi: venues['binance-options'].weightLimitPerMinute,
  sapi: venues['binance-margin-risk'].weightLimitPerMinute,
  bhex: venues.bhex.weightLimitPerMinute,
  coins: venues['coins-ph'].weightLimitPerMinute,
  toobit: venues['toobit-spot'].weightLimitPerMinute,
  bitrue: venues['bitrue-spot'].weightLimitPerMinute,
  wsApi: 6000,
};
