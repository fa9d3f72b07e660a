// biome-ignore-all lint/suspicious/noConsole: an example for people to run; it prints what happens
import { createSigner } from '@userstream/core';
import { startSimulator } from '@userstream/simulator';
import { openWsApiStream } from '@userstream/stream';

const sim = await startSimulator();
const account = sim.accounts[0]; // HMAC
const stream = openWsApiStream({
  venue: sim.venue('binance-spot'),
  auth: { type: 'signature', apiKey: account.apiKey, signer: createSigner({ secret: account.secret }) },
});
stream.on('executionReport', (e) => console.log(e.s, e.S, e.X, e.p));
await stream.opened();
sim.exchange.placeOrder(account.id, 'binance-spot', {
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '0.001',
  price: '50000',
});
await new Promise((resolve) => setTimeout(resolve, 100));
await stream.close();
await sim.close(); // the process exits by itself
