/**
 * BingX in the simulator (issue #13 item 3), as its docs describe it (checked 2026-12-03):
 * - listenKey: https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html (POST with the
 *   X-BX-APIKEY header only, PUT/DELETE ?listenKey=, 404 for an unknown key);
 * - spot stream: https://bingx-api.github.io/docs/spot/socket-account.html (subscribe per dataType,
 *   {data, dataType} pushes) and …/zh-hk/spot/socket.html (GZIP frames, {"ping":…} every 5 s);
 * - swap stream: https://bingx-api.github.io/docs/swap/socket.html (GZIP frames, Ping/Pong) and
 *   https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account (/swap-market?listenKey=,
 *   events pushed without a subscription).
 */
import { gunzipSync } from 'node:zlib';
import { parseFrame, VirtualClock } from '@userstream/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator } from '../src/index.js';
import type { Simulator } from '../src/simulator.js';
import { byType, call, signedQuery } from './helpers.js';

const PATH = '/openApi/user/auth/userDataStream';
const settle = () => new Promise((r) => setTimeout(r, 20));

/** A client that inflates every frame and notes whether it came binary. */
class GzClient {
  readonly ws: WebSocket;
  readonly frames: { binary: boolean; text: string }[] = [];
  closed = false;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer, isBinary: boolean) =>
      this.frames.push({ binary: isBinary, text: isBinary ? gunzipSync(data).toString() : data.toString() }),
    );
    this.ws.on('close', () => {
      this.closed = true;
    });
    this.ws.on('error', () => {});
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }
  async waitFor(pred: (t: string) => boolean, what: string): Promise<string> {
    for (let i = 0; i < 150; i++) {
      const hit = this.frames.find((f) => pred(f.text));
      if (hit) return hit.text;
      await settle();
    }
    throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.frames.map((f) => f.text))}`);
  }
}

let sim: Simulator;
const clients: GzClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await sim?.close();
});

async function key(apiKey: string): Promise<string> {
  const r = await call(sim.urls.rest, 'POST', PATH, { headers: { 'X-BX-APIKEY': apiKey } });
  expect(r.status).toBe(200);
  return (r.body as { listenKey: string }).listenKey;
}

async function client(path: string): Promise<GzClient> {
  const c = new GzClient(`${sim.urls.ws}${path}`);
  clients.push(c);
  await c.opened();
  return c;
}

describe('BingX REST in the simulator', () => {
  it('listenKey with the API key only; PUT on an unknown key is a bare 404; the rest in {code, msg, data}', async () => {
    const clock = new VirtualClock();
    sim = await startSimulator({ clock });
    const account = byType(sim.accounts, 'hmac');
    const k = await key(account.apiKey);
    // The page's example key is 64 characters.
    expect(k).toMatch(/^[A-Za-z0-9]{64}$/);
    const put = await call(sim.urls.rest, 'PUT', PATH, {
      query: `listenKey=${k}`,
      headers: { 'X-BX-APIKEY': account.apiKey },
    });
    expect([put.status, put.text]).toEqual([200, '']);
    const gone = await call(sim.urls.rest, 'PUT', PATH, {
      query: `listenKey=${'x'.repeat(64)}`,
      headers: { 'X-BX-APIKEY': account.apiKey },
    });
    expect([gone.status, gone.text]).toEqual([404, '']);
    const time = await call(sim.urls.rest, 'GET', '/openApi/swap/v2/server/time');
    expect(time.body).toEqual({ code: 0, msg: '', data: { serverTime: expect.any(Number) } });
    const balance = await call(sim.urls.rest, 'GET', '/openApi/spot/v1/account/balance', {
      query: signedQuery(account, { timestamp: clock.now() }),
      headers: { 'X-BX-APIKEY': account.apiKey },
    });
    expect(balance.status).toBe(200);
    expect(balance.body).toMatchObject({ code: 0, msg: '', data: { balances: expect.any(Array) } });
    const refused = await call(sim.urls.rest, 'GET', '/openApi/spot/v1/account/balance', {
      query: signedQuery(account, { timestamp: clock.now() }),
      headers: { 'X-BX-APIKEY': 'nobody' },
    });
    expect([refused.status, refused.body]).toEqual([200, { code: 100413, msg: 'Incorrect apiKey' }]);
  });
});

describe('BingX streams in the simulator', () => {
  it('spot: gzip frames, {"ping":…} every 5 s, pushes only after a subscription, in {data, dataType}', async () => {
    const clock = new VirtualClock();
    sim = await startSimulator({ clock });
    const account = byType(sim.accounts, 'hmac');
    const c = await client(`/market?listenKey=${await key(account.apiKey)}`);
    sim.exchange.deposit(account.id, 'bingx-spot', 'USDT', '5');
    await clock.advance(5_000);
    const ping = JSON.parse(await c.waitFor((t) => t.includes('"ping"'), 'the ping')) as { ping: string };
    expect(ping.ping).toMatch(/^[0-9a-f]{32}$/);
    // Nothing pushed before a subscription.
    expect(c.frames.filter((f) => f.text.includes('"data"'))).toEqual([]);
    c.ws.send(JSON.stringify({ id: 'a', reqType: 'sub', dataType: 'ACCOUNT_UPDATE' }));
    c.ws.send(JSON.stringify({ id: 'b', reqType: 'sub', dataType: 'nope' }));
    await c.waitFor((t) => t.includes('"id":"b"'), 'the refusal');
    expect(c.frames.map((f) => f.text)).toContain('{"id":"a","code":0,"msg":""}');
    expect(c.frames.map((f) => f.text)).toContain('{"id":"b","code":100400,"msg":"ILLEGAL_ARGUMENT"}');
    sim.exchange.deposit(account.id, 'bingx-spot', 'USDT', '2.5');
    const text = await c.waitFor((t) => t.includes('"dataType":"ACCOUNT_UPDATE"'), 'the balance push');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['data', 'dataType']);
    const parsed = parseFrame(text, 'bingxSpot');
    if (!parsed.ok) throw parsed.error;
    expect(parsed.events[0]).toMatchObject({
      e: 'ACCOUNT_UPDATE',
      a: { m: 'DEPOSIT', B: [{ a: 'USDT', bc: '2.5' }] },
    });
    expect(c.frames.every((f) => f.binary)).toBe(true);
  });

  it('swap: gzip Ping every 5 s; a client that answers Pong stays, a silent one is dropped at 30 s', async () => {
    const clock = new VirtualClock();
    sim = await startSimulator({ clock });
    const account = byType(sim.accounts, 'hmac');
    const k = await key(account.apiKey);
    const good = await client(`/swap-market?listenKey=${k}`);
    const silent = await client(`/swap-market?listenKey=${k}`);
    good.ws.on('message', (data: Buffer) => {
      if (gunzipSync(data).toString() === 'Ping') good.ws.send('Pong');
    });
    for (let i = 1; i <= 5; i++) {
      await clock.advance(5_000);
      // Waits on the frames, not on time: each Ping reaches both clients before the next step.
      for (let w = 0; w < 150 && (silent.frames.length < i || good.frames.length < i); w++) await settle();
    }
    expect(silent.frames.map((f) => f.text)).toEqual(['Ping', 'Ping', 'Ping', 'Ping', 'Ping']);
    expect(silent.frames.every((f) => f.binary)).toBe(true);
    expect(silent.closed).toBe(false);
    await clock.advance(5_000);
    for (let i = 0; i < 50 && !silent.closed; i++) await settle();
    expect(silent.closed).toBe(true);
    expect(good.closed).toBe(false);
    // USD-M book events arrive bare, in BingX's letters.
    sim.exchange.deposit(account.id, 'bingx-swap', 'USDT', '10');
    const text = await good.waitFor((t) => t.includes('ACCOUNT_UPDATE'), 'the account push');
    const parsed = parseFrame(text, 'bingxSwap');
    if (!parsed.ok) throw parsed.error;
    expect(parsed.events[0]).toMatchObject({ e: 'ACCOUNT_UPDATE', a: { B: [{ a: 'USDT' }] } });
    expect(Object.keys((JSON.parse(text) as { a: object }).a)).toEqual(['m', 'B', 'P']);
  });

  it('a lapsed key: swap gets a gzip listenKeyExpired, spot just closes; an unknown key is refused', async () => {
    const clock = new VirtualClock();
    sim = await startSimulator({ clock, pingIntervalMs: 3_600_000, pongTimeoutMs: 7_200_000 });
    const account = byType(sim.accounts, 'hmac');
    const k = await key(account.apiKey);
    const swap = await client(`/swap-market?listenKey=${k}`);
    const spot = await client(`/market?listenKey=${k}`);
    sim.faults.expire({ accountId: account.id, venue: 'bingx-spot' });
    await swap.waitFor((t) => t.includes('listenKeyExpired'), 'the notice');
    for (let i = 0; i < 50 && !(spot.closed && swap.closed); i++) await settle();
    expect(spot.closed && swap.closed).toBe(true);
    expect(spot.frames).toEqual([]);
    await expect(client(`/swap-market?listenKey=${k}`)).rejects.toThrow('HTTP 400');
  });

  it('the malformed-frame fault is a corrupt gzip frame on a BingX stream', async () => {
    const clock = new VirtualClock();
    sim = await startSimulator({ clock, pingIntervalMs: 3_600_000, pongTimeoutMs: 7_200_000 });
    const account = byType(sim.accounts, 'hmac');
    const raw: Buffer[] = [];
    const c = await client(`/swap-market?listenKey=${await key(account.apiKey)}`);
    c.ws.removeAllListeners('message');
    c.ws.on('message', (data: Buffer) => raw.push(data));
    expect(sim.faults.malformedFrame({ accountId: account.id, venue: 'bingx-swap' })).toBe(1);
    for (let i = 0; i < 50 && raw.length === 0; i++) await settle();
    expect(raw[0]!.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(() => gunzipSync(raw[0]!)).toThrow();
  });
});
