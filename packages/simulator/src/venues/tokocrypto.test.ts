/**
 * Tokocrypto's doors on the simulator's spot book (issue #13 item 7): the /open/v1 envelopes and
 * parameters, the listenToken on the WebSocket API, the events in the documented shapes.
 * https://www.tokocrypto.com/apidocs/ (checked 2026-12-03; the search store serves that page's
 * change log only, the "User Data Streams" section was read from a copy of its markdown; core's
 * test/fixtures/tokocrypto are its examples).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEvent } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { ApiClient, byType, call, signedQuery } from '../../test/helpers.js';
import { startSimulator } from '../index.js';
import { tokocryptoEvent } from './tokocrypto.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../core/test/fixtures/tokocrypto/${name}.json`, import.meta.url)),
      'utf8',
    ),
  ) as Record<string, unknown>;

type Envelope = { code: number; msg?: string; data?: Record<string, unknown>; timestamp: number };

describe('Tokocrypto REST (/open/v1) on the simulator', () => {
  it('answers in envelopes: listen token, account, numeric-enum orders, a refusal with HTTP 200', async () => {
    await using sim = await startSimulator();
    const account = byType(sim.accounts, 'hmac');
    const headers = { 'X-MBX-APIKEY': account.apiKey };
    const signed = (params: Record<string, string | number> = {}) =>
      signedQuery(account, { ...params, timestamp: Date.now() });

    const token = await call(sim.urls.rest, 'POST', '/open/v1/user-listen-token', {
      headers,
      body: signed({ validity: 3_600_000 }),
    });
    expect(token.status).toBe(200);
    const t = token.body as Envelope;
    expect(t).toMatchObject({ code: 0, msg: 'Success' });
    expect(Object.keys(t.data!)).toEqual(['token', 'expirationTime']);
    expect(t.data!.expirationTime).toBeGreaterThan(Date.now() + 3_500_000);

    const time = (await call(sim.urls.rest, 'GET', '/open/v1/common/time')).body as Envelope;
    expect(time.data).toBeNull();
    expect(Math.abs(time.timestamp - Date.now())).toBeLessThan(5_000);

    const spot = (await call(sim.urls.rest, 'GET', '/open/v1/account/spot', { headers, query: signed() }))
      .body as Envelope;
    const assets = spot.data!.accountAssets as { asset: string; free: string; locked: string }[];
    expect(assets.find((a) => a.asset === 'USDT')?.free).toMatch(/^\d+\.\d{8}$/);
    expect(spot.data).not.toHaveProperty('balances');

    // BUY (0) LIMIT (1) GTC (1) on BTC_USDT, then the open orders list it in the same terms.
    const placed = await call(sim.urls.rest, 'POST', '/open/v1/orders', {
      headers,
      body: signed({
        symbol: 'BTC_USDT',
        side: 0,
        type: 1,
        timeInForce: 1,
        quantity: '0.001',
        price: '10000',
      }),
    });
    const placedData = (placed.body as Envelope).data!;
    expect(Object.keys(placedData)).toEqual(['orderId', 'createTime']);
    const open = (
      await call(sim.urls.rest, 'GET', '/open/v1/orders', { headers, query: signed({ type: 1 }) })
    ).body as Envelope;
    const list = open.data!.list as Record<string, unknown>[];
    expect(list.find((o) => o.orderId === placedData.orderId)).toMatchObject({
      symbol: 'BTC_USDT',
      side: 0,
      type: 1,
      timeInForce: 1,
      status: 0,
      price: '10000.00000000',
    });
    // Cancel by order id alone (the pair is not a parameter).
    const canceled = await call(sim.urls.rest, 'POST', '/open/v1/orders/cancel', {
      headers,
      body: signed({ orderId: String(placedData.orderId) }),
    });
    expect((canceled.body as Envelope).data).toMatchObject({ orderId: placedData.orderId, status: 3 });

    // A refusal: HTTP 200, a non-zero code, no data.
    const again = await call(sim.urls.rest, 'POST', '/open/v1/orders/cancel', {
      headers,
      body: signed({ orderId: String(placedData.orderId) }),
    });
    expect(again.status).toBe(200);
    expect((again.body as Envelope).code).not.toBe(0);
    expect(again.body).not.toHaveProperty('data');
  });
});

describe('Tokocrypto user data on the WebSocket API', () => {
  it('subscribes with the listen token and sends the documented shapes only', async () => {
    await using sim = await startSimulator();
    const account = byType(sim.accounts, 'hmac');
    const body = signedQuery(account, { timestamp: Date.now() });
    const reply = await call(sim.urls.rest, 'POST', '/open/v1/user-listen-token', {
      headers: { 'X-MBX-APIKEY': account.apiKey },
      body,
    });
    const { token, expirationTime } = (reply.body as Envelope).data as {
      token: string;
      expirationTime: number;
    };
    const api = await ApiClient.open(sim.urls.wsApi);
    const sub = await api.send('userDataStream.subscribe.listenToken', { listenToken: token });
    expect(sub.result).toEqual({ subscriptionId: 0, expirationTime });

    sim.exchange.deposit(account.id, 'tokocrypto', 'USDT', '10');
    sim.exchange.placeOrder(account.id, 'tokocrypto', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.001',
      price: '10000',
    });
    await api.waitFrames(3);
    const events = api.events().map((f) => f.event);
    // No balanceUpdate: Tokocrypto documents none.
    expect(events.map((e) => e.e)).toEqual([
      'outboundAccountPosition',
      'executionReport',
      'outboundAccountPosition',
    ]);
    expect(Object.keys(events[0]!)).toEqual(Object.keys(fixture('outboundAccountPosition')));
    expect(Object.keys(events[1]!)).toEqual(Object.keys(fixture('executionReport')));
    for (const e of events) expect(parseEvent(e, 'tokocrypto').ok).toBe(true);
    api.close();
  });

  it('drops what Tokocrypto does not send', () => {
    expect(tokocryptoEvent({ e: 'balanceUpdate', E: 1, a: 'BTC', d: '1', T: 1 })).toBeUndefined();
    expect(tokocryptoEvent({ e: 'listStatus', E: 1 })).toBeUndefined();
  });
});
