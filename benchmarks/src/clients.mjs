// Every client measured, in table order. `rival: true` ones live in benchmarks/.rivals.
export const CLIENTS = [
  { id: 'bare', label: 'bare `ws` + `JSON.parse` (ceiling)', rival: false },
  { id: 'userstream', label: 'userstream `@userstream/stream`', rival: false },
  { id: 'userstream-keepalive', label: 'userstream `openUserDataStream` (keepalive)', rival: false },
  { id: 'userstream-iterator', label: 'userstream `@userstream/stream`, `for await`', rival: false },
  { id: 'binance-raw', label: '`binance` WebsocketClient', rival: true },
  { id: 'binance-beautify', label: '`binance` WebsocketClient, beautify', rival: true },
  { id: 'ccxt', label: '`ccxt` pro `binanceusdm.watchOrders`', rival: true },
  { id: 'binance-api-node', label: '`binance-api-node`', rival: true },
  { id: 'node-binance-api', label: '`node-binance-api`', rival: true },
  { id: 'binance-spot', label: '`@binance/spot`', rival: true },
];

/** Loads a client's adapter: `{ paths, unsupported?, open }`. */
export async function loadClient(id) {
  return import(`./clients/${id}.mjs`);
}
