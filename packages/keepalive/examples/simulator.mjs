// biome-ignore-all lint/suspicious/noConsole: an example for people to run; it prints what happens
import { createScaledClock } from '@userstream/core';
import { AccountMirror, createScheduler, openUserDataStream } from '@userstream/keepalive';
import { startSimulator } from '@userstream/simulator';

const clock = createScaledClock({ speed: 1800 }); // half an hour of protocol time per second
// The simulator's windows are protocol time as well: Binance's 1 min pong deadline would be
// 33 real ms here, and a busy machine misses it (a reconnect and a gap). Half an hour, too.
const sim = await startSimulator({ clock, pongTimeoutMs: 30 * 60_000 });
const account = sim.accounts[0]; // an HMAC account
const scheduler = createScheduler({ clock });

const stream = await openUserDataStream({
  venue: sim.venue('binance-usdm'), // the USD-M profile pointed at the simulator
  credentials: { apiKey: account.apiKey, secret: account.secret },
  scheduler,
  // Heartbeats run on the clock too: at half an hour per second the default 5 s pong deadline is
  // 2.8 real ms, which a busy machine misses. Half an hour (a real second) is plenty here.
  stream: {
    heartbeat: {
      pingIntervalMs: 30 * 60_000,
      pongTimeoutMs: 30 * 60_000,
      inactivityTimeoutMs: 2 * 3_600_000,
    },
  },
});
// Listen before anything is awaited: at half an hour per second, the first keepalive can come while
// the mirror reads its snapshot. Wait for what you want to see, never for a number of seconds.
stream.on('ORDER_TRADE_UPDATE', (e) => console.log('order', e.o.s, e.o.X));
stream.on('gap', (gap) => console.log('gap', gap.reason)); // none here; a real venue may have some
const ordered = new Promise((resolve) => stream.once('ORDER_TRADE_UPDATE', resolve));
const fiveRenewals = new Promise((resolve) => {
  let renewals = 0;
  stream.lease.on('renewed', (info) => {
    console.log('keepalive at', new Date(info.at).toISOString());
    if (++renewals === 5) resolve();
  });
});

const mirror = new AccountMirror({ stream, rest: stream.rest });
await mirror.ready();

sim.exchange.placeOrder(account.id, 'binance-usdm', {
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '0.010',
  price: '50000',
});
await ordered;
await fiveRenewals; // 2.5 hours of protocol time, about 5 s

console.log(stream.lease.state()); // { kind: 'listenKey', renewals: 5, failures: 0, nextRenewalAt, … }
console.log(mirror.balances, mirror.openOrders);
await stream.close(); // deletes the listenKey; no timer or socket left
await sim.close();
