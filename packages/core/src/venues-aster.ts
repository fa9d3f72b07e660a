/**
 * Aster (issue #13 item 2): Binance-style v1 listenKeys that need the API key only.
 *
 * Docs checked 2026-12-03 (github.com/asterdex/api-docs at 265e024, 2026-06-30; the same text is
 * served at https://asterdex.github.io/aster-api-website/spot/websocket-account-info):
 * - Futures, `V1(Legacy)/EN/aster-finance-futures-api.md`: REST base https://fapi.asterdex.com,
 *   API key in `X-MBX-APIKEY`; POST/PUT/DELETE /fapi/v1/listenKey (weight 1, no parameters,
 *   USER_STREAM: API key, no signature); stream wss://fstream.asterdex.com/ws/<listenKey>; 60 min
 *   keys; 24 h connections; the server pings every 5 min and drops a connection that has not
 *   ponged for 15 min; events as Binance USDⓈ-M (listenKeyExpired, MARGIN_CALL, ACCOUNT_UPDATE,
 *   ORDER_TRADE_UPDATE, ACCOUNT_CONFIG_UPDATE); GET /fapi/v4/account (5), GET /fapi/v1/openOrders
 *   (1 with a symbol, 40 without), REQUEST_WEIGHT 2400/min.
 * - Spot, `V1(Legacy)/EN/aster-finance-spot-api.md`: REST base https://sapi.asterdex.com;
 *   POST/PUT/DELETE /api/v1/listenKey (weight 1; PUT and DELETE take `listenKey`); stream
 *   wss://sstream.asterdex.com/ws/<listenKey>; 60 min keys; 24 h connections; the server pings
 *   every 3 min and drops a connection without a pong for 10 min; events outboundAccountPosition
 *   (with `m`, the reason, and `T`, no `u`) and executionReport (with `ap` and `ot`; the aster
 *   dialect, events/aster.ts); GET /api/v1/account (5), GET /api/v1/openOrders (1/40),
 *   REQUEST_WEIGHT 1200/min.
 * Choices where the docs are ambiguous:
 * - Futures' PUT page says "a ping about every 60 minutes" against a 60 min validity: a PUT on
 *   the hour races the expiry, so both profiles renew every 30 min (the spot page's advice).
 * - No combined (`/stream?streams=`) user-data path is documented; none is profiled.
 * - The v3 endpoints (EIP-712 signed with user, signer and a µs nonce) are not profiled yet:
 *   the v1 listenKey endpoints above are live and need no signature.
 * - The `announcement` events are documented on the v3 futures page only (Public/Direct
 *   Announcement); not typed by these v1 profiles.
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep, LISTEN_KEY_TIMING, listenKeyEndpoints } from './venues-binance-derivatives.js';

export const ASTER_PROFILES = [
  {
    id: 'aster-futures',
    name: 'Aster Futures (v1 listenKey)',
    market: 'usdm',
    protocol: 'listenKey',
    dialect: 'futures',
    testnet: false,
    restBaseUrl: 'https://fapi.asterdex.com',
    streamBaseUrl: 'wss://fstream.asterdex.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: { ...listenKeyEndpoints('/fapi/v1/listenKey', 1, false), combinedStreamPath: undefined },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/fapi/v1/time', 1, false),
      account: ep('GET', '/fapi/v4/account', 5, true),
      openOrders: ep('GET', '/fapi/v1/openOrders', 40, true),
      order: ep('POST', '/fapi/v1/order', 1, true),
    },
    weightLimitPerMinute: 2400,
  },
  {
    id: 'aster-spot',
    name: 'Aster Spot (v1 listenKey)',
    market: 'spot',
    protocol: 'listenKey',
    dialect: 'aster',
    testnet: false,
    restBaseUrl: 'https://sapi.asterdex.com',
    streamBaseUrl: 'wss://sstream.asterdex.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: { ...listenKeyEndpoints('/api/v1/listenKey', 1, false), combinedStreamPath: undefined },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/api/v1/time', 1, false),
      account: ep('GET', '/api/v1/account', 5, true),
      openOrders: ep('GET', '/api/v1/openOrders', 40, true),
      order: ep('POST', '/api/v1/order', 1, true),
    },
    weightLimitPerMinute: 1200,
  },
] as const satisfies readonly VenueProfileInput[];
