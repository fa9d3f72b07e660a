import { expect, test } from 'vitest';
import { startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call, wsSigned } from './helpers.js';

test('smoke: listenKey stream and WS API subscription receive engine events', async () => {
  await using sim = await startSimulator();
  const hmac = byType(sim.accounts, 'hmac');
  const created = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  expect(created.status).toBe(200);
  const key = (created.body as { listenKey: string }).listenKey;
  const stream = await Client.open(`${sim.urls.ws}/ws/${key}`);
  const api = await ApiClient.open(sim.urls.wsApi);
  const sub = await api.send(
    'userDataStream.subscribe.signature',
    wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: Date.now() }),
  );
  expect(sub).toMatchObject({ status: 200, result: { subscriptionId: 0 } });
  sim.exchange.deposit('hmac', 'binance-spot', 'USDT', '5');
  await stream.waitFrames(2);
  await api.waitFrames(3);
  expect(stream.json().map((e) => e.e)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
  expect(api.events().map((e) => e.event.e)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
  stream.close();
  api.close();
});
