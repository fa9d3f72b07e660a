/**
 * Binance's derivatives and margin-risk listenKey profiles (USD-M, COIN-M, portfolio margin,
 * Portfolio Margin Pro, options, the cross-margin risk data stream). Split from venues.ts, which
 * keeps the one registry (`venues`) and the spot/margin/broker profiles.
 */
import type { Endpoint, VenueProfileInput } from './venue-schema.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const ep = (method: Endpoint['method'], path: string, weight: number, signed: boolean): Endpoint => ({
  method,
  path,
  weight,
  signed,
});

export const LISTEN_KEY_TIMING = {
  keyValidityMs: 60 * MINUTE,
  renewIntervalMs: 30 * MINUTE,
  connectionLifetimeMs: 24 * HOUR,
};

export const listenKeyEndpoints = (
  path: string,
  weight: number,
  signed: boolean,
  requiresSymbol = false,
) => ({
  create: ep('POST', path, weight, signed),
  keepAlive: ep('PUT', path, weight, signed),
  close: ep('DELETE', path, weight, signed),
  requiresSymbol,
  streamPath: '/ws/{listenKey}',
  combinedStreamPath: '/stream?streams={listenKey}',
});

/**
 * USD-M user data event names the `/private` route accepts in `events=` (the events documented
 * under USD-M "User Data Streams"; `listenKeyExpired` is always added by the client so an expiry
 * is never filtered away).
 */
export const USDM_STREAM_EVENTS = [
  'listenKeyExpired',
  'ACCOUNT_UPDATE',
  'MARGIN_CALL',
  'ORDER_TRADE_UPDATE',
  'TRADE_LITE',
  'ACCOUNT_CONFIG_UPDATE',
  'STRATEGY_UPDATE',
  'GRID_UPDATE',
  'CONDITIONAL_ORDER_TRIGGER_REJECT',
  'ALGO_UPDATE',
] as const;

/**
 * USD-M's routed `/private` forms (docs checked 2026-12-03:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice):
 * `/private/ws/<key>`, `/private/ws?listenKey=<key>&events=A/B`, and the several-keys
 * `/private/stream?listenKey=<k1>&events=A&listenKey=<k2>&events=B`, whose frames arrive in the
 * stream-mode `{"stream":…,"data":…}` envelope.
 */
const USDM_PRIVATE_LISTEN_KEY = {
  ...listenKeyEndpoints('/fapi/v1/listenKey', 1, false),
  filteredStreamPath: '/ws?listenKey={listenKey}',
  combinedStreamPath: '/stream?listenKey={listenKey}',
  streamEvents: [...USDM_STREAM_EVENTS],
};

const USDM_ENDPOINTS = {
  serverTime: ep('GET', '/fapi/v1/time', 1, false),
  account: ep('GET', '/fapi/v3/account', 5, true),
  openOrders: ep('GET', '/fapi/v1/openOrders', 40, true),
  order: ep('POST', '/fapi/v1/order', 1, true),
  // Position-Information-V3 (weight 5) and Current-All-Algo-Open-Orders (40 without a symbol),
  // developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/…
  positions: ep('GET', '/fapi/v3/positionRisk', 5, true),
  openAlgoOrders: ep('GET', '/fapi/v1/openAlgoOrders', 40, true),
};
const COINM_ENDPOINTS = {
  serverTime: ep('GET', '/dapi/v1/time', 1, false),
  account: ep('GET', '/dapi/v1/account', 5, true),
  openOrders: ep('GET', '/dapi/v1/openOrders', 40, true),
  order: ep('POST', '/dapi/v1/order', 1, true),
  // COIN-M keeps conditional orders in the order book (the Algo service is USDⓈ-M's).
  positions: ep('GET', '/dapi/v1/positionRisk', 1, true),
};

export const BINANCE_DERIVATIVES_PROFILES = [
  {
    id: 'binance-usdm',
    name: 'Binance USD-M Futures',
    market: 'usdm',
    protocol: 'listenKey',
    dialect: 'futures',
    testnet: false,
    restBaseUrl: 'https://fapi.binance.com',
    // User data moved to the routed `/private` path in 2026 (see USDM_PRIVATE_LISTEN_KEY).
    streamBaseUrl: 'wss://fstream.binance.com/private',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: USDM_PRIVATE_LISTEN_KEY,
    timing: LISTEN_KEY_TIMING,
    endpoints: USDM_ENDPOINTS,
    weightLimitPerMinute: 2400,
  },
  {
    id: 'binance-usdm-testnet',
    name: 'Binance USD-M Futures Testnet',
    market: 'usdm',
    protocol: 'listenKey',
    dialect: 'futures',
    testnet: true,
    restBaseUrl: 'https://testnet.binancefuture.com',
    streamBaseUrl: 'wss://fstream.binancefuture.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/fapi/v1/listenKey', 1, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: USDM_ENDPOINTS,
    weightLimitPerMinute: 2400,
  },
  {
    id: 'binance-coinm',
    name: 'Binance COIN-M Futures',
    market: 'coinm',
    protocol: 'listenKey',
    dialect: 'futures',
    testnet: false,
    restBaseUrl: 'https://dapi.binance.com',
    streamBaseUrl: 'wss://dstream.binance.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/dapi/v1/listenKey', 1, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: COINM_ENDPOINTS,
    weightLimitPerMinute: 2400,
  },
  {
    // COIN-M testnet (checked 2026-12-03): REST https://testnet.binancefuture.com (`/dapi`),
    // user data at wss://dstream.binancefuture.com/ws/<listenKey>. Page not in our docs store:
    // https://developers.binance.com/docs/derivatives/coin-margined-futures/general-info
    // (testnet URLs) — taken from that general-info page's known testnet pair and the USD-M testnet sibling.
    id: 'binance-coinm-testnet',
    name: 'Binance COIN-M Futures Testnet',
    market: 'coinm',
    protocol: 'listenKey',
    dialect: 'futures',
    testnet: true,
    restBaseUrl: 'https://testnet.binancefuture.com',
    streamBaseUrl: 'wss://dstream.binancefuture.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/dapi/v1/listenKey', 1, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: COINM_ENDPOINTS,
    weightLimitPerMinute: 2400,
  },
  {
    id: 'binance-portfolio-margin',
    name: 'Binance Portfolio Margin',
    market: 'portfolioMargin',
    protocol: 'listenKey',
    dialect: 'portfolioMargin',
    testnet: false,
    restBaseUrl: 'https://papi.binance.com',
    streamBaseUrl: 'wss://fstream.binance.com/pm',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: { ...listenKeyEndpoints('/papi/v1/listenKey', 1, false), combinedStreamPath: undefined },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      account: ep('GET', '/papi/v1/balance', 20, true),
      openOrders: ep('GET', '/papi/v1/um/openOrders', 40, true),
      order: ep('POST', '/papi/v1/um/order', 1, true),
      // The UM and CM books answer apart (their positions and conditional orders keep `book`
      // UM/CM). UM conditional orders live in the Algo service: the UM conditional endpoints
      // answer 404 since 2026-04-28, their fields renamed strategyId → algoId and so on
      // (https://developers.binance.com/legacy-docs/zh-CN/derivatives/portfolio-margin/trade/Query-Current-UM-Open-Conditional-Order);
      // CM's keep the strategy shape
      // (https://developers.binance.com/docs/zh-CN/derivatives/portfolio-margin/trade/Query-All-Current-CM-Open-Conditional-Orders,
      // weight 40 without a symbol). The UM algo list's page is not in our docs store: its weight
      // is taken as its USDⓈ-M sibling's (40 without a symbol).
      positions: ep('GET', '/papi/v1/um/positionRisk', 5, true),
      cmPositions: ep('GET', '/papi/v1/cm/positionRisk', 1, true),
      openAlgoOrders: ep('GET', '/papi/v1/um/algo/openAlgoOrders', 40, true),
      cmOpenAlgoOrders: ep('GET', '/papi/v1/cm/conditional/openOrders', 40, true),
    },
    weightLimitPerMinute: 6000,
  },
  {
    // Portfolio Margin Pro (checked 2026-12-03): the key comes from USD-M's `/fapi/v1/listenKey`
    // and is read on the `pm-classic` route, which carries RISK_LEVEL_CHANGE and
    // PM_PRO_ACCOUNT_UPDATE besides the USD-M events. The PM Pro user-data page is not in our
    // docs store (https://developers.binance.com/docs/derivatives/portfolio-margin-pro/user-data-streams);
    // the lifecycle is the documented USD-M one
    // (https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Connect).
    id: 'binance-pm-pro',
    name: 'Binance Portfolio Margin Pro (pm-classic)',
    market: 'portfolioMargin',
    protocol: 'listenKey',
    dialect: 'futures',
    testnet: false,
    restBaseUrl: 'https://fapi.binance.com',
    streamBaseUrl: 'wss://fstream.binance.com/pm-classic',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: { ...listenKeyEndpoints('/fapi/v1/listenKey', 1, false), combinedStreamPath: undefined },
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/fapi/v1/time', 1, false),
      account: ep('GET', '/sapi/v1/portfolio/account', 5, true),
      openOrders: ep('GET', '/fapi/v1/openOrders', 40, true),
      order: ep('POST', '/fapi/v1/order', 1, true),
    },
    weightLimitPerMinute: 2400,
  },
  {
    // Options (checked 2026-12-03): https://developers.binance.com/docs/derivatives/option/user-data-streams
    // (REST https://eapi.binance.com, key valid 60 min, PUT extends 60 min, user data at
    // wss://nbstream.binance.com/eoptions/ws/<listenKey>) and
    // https://developers.binance.com/docs/derivatives/option/user-data-streams/Start-User-Data-Stream
    // (POST /eapi/v1/listenKey, weight 1). Combined streams are wrapped `{"stream":…,"data":…}`
    // (https://developers.binance.com/docs/derivatives/option/websocket-market-streams/Connect).
    id: 'binance-options',
    name: 'Binance Options',
    market: 'options',
    protocol: 'listenKey',
    dialect: 'options',
    testnet: false,
    restBaseUrl: 'https://eapi.binance.com',
    streamBaseUrl: 'wss://nbstream.binance.com/eoptions',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/eapi/v1/listenKey', 1, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/eapi/v1/time', 1, false),
      account: ep('GET', '/eapi/v1/marginAccount', 3, true),
      openOrders: ep('GET', '/eapi/v1/openOrders', 1, true),
      order: ep('POST', '/eapi/v1/order', 0, true),
      // Option Position Information (weight 5); positions keep no side (BOTH), as in the events.
      positions: ep('GET', '/eapi/v1/position', 5, true),
    },
    weightLimitPerMinute: 6000,
  },
  {
    // Cross-margin risk data stream (checked 2026-12-03):
    // https://developers.binance.com/docs/margin_trading/risk-data-stream — cross margin only,
    // REST https://api.binance.com, key valid 60 min after create, PUT extends 60 min, POST on an
    // account with an active key returns it, wss://margin-stream.binance.com at /ws/<key> or
    // /stream?streams=<key>, 24 h connections. Endpoints `/sapi/v1/margin/listen-key` (issue #18;
    // the endpoint pages are not in our docs store, weight 1 as the sibling margin streams).
    id: 'binance-margin-risk',
    name: 'Binance Cross Margin risk data stream',
    market: 'margin',
    protocol: 'listenKey',
    dialect: 'marginRisk',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    streamBaseUrl: 'wss://margin-stream.binance.com',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/sapi/v1/margin/listen-key', 1, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: {
      serverTime: ep('GET', '/api/v3/time', 1, false),
      account: ep('GET', '/sapi/v1/margin/account', 10, true),
      openOrders: ep('GET', '/sapi/v1/margin/openOrders', 10, true),
      order: ep('POST', '/sapi/v1/margin/order', 6, true),
    },
    weightLimitPerMinute: 6000,
  },
] as const satisfies readonly VenueProfileInput[];
