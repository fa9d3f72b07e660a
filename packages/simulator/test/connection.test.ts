import { VirtualClock } from '@userstream/core';
import { expect, test } from 'vitest';
import { startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call } from './helpers.js';

async function listenKey(base: string, apiKey: string): Promise<string> {
  const r = await call(base, 'POST', '/api/v3/userDataStream', { headers: { 'X-MBX-APIKEY': apiKey } });
  return (r.body as { listenKey: string }).listenKey;
}

/** Lets real socket I/O happen between virtual time steps. */
const settle = () => new Promise((r) => setTimeout(r, 20));

test('server pings every pingIntervalMs; a client that pongs stays; one that does not is dropped after pongTimeoutMs', async () => {
  const clock = new VirtualClock();
  await using sim = await startSimulator({ clock });
  const key = await listenKey(sim.urls.rest, byType(sim.accounts, 'hmac').apiKey);
  const good = await Client.open(`${sim.urls.ws}/ws/${key}`);
  const silent = await Client.open(`${sim.urls.ws}/ws/${key}`, { autoPong: false });
  const pings: number[] = [];
  good.ws.on('ping', () => pings.push(clock.now()));
  const start = clock.now();
  await clock.advance(19_999);
  await settle();
  expect(pings).toEqual([]);
  await clock.advance(1);
  await settle();
  expect(pings).toEqual([start + 20_000]);
  // The silent client's first unanswered ping is at 20 s: it goes at 20 s + 60 s.
  for (let t = 0; t < 59; t++) {
    await clock.advance(1000);
    await settle();
  }
  expect(silent.closed).toBeUndefined();
  await clock.advance(1000);
  const closed = await silent.waitClose();
  expect(closed.code).toBe(1006); // terminated, no close frame
  for (let t = 0; t < 10; t++) {
    await clock.advance(20_000);
    await settle();
  }
  expect(good.closed).toBeUndefined();
  expect(pings.length).toBe(14);
  expect(sim.record.connections).toBe(1);
  good.close();
});

test('unsolicited pongs do not keep a client alive', async () => {
  const clock = new VirtualClock();
  await using sim = await startSimulator({ clock, pingIntervalMs: 1000, pongTimeoutMs: 3000 });
  const api = new Client(sim.urls.wsApi, { autoPong: false });
  await new Promise((r) => api.ws.once('open', r));
  for (let t = 0; t < 3; t++) {
    api.ws.pong();
    await clock.advance(1000);
    await settle();
  }
  api.ws.pong();
  await clock.advance(1000);
  const closed = await api.waitClose();
  expect(closed.code).toBe(1006);
});

test('the server answers client pings with the same payload', async () => {
  await using sim = await startSimulator();
  const api = await ApiClient.open(sim.urls.wsApi);
  const pong = new Promise<string>((resolve) =>
    api.ws.once('pong', (data: Buffer) => resolve(data.toString())),
  );
  api.ws.ping('hello');
  expect(await pong).toBe('hello');
  api.close();
});

test('connections end at the 24 h mark (raw streams and WebSocket API)', async () => {
  const clock = new VirtualClock();
  await using sim = await startSimulator({ clock, pingIntervalMs: 3_600_000, pongTimeoutMs: 3_600_000 });
  const hmac = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/fapi/v1/listenKey', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const stream = await Client.open(`${sim.urls.ws}/private/ws/${key}`);
  const api = await ApiClient.open(sim.urls.wsApi);
  for (let h = 0; h < 47; h++) {
    await clock.advance(1_800_000);
    await call(sim.urls.rest, 'PUT', '/fapi/v1/listenKey', { headers: { 'X-MBX-APIKEY': hmac.apiKey } });
    await settle();
  }
  await clock.advance(1_800_000 - 1);
  await settle();
  expect(stream.closed).toBeUndefined();
  expect(api.closed).toBeUndefined();
  await clock.advance(1);
  expect((await stream.waitClose()).code).toBe(1000);
  expect((await api.waitClose()).code).toBe(1000);
});

test('close() releases every socket and timer', async () => {
  const clock = new VirtualClock();
  const sim = await startSimulator({ clock, priceWalk: true });
  const hmac = byType(sim.accounts, 'hmac');
  const key = await listenKey(sim.urls.rest, hmac.apiKey);
  const stream = await Client.open(`${sim.urls.ws}/ws/${key}`);
  const api = await ApiClient.open(sim.urls.wsApi);
  sim.load.steady({ accountId: 'hmac', venue: 'binance-spot', ratePerSec: 10 });
  sim.faults.stall({ durationMs: 100_000 });
  expect(clock.pending).toBeGreaterThan(0);
  await sim.close();
  await stream.waitClose();
  await api.waitClose();
  expect(clock.pending).toBe(0);
  expect(sim.record.connections).toBe(0);
  await expect(call(sim.urls.rest, 'GET', '/api/v3/time')).rejects.toThrow();
  await sim.close(); // twice is fine
});
