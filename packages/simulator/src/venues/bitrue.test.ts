/**
 * Bitrue spot on the simulator, over loopback, as documented (checked 2026-12-03):
 * https://github.com/Bitrue-exchange/Spot-official-api-docs ("User Data Streams", "Order
 * Update", "balance update"; core's test/fixtures/bitrue are those examples), with the live
 * ORDER/BALANCE names and {ping}/{pong} of ccxt's bitrue pro client (ts/src/pro/bitrue.ts).
 */
import { gunzipSync } from 'node:zlib';
import { parseFrame, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { byType, Client, call } from '../../test/helpers.js';
import { startSimulator } from '../index.js';

const settle = () => new Promise((r) => setTimeout(r, 20));
const PATH = '/poseidon/api/v1/listenKey';

async function start() {
  const clock = new VirtualClock();
  const sim = await startSimulator({ clock, pingIntervalMs: 3_600_000, pongTimeoutMs: 7_200_000 });
  const account = byType(sim.accounts, 'hmac');
  return { clock, sim, account, headers: { 'X-MBX-APIKEY': account.apiKey } };
}

/** Every binary frame a client got, gunzipped (every Bitrue frame is gzip). */
const received = new WeakMap<Client, Buffer[]>();
async function open(url: string): Promise<Client> {
  const client = await Client.open(url);
  const raw: Buffer[] = [];
  client.ws.on('message', (data: Buffer) => raw.push(data));
  received.set(client, raw);
  return client;
}
const texts = (client: Client): string[] => (received.get(client) ?? []).map((b) => gunzipSync(b).toString());

describe('Bitrue spot on the simulator', () => {
  it('listenKeys in the {code:200} envelope, the key in the PUT/DELETE path, -1150 for an unknown key', async () => {
    const { sim, headers } = await start();
    await using _ = sim;
    const created = await call(sim.urls.rest, 'POST', PATH, { headers });
    expect(created.status).toBe(200);
    const body = created.body as { msg: string; code: number; data: { listenKey: string } };
    expect([body.msg, body.code, Object.keys(body)]).toEqual(['succ', 200, ['msg', 'code', 'data']]);
    const key = body.data.listenKey;
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    const put = await call(sim.urls.rest, 'PUT', `${PATH}/${key}`, { headers });
    expect([put.status, put.body]).toEqual([200, { msg: 'succ', code: 200 }]);
    const unknown = await call(sim.urls.rest, 'PUT', `${PATH}/${'x'.repeat(64)}`, { headers });
    expect([unknown.status, (unknown.body as { code: number }).code]).toEqual([400, -1150]);
    sim.faults.failKeepalives({ mode: '-1125', venue: 'bitrue-spot' });
    const refused = await call(sim.urls.rest, 'PUT', `${PATH}/${key}`, { headers });
    expect((refused.body as { code: number }).code).toBe(-1150);
    const del = await call(sim.urls.rest, 'DELETE', `${PATH}/${key}`, { headers });
    expect([del.status, del.body]).toEqual([200, { msg: 'succ', code: 200 }]);
  });

  it('pushes nothing before a subscription, then gzip ORDER/BALANCE with numeric enums; pings both ways', async () => {
    const { clock, sim, account, headers } = await start();
    await using _ = sim;
    const created = await call(sim.urls.rest, 'POST', PATH, { headers });
    const key = (created.body as { data: { listenKey: string } }).data.listenKey;
    const client = await open(`${sim.urls.ws}/stream?listenKey=${key}`);
    const trade = () =>
      sim.exchange.placeOrder(account.id, 'bitrue-spot', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.001',
      });
    trade();
    await clock.advance(1000);
    await settle();
    expect(texts(client)).toEqual([]);
    for (const channel of ['user_order_update', 'user_balance_update'])
      client.ws.send(JSON.stringify({ event: 'sub', params: { channel } }));
    await client.waitFrames(2);
    expect(texts(client).map((t) => JSON.parse(t).event_rep)).toEqual(['subed', 'subed']);
    trade();
    await clock.advance(1000);
    await client.waitFrames(4);
    await settle();
    const events = texts(client)
      .slice(2)
      .map((t) => {
        const parsed = parseFrame(t, 'bitrue');
        if (!parsed.ok) throw parsed.error;
        return parsed.events[0] as unknown as Record<string, unknown>;
      });
    const order = events.filter((e) => e.e === 'ORDER').at(-1)!;
    expect(order).toMatchObject({ s: 'btcusdt', S: 1, o: 2, X: 2, x: 3 });
    const balance = events.find((e) => e.e === 'BALANCE')!;
    expect((balance.B as { a: string }[]).map((b) => b.a).sort()).toEqual(['btc', 'usdt']);
    // The server pings every 30 s; a client ping is answered.
    client.ws.send('{"ping":7}');
    const before = texts(client).length;
    await clock.advance(30_000);
    await client.waitFrames(before + 2);
    expect(
      texts(client)
        .slice(before)
        .map((t) => JSON.parse(t)),
    ).toEqual(expect.arrayContaining([{ pong: 7 }, { ping: expect.any(Number) }]));
    client.close();
  });
});
