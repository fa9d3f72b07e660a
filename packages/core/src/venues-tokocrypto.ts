/**
 * Tokocrypto (issue #13 item 7): moved its MBX-symbol (symbol type 1) user data from listenKeys
 * to a listenToken subscribed on its WebSocket API, Binance margin's third-generation protocol.
 *
 * Docs checked 2026-12-03: https://www.tokocrypto.com/apidocs/ (the search store holds that page
 * but serves only its change log: 2026-03-30 "Add new endpoint POST /open/v1/user-listen-token",
 * the WebSocket API user data stream "Subscribe with listenToken / Unsubscribe / Event: Stream
 * Terminated", and the listenKey endpoints deprecated, decommissioned 2026-04-30). The "User Data
 * Streams" section itself was read from a public copy of the page's markdown in the code index
 * (the text, not a venue statement of its own):
 * - `POST /open/v1/user-listen-token` (SIGNED, weight 1): `validity` ms (optional, default 1 day,
 *   at most 24 h), `recvWindow` (at most 60000), `timestamp`; answers
 *   `{"code":0,"data":{"token":…,"expirationTime":…}}`.
 * - WebSocket API `wss://ws-api.tokocrypto.site:443/ws-api/v3`: `userDataStream.subscribe.listenToken`
 *   (weight 2; no logon needed) answers `{subscriptionId, expirationTime}`; tokens do not renew:
 *   fetch a new one and subscribe again before expiry; a lapse ends in `eventStreamTerminated`;
 *   at most 1,000 subscriptions per session; only for symbol type 1.
 * - Payloads `outboundAccountPosition` (with Binance's older commission and can-trade fields
 *   m/t/b/s/T/W/D) and `executionReport` (no Q, no V): Binance spot's letters, symbols without a
 *   separator (`ETHBTC`); the tokocrypto dialect (events/tokocrypto.ts).
 * - REST: base https://www.tokocrypto.com, `X-MBX-APIKEY`, HMAC-SHA256 hex signatures over the
 *   query and body; every /open/v1 answer is an envelope `{code, msg, data, timestamp}` (code 0 is
 *   success; errors arrive with a non-zero code), balances under `data.accountAssets`, orders
 *   under `data.list` with numeric enums and `BASE_QUOTE` symbols (`BTC_USDT`): `restEnvelope: 'open-v1'`.
 * Choices where the pages are silent or ambiguous:
 * - Renewal: keepalive fetches a new token at 80% of the current one's validity (19.2 h of 24 h)
 *   and subscribes again with it; the timing mirrors Binance margin's profile.
 * - Snapshot endpoints: `GET /open/v1/account/spot` and `GET /open/v1/orders` with `type=1` (open
 *   orders, the form public clients use). Whether `symbol` is mandatory there is not in the text
 *   read; the profile asks for the whole account. Weights are not given: 1 each, 1200/min.
 * - Server time: `GET /open/v1/common/time` (time in the envelope's `timestamp`).
 * - No `order` endpoint: `POST /open/v1/orders` takes numeric side/type/timeInForce and `BTC_USDT`
 *   symbols, not the Binance parameters a generic client (the demo's ladder) would send it.
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep } from './venues-binance-derivatives.js';

const HOUR = 3_600_000;

export const TOKOCRYPTO_PROFILES = [
  {
    id: 'tokocrypto',
    name: 'Tokocrypto Spot (listenToken)',
    market: 'spot',
    protocol: 'listenToken',
    dialect: 'tokocrypto',
    testnet: false,
    restBaseUrl: 'https://www.tokocrypto.com',
    wsApiUrl: 'wss://ws-api.tokocrypto.site:443/ws-api/v3',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenToken: {
      create: ep('POST', '/open/v1/user-listen-token', 1, true),
      isolated: false,
      maxValidityMs: 24 * HOUR,
    },
    restEnvelope: 'open-v1',
    timing: { keyValidityMs: 24 * HOUR, renewIntervalMs: 12 * HOUR, connectionLifetimeMs: 24 * HOUR },
    endpoints: {
      serverTime: ep('GET', '/open/v1/common/time', 1, false),
      account: ep('GET', '/open/v1/account/spot', 1, true),
      openOrders: ep('GET', '/open/v1/orders', 1, true),
    },
    weightLimitPerMinute: 1200,
  },
] as const satisfies readonly VenueProfileInput[];
