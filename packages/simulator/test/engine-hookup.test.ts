import { type VenueId, VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { byType, Client, call, signedQuery } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 2, 1));
let sim: Simulator;
let hmac: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'alice' }] });
  hmac = byType(sim.accounts, 'hmac');
});
afterAll(() => sim.close());

interface Case {
  venue: VenueId;
  symbol: string;
  qty: string;
  price: string;
  newType: string;
  extra?: Record<string, string>;
}

const CASES: Case[] = [
  {
    venue: 'binance-spot-legacy',
    symbol: 'BTCUSDT',
    qty: '0.01',
    price: '50000',
    newType: 'executionReport',
  },
  {
    venue: 'binance-margin-legacy',
    symbol: 'BTCUSDT',
    qty: '0.01',
    price: '50000',
    newType: 'executionReport',
  },
  {
    venue: 'binance-isolated-margin-legacy',
    symbol: 'BTCUSDT',
    qty: '0.001',
    price: '50000',
    newType: 'executionReport',
    extra: { isIsolated: 'TRUE' },
  },
  { venue: 'binance-usdm', symbol: 'BTCUSDT', qty: '0.01', price: '50000', newType: 'ORDER_TRADE_UPDATE' },
  { venue: 'binance-coinm', symbol: 'BTCUSD_PERP', qty: '1', price: '50000', newType: 'ORDER_TRADE_UPDATE' },
  {
    venue: 'binance-portfolio-margin',
    symbol: 'BTCUSDT',
    qty: '0.01',
    price: '50000',
    newType: 'ORDER_TRADE_UPDATE',
  },
  { venue: 'bhex', symbol: 'BTCUSDT', qty: '0.01', price: '50000', newType: 'executionReport' },
  { venue: 'coins-ph', symbol: 'BTCUSDT', qty: '0.01', price: '50000', newType: 'executionReport' },
];

async function openStream(venue: VenueId): Promise<{ client: Client; key: string }> {
  const profile = venues[venue];
  const lk = profile.listenKey;
  if (!lk) throw new Error('no listenKey');
  const params: Record<string, string | number> = {};
  if (lk.requiresSymbol) params.symbol = 'BTCUSDT';
  if (lk.create.signed) params.timestamp = clock.now();
  const q = lk.create.signed
    ? signedQuery(hmac, params)
    : new URLSearchParams(params as Record<string, string>).toString();
  const r = await call(sim.urls.rest, 'POST', lk.create.path, {
    query: q,
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const base = sim.venue(venue).streamBaseUrl as string;
  return { key, client: await Client.open(`${base}${lk.streamPath.replace('{listenKey}', key)}`) };
}

function signed(
  venue: VenueId,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, string>,
) {
  const header = venues[venue].apiKeyHeader;
  return call(sim.urls.rest, method, path, {
    query: signedQuery(hmac, { ...params, timestamp: clock.now() }),
    headers: { [header]: hmac.apiKey },
  });
}

test.each(CASES)(
  '$venue: order → events in the venue dialect with increasing E; snapshots agree',
  async (c) => {
    const profile = venues[c.venue];
    const { client } = await openStream(c.venue);
    const order = profile.endpoints.order;
    if (!order) throw new Error('no order endpoint');
    const placed = await signed(c.venue, 'POST', order.path, {
      symbol: c.symbol,
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: c.qty,
      price: c.price,
      ...c.extra,
    });
    expect(placed.status).toBe(200);
    const orderId = String((placed.body as { orderId: number | string }).orderId);
    await client.waitFrames(1);
    await new Promise((r) => setTimeout(r, 30));
    const first = client.json()[0] as Record<string, unknown>;
    expect(first.e).toBe(c.newType);
    const open = await signed(c.venue, 'GET', profile.endpoints.openOrders.path, {
      symbol: c.symbol,
      ...c.extra,
    });
    expect(open.status).toBe(200);
    expect(JSON.stringify(open.body)).toContain(orderId);
    const account = await signed(
      c.venue,
      'GET',
      profile.endpoints.account.path,
      c.extra?.isIsolated ? { symbols: c.symbol } : {},
    );
    expect(account.status).toBe(200);
    const before = client.frames.length;
    const cancel = await signed(c.venue, 'DELETE', order.path, { symbol: c.symbol, orderId, ...c.extra });
    expect(cancel.status).toBe(200);
    await client.waitFrames(before + 1);
    await new Promise((r) => setTimeout(r, 30));
    const Es = client.json().map((e) => Number(e.E));
    // A millisecond clock: events of one operation share E; it never goes backwards.
    for (let i = 1; i < Es.length; i++) expect(Es[i]).toBeGreaterThanOrEqual(Es[i - 1] as number);
    const recorded = sim.record.events({ accountId: 'alice', venue: c.venue });
    expect(recorded.slice(-client.frames.length).map((e) => e.E)).toEqual(Es);
    client.close();
  },
);

test('a fill from setPrice reaches the stream: NEW → TRADE (FILLED) with outboundAccountPosition', async () => {
  const { client } = await openStream('binance-spot-legacy');
  const placed = await signed('binance-spot-legacy', 'POST', '/api/v3/order', {
    symbol: 'ETHUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.1',
    price: '1000',
  });
  expect(placed.status).toBe(200);
  sim.exchange.setPrice('ETHUSDT', '999');
  await client.waitFrames(4);
  const events = client.json();
  expect(events.map((e) => (e.e === 'executionReport' ? `${e.e}:${e.x}:${e.X}` : e.e))).toEqual([
    'executionReport:NEW:NEW',
    'outboundAccountPosition',
    'executionReport:TRADE:FILLED',
    'outboundAccountPosition',
  ]);
  client.close();
});

test('engine errors are serialized as {code, msg} with their status', async () => {
  const r = await signed('binance-spot-legacy', 'POST', '/api/v3/order', {
    symbol: 'NOPE',
    side: 'BUY',
    type: 'MARKET',
    quantity: '1',
  });
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  const u = await signed('binance-spot-legacy', 'DELETE', '/api/v3/order', {
    symbol: 'BTCUSDT',
    orderId: '999999',
  });
  expect(u.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
});

test('priceWalk fills resting orders on the clock', async () => {
  const walkClock = new VirtualClock(Date.UTC(2026, 2, 1));
  await using walker = await startSimulator({
    clock: walkClock,
    priceWalk: { intervalMs: 1000 },
    accounts: [{ id: 'w' }],
  });
  const start = walker.exchange.price('BTCUSDT');
  await walkClock.advance(10_000);
  expect(walker.exchange.price('BTCUSDT')).not.toBe(start);
});
