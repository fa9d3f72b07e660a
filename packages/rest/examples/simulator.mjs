// biome-ignore-all lint/suspicious/noConsole: an example for people to run; it prints what happens
import { subscribe } from 'node:diagnostics_channel';
import { createRestClient, DIAGNOSTICS_CHANNELS } from '@userstream/rest';
import { startSimulator } from '@userstream/simulator';

const sim = await startSimulator(); // a local exchange on 127.0.0.1, no keys needed
const { apiKey, secret } = sim.accounts[0]; // the HMAC account
const credentials = { apiKey, secret };

// Diagnostics: never a key, secret, signature, listenKey or token in there.
subscribe(DIAGNOSTICS_CHANNELS.error, (m) => console.log('diagnostics:', m.method, m.path, m.status, m.code));

// 1. listenKeys (USD-M futures; BHEX and Coins.ph work the same and are signed)
const usdm = createRestClient({ venue: sim.venue('binance-usdm'), credentials });
const listenKey = await usdm.createListenKey(); // the active key if there is one
await usdm.keepAliveListenKey(listenKey); // every 30 min
await usdm.closeListenKey(listenKey);
await usdm.keepAliveListenKey(listenKey).catch((e) => console.log('after close:', e.code, e.exchangeCode));
console.log('used weight this minute:', usdm.rateLimit.usedWeights['1m']);

// 2. Isolated margin listenKeys need the pair
const isolated = createRestClient({ venue: sim.venue('binance-isolated-margin-legacy'), credentials });
const isoKey = await isolated.createListenKey({ symbol: 'BTCUSDT' });
await isolated.closeListenKey(isoKey, { symbol: 'BTCUSDT' });

// 3. listenTokens (cross margin; isolated with { symbol })
const margin = createRestClient({ venue: sim.venue('binance-margin'), credentials });
const { expirationTime } = await margin.createListenToken({ validityMs: 3_600_000 });
console.log('listenToken valid until', new Date(expirationTime).toISOString());

// 4. Server time, snapshots, open orders and any other endpoint, on BHEX, holding requests
//    rather than use more than 80% of the venue's weight per minute
const bhex = createRestClient({ venue: sim.venue('bhex'), credentials, weightShare: 0.8 });
console.log('server time offset (ms):', await bhex.syncTime(), 'server time:', await bhex.serverTime());
const order = await bhex.request({
  method: 'POST',
  path: '/openapi/v1/order',
  signed: true,
  params: {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.001',
    price: '50000',
  },
});
const { balances } = await bhex.accountSnapshot(); // decimal strings
console.log('USDT:', balances.USDT);
const open = await bhex.openOrders({ symbol: 'BTCUSDT' });
console.log(
  'open orders:',
  open.map((o) => `${o.side} ${o.quantity} @ ${o.price} (${o.status})`),
);
console.log('raw bodies too:', typeof (await bhex.account()), Array.isArray(await bhex.rawOpenOrders()));
await bhex.request({
  method: 'DELETE',
  path: '/openapi/v1/order',
  signed: true,
  params: { orderId: String(order.orderId) },
});

// 5. close() releases every socket: this process exits by itself
await Promise.all([usdm, isolated, margin, bhex].map((c) => c.close()));
await sim.close();
console.log('done');
