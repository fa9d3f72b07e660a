/**
 * Issue #13 item 1: the simulator speaks MEXC spot's user data protocol as documented at
 * https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams (checked 2026-12-03):
 * signed POST/GET/PUT/DELETE /api/v3/userDataStream with X-MEXC-APIKEY, 60 keys per account,
 * `/ws?listenKey=`, nothing before a SUBSCRIPTION, JSON acks and PONG, protobuf pushes, drops
 * after 30 s without a subscription and 60 s without data, 5 connections per key.
 * Frames are decoded here with protobufjs straight from MEXC's .proto files (not the simulator's
 * encoder, not the client's decoder).
 */
import { fileURLToPath } from 'node:url';
import { mexcProtoDir, parseFrame, VirtualClock, venues } from '@userstream/core';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { call, signedQuery } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let alice: SimAccount;
const profile = venues.mexc;

const root = new protobuf.Root();
root.resolvePath = (_o, t) => fileURLToPath(new URL(t.replace(/^.*[\\/]/, ''), mexcProtoDir()));
root.loadSync('PushDataV3ApiWrapper.proto');
const Wrapper = root.lookupType('PushDataV3ApiWrapper');

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'a' }] });
  alice = sim.accounts[0] as SimAccount;
});
afterAll(() => sim.close());

function rest(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params: Record<string, string | number> = {},
) {
  return call(sim.urls.rest, method, path, {
    query: signedQuery(alice, { ...params, timestamp: clock.now() }),
    headers: { 'X-MEXC-APIKEY': alice.apiKey },
  });
}

async function newKey(): Promise<string> {
  const res = await rest('POST', '/api/v3/userDataStream');
  expect(res.status).toBe(200);
  return (res.body as { listenKey: string }).listenKey;
}

/** A raw client that keeps text and binary frames apart. */
class MexcClient {
  readonly ws: WebSocket;
  readonly text: string[] = [];
  readonly pushes: Record<string, unknown>[] = [];
  closed: number | undefined;
  constructor(key: string) {
    const base = sim.venue('mexc').streamBaseUrl as string;
    this.ws = new WebSocket(`${base}/ws?listenKey=${key}`);
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary)
        this.pushes.push(Wrapper.toObject(Wrapper.decode(data), { longs: Number, oneofs: true }) as never);
      else this.text.push(data.toString());
    });
    this.ws.on('close', (code: number) => {
      this.closed = code;
    });
    this.ws.on('error', () => {});
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
    });
  }
  async until(what: string, predicate: () => boolean): Promise<void> {
    const end = Date.now() + 3000;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

const SUBSCRIBE = JSON.stringify({
  method: 'SUBSCRIPTION',
  params: ['spot@private.account.v3.api.pb', 'spot@private.deals.v3.api.pb', 'spot@private.orders.v3.api.pb'],
});

describe('MEXC spot on the simulator', () => {
  test('listenKey REST: every POST a new 64-character key, GET lists them, PUT and DELETE answer the key', async () => {
    const a = await newKey();
    const b = await newKey();
    expect(a).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(b).not.toBe(a);
    const list = await rest('GET', '/api/v3/userDataStream');
    expect((list.body as { listenKey: string[] }).listenKey).toEqual(expect.arrayContaining([a, b]));
    expect((await rest('PUT', '/api/v3/userDataStream', { listenKey: a })).body).toEqual({ listenKey: a });
    expect((await rest('DELETE', '/api/v3/userDataStream', { listenKey: a })).body).toEqual({ listenKey: a });
    expect((await rest('DELETE', '/api/v3/userDataStream', { listenKey: b })).body).toEqual({ listenKey: b });
    const unsigned = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
      query: '',
      headers: { 'X-MEXC-APIKEY': alice.apiKey },
    });
    expect(unsigned.status).not.toBe(200);
  });

  test('at most 60 valid keys per account', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 60; i++) keys.push(await newKey());
    const refused = await rest('POST', '/api/v3/userDataStream');
    expect(refused.status).toBe(400);
    for (const k of keys) await rest('DELETE', '/api/v3/userDataStream', { listenKey: k });
    expect((await rest('POST', '/api/v3/userDataStream')).status).toBe(200);
  });

  test('nothing before SUBSCRIPTION; then a JSON ack, protobuf pushes of an order and its fill, PING → PONG', async () => {
    const key = await newKey();
    const c = new MexcClient(key);
    await c.opened();
    sim.exchange.deposit('a', 'mexc', 'USDT', '5');
    c.ws.send(SUBSCRIBE);
    await c.until('ack', () => c.text.length === 1);
    expect(c.text[0]).toBe(
      '{"id":0,"code":0,"msg":"spot@private.account.v3.api.pb,spot@private.deals.v3.api.pb,spot@private.orders.v3.api.pb"}',
    );
    expect(c.pushes).toEqual([]);
    const placed = await rest('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.001',
    });
    expect(placed.status).toBe(200);
    await c.until('order pushes', () =>
      c.pushes.some(
        (p) => p.body === 'privateOrders' && (p.privateOrders as { status: number }).status === 2,
      ),
    );
    const deal = c.pushes.find((p) => p.body === 'privateDeals') as Record<string, unknown>;
    const filled = c.pushes.findLast((p) => p.body === 'privateOrders') as Record<string, unknown>;
    expect(deal).toMatchObject({ channel: 'spot@private.deals.v3.api.pb', symbol: 'BTCUSDT' });
    expect(filled).toMatchObject({
      channel: 'spot@private.orders.v3.api.pb',
      symbol: 'BTCUSDT',
      privateOrders: {
        tradeType: 1,
        orderType: 5,
        status: 2,
        quantity: '0.00100000',
        cumulativeQuantity: '0.00100000',
      },
    });
    expect((filled.privateOrders as { id: string }).id).toBe(
      String((placed.body as { orderId: unknown }).orderId),
    );
    const account = c.pushes.filter((p) => p.body === 'privateAccount');
    expect(account.length).toBeGreaterThan(0);
    expect(account.at(-1)).toMatchObject({ channel: 'spot@private.account.v3.api.pb' });
    // Every push parses in core's mexc dialect once decoded as the client does (e = body name,
    // E = sendTime, c = channel, s = symbol, d = body with proto3 defaults).
    for (const push of c.pushes) {
      const body = push.body as string;
      const full = Wrapper.toObject(Wrapper.fromObject(push), { longs: Number, defaults: true }) as Record<
        string,
        unknown
      >;
      const text = JSON.stringify({
        e: body,
        E: push.sendTime,
        c: push.channel,
        s: push.symbol,
        d: full[body],
      });
      const parsed = parseFrame(text, 'mexc');
      if (!parsed.ok) throw parsed.error;
      expect(parsed.events[0]?.e).toBe(body);
    }
    c.ws.send('{"method":"PING"}');
    await c.until('PONG', () => c.text.includes('{"id":0,"code":0,"msg":"PONG"}'));
    c.ws.terminate();
  });

  test('dropped 30 s after opening without a subscription, and after 60 s without data', async () => {
    const key = await newKey();
    const quiet = new MexcClient(key);
    await quiet.opened();
    await clock.advance(29_999);
    expect(quiet.closed).toBeUndefined();
    await clock.advance(1);
    await quiet.until('close', () => quiet.closed !== undefined);

    const idle = new MexcClient(key);
    await idle.opened();
    idle.ws.send(SUBSCRIBE);
    await idle.until('ack', () => idle.text.length === 1);
    await clock.advance(40_000);
    idle.ws.send('{"method":"PING"}'); // data: the 60 s start again
    await idle.until('PONG', () => idle.text.length === 2);
    await clock.advance(59_000);
    expect(idle.closed).toBeUndefined();
    await clock.advance(1_000);
    await idle.until('idle close', () => idle.closed !== undefined);
  });

  test('duplicate and reorder faults apply to the binary pushes', async () => {
    const key = await newKey();
    const c = new MexcClient(key);
    await c.opened();
    c.ws.send(SUBSCRIBE);
    await c.until('ack', () => c.text.length === 1);
    const assets = ['BTC', 'ETH', 'BNB'];
    expect(sim.faults.duplicate({ venue: 'mexc', count: 1 })).toBe(1);
    sim.exchange.deposit('a', 'mexc', 'BTC', '1');
    await c.until('duplicate', () => c.pushes.length === 2);
    expect(c.pushes[1]).toEqual(c.pushes[0]);
    expect(sim.faults.reorder({ venue: 'mexc', window: 3 })).toBe(1);
    for (const asset of assets) sim.exchange.deposit('a', 'mexc', asset, '2');
    await c.until('reordered window', () => c.pushes.length === 5);
    const names = c.pushes.slice(2).map((p) => (p.privateAccount as { vcoinName: string }).vcoinName);
    expect(names).toEqual([...assets].reverse());
    c.ws.terminate();
  });

  test('at most 5 connections per key: the sixth is closed with 1008', async () => {
    const key = await newKey();
    const clients = Array.from({ length: 6 }, () => new MexcClient(key));
    await Promise.all(clients.map((c) => c.opened()));
    const sixth = clients[5] as MexcClient;
    await sixth.until('close', () => sixth.closed !== undefined);
    expect(sixth.closed).toBe(1008);
    expect(clients.slice(0, 5).every((c) => c.closed === undefined)).toBe(true);
    for (const c of clients) c.ws.terminate();
  });
});

test('the MEXC profile points the simulator at its /ws?listenKey= path', () => {
  expect(profile.listenKey?.streamPath).toBe('/ws?listenKey={listenKey}');
});
