// `node-binance-api`: `userData()` (spot, over the WebSocket API with
// `userDataStream.subscribe.signature`). Its `urls` option covers REST and stream bases but not the
// WebSocket API; the adapter sets the instance's `wsApi` URL (a public field, read by
// getWsApiUrl() in dist/node-binance-api.js). Execution reports arrive in `execution_callback`.
/** How this client is pointed at the simulator (RESULTS.md). */
export const pointedBy =
  '`urls.base`/`urls.stream` options, and the instance field `wsApi` (the `urls` option has no WebSocket API entry).';
export const paths = ['spot-wsapi'];
export const faultPath = 'spot-wsapi';
export const unsupported = {
  'spot-listenkey':
    'node-binance-api@1.0.33 removed spot listenKey streams: userData() subscribes over the WebSocket API (dist/node-binance-api.js spotGetDataStream: "POST /api/v3/userDataStream was removed")',
  'usdm-listenkey':
    'node-binance-api@1.0.33 builds the USD-M private stream URL as `wss://fstream.binance.<domain>/private/ws?listenKey=<key>` (dist/node-binance-api.js futuresSubscribeSingle → getFStreamSingleUrl(category)): only `domain` is configurable and `urls.fstreamSingle` is ignored for categorized streams, so it cannot reach ws://127.0.0.1',
};

export async function open({ urls, account, onEvent, onSignal, requireRival }) {
  const Binance = requireRival('node-binance-api');
  const BinanceClass = Binance.default ?? Binance;
  const binance = new BinanceClass({
    APIKEY: account.apiKey,
    APISECRET: account.secret,
    urls: { base: `${urls.rest}/api/`, stream: `${urls.ws}/ws/` },
    log: () => {},
  });
  binance.wsApi = urls.wsApi;
  const subscribed = new Promise((resolve) => {
    binance.websockets.userData(
      () => {},
      () => {},
      (event) => onEvent(event.E),
      resolve,
    );
  });
  await Promise.race([
    subscribed,
    new Promise((_, reject) => setTimeout(() => reject(new Error('userData() never subscribed')), 10_000)),
  ]);
  return {
    close() {
      binance.Options.reconnect = false;
      for (const ws of Object.values(binance.wsApiConnections ?? {})) ws.terminate?.();
      onSignal('closed');
    },
  };
}
