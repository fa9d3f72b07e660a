// biome-ignore-all lint/suspicious/noConsole: an example for people to run; it prints what happens
// Many accounts on one socket: USD-M's `/private/stream?listenKey=K1&events=…&listenKey=K2…`.
// Each account gets only its own events (routed by each frame's `stream` name, never guessed),
// with its own order, dedupe, gaps and key expiry.
import { startSimulator } from '@userstream/simulator';
import { createListenKeyConnection } from '@userstream/stream';

const sim = await startSimulator({ accounts: [{ id: 'alice' }, { id: 'bob' }] });
const venue = sim.venue('binance-usdm');
const createListenKey = async (account) => {
  const res = await fetch(`${venue.restBaseUrl}/fapi/v1/listenKey`, {
    method: 'POST',
    headers: { 'X-MBX-APIKEY': account.apiKey },
  });
  const body = /** @type {{ listenKey: string }} */ (await res.json());
  return body.listenKey;
};

const connection = createListenKeyConnection({ venue, events: ['ORDER_TRADE_UPDATE'] });
const streams = new Map();
for (const account of sim.accounts) {
  const stream = connection.open({ listenKey: await createListenKey(account) });
  stream.on('ORDER_TRADE_UPDATE', (e) => console.log(account.id, e.o.s, e.o.X, e.o.p));
  stream.on('gap', () => console.log(account.id, 'gap: resync from REST'));
  stream.on('credentialExpired', async () => stream.replaceListenKey(await createListenKey(account)));
  streams.set(account.id, stream);
}
await Promise.all([...streams.values()].map((s) => s.opened()));

const orders = new Map([
  ['alice', '50000'],
  ['bob', '49000'],
]);
const delivered = Promise.all(
  [...streams.values()].map((s) => new Promise((resolve) => s.once('ORDER_TRADE_UPDATE', resolve))),
);
for (const [id, price] of orders) {
  sim.exchange.placeOrder(id, 'binance-usdm', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.010',
    price,
  });
}
await delivered;
await connection.close(); // every stream and the socket
await sim.close(); // the process exits by itself
