// biome-ignore-all lint/suspicious/noConsole: an example for people to run; it prints what happens
// Two fleet workers share the simulator's accounts through Redis; one dies, the other takes its
// streams over; every event is in the accounts' Redis Streams once.
//
//   REDIS_URL=redis://127.0.0.1:6379 node examples/fleet.mjs
//
// (run by the package's tests against their own redis-server). Uses a scratch key prefix and
// deletes what it wrote.

import { createFleetWorker, GAP_MARKER } from '@userstream/redis';
import { startSimulator } from '@userstream/simulator';
import { Redis } from 'ioredis';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `userstream-example-${process.pid}:`;
const sim = await startSimulator({
  accounts: [{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }, { id: 'dave' }],
});
const accounts = sim.accounts.map((a) => ({
  id: a.id,
  venue: sim.venue('binance-usdm'),
  credentials: { apiKey: a.apiKey, secret: a.secret },
}));

const clients = [];
function worker(workerId) {
  const redis = new Redis(redisUrl);
  clients.push(redis);
  const w = createFleetWorker({ redis, workerId, accounts, prefix });
  w.on('acquired', ({ account }) => console.log(`${workerId} owns ${account}`));
  return w;
}
const a = worker('worker-a');
const b = worker('worker-b');
await Promise.all([a.start(), b.start()]);
const everyoneOpen = (ws) => accounts.every((x) => ws.some((w) => w.stream(x.id)?.state === 'open'));
while (!everyoneOpen([a, b])) await new Promise((r) => setTimeout(r, 100));

/** Waits until every account's Redis Stream holds `n` exchange events. */
const reader = clients[0];
async function inRedis(n) {
  const count = async (id) =>
    (await reader.xrange(a.sink.streamKey(id), '-', '+')).filter(([, f]) => f[1] !== GAP_MARKER).length;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    if ((await Promise.all(accounts.map((x) => count(x.id)))).every((c) => c >= n)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const x of accounts) sim.exchange.deposit(x.id, 'binance-usdm', 'USDT', '10');
await inRedis(1);

// worker-b dies without releasing anything (as kill -9 would leave it).
const diedAt = Date.now();
await b.close({ release: false });
while (!everyoneOpen([a])) await new Promise((r) => setTimeout(r, 100));
console.log(`worker-a took over in ${((Date.now() - diedAt) / 1000).toFixed(1)} s`);

for (const x of accounts) sim.exchange.deposit(x.id, 'binance-usdm', 'USDT', '5');

// Both deposits of every account are in Redis.
await inRedis(2);

// What a downstream service reads (with XREADGROUP in production):
for (const x of accounts) {
  const entries = await reader.xrange(a.sink.streamKey(x.id), '-', '+');
  const kinds = entries.map(([, f]) => (f[1] === GAP_MARKER ? `gap(${f[7]})` : f[1]));
  console.log(x.id, kinds.join(' '));
}

await a.close();
const keys = await reader.keys(`${prefix}*`);
if (keys.length > 0) await reader.del(...keys);
for (const c of clients) c.disconnect();
await sim.close();
