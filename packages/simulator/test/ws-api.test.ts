import { VirtualClock } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';
import { ApiClient, byType, call, signedQuery, wsSigned } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 2, 1));
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ clock, wsApiLimits: { maxActiveSubscriptions: 3, maxSubscriptionIds: 5 } });
});
afterAll(() => sim.close());

const RATE_LIMITS = [
  {
    rateLimitType: 'REQUEST_WEIGHT',
    interval: 'MINUTE',
    intervalNum: 1,
    limit: 6000,
    count: expect.any(Number),
  },
];

describe('requests and responses', () => {
  test('ping and time: {id, status, result, rateLimits}; returnRateLimits=false hides rateLimits', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    expect(await api.send('ping')).toEqual({ id: 'r1', status: 200, result: {}, rateLimits: RATE_LIMITS });
    expect(await api.send('time')).toEqual({
      id: 'r2',
      status: 200,
      result: { serverTime: clock.now() },
      rateLimits: RATE_LIMITS,
    });
    expect(await api.send('v3/time', { returnRateLimits: false })).toEqual({
      id: 'r3',
      status: 200,
      result: { serverTime: clock.now() },
    });
    api.close();
    const quiet = await ApiClient.open(`${sim.urls.wsApi}?returnRateLimits=false`);
    expect(await quiet.send('ping')).toEqual({ id: 'r1', status: 200, result: {} });
    quiet.close();
  });

  test('bad JSON and unknown methods get error responses, the connection stays open', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    api.ws.send('{nope');
    await api.waitFrames(1);
    expect(api.json()[0]).toMatchObject({ id: null, status: 400, error: { code: -1000 } });
    expect(await api.send('order.teleport')).toMatchObject({
      status: 400,
      error: { code: -1020, msg: 'This operation is not supported.' },
    });
    expect(await api.send('ping')).toMatchObject({ status: 200 });
    api.close();
  });
});

describe('session.logon (Ed25519 only)', () => {
  test('logon, status, userDataStream.subscribe, logout ends the logon subscription with eventStreamTerminated', async () => {
    const ed = byType(sim.accounts, 'ed25519');
    const api = await ApiClient.open(sim.urls.wsApi);
    const before = await api.send('session.status');
    expect(before.result).toEqual({
      apiKey: null,
      authorizedSince: null,
      connectedSince: clock.now(),
      returnRateLimits: true,
      serverTime: clock.now(),
      userDataStream: false,
    });
    const noLogon = await api.send('userDataStream.subscribe');
    expect(noLogon).toMatchObject({
      status: 401,
      error: { code: -1002, msg: 'You are not authorized to execute this request.' },
    });
    const logon = await api.send(
      'session.logon',
      wsSigned(ed, { apiKey: ed.apiKey, timestamp: clock.now() }),
    );
    expect(logon).toMatchObject({
      status: 200,
      result: { apiKey: ed.apiKey, authorizedSince: clock.now(), userDataStream: false },
    });
    const sub = await api.send('userDataStream.subscribe');
    expect(sub).toMatchObject({ status: 200, result: { subscriptionId: 0 } });
    expect((await api.send('session.status')).result).toMatchObject({ userDataStream: true });
    expect((await api.send('session.subscriptions')).result).toEqual([{ subscriptionId: 0 }]);
    const again = await api.send('userDataStream.subscribe');
    expect(again).toMatchObject({
      status: 400,
      error: { code: -2035, msg: 'User Data Stream subscription already active.' },
    });
    sim.exchange.deposit('ed25519', 'binance-spot', 'ETH', '1');
    await api.waitFrames(api.frames.length + 2);
    expect(api.events().map((e) => [e.subscriptionId, e.event.e])).toEqual([
      [0, 'balanceUpdate'],
      [0, 'outboundAccountPosition'],
    ]);
    const out = await api.send('session.logout');
    expect(out.result).toMatchObject({ apiKey: null, authorizedSince: null, userDataStream: false });
    expect(api.events().at(-1)).toEqual({
      subscriptionId: 0,
      event: { e: 'eventStreamTerminated', E: expect.any(Number) },
    });
    api.close();
  });

  test('HMAC and RSA keys cannot log on; bad signature -1022; unknown key -2015; stale timestamp -1021', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    for (const type of ['hmac', 'rsa'] as const) {
      const a = byType(sim.accounts, type);
      expect(
        await api.send('session.logon', wsSigned(a, { apiKey: a.apiKey, timestamp: clock.now() })),
      ).toMatchObject({
        status: 400,
        error: { code: -1020, msg: 'This operation is not supported.' },
      });
    }
    const ed = byType(sim.accounts, 'ed25519');
    const hmac = byType(sim.accounts, 'hmac');
    const forged = { ...wsSigned(hmac, { apiKey: ed.apiKey, timestamp: clock.now() }) };
    expect(await api.send('session.logon', forged)).toMatchObject({
      status: 400,
      error: { code: -1022, msg: 'Signature for this request is not valid.' },
    });
    expect(
      await api.send('session.logon', wsSigned(ed, { apiKey: 'k'.repeat(64), timestamp: clock.now() })),
    ).toMatchObject({
      status: 401,
      error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
    });
    expect(
      await api.send('session.logon', wsSigned(ed, { apiKey: ed.apiKey, timestamp: clock.now() - 6000 })),
    ).toMatchObject({
      status: 400,
      error: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
    });
    expect(
      await api.send(
        'session.logon',
        wsSigned(ed, { apiKey: ed.apiKey, timestamp: clock.now() - 6000, recvWindow: 10000 }),
      ),
    ).toMatchObject({ status: 200 });
    api.close();
  });
});

describe('userDataStream.subscribe.signature', () => {
  test('any key type; params are signed sorted by name; one subscription per account; unsubscribe', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    const ids: number[] = [];
    for (const type of ['rsa', 'hmac', 'ed25519'] as const) {
      const a = byType(sim.accounts, type);
      const r = await api.send(
        'userDataStream.subscribe.signature',
        wsSigned(a, { timestamp: clock.now(), apiKey: a.apiKey }),
      );
      expect(r).toMatchObject({ status: 200, result: { subscriptionId: expect.any(Number) } });
      ids.push((r.result as { subscriptionId: number }).subscriptionId);
    }
    expect(ids).toEqual([0, 1, 2]);
    const hmac = byType(sim.accounts, 'hmac');
    const dup = await api.send(
      'userDataStream.subscribe.signature',
      wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: clock.now() }),
    );
    expect(dup).toEqual({
      id: expect.any(String),
      status: 400,
      error: { code: -2035, msg: 'User Data Stream subscription already active.' },
      rateLimits: RATE_LIMITS,
    });
    // Events for the hmac account carry its subscription id only.
    sim.exchange.deposit('hmac', 'binance-spot', 'USDT', '2');
    await api.waitFrames(api.frames.length + 2);
    expect(api.events().map((e) => e.subscriptionId)).toEqual([1, 1]);
    const unsub = await api.send('userDataStream.unsubscribe', { subscriptionId: 1 });
    expect(unsub).toMatchObject({ status: 200, result: {} });
    expect(api.events().at(-1)).toEqual({
      subscriptionId: 1,
      event: { e: 'eventStreamTerminated', E: expect.any(Number) },
    });
    const notSub = await api.send('userDataStream.unsubscribe', { subscriptionId: 1 });
    expect(notSub).toMatchObject({
      status: 400,
      error: { code: -2036, msg: 'User Data Stream subscription not active.' },
    });
    expect((await api.send('session.subscriptions')).result).toEqual([
      { subscriptionId: 0 },
      { subscriptionId: 2 },
    ]);
    await api.send('userDataStream.unsubscribe');
    expect((await api.send('session.subscriptions')).result).toEqual([]);
    api.close();
  });

  test('limits: active subscriptions (-1191) and subscription ids per connection (-2042)', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    const subscribe = (type: 'hmac' | 'rsa' | 'ed25519') => {
      const a = byType(sim.accounts, type);
      return api.send(
        'userDataStream.subscribe.signature',
        wsSigned(a, { apiKey: a.apiKey, timestamp: clock.now() }),
      );
    };
    await subscribe('hmac');
    await subscribe('rsa');
    await subscribe('ed25519');
    // maxActiveSubscriptions is 3 here: a 4th account would exceed it (there are only 3, so use a listenToken).
    const hmac = byType(sim.accounts, 'hmac');
    const token = await call(sim.urls.rest, 'POST', '/sapi/v1/userListenToken', {
      query: signedQuery(hmac, { timestamp: clock.now() }),
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    const over = await api.send('userDataStream.subscribe.listenToken', {
      listenToken: (token.body as { token: string }).token,
    });
    expect(over).toMatchObject({
      status: 400,
      error: {
        code: -1191,
        msg: "Too many subscriptions. Connection may create up to '3' subscriptions at a time.",
      },
    });
    await api.send('userDataStream.unsubscribe');
    expect(await subscribe('hmac')).toMatchObject({ result: { subscriptionId: 3 } });
    expect(await subscribe('rsa')).toMatchObject({ result: { subscriptionId: 4 } });
    expect(await subscribe('ed25519')).toMatchObject({
      status: 400,
      error: { code: -2042, msg: 'Maximum subscription ID reached for this connection.' },
    });
    api.close();
  });
});

describe('listenToken', () => {
  const tokenFor = async (params: Record<string, string | number> = {}) => {
    const hmac = byType(sim.accounts, 'hmac');
    return call(sim.urls.rest, 'POST', '/sapi/v1/userListenToken', {
      query: signedQuery(hmac, { ...params, timestamp: clock.now() }),
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
  };

  test('POST /sapi/v1/userListenToken → {token, expirationTime}; default and max validity 24 h', async () => {
    const r = await tokenFor();
    expect(r.status).toBe(200);
    expect(Object.keys(r.body as object)).toEqual(['token', 'expirationTime']);
    expect((r.body as { expirationTime: number }).expirationTime).toBe(clock.now() + 24 * 3_600_000);
    const short = await tokenFor({ validity: 60_000 });
    expect((short.body as { expirationTime: number }).expirationTime).toBe(clock.now() + 60_000);
    const tooLong = await tokenFor({ validity: 24 * 3_600_000 + 1 });
    expect(tooLong.body).toEqual({ code: -1130, msg: "Data sent for parameter 'validity' is not valid." });
    const isolatedNoSymbol = await tokenFor({ isIsolated: 'TRUE' });
    expect(isolatedNoSymbol.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
    const unsigned = await call(sim.urls.rest, 'POST', '/sapi/v1/userListenToken', {
      query: `timestamp=${clock.now()}`,
      headers: { 'X-MBX-APIKEY': byType(sim.accounts, 'hmac').apiKey },
    });
    expect(unsigned.body).toMatchObject({ code: -1102 });
  });

  test('subscribe with a token; a new token renews the same subscription; expiry ends it with eventStreamTerminated', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    const first = (await tokenFor({ validity: 60_000 })).body as { token: string; expirationTime: number };
    const sub = await api.send('userDataStream.subscribe.listenToken', { listenToken: first.token });
    expect(sub).toMatchObject({
      status: 200,
      result: { subscriptionId: 0, expirationTime: first.expirationTime },
    });
    sim.exchange.deposit('hmac', 'binance-margin', 'USDT', '3');
    await api.waitFrames(api.frames.length + 2);
    expect(api.events().map((e) => e.event.e)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
    await clock.advance(50_000);
    const second = (await tokenFor({ validity: 60_000 })).body as { token: string; expirationTime: number };
    const renewed = await api.send('userDataStream.subscribe.listenToken', { listenToken: second.token });
    expect(renewed).toMatchObject({
      status: 200,
      result: { subscriptionId: 0, expirationTime: second.expirationTime },
    });
    await clock.advance(20_000); // past the first token's expiry: the subscription lives on
    expect(api.events().some((e) => e.event.e === 'eventStreamTerminated')).toBe(false);
    await clock.advance(40_000);
    for (let i = 0; i < 100 && api.events().at(-1)?.event.e !== 'eventStreamTerminated'; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(api.events().at(-1)).toEqual({
      subscriptionId: 0,
      event: { e: 'eventStreamTerminated', E: second.expirationTime },
    });
    expect((await api.send('session.subscriptions')).result).toEqual([]);
    const stale = await api.send('userDataStream.subscribe.listenToken', { listenToken: second.token });
    expect(stale).toMatchObject({ status: 400, error: { code: -1209 } });
    const bogus = await api.send('userDataStream.subscribe.listenToken', { listenToken: 'not-a-token-0000' });
    expect(bogus).toMatchObject({ status: 400, error: { code: -1209, msg: 'Invalid listenToken.' } });
    api.close();
  });

  test('isolated tokens stream only their symbol', async () => {
    const api = await ApiClient.open(sim.urls.wsApi);
    const token = (await tokenFor({ isIsolated: 'TRUE', symbol: 'BTCUSDT' })).body as { token: string };
    expect(
      await api.send('userDataStream.subscribe.listenToken', { listenToken: token.token }),
    ).toMatchObject({ status: 200 });
    sim.exchange.deposit('hmac', 'binance-isolated-margin', 'ETHUSDT:USDT', '1');
    sim.exchange.deposit('hmac', 'binance-isolated-margin', 'BTCUSDT:USDT', '1');
    await api.waitFrames(api.frames.length + 2);
    await new Promise((r) => setTimeout(r, 50));
    const events = api.events();
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain('ETHUSDT');
    api.close();
  });
});
