// `binance-api-node`: `client.ws.user()` (spot, over the WebSocket API with
// `userDataStream.subscribe.signature`) and `client.ws.futuresUser()` (USD-M, listenKey stream).
// Pointed at the simulator with its own options (dist/websocket.js and dist/http-client.js):
// `httpBase`, `httpFutures` (REST), `wsApi` (WebSocket API URL), `wsFuturesPrivate` (stream base,
// the listenKey is appended as `/<key>`). Its default transform (readable field names) is on.
/** How this client is pointed at the simulator (RESULTS.md). */
export const pointedBy =
  'its own options `httpBase`, `httpFutures`, `wsApi`, `wsFuturesPrivate`; default transform on.';
export const paths = ['spot-wsapi', 'usdm-listenkey'];
/** A smaller burst: this client is slow enough that the full one would take minutes. */
export const maxBurst = 20_000;
export const faultPath = 'usdm-listenkey';
export const unsupported = {
  'spot-listenkey':
    'binance-api-node@0.13.10 has no spot listenKey stream any more: `ws.user()` subscribes over the WebSocket API (dist/websocket.js userWebSocketApi)',
};

export async function open({ path, urls, account, onEvent, onSignal, requireRival }) {
  const Binance = requireRival('binance-api-node').default;
  const client = Binance({
    apiKey: account.apiKey,
    apiSecret: account.secret,
    httpBase: urls.rest,
    httpFutures: urls.rest,
    wsApi: urls.wsApi,
    wsFuturesPrivate: `${urls.ws}/private/ws`,
    emitSocketErrors: true,
  });
  const callback = (event) => {
    if (event.eventType === 'error' || event.type === 'error') {
      onSignal('errors');
      return;
    }
    if (event.eventTime !== undefined) onEvent(event.eventTime);
  };
  const close =
    path === 'spot-wsapi' ? await client.ws.user(callback) : await client.ws.futuresUser(callback);
  return {
    close() {
      return close?.({ delay: 0 });
    },
  };
}
