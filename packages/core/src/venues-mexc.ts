/**
 * MEXC spot (issue #13 item 1): Binance's retired spot listenKey protocol, path for path, with a
 * protobuf stream.
 *
 * Docs checked 2026-12-03:
 * - https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams (POST/GET/PUT/DELETE
 *   /api/v3/userDataStream, 60 min validity, PUT every 30 min recommended, stream at
 *   wss://wbs-api.mexc.com/ws?listenKey=…, 24 h connections, at most 60 keys per UID and
 *   5 connections per key)
 * - https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams/spot-account-orders
 *   and …/spot-account-update (SUBSCRIPTION to the .pb channels, payload fields)
 * - https://github.com/mexcdevelop/websocket-proto (the .proto definitions, Apache-2.0)
 * Choices where the docs are silent or ambiguous:
 * - Signing: every /api/v3 private endpoint is signed (HMAC-SHA256 `signature` + `timestamp`,
 *   header X-MEXC-APIKEY), so the listenKey endpoints are profiled as signed, as the issue says.
 * - Weights: the listenKey pages give none; 1 each. The per-minute limit (the docs speak of
 *   500 requests per 10 s per endpoint) is profiled as 3000/min for the whole host.
 * - Heartbeat: the client sends {"method":"PING"} (pingIntervalMs, 10 s by default); the server
 *   drops a connection without a subscription after 30 s and without data for 60 s.
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep, LISTEN_KEY_TIMING } from './venues-binance-derivatives.js';

/** The three private channels, subscribed on every new connection. */
export const MEXC_PRIVATE_CHANNELS = [
  'spot@private.account.v3.api.pb',
  'spot@private.deals.v3.api.pb',
  'spot@private.orders.v3.api.pb',
] as const;

export const MEXC_PROFILES = [
  {
    id: 'mexc',
    name: 'MEXC Spot',
    market: 'spot',
    protocol: 'listenKey',
    dialect: 'mexc',
    testnet: false,
    restBaseUrl: 'https://api.mexc.com',
    streamBaseUrl: 'wss://wbs-api.mexc.com',
    apiKeyHeader: 'X-MEXC-APIKEY',
    listenKey: {
      create: ep('POST', '/api/v3/userDataStream', 1, true),
      keepAlive: ep('PUT', '/api/v3/userDataStream', 1, true),
      close: ep('DELETE', '/api/v3/userDataStream', 1, true),
      requiresSymbol: false,
      streamPath: '/ws?listenKey={listenKey}',
    },
    frames: {
      encoding: 'protobuf-mexc',
      heartbeat: 'method-ping',
      subscribe: [JSON.stringify({ method: 'SUBSCRIPTION', params: MEXC_PRIVATE_CHANNELS })],
    },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/api/v3/time', 1, false),
      account: ep('GET', '/api/v3/account', 10, true),
      openOrders: ep('GET', '/api/v3/openOrders', 3, true),
      order: ep('POST', '/api/v3/order', 1, true),
    },
    weightLimitPerMinute: 3000,
  },
] as const satisfies readonly VenueProfileInput[];
