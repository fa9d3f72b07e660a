// `@binance/spot` (Binance's modular connector): WebSocket API, `userDataStreamSubscribeSignature()`,
// events from the returned stream's `on('message')`. Pointed at the simulator with its own
// `configurationWebsocketAPI.wsURL`.
/** How this client is pointed at the simulator (RESULTS.md). */
export const pointedBy = 'its own `configurationWebsocketAPI.wsURL`.';
export const paths = ['spot-wsapi'];
/** A smaller burst: this client is slow enough that the full one would take minutes. */
export const maxBurst = 30_000;
export const faultPath = 'spot-wsapi';
export const unsupported = {
  'spot-listenkey':
    '@binance/spot@32.0.4 has no spot listenKey endpoints any more (no /api/v3/userDataStream in dist/index.js): user data only over the WebSocket API',
  'usdm-listenkey':
    'spot only; USD-M futures are a separate package (`@binance/derivatives-trading-usds-futures`), not in this comparison',
};

export async function open({ urls, account, onEvent, onSignal, requireRival }) {
  const { Spot } = requireRival('@binance/spot');
  const client = new Spot({
    configurationWebsocketAPI: { apiKey: account.apiKey, apiSecret: account.secret, wsURL: urls.wsApi },
  });
  const connection = await client.websocketAPI.connect();
  const { stream } = await connection.userDataStreamSubscribeSignature();
  stream.on('message', (event) => {
    if (event.E !== undefined) onEvent(event.E);
  });
  connection.on?.('error', () => onSignal('errors'));
  return {
    async close() {
      await connection.disconnect();
    },
  };
}
