/**
 * Bitrue spot (issue #13 item 5): listenKeys with the key in the path, a stream that pushes
 * nothing until it is subscribed per channel, gzip frames, numeric enums (events/bitrue.ts).
 *
 * Docs checked 2026-12-03: https://github.com/Bitrue-exchange/Spot-official-api-docs ("User
 * Data Streams": POST /poseidon/api/v1/listenKey, PUT and DELETE
 * /poseidon/api/v1/listenKey/{listenKey}, 60 min keys, a PUT about every 30 min, a POST on an
 * account with an active key returns it and extends it; base https://open.bitrue.com; answers in a `{msg, code, data}`
 * envelope, code 200 for success, -1150 INVALID_LISTEN_KEY; API key in X-MBX-APIKEY; stream base
 * wss://wsapi.bitrue.com, /stream?listenKey=<key>, 24 h connections; `{"event":"sub","params":
 * {"channel":"user_order_update"}}` and `…"user_balance_update"` subscribe; REST base
 * https://openapi.bitrue.com, GET /api/v1/time, /api/v1/account (5), /api/v1/openOrders,
 * POST /api/v1/order, REQUEST_WEIGHT 1200/min).
 * Choices where the docs are ambiguous or silent:
 * - Signing: the listenKey calls list no parameters (no `timestamp`): unsigned, the API key only.
 * - Hosts: the page gives https://open.bitrue.com for the user data stream calls and
 *   https://openapi.bitrue.com for the rest (ccxt uses the same two): `listenKeyBaseUrl`.
 * - Heartbeat: the page says "send pong … within 10 minutes" as `{"event":"pong","ts":…}`; the
 *   live server (ccxt's client) sends `{"ping":<ms>}` and takes `{"pong":<ms>}`: json-ping.
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep, LISTEN_KEY_TIMING } from './venues-binance-derivatives.js';

/** The two private channels, subscribed on every new connection. */
export const BITRUE_CHANNELS = ['user_order_update', 'user_balance_update'] as const;

const KEY_PATH = '/poseidon/api/v1/listenKey';

export const BITRUE_PROFILES = [
  {
    id: 'bitrue-spot',
    name: 'Bitrue Spot',
    market: 'spot',
    protocol: 'listenKey',
    dialect: 'bitrue',
    testnet: false,
    restBaseUrl: 'https://openapi.bitrue.com',
    listenKeyBaseUrl: 'https://open.bitrue.com',
    streamBaseUrl: 'wss://wsapi.bitrue.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: {
      create: ep('POST', KEY_PATH, 1, false),
      keepAlive: ep('PUT', `${KEY_PATH}/{listenKey}`, 1, false),
      close: ep('DELETE', `${KEY_PATH}/{listenKey}`, 1, false),
      requiresSymbol: false,
      missingKeyCode: -1150,
      streamPath: '/stream?listenKey={listenKey}',
    },
    frames: {
      encoding: 'gzip-json',
      heartbeat: 'json-ping',
      subscribe: BITRUE_CHANNELS.map((channel) => JSON.stringify({ event: 'sub', params: { channel } })),
    },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/api/v1/time', 1, false),
      account: ep('GET', '/api/v1/account', 5, true),
      openOrders: ep('GET', '/api/v1/openOrders', 1, true),
      order: ep('POST', '/api/v1/order', 1, true),
    },
    weightLimitPerMinute: 1200,
    restEnvelope: 'code-data-200',
  },
] as const satisfies readonly VenueProfileInput[];
