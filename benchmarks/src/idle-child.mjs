// Many idle user data streams in one process: memory per stream. Forked by scale.mjs with the
// simulator's URLs and one account per stream; each stream gets its own listenKey.
import { getVenue, withBaseUrls } from '@userstream/core';
import { benchAccounts } from './accounts.mjs';

const { client, urls, streams } = JSON.parse(process.argv[2]);
const accounts = benchAccounts(streams);
const profile = getVenue('binance-usdm');
const venue = withBaseUrls(profile, {
  rest: urls.rest,
  stream: urls.ws + new URL(profile.streamBaseUrl).pathname,
});
const gc = globalThis.gc ?? (() => {});
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function createListenKey(apiKey) {
  const res = await fetch(`${venue.restBaseUrl}${venue.listenKey.create.path}`, {
    method: 'POST',
    headers: { [venue.apiKeyHeader]: apiKey },
  });
  if (res.status !== 200) throw new Error(`listenKey create: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()).listenKey;
}

const openers = {
  async bare() {
    const { default: WebSocket } = await import('ws');
    return async (listenKey) => {
      const ws = new WebSocket(`${venue.streamBaseUrl}/ws/${listenKey}`);
      ws.on('message', (data) => JSON.parse(data));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return () => ws.terminate();
    };
  },
  async userstream() {
    const { openListenKeyStream } = await import('@userstream/stream');
    return async (listenKey) => {
      const stream = openListenKeyStream({ venue, listenKey });
      stream.on('event', () => {});
      stream.on('error', () => {});
      await new Promise((resolve) => stream.once('open', resolve));
      return () => stream.close();
    };
  },
  /** A managed stream per account on one shared scheduler: lease, REST client and stream. */
  async 'userstream-keepalive'() {
    const { createScheduler, openUserDataStream } = await import('@userstream/keepalive');
    const scheduler = createScheduler();
    return async (_listenKey, account) => {
      const stream = await openUserDataStream({
        venue,
        credentials: { apiKey: account.apiKey, secret: account.secret },
        scheduler,
      });
      stream.on('event', () => {});
      stream.on('error', () => {});
      return () => stream.close();
    };
  },
};

const open = await openers[client]();
// Keys first, so the figure is the streams' memory only.
const keys = [];
for (const a of accounts) keys.push(await createListenKey(a.apiKey));
await settle();
const before = process.memoryUsage();
const closers = [];
const t0 = performance.now();
for (let i = 0; i < keys.length; i += 50) {
  closers.push(...(await Promise.all(keys.slice(i, i + 50).map((k, j) => open(k, accounts[i + j])))));
}
const openMs = performance.now() - t0;
// Let heartbeats and timers settle into their idle state.
await new Promise((r) => setTimeout(r, 2000));
await settle();
const after = process.memoryUsage();
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, 3000));
const idleCpu = process.cpuUsage(cpu0);
process.send({
  type: 'result',
  streams: closers.length,
  openMs,
  heapPerStream: (after.heapUsed - before.heapUsed) / closers.length,
  rssPerStream: (after.rss - before.rss) / closers.length,
  externalPerStream:
    (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / closers.length,
  idleCpuMsPerSec: (idleCpu.user + idleCpu.system) / 1000 / 3,
});
process.on('message', async (msg) => {
  if (msg.cmd === 'close') {
    await Promise.all(closers.map((c) => c()));
    process.exit(0);
  }
});
