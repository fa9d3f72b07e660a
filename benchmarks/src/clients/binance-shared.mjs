// The `binance` SDK (github.com/tiagosiebler/binance): WebsocketClient for listenKey streams (the
// SDK creates and keeps alive the key itself through its REST client) and WebsocketAPIClient for
// the spot WebSocket API subscription. Pointed at the simulator with its own options: `wsUrl`
// (lib/util/websockets/websocket-util.js getWsUrl: "if (wsUrl) return wsUrl", then the path suffix
// /ws or /ws-api/v3 is appended) and `restOptions.baseUrl` (lib/util/requestUtils.js getRestBaseUrl).
/** How this client is pointed at the simulator (RESULTS.md). */
export const pointedBy =
  "`wsUrl` and `restOptions.baseUrl` (its own options). USD-M uses the SDK's `usdmTestnet` routing (`<wsUrl>/ws/<key>`), because its default `usdmPrivate` routing connects to `/private/stream?listenKey=<key>` (lib/util/websockets/websocket-util.js getWsURLSuffix), a form the simulator does not serve.";
export const paths = ['spot-listenkey', 'spot-wsapi', 'usdm-listenkey'];
export const faultPath = 'usdm-listenkey';

const silent = { trace() {}, info() {}, error() {}, warning() {}, warn() {}, debug() {}, notice() {} };

/** Every event type the load sends (the burst profile's matching steps include account updates). */
const USER_DATA = new Set([
  'executionReport',
  'outboundAccountPosition',
  'ORDER_TRADE_UPDATE',
  'TRADE_LITE',
  'ACCOUNT_UPDATE',
  // Every fourth USD-M matching step is a triggered stop (the Algo service's updates share its E).
  'ALGO_UPDATE',
]);

export async function openBinance({ path, urls, account, onEvent, onSignal, requireRival }, beautify) {
  const { WebsocketClient, WebsocketAPIClient, WS_KEY_MAP } = requireRival('binance');
  const options = {
    api_key: account.apiKey,
    api_secret: account.secret,
    beautify,
    wsUrl: urls.ws,
    restOptions: { baseUrl: urls.rest },
  };
  let client;
  let wsClient;
  if (path === 'spot-wsapi') {
    client = new WebsocketAPIClient({ ...options, attachEventListeners: false }, silent);
    wsClient = client.getWSClient();
  } else {
    wsClient = client = new WebsocketClient(options, silent);
  }
  if (beautify) {
    // The beautifier renames fields: `E` becomes `eventTime`.
    wsClient.on('formattedUserDataMessage', (event) => {
      if (event.eventTime !== undefined) onEvent(event.eventTime);
    });
  } else {
    wsClient.on('message', (event) => {
      const data = event.event ?? event;
      if (USER_DATA.has(data.e)) onEvent(data.E);
    });
  }
  wsClient.on('reconnected', () => onSignal('reconnects'));
  wsClient.on('exception', () => onSignal('errors'));
  if (path === 'spot-wsapi') {
    await client.subscribeUserDataStream(WS_KEY_MAP.mainWSAPI);
  } else if (path === 'spot-listenkey') {
    await wsClient.subscribeSpotUserDataStream();
  } else {
    // The SDK's default USD-M routing ('usdmPrivate') connects to `/private/stream?listenKey=<key>`
    // (websocket-util.js getWsURLSuffix), a URL form the simulator does not serve; its 'usdmTestnet'
    // key routes the same listenKey to `<wsUrl>/ws/<key>` (the documented raw-stream path).
    await wsClient.subscribeUsdFuturesUserDataStream(WS_KEY_MAP.usdmTestnet);
  }
  return {
    close() {
      wsClient.closeAll(true);
    },
  };
}
