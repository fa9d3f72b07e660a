import { VirtualClock } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';
import { byType, call, query, signedQuery, signPayload } from './helpers.js';

let sim: Simulator;
const clock = new VirtualClock(Date.UTC(2026, 2, 1));

beforeAll(async () => {
  sim = await startSimulator({ clock });
});
afterAll(() => sim.close());

const spotAccount = (apiKey: string, q: string) =>
  call(sim.urls.rest, 'GET', '/api/v3/account', { query: q, headers: { 'X-MBX-APIKEY': apiKey } });

describe('server time and weight headers', () => {
  test.each(['/api/v3/time', '/fapi/v1/time', '/dapi/v1/time', '/openapi/v1/time'])(
    'GET %s → {"serverTime": n}',
    async (path) => {
      const r = await call(sim.urls.rest, 'GET', path);
      expect(r.status).toBe(200);
      expect(r.text).toBe(`{"serverTime":${clock.now()}}`);
      expect(r.headers['content-type']).toBe('application/json;charset=UTF-8');
      expect(Number(r.headers['x-mbx-used-weight-1m'])).toBeGreaterThanOrEqual(1);
      expect(r.headers['x-mbx-used-weight']).toBe(r.headers['x-mbx-used-weight-1m']);
    },
  );

  test('weight accumulates per host with the profile weights, and resets each minute', async () => {
    await clock.advance(60_000 - (clock.now() % 60_000));
    const hmac = byType(sim.accounts, 'hmac');
    const a = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    expect(a.headers['x-mbx-used-weight-1m']).toBe('2'); // spot listenKey weight 2
    const b = await spotAccount(hmac.apiKey, signedQuery(hmac, { timestamp: clock.now() }));
    expect(b.status).toBe(200);
    expect(b.headers['x-mbx-used-weight-1m']).toBe('22'); // + account weight 20
    const f = await call(sim.urls.rest, 'GET', '/fapi/v1/time');
    expect(f.headers['x-mbx-used-weight-1m']).toBe('1'); // separate host
    await clock.advance(60_000);
    const c = await call(sim.urls.rest, 'GET', '/api/v3/time');
    expect(c.headers['x-mbx-used-weight-1m']).toBe('1');
  });
});

describe('API key and signature checks', () => {
  test('unknown API key → 401 -2015; missing key → 401 -2014', async () => {
    const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
      headers: { 'X-MBX-APIKEY': 'x'.repeat(64) },
    });
    expect(r.status).toBe(401);
    expect(r.text).toBe('{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}');
    const m = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream');
    expect(m.status).toBe(401);
    expect(m.text).toBe('{"code":-2014,"msg":"API-key format invalid."}');
  });

  test.each(['hmac', 'rsa', 'ed25519'] as const)(
    '%s: a correct signature passes, a wrong one → 400 -1022',
    async (type) => {
      const account = byType(sim.accounts, type);
      const ok = await spotAccount(
        account.apiKey,
        signedQuery(account, { timestamp: clock.now(), recvWindow: 5000 }),
      );
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ balances: expect.any(Array) });
      const other = byType(sim.accounts, type === 'hmac' ? 'rsa' : 'hmac');
      const payload = query({ timestamp: clock.now() });
      const bad = await spotAccount(
        account.apiKey,
        `${payload}&signature=${encodeURIComponent(signPayload(other, payload))}`,
      );
      expect(bad.status).toBe(400);
      expect(bad.text).toBe('{"code":-1022,"msg":"Signature for this request is not valid."}');
    },
  );

  test('HMAC signatures are not case-sensitive', async () => {
    const hmac = byType(sim.accounts, 'hmac');
    const payload = query({ timestamp: clock.now() });
    const r = await spotAccount(
      hmac.apiKey,
      `${payload}&signature=${signPayload(hmac, payload).toUpperCase()}`,
    );
    expect(r.status).toBe(200);
  });

  test('a tampered parameter fails the signature', async () => {
    const hmac = byType(sim.accounts, 'hmac');
    const signed = signedQuery(hmac, { timestamp: clock.now(), omitZeroBalances: 'false' });
    const r = await spotAccount(
      hmac.apiKey,
      signed.replace('omitZeroBalances=false', 'omitZeroBalances=true'),
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
  });

  test('missing signature or timestamp → -1102', async () => {
    const hmac = byType(sim.accounts, 'hmac');
    const noSig = await spotAccount(hmac.apiKey, query({ timestamp: clock.now() }));
    expect(noSig.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    });
    const noTs = await spotAccount(hmac.apiKey, signedQuery(hmac, { recvWindow: 5000 }));
    expect(noTs.status).toBe(400);
    expect(noTs.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
  });

  test('timestamp outside recvWindow or more than 1 s ahead → -1021; recvWindow over 60000 → -1102', async () => {
    const hmac = byType(sim.accounts, 'hmac');
    const old = await spotAccount(hmac.apiKey, signedQuery(hmac, { timestamp: clock.now() - 5001 }));
    expect(old.status).toBe(400);
    expect(old.text).toBe('{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}');
    const wide = await spotAccount(
      hmac.apiKey,
      signedQuery(hmac, { timestamp: clock.now() - 5001, recvWindow: 10_000 }),
    );
    expect(wide.status).toBe(200);
    const ahead = await spotAccount(hmac.apiKey, signedQuery(hmac, { timestamp: clock.now() + 1000 }));
    expect(ahead.body).toEqual({
      code: -1021,
      msg: "Timestamp for this request was 1000ms ahead of the server's time.",
    });
    const slightlyAhead = await spotAccount(hmac.apiKey, signedQuery(hmac, { timestamp: clock.now() + 999 }));
    expect(slightlyAhead.status).toBe(200);
    const huge = await spotAccount(
      hmac.apiKey,
      signedQuery(hmac, { timestamp: clock.now(), recvWindow: 60_001 }),
    );
    expect(huge.body).toEqual({
      code: -1102,
      msg: "'recvWindow' contains unexpected value. Cannot be greater than 60000.",
    });
  });

  test('POST form body: the signed payload is the query string concatenated with the body', async () => {
    const hmac = byType(sim.accounts, 'hmac');
    const q = query({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' });
    const body = query({ quantity: '0.001', price: '10000', timestamp: clock.now() });
    const signature = signPayload(hmac, q + body);
    const r = await call(sim.urls.rest, 'POST', '/api/v3/order', {
      query: q,
      body: `${body}&signature=${signature}`,
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
  });

  test('the server clock skew fault moves serverTime and the recvWindow check', async () => {
    const hmac = byType(sim.accounts, 'hmac');
    sim.faults.skewClock(-10_000);
    try {
      const t = await call(sim.urls.rest, 'GET', '/api/v3/time');
      expect(t.body).toEqual({ serverTime: clock.now() - 10_000 });
      const r = await spotAccount(hmac.apiKey, signedQuery(hmac, { timestamp: clock.now() }));
      expect(r.body).toEqual({
        code: -1021,
        msg: "Timestamp for this request was 1000ms ahead of the server's time.",
      });
    } finally {
      sim.faults.skewClock(0);
    }
  });

  test('unknown path → 404 JSON', async () => {
    const r = await call(sim.urls.rest, 'GET', '/api/v3/nothing');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: -1000 });
  });
});
