// ccxt pro, `binanceusdm.watchOrders()` (USD-M futures only, as users pick it for futures).
//
// Pointing it at the simulator: every REST base in `exchange.urls.api` is rewritten to the
// simulator; `urls.api.ws.future` too. ccxt builds the USD-M private stream URL as
// `<base>/private/ws?listenKey=<key>` (js/src/pro/binance.js getPrivateWsUrl), a query form the
// simulator does not serve (it serves `/ws/<key>` under any prefix, as Binance documents), so the
// adapter overrides `getPrivateWsUrl` to the documented `/private/ws/<key>` form. Markets are set
// empty so watchOrders() does not call `exchangeInfo` (not served by the simulator), and
// `loadHttpProxyAgent()` is called, as ccxt requires before any plain `ws://` URL.
//
// Counting: watchOrders() hands user code the latest state of each order changed since the last
// call, not each update, and its futures order objects carry the order's `T`, not the event's `E`.
// So events are counted where ccxt has parsed and cached each one (its `handleOrderUpdate`), and
// what the user's `watchOrders` loop saw is reported as `userDelivered`.
/** How this client is pointed at the simulator (RESULTS.md). */
export const pointedBy =
  'every `urls.api` REST base rewritten, `urls.api.ws.future`, `loadHttpProxyAgent()` (required for ws://), empty markets (no `exchangeInfo` on the simulator), and `getPrivateWsUrl` overridden to `/private/ws/<key>`: ccxt builds `/private/ws?listenKey=<key>` (js/src/pro/binance.js), a form the simulator does not serve. Events counted in its `handleOrderUpdate` (see the delivery note).';
export const paths = ['usdm-listenkey'];
/** A smaller burst: this client is slow enough that the full one would take minutes. */
export const maxBurst = 20_000;
export const faultPath = 'usdm-listenkey';
export const unsupported = {
  'spot-listenkey':
    'ccxt pro `binance` streams spot orders over the WebSocket API only (watchOrders → ensureUserDataStreamWsSubscribeSignature); measured as binanceusdm only, per the brief',
  'spot-wsapi': 'not measured: the comparison picks ccxt for USD-M futures (`binanceusdm`)',
};

export async function open({ urls, account, onEvent, onSignal, requireRival }) {
  const ccxt = requireRival('ccxt');
  const exchange = new ccxt.pro.binanceusdm({ apiKey: account.apiKey, secret: account.secret });
  const api = exchange.urls.api;
  for (const [key, value] of Object.entries(api)) {
    if (typeof value === 'string' && value.startsWith('https://')) {
      api[key] = value.replace(/^https:\/\/[^/]+/, urls.rest);
    }
  }
  api.ws.future = `${urls.ws}/ws`;
  exchange.getPrivateWsUrl = (_type, listenKey) => `${urls.ws}/private/ws/${listenKey}`;
  exchange.setMarkets([]);
  // ccxt's own requirement for plain ws:// URLs (Exchange.js getHttpAgentIfNeeded).
  await exchange.loadHttpProxyAgent();
  const handle = exchange.handleOrderUpdate.bind(exchange);
  exchange.handleOrderUpdate = (client, message) => {
    handle(client, message);
    onEvent(message.E);
  };
  let closed = false;
  const loop = (async () => {
    while (!closed) {
      try {
        const orders = await exchange.watchOrders();
        onSignal('userDelivered', orders.length);
      } catch {
        if (closed) return;
        onSignal('errors');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  })();
  return {
    async close() {
      closed = true;
      await exchange.close().catch(() => {});
      await Promise.race([loop, new Promise((r) => setTimeout(r, 500))]);
    },
  };
}
