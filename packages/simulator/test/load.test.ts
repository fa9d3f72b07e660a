import { VirtualClock } from '@userstream/core';
import { expect, test } from 'vitest';
import { startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call, wsSigned } from './helpers.js';

test('burst: N valid events with never-decreasing E to every stream of the account, respecting backpressure', async () => {
  await using sim = await startSimulator();
  const hmac = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const raw = await Client.open(`${sim.urls.ws}/ws/${key}`);
  const api = await ApiClient.open(sim.urls.wsApi);
  await api.send(
    'userDataStream.subscribe.signature',
    wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: Date.now() }),
  );
  const before = api.frames.length;
  const N = 20_000;
  const result = await sim.load.burst({ apiKey: hmac.apiKey, venue: 'binance-spot', count: N });
  expect(result).toMatchObject({ sent: N, frames: 2 * N });
  await raw.waitFrames(N, 10_000);
  await api.waitFrames(before + N, 10_000);
  const events = raw.json();
  expect(events[0]).toMatchObject({ e: 'executionReport', s: 'BTCUSDT', X: 'NEW', q: '0.00100000' });
  // E is the exchange's millisecond clock: ordered, and shared by the events of a millisecond.
  for (let i = 1; i < N; i++) expect((events[i]?.E as number) >= (events[i - 1]?.E as number)).toBe(true);
  const wrapped = api.events();
  expect(wrapped.length).toBe(N);
  expect(wrapped[0]).toEqual({ subscriptionId: 0, event: events[0] });
  expect(sim.record.events({ accountId: 'hmac', venue: 'binance-spot-legacy' }).length).toBe(N);
  raw.close();
  api.close();
});

test('burst into a futures stream sends ORDER_TRADE_UPDATE', async () => {
  await using sim = await startSimulator();
  const hmac = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/fapi/v1/listenKey', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const raw = await Client.open(`${sim.urls.ws}/private/ws/${key}`);
  await sim.load.burst({ accountId: 'hmac', venue: 'binance-usdm', count: 3 });
  await raw.waitFrames(3);
  expect(raw.json().map((e) => e.e)).toEqual([
    'ORDER_TRADE_UPDATE',
    'ORDER_TRADE_UPDATE',
    'ORDER_TRADE_UPDATE',
  ]);
  expect(raw.json()[0]).toMatchObject({ o: { s: 'BTCUSDT', x: 'NEW' } });
  raw.close();
});

test('steady: ratePerSec events per second of clock time until stopped', async () => {
  const clock = new VirtualClock();
  await using sim = await startSimulator({ clock });
  const hmac = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const raw = await Client.open(`${sim.urls.ws}/ws/${(r.body as { listenKey: string }).listenKey}`);
  const handle = sim.load.steady({ accountId: 'hmac', venue: 'binance-spot', ratePerSec: 250 });
  await clock.advance(2000);
  expect(handle.sent).toBe(500);
  await raw.waitFrames(500);
  handle.stop();
  await clock.advance(2000);
  expect(handle.sent).toBe(500);
  await new Promise((res) => setTimeout(res, 30));
  expect(raw.frames.length).toBe(500);
  raw.close();
});

test('load options are checked', async () => {
  await using sim = await startSimulator();
  await expect(sim.load.burst({ accountId: 'hmac', venue: 'binance-spot', count: -1 })).rejects.toThrow(
    '@userstream/simulator: burst count must be a whole number of events',
  );
  await expect(sim.load.burst({ accountId: 'nobody', venue: 'binance-spot', count: 1 })).rejects.toThrow(
    /apiKey or accountId/,
  );
  expect(() => sim.load.steady({ accountId: 'hmac', venue: 'binance-spot', ratePerSec: 0 })).toThrow(
    /ratePerSec/,
  );
});
