import type { VenueId, VenueProfile } from '@userstream/core';
import type { LadderSpec } from './ladder.js';

/** The account the embedded simulator gives the demo. */
export const DEMO_ACCOUNT_ID = 'demo';

export type Protocol = 'wsApi' | 'listenToken' | 'listenKey';

export interface StreamSpec {
  /** Short name: spot, margin, usdm, bhex (or the venue id for a real venue). */
  name: string;
  /** How the stream is carried, for people. */
  label: string;
  venue: VenueProfile;
  symbol?: string;
  ladder?: LadderSpec;
}

/** Streams on the embedded exchange: one per credential generation. */
export const SIMULATOR_STREAMS: readonly (Omit<StreamSpec, 'venue'> & { venueId: VenueId })[] = [
  {
    name: 'spot',
    venueId: 'binance-spot',
    label: 'WebSocket API, session.logon (Ed25519)',
    ladder: { symbol: 'BTCUSDT', quantity: '0.001', step: '25', tick: '0.01', levels: 3 },
  },
  {
    name: 'margin',
    venueId: 'binance-margin',
    label: 'listenToken on the WebSocket API',
    ladder: { symbol: 'ETHUSDT', quantity: '0.01', step: '1.5', tick: '0.01', levels: 3 },
  },
  {
    name: 'usdm',
    venueId: 'binance-usdm',
    label: 'listenKey, /private stream',
    ladder: { symbol: 'BTCUSDT', quantity: '0.002', step: '25', tick: '0.1', levels: 3 },
  },
  {
    name: 'bhex',
    venueId: 'bhex',
    label: 'signed listenKey (BHEX-style)',
    ladder: { symbol: 'ETHUSDT', quantity: '0.01', step: '1.5', tick: '0.01', levels: 3 },
  },
];

/** Ladders on testnets (`--trade`): BTCUSDT with sizes the venues accept. */
export const TESTNET_LADDERS: Partial<Record<string, LadderSpec>> = {
  spot: { symbol: 'BTCUSDT', quantity: '0.001', step: '50', tick: '0.01', levels: 2 },
  usdm: { symbol: 'BTCUSDT', quantity: '0.002', step: '50', tick: '0.1', levels: 2 },
};

/** Where each market publishes its last price (the ladder centres on it on a real venue). */
export const TICKER_PATHS: Partial<Record<string, string>> = {
  spot: '/api/v3/ticker/price',
  margin: '/api/v3/ticker/price',
  isolatedMargin: '/api/v3/ticker/price',
  usdm: '/fapi/v1/ticker/price',
  coinm: '/dapi/v1/ticker/price',
  bhex: '/openapi/quote/v1/ticker/price',
  coins: '/openapi/quote/v1/ticker/price',
};

/** Ladders of `--venue <id> --simulate`, by the market the venue trades (spot-like books or USD-M). */
const SIMULATED_LADDERS: Partial<Record<string, LadderSpec>> = {
  spot: { symbol: 'BTCUSDT', quantity: '0.001', step: '25', tick: '0.01', levels: 3 },
  margin: { symbol: 'BTCUSDT', quantity: '0.001', step: '25', tick: '0.01', levels: 3 },
  usdm: { symbol: 'BTCUSDT', quantity: '0.002', step: '25', tick: '0.1', levels: 3 },
};

/**
 * The one stream of `--venue <id> --simulate`: the venue's own doors (paths, signing, frames,
 * heartbeat, event shapes) on the embedded exchange, with a ladder on its book where the demo
 * has one for its market (none for isolated margin, COIN-M, options, portfolio margin).
 */
export function simulatedVenueStream(venue: VenueProfile): StreamSpec {
  const ladder = SIMULATED_LADDERS[venue.market];
  return {
    name: venue.id,
    label: `${venue.protocol} on the embedded simulator`,
    venue,
    ...(ladder === undefined ? {} : { ladder }),
  };
}
