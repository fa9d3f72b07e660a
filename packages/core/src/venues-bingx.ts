/**
 * BingX (issue #13 item 3): spot and USDT-M perpetual swap, one listenKey endpoint for both, gzip
 * frames, a server heartbeat the client answers.
 *
 * Docs checked 2026-12-03 (the search store's copies of BingX's API pages):
 * - https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html (listenKey, last updated
 *   2022-08-12): POST /openApi/user/auth/userDataStream with the API key in `X-BX-APIKEY` and no
 *   other parameter (the page's curl sends the header only), answer `{"listenKey":"<64 hex>"}`;
 *   valid 1 hour; PUT …?listenKey=<key> extends it to 60 min after the call, "a ping every 30
 *   minutes is recommended"; DELETE …?listenKey=<key> closes it; PUT and DELETE answer HTTP 200,
 *   204 without parameters, 404 for an unknown key (no body, no error code).
 * - https://bingx-api.github.io/docs/spot/socket-account.html: spot account data on
 *   wss://open-api-ws.bingx.com/market (the listenKey in the URL), subscribed per dataType:
 *   `spot.executionReport` (order updates) and `ACCOUNT_UPDATE` (balances); pushes arrive as
 *   `{"data":{…event…},"dataType":"…"}`.
 * - https://bingx-api.github.io/docs/zh-hk/spot/socket.html: every frame is GZIP-compressed; the
 *   server sends a heartbeat every 5 s (`{"ping":"<id>","time":"…"}`), answered with
 *   `{"pong":"<id>","time":"…"}`; a subscription is acknowledged `{"id":…,"code":0,"msg":""}`.
 * - https://bingx-api.github.io/docs/swap/socket.html: swap frames GZIP-compressed, the server
 *   sends `Ping` every 5 s and the client answers `Pong`.
 * - https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account (BingX's own skill pages):
 *   swap account data at wss://open-api-swap.bingx.com/swap-market?listenKey=<key>, pushed without
 *   a subscription: listenKeyExpired, ACCOUNT_UPDATE, ORDER_TRADE_UPDATE, ACCOUNT_CONFIG_UPDATE;
 *   spot at wss://open-api-ws.bingx.com/market?listenKey=<key> (the older page's
 *   `/market/<listenKey>` form is not profiled).
 * Choices where the docs are silent or ambiguous:
 * - Signing: the listenKey page's curl carries the API key only, so the three calls are
 *   profiled unsigned (third-party notes report that a signed POST is accepted too); the account
 *   and order endpoints are signed (HMAC-SHA256 hex `signature` over the query with `timestamp`,
 *   as Binance: core's signer seam, unchanged).
 * - A PUT on an unknown key answers 404 without a body: `listenKey.missingKeyStatus` tells the
 *   REST client to read it as -1125 so keepalive re-creates the key at once.
 * - REST answers other than the listenKey ones are `{"code":0,"msg":"","data":…}` with HTTP 200,
 *   errors `{"code":<non-zero>,"msg":…}` also with HTTP 200 (`restEnvelope: 'code-data'`).
 * - Weights: the docs limit requests per endpoint group and IP, not by weight; every endpoint
 *   weighs 1 against a profiled 600 per minute.
 * - Whether a POST returns the account's active key is not documented: the profiles do not
 *   depend on it (the simulator returns the active key, as Binance does). The key is the
 *   account's, not the market's: spot and swap streams of one account opened side by side share
 *   it, and closing one (DELETE) ends the other's key too.
 * - Swap positions: GET /openApi/swap/v2/user/positions (signed; https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account
 *   names it, "current open positions"), `data` an array of positions. BingX's field list page is
 *   not in the search store: the fields are JKorf/BingX.Net's BingXPosition model (positionId,
 *   symbol, currency, positionAmt, availableAmt, positionSide, isolated, avgPrice, initialMargin,
 *   leverage, unrealizedProfit, realisedProfit, liquidationPrice); core's normalizeRestPosition
 *   reads them (events/normalize-bingx-rest.ts).
 * - Spot heartbeat: the JSON `{"ping":…}` form of the spot page and the text `Ping` of the swap
 *   page are both answered (the wire's `text-ping` style).
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep, LISTEN_KEY_TIMING } from './venues-binance-derivatives.js';

const LISTEN_KEY_PATH = '/openApi/user/auth/userDataStream';

/** The spot pushes a connection subscribes to, in order (ids are the client's, echoed in the ack). */
export const BINGX_SPOT_CHANNELS = ['spot.executionReport', 'ACCOUNT_UPDATE'] as const;

const listenKey = (streamPath: string) => ({
  create: ep('POST', LISTEN_KEY_PATH, 1, false),
  keepAlive: ep('PUT', LISTEN_KEY_PATH, 1, false),
  close: ep('DELETE', LISTEN_KEY_PATH, 1, false),
  requiresSymbol: false,
  streamPath,
  missingKeyStatus: 404,
});

export const BINGX_PROFILES = [
  {
    id: 'bingx-spot',
    name: 'BingX Spot',
    market: 'spot',
    protocol: 'listenKey',
    dialect: 'bingxSpot',
    testnet: false,
    restBaseUrl: 'https://open-api.bingx.com',
    streamBaseUrl: 'wss://open-api-ws.bingx.com',
    apiKeyHeader: 'X-BX-APIKEY',
    listenKey: listenKey('/market?listenKey={listenKey}'),
    frames: {
      encoding: 'gzip-json',
      heartbeat: 'text-ping',
      subscribe: BINGX_SPOT_CHANNELS.map((dataType, i) =>
        JSON.stringify({ id: `userstream-${i + 1}`, reqType: 'sub', dataType }),
      ),
    },
    restEnvelope: 'code-data',
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/openApi/spot/v1/server/time', 1, false),
      account: ep('GET', '/openApi/spot/v1/account/balance', 1, true),
      openOrders: ep('GET', '/openApi/spot/v1/trade/openOrders', 1, true),
      order: ep('POST', '/openApi/spot/v1/trade/order', 1, true),
    },
    weightLimitPerMinute: 600,
  },
  {
    id: 'bingx-swap',
    name: 'BingX Perpetual Swap (USDT-M)',
    market: 'usdm',
    protocol: 'listenKey',
    dialect: 'bingxSwap',
    testnet: false,
    restBaseUrl: 'https://open-api.bingx.com',
    streamBaseUrl: 'wss://open-api-swap.bingx.com',
    apiKeyHeader: 'X-BX-APIKEY',
    listenKey: listenKey('/swap-market?listenKey={listenKey}'),
    frames: { encoding: 'gzip-json', heartbeat: 'text-ping' },
    restEnvelope: 'code-data',
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/openApi/swap/v2/server/time', 1, false),
      account: ep('GET', '/openApi/swap/v3/user/balance', 1, true),
      openOrders: ep('GET', '/openApi/swap/v2/trade/openOrders', 1, true),
      order: ep('POST', '/openApi/swap/v2/trade/order', 1, true),
      positions: ep('GET', '/openApi/swap/v2/user/positions', 1, true),
    },
    weightLimitPerMinute: 600,
  },
] as const satisfies readonly VenueProfileInput[];
