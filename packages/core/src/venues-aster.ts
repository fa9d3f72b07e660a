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
 *   (1 with a symbol, 40 without), GET /fapi/v2/positionRisk ("Position Information V2", 5: Binance's
 *   v2 position objects with `marginType`, every symbol in one-way mode, flat ones with
 *   `updateTime` 0), REQUEST_WEIGHT 2400/min.
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
 * - The `announcement` events are documented on the v3 futures page only (Public/Direct
 *   Announcement); not typed by these v1 profiles.
 *
 * Aster v3, `aster-futures-v3` (docs checked 2026-12-03: `V3(Recommended)/EN/aster-finance-futures-api-v3.md`
 * at 265e024, https://github.com/asterdex/api-docs): POST/PUT/DELETE /fapi/v3/listenKey (weight 1,
 * no parameters, USER_STREAM: "a valid signer and signature are required"), signed with EIP-712
 * (core's signing-eip712.ts: `user`, `signer`, a µs `nonce` within 10 s of server time, never
 * reused); stream wss://fstream.asterdex.com/ws/<listenKey>, 60 min keys, 24 h connections; events
 * as v1 plus `announcement` (the `asterFutures` dialect) and a `listenKeyExpired` without the key;
 * GET /fapi/v3/time, GET /fapi/v3/accountWithJoinMargin (5), GET /fapi/v3/openOrders (1/40),
 * POST /fapi/v3/order. Choices:
 * - REST base: the page names https://fapi.asterdex.com; its Python example posts to
 *   fapi3.asterdex.com. The page's base is profiled (withBaseUrls points elsewhere).
 * - No API-key header is documented for v3 (the signer address and signature authenticate); the
 *   profile keeps `X-MBX-APIKEY`, sent with the API wallet's address (not a secret), which the
 *   credentials carry as `apiKey` so a lease is keyed by the API wallet as elsewhere.
 * - PUT/DELETE take no parameter; the client sends `listenKey` anyway (signed like the rest,
 *   ignored by a venue that wants none), as it does on Binance USD-M.
 *
 * Aster spot v3, `aster-spot-v3` (`V3(Recommended)/EN/aster-finance-spot-api-v3.md` at 265e024,
 * checked 2026-12-03): POST/PUT/DELETE /api/v3/listenKey (weight 1; PUT and DELETE take
 * `listenKey`; USER_STREAM, EIP-712 signed as above), stream wss://sstream.asterdex.com/ws/<key>,
 * v1 spot's events (the `aster` dialect) and no documented expiry push; GET /api/v3/time,
 * GET /api/v3/account (5), GET /api/v3/openOrders (1/40), POST /api/v3/order; REQUEST_WEIGHT
 * 1200/min. Its /api/v3 account and order paths are Binance spot's: the v3 parameters (`signer`)
 * tell them apart (the simulator routes on them).
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
      positions: ep('GET', '/fapi/v2/positionRisk', 5, true),
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
  {
    id: 'aster-futures-v3',
    name: 'Aster Futures (v3, EIP-712 signed)',
    market: 'usdm',
    protocol: 'listenKey',
    dialect: 'asterFutures',
    testnet: false,
    restBaseUrl: 'https://fapi.asterdex.com',
    streamBaseUrl: 'wss://fstream.asterdex.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    signing: 'aster-eip712',
    listenKey: { ...listenKeyEndpoints('/fapi/v3/listenKey', 1, true), combinedStreamPath: undefined },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/fapi/v3/time', 1, false),
      account: ep('GET', '/fapi/v3/accountWithJoinMargin', 5, true),
      openOrders: ep('GET', '/fapi/v3/openOrders', 40, true),
      order: ep('POST', '/fapi/v3/order', 1, true),
    },
    weightLimitPerMinute: 2400,
  },
  {
    id: 'aster-spot-v3',
    name: 'Aster Spot (v3, EIP-712 signed)',
    market: 'spot',
    protocol: 'listenKey',
    dialect: 'aster',
    testnet: false,
    restBaseUrl: 'https://sapi.asterdex.com',
    streamBaseUrl: 'wss://sstream.asterdex.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    signing: 'aster-eip712',
    listenKey: { ...listenKeyEndpoints('/api/v3/listenKey', 1, true), combinedStreamPath: undefined },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/api/v3/time', 1, false),
      account: ep('GET', '/api/v3/account', 5, true),
      openOrders: ep('GET', '/api/v3/openOrders', 40, true),
      order: ep('POST', '/api/v3/order', 1, true),
    },
    weightLimitPerMinute: 1200,
  },
] as const satisfies readonly VenueProfileInput[];
