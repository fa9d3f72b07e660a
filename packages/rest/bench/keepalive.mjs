// Benchmark (not a test): N signed listenKey keepalives (BHEX-style signed PUT
// /openapi/v1/userDataStream) through @userstream/rest vs a bare undici `request` with the same
// HMAC signature and a keep-alive Agent, against the simulator in a child process.
// Prints requests per second and client CPU per request for both, and the ratio.
//
//   pnpm --filter @userstream/rest build && pnpm --filter @userstream/rest bench
//   N=20000 CONCURRENCY=1,16 ROUNDS=3 node bench/keepalive.mjs
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { venues, withBaseUrls } from '@userstream/core';
import { Agent, request } from 'undici';
import { createRestClient } from '../dist/index.js';

const N = Number(process.env.N ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = (process.env.CONCURRENCY ?? '1,16').split(',').map(Number);
const print = (line) => process.stdout.write(`${line}\n`);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const child = fork(fileURLToPath(new URL('./sim-child.mjs', import.meta.url)));
const ask = (msg, type) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type === type) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    if (msg) child.send(msg);
  });
const { urls, account } = await ask(undefined, 'ready');

const venue = withBaseUrls(venues.bhex, { rest: urls.rest, stream: urls.ws });
const rest = createRestClient({ venue, credentials: { apiKey: account.apiKey, secret: account.secret } });
const listenKey = await rest.createListenKey();

// The bare contender: what a careful hand-written client does, with nothing else.
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
const path = venue.listenKey.keepAlive.path;
async function bare() {
  const payload = `listenKey=${listenKey}&recvWindow=5000&timestamp=${Date.now()}`;
  const signature = createHmac('sha256', account.secret).update(payload).digest('hex');
  const res = await request(`${urls.rest}${path}?${payload}&signature=${signature}`, {
    method: 'PUT',
    headers: { 'X-BH-APIKEY': account.apiKey },
    dispatcher: agent,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`bare: HTTP ${res.statusCode} ${text}`);
}
const client = () => rest.keepAliveListenKey(listenKey);

async function run(fn, n, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await fn();
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rps: (n / ms) * 1000, cpuUs: (cpu.user + cpu.system) / n };
}

const before = (await ask({ type: 'count' }, 'count')).puts;
print(
  `keepalive bench: ${fmt(N * ROUNDS)} signed PUTs per contender and concurrency, in ${ROUNDS * 10} alternating batches, Node ${process.version}`,
);
let sent = 0;
for (const concurrency of CONCURRENCY) {
  await run(bare, Math.min(N, 1000), concurrency); // warm up both
  await run(client, Math.min(N, 1000), concurrency);
  sent += 2 * Math.min(N, 1000);
  // Many short alternating batches, so a change in machine load hits both contenders alike.
  const batches = ROUNDS * 10;
  const batch = Math.max(1, Math.floor(N / 10));
  const total = { bare: { ms: 0, cpu: 0, n: 0 }, client: { ms: 0, cpu: 0, n: 0 } };
  for (let r = 0; r < batches; r++) {
    for (const [name, fn] of r % 2
      ? [
          ['client', client],
          ['bare', bare],
        ]
      : [
          ['bare', bare],
          ['client', client],
        ]) {
      const res = await run(fn, batch, concurrency);
      total[name].ms += (batch / res.rps) * 1000;
      total[name].cpu += res.cpuUs * batch;
      total[name].n += batch;
      sent += batch;
    }
  }
  const rps = (t) => (t.n / t.ms) * 1000;
  const b = rps(total.bare);
  const c = rps(total.client);
  print(
    `concurrency ${String(concurrency).padStart(2)}: bare undici ${fmt(b)} req/s (${fmt(total.bare.cpu / total.bare.n, 1)} µs CPU/req) | ` +
      `@userstream/rest ${fmt(c)} req/s (${fmt(total.client.cpu / total.client.n, 1)} µs CPU/req) | ratio ${fmt(c / b, 2)}`,
  );
}
const after = (await ask({ type: 'count' }, 'count')).puts;
if (after - before !== sent)
  throw new Error(`the simulator counted ${after - before} PUTs, expected ${sent}`);
print(`the simulator accepted all ${fmt(sent)} keepalives`);

await rest.closeListenKey(listenKey);
await rest.close();
await agent.close();
child.send({ type: 'close' });
