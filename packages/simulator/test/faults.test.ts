import { ErrorCode, VirtualClock } from '@userstream/core';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call, signedQuery, wsSigned } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 2, 1));
let sim: Simulator;
let hmac: SimAccount;
let rsa: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock });
  hmac = byType(sim.accounts, 'hmac');
  rsa = byType(sim.accounts, 'rsa');
});
afterAll(() => sim.close());
afterEach(() => {
  // Each test starts with fresh keys and no connections.
  sim.faults.clear();
  sim.faults.expire();
  sim.faults.drop({ mode: 'terminate' });
});

async function openSpotStream(account: SimAccount): Promise<{ key: string; client: Client }> {
  const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
    headers: { 'X-MBX-APIKEY': account.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  return { key, client: await Client.open(`${sim.urls.ws}/ws/${key}`) };
}

async function admin(body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await request(`${sim.urls.admin}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

const deposit = (id = 'hmac', amount = '1') => sim.exchange.deposit(id, 'binance-spot', 'USDT', amount);
const pause = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('connection faults', () => {
  test('drop: clean close (1001) or abrupt terminate (1006), targeted at one account', async () => {
    const a = await openSpotStream(hmac);
    const b = await openSpotStream(rsa);
    expect(sim.faults.drop({ apiKey: hmac.apiKey, venue: 'binance-spot-legacy' })).toBe(1);
    expect((await a.client.waitClose()).code).toBe(1001);
    await pause();
    expect(b.client.closed).toBeUndefined();
    expect((await admin({ type: 'drop', mode: 'terminate', accountId: 'rsa' })).body).toMatchObject({
      type: 'drop',
      affected: 1,
    });
    expect((await b.client.waitClose()).code).toBe(1006);
  });

  test('stall: no data, no pongs until released; then what was held back arrives', async () => {
    const s = await openSpotStream(hmac);
    const handle = sim.faults.stall({ accountId: 'hmac' });
    deposit();
    let ponged = false;
    s.client.ws.once('pong', () => {
      ponged = true;
    });
    s.client.ws.ping();
    await pause(80);
    expect(s.client.frames).toEqual([]);
    expect(ponged).toBe(false);
    handle.release();
    await s.client.waitFrames(2);
    expect(s.client.json().map((e) => e.e)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
    s.client.ws.ping();
    await new Promise((r) => s.client.ws.once('pong', r));
    s.client.close();
  });

  test('stall with durationMs releases itself on the clock; flush:false discards', async () => {
    const s = await openSpotStream(hmac);
    sim.faults.stall({ accountId: 'hmac', durationMs: 5000, flush: false });
    deposit();
    await clock.advance(5000);
    deposit();
    await s.client.waitFrames(2);
    await pause();
    expect(s.client.frames.length).toBe(2);
    s.client.close();
  });

  test('refuseConnections: upgrades get 503 (reject) or a reset, until released', async () => {
    const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    const key = (r.body as { listenKey: string }).listenKey;
    const h = sim.faults.refuseConnections();
    await expect(Client.open(`${sim.urls.ws}/ws/${key}`)).rejects.toThrow('HTTP 503');
    await expect(ApiClient.open(sim.urls.wsApi)).rejects.toThrow();
    h.release();
    (await Client.open(`${sim.urls.ws}/ws/${key}`)).close();
    sim.faults.refuseConnections({ mode: 'reset', durationMs: 1000 });
    await expect(Client.open(`${sim.urls.ws}/ws/${key}`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await clock.advance(1000);
    (await Client.open(`${sim.urls.ws}/ws/${key}`)).close();
    // REST keeps working during a refusal.
    sim.faults.refuseConnections({ durationMs: 1000 });
    expect((await call(sim.urls.rest, 'GET', '/api/v3/time')).status).toBe(200);
  });
});

describe('credential faults', () => {
  test('expire: the key lapses now with listenKeyExpired; keepalives then get -1125', async () => {
    const s = await openSpotStream(hmac);
    expect(sim.faults.expire({ listenKey: s.key })).toBe(1);
    await s.client.waitClose();
    expect(s.client.json()).toEqual([{ e: 'listenKeyExpired', E: expect.any(Number), listenKey: s.key }]);
    expect(s.client.json()[0]?.E).toBeGreaterThanOrEqual(clock.now());
    const put = await call(sim.urls.rest, 'PUT', '/api/v3/userDataStream', {
      query: `listenKey=${s.key}`,
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    expect(put.body).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
  });

  test('expire a listenToken now: its subscription ends with eventStreamTerminated', async () => {
    const t = await call(sim.urls.rest, 'POST', '/sapi/v1/userListenToken', {
      query: signedQuery(hmac, { timestamp: clock.now() }),
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    const token = (t.body as { token: string }).token;
    const api = await ApiClient.open(sim.urls.wsApi);
    await api.send('userDataStream.subscribe.listenToken', { listenToken: token });
    expect((await admin({ type: 'expire', accountId: 'hmac', venue: 'binance-margin' })).body).toMatchObject({
      affected: 1,
    });
    await api.waitFrames(2);
    expect(api.events()).toEqual([
      { subscriptionId: 0, event: { e: 'eventStreamTerminated', E: clock.now() } },
    ]);
    api.close();
  });

  test.each([
    ['-1125', 400, '{"code":-1125,"msg":"This listenKey does not exist."}'],
    ['5xx', 500, '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}'],
  ] as const)(
    'failKeepalives %s: the next N keepalives fail, the key stays valid',
    async (mode, status, text) => {
      const s = await openSpotStream(hmac);
      sim.faults.failKeepalives({ accountId: 'hmac', mode, count: 2 });
      const put = () =>
        call(sim.urls.rest, 'PUT', '/api/v3/userDataStream', {
          query: `listenKey=${s.key}`,
          headers: { 'X-MBX-APIKEY': hmac.apiKey },
        });
      for (let i = 0; i < 2; i++) {
        const r = await put();
        expect(r.status).toBe(status);
        expect(r.text).toBe(text);
      }
      expect((await put()).status).toBe(200);
      expect(sim.record.keepalives(s.key).length).toBe(1);
      s.client.close();
    },
  );

  test('failKeepalives timeout: the keepalive is never answered', async () => {
    const s = await openSpotStream(hmac);
    sim.faults.failKeepalives({ mode: 'timeout' });
    await expect(
      request(`${sim.urls.rest}/api/v3/userDataStream?listenKey=${s.key}`, {
        method: 'PUT',
        headers: { 'X-MBX-APIKEY': hmac.apiKey },
        headersTimeout: 200,
      }),
    ).rejects.toThrow(/timeout/i);
    s.client.close();
  });
});

describe('hangRequests', () => {
  test('the next `count` requests to one path (and method) are never answered; others are', async () => {
    const handle = sim.faults.hangRequests({ method: 'GET', path: '/fapi/v1/time', count: 1 });
    expect(sim.faults.active()).toContainEqual({ id: handle.id, type: 'hangRequests' });
    const get = (headersTimeout: number) =>
      request(`${sim.urls.rest}/fapi/v1/time`, { method: 'GET', headersTimeout });
    await expect(get(200)).rejects.toThrow(/timeout/i);
    expect(sim.record.requestCount('GET', '/fapi/v1/time')).toBe(1);
    expect((await get(2_000)).statusCode).toBe(200);
    expect(sim.faults.active()).toEqual([]);
    sim.faults.hangRequests({ path: '/fapi/v1/time', count: 5 }).release();
    expect((await get(2_000)).statusCode).toBe(200);
    expect(() => sim.faults.hangRequests({ path: 'fapi/v1/time' })).toThrow(/needs the REST `path`/);
    expect(sim.faults.apply({ type: 'hangRequests', path: '/fapi/v1/time' }).type).toBe('hangRequests');
    sim.faults.clear();
    expect(sim.faults.active()).toEqual([]);
  });
});

describe('rate limit faults', () => {
  test('rateLimit: 429 -1003 with Retry-After; continuing while limited earns a 418 ban', async () => {
    sim.faults.rateLimit({ venue: 'binance-usdm', retryAfterMs: 30_000 });
    const a = await call(sim.urls.rest, 'GET', '/fapi/v1/time');
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('30');
    expect(a.body).toEqual({
      code: -1003,
      msg: 'Too much request weight used; current limit is 2400 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
    });
    expect((await call(sim.urls.rest, 'GET', '/api/v3/time')).status).toBe(200); // other host
    const b = await call(sim.urls.rest, 'GET', '/fapi/v1/time');
    expect(b.status).toBe(418);
    expect(b.headers['retry-after']).toBe('120');
    expect((b.body as { msg: string }).msg).toBe(
      `Way too much request weight used; IP banned until ${clock.now() + 120_000}. Please use WebSocket Streams for live updates to avoid bans.`,
    );
    await clock.advance(120_000);
    expect((await call(sim.urls.rest, 'GET', '/fapi/v1/time')).status).toBe(200);
  });

  test('ban: 418 with Retry-After for the duration, WebSocket API included', async () => {
    sim.faults.ban({ durationMs: 10_000 });
    const r = await call(sim.urls.rest, 'GET', '/api/v3/time');
    expect(r.status).toBe(418);
    expect(r.headers['retry-after']).toBe('10');
    const api = await ApiClient.open(sim.urls.wsApi);
    expect(await api.send('ping')).toMatchObject({
      status: 418,
      error: { code: -1003, data: { retryAfter: clock.now() + 10_000, serverTime: clock.now() } },
    });
    api.close();
    await clock.advance(10_000);
    expect((await call(sim.urls.rest, 'GET', '/api/v3/time')).status).toBe(200);
  });

  test('over the weight limit by real requests: 429 until the minute ends', async () => {
    await clock.advance(60_000 - (clock.now() % 60_000));
    // /openapi/v1/account weighs 5 against BHEX's 1200 per minute.
    const account = () =>
      call(sim.urls.rest, 'GET', '/openapi/v1/account', {
        query: signedQuery(hmac, { timestamp: clock.now() }),
        headers: { 'X-BH-APIKEY': hmac.apiKey },
      });
    for (let i = 0; i < 240; i++) expect((await account()).status).toBe(200);
    await clock.advance(15_000);
    const over = await account();
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBe('45');
    expect(over.headers['x-mbx-used-weight-1m']).toBe('1205');
    await clock.advance(45_000);
    expect((await account()).status).toBe(200);
  });
});

describe('frame faults', () => {
  test('duplicate: the next N events are sent twice; record keeps them once', async () => {
    const s = await openSpotStream(hmac);
    sim.record.clear();
    sim.faults.duplicate({ accountId: 'hmac', count: 2 });
    deposit();
    deposit('hmac', '2');
    await s.client.waitFrames(6);
    // Two deposits can share a millisecond E: an event is its whole text.
    const es = s.client.frames.slice(0, 6);
    expect(es[0]).toBe(es[1]);
    expect(es[2]).toBe(es[3]);
    expect(new Set(es).size).toBe(4);
    expect(sim.record.events({ accountId: 'hmac', venue: 'binance-spot' }).length).toBe(4);
    s.client.close();
  });

  test('reorder: a window is delivered last-first; E stays the emission order', async () => {
    const s = await openSpotStream(hmac);
    sim.faults.reorder({ accountId: 'hmac', window: 4 });
    deposit();
    deposit();
    deposit();
    await s.client.waitFrames(6);
    const Es = s.client.json().map((e) => e.E as number);
    expect(Es.slice(0, 4)).toEqual([...Es.slice(0, 4)].sort((x, y) => y - x));
    expect(Es.slice(4)).toEqual([...Es.slice(4)].sort((x, y) => x - y));
    const recorded = sim.record.events({ accountId: 'hmac', venue: 'binance-spot' }).map((e) => e.E);
    expect(recorded).toEqual([...recorded].sort((x, y) => x - y));
    s.client.close();
  });

  test('reorder: a partial window is flushed after a second of clock time', async () => {
    const s = await openSpotStream(hmac);
    sim.faults.reorder({ accountId: 'hmac', window: 10 });
    deposit();
    await pause();
    expect(s.client.frames).toEqual([]);
    await clock.advance(1000);
    await s.client.waitFrames(2);
    expect(s.client.json().map((e) => e.e)).toEqual(['outboundAccountPosition', 'balanceUpdate']);
    s.client.close();
  });

  test('malformedFrame and unknownEvent', async () => {
    const s = await openSpotStream(hmac);
    const api = await ApiClient.open(sim.urls.wsApi);
    await api.send(
      'userDataStream.subscribe.signature',
      wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: clock.now() }),
    );
    expect((await admin({ type: 'malformedFrame', accountId: 'hmac' })).body).toMatchObject({ affected: 2 });
    expect(sim.faults.unknownEvent({ accountId: 'hmac', venue: 'binance-spot' })).toBe(2);
    await s.client.waitFrames(2);
    expect(() => JSON.parse(s.client.frames[0] as string)).toThrow();
    expect(JSON.parse(s.client.frames[1] as string)).toMatchObject({
      e: 'simUnknownEvent',
      E: expect.any(Number),
    });
    await api.waitFrames(3);
    expect(() => JSON.parse(api.frames[1] as string)).toThrow();
    expect(JSON.parse(api.frames[2] as string)).toMatchObject({
      subscriptionId: 0,
      event: { e: 'simUnknownEvent' },
    });
    s.client.close();
    api.close();
  });

  test('serverShutdown (then close) and eventStreamTerminated on the WebSocket API', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    await api.send(
      'userDataStream.subscribe.signature',
      wsSigned(rsa, { apiKey: rsa.apiKey, timestamp: clock.now() }),
    );
    expect(sim.faults.eventStreamTerminated({ apiKey: rsa.apiKey })).toBe(1);
    await api.waitFrames(2);
    expect(api.events()).toEqual([
      { subscriptionId: 0, event: { e: 'eventStreamTerminated', E: expect.any(Number) } },
    ]);
    expect(sim.faults.serverShutdown({ closeAfterMs: 5000 })).toBe(1);
    await api.waitFrames(3);
    expect(api.json()[2]).toEqual({ event: { e: 'serverShutdown', E: clock.now() } });
    await clock.advance(5000);
    expect((await api.waitClose()).code).toBe(1001);
  });
});

describe('admin endpoint', () => {
  test('GET /admin/state never shows secrets; bad faults get 400 with a message', async () => {
    const s = await openSpotStream(hmac);
    const res = await request(`${sim.urls.admin}/state`);
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ connections: { stream: 1 }, listenKeys: expect.any(Array) });
    expect(text).not.toContain(s.key);
    for (const a of sim.accounts) {
      expect(text).not.toContain(a.apiKey);
      if (a.secret) expect(text).not.toContain(a.secret);
    }
    const bad = await admin({ type: 'explode' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: ErrorCode.InvalidInput,
      error: expect.stringMatching(/^@userstream\/simulator: unknown fault type "explode"/),
    });
    const badTarget = await admin({ type: 'drop', apiKey: 'nope' });
    expect(badTarget.body).toMatchObject({
      error: expect.stringContaining('not one of the simulator accounts'),
    });
    const del = await request(`${sim.urls.admin}/faults`, { method: 'DELETE' });
    expect(del.statusCode).toBe(200);
    await del.body.dump();
    s.client.close();
  });

  test('POST /admin/deposit and /admin/price drive the engine', async () => {
    const s = await openSpotStream(hmac);
    const res = await request(`${sim.urls.admin}/deposit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: hmac.apiKey, venue: 'binance-spot', asset: 'BTC', amount: '0.25' }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await s.client.waitFrames(1);
    expect(s.client.json()[0]).toMatchObject({ e: 'balanceUpdate', a: 'BTC', d: '0.25000000' });
    const price = await request(`${sim.urls.admin}/price`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"symbol":"BTCUSDT","price":"61000"}',
    });
    await price.body.dump();
    expect(sim.exchange.price('BTCUSDT')).toBe('61000');
    s.client.close();
  });
});
