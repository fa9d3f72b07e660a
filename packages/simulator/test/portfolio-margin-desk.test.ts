import { parseFrame, VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { byType, Client, call, signedQuery } from './helpers.js';

// Portfolio margin's margin account and CM conditional orders over HTTP and its stream, on loopback:
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Order-Update
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-OpenOrderLoss-Update
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Conditional-Order-Trade-Update
// https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-All-Current-CM-Open-Conditional-Orders
// (New-Margin-Order, Cancel-Margin-Account-Order and New-CM-Conditional-Order are not in the
// search store: their paths are the PM trade index's, the parameters the open-orders page's.)

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let hmac: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'alice' }] });
  hmac = byType(sim.accounts, 'hmac');
});
afterAll(() => sim.close());

function signed(method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string> = {}) {
  return call(sim.urls.rest, method, path, {
    query: signedQuery(hmac, { ...params, timestamp: clock.now() }),
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
}

async function openStream(venue: 'binance-portfolio-margin' | 'binance-usdm'): Promise<Client> {
  const lk = venues[venue].listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, { headers: { 'X-MBX-APIKEY': hmac.apiKey } });
  const key = (r.body as { listenKey: string }).listenKey;
  const base = sim.venue(venue).streamBaseUrl as string;
  return Client.open(`${base}${lk.streamPath.replace('{listenKey}', key)}`);
}

async function untilEvent(client: Client, match: (e: Record<string, unknown>) => boolean) {
  for (;;) {
    const found = client.json().find(match);
    if (found) return found;
    await client.waitFrames(client.frames.length + 1);
  }
}

/** Every PM frame parses as a typed event of core's portfolio-margin dialect; returns their types. */
function pmTypes(client: Client): string[] {
  return client.frames.map((text) => {
    const parsed = parseFrame(text, 'portfolioMargin');
    if (!parsed.ok) throw parsed.error;
    const [event] = parsed.events;
    expect(event?.e).not.toBe('unknown');
    return String(event?.e);
  });
}

test('PM margin orders and their order margin reach the PM stream only; CM conditional orders trigger and finish', async () => {
  const pm = await openStream('binance-portfolio-margin');
  const usdm = await openStream('binance-usdm');
  const placed = await signed('POST', '/papi/v1/margin/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01',
    price: '59000',
  });
  expect(placed.status).toBe(200);
  const orderId = (placed.body as { orderId: number }).orderId;
  const open = await signed('GET', '/papi/v1/margin/openOrders', { symbol: 'BTCUSDT' });
  expect(open.body).toEqual([expect.objectContaining({ orderId, status: 'NEW', price: '59000.00000000' })]);
  await untilEvent(pm, (e) => e.e === 'openOrderLoss');
  const cancelled = await signed('DELETE', '/papi/v1/margin/order', {
    symbol: 'BTCUSDT',
    orderId: String(orderId),
  });
  expect(cancelled.status).toBe(200);
  const freed = await untilEvent(
    pm,
    (e) => e.e === 'openOrderLoss' && (e.O as { o: string }[])[0]?.o === '0',
  );
  expect(freed.O).toEqual([{ a: 'USDT', o: '0' }]);

  const strategy = await signed('POST', '/papi/v1/cm/conditional/order', {
    symbol: 'BTCUSD_PERP',
    side: 'BUY',
    strategyType: 'STOP_MARKET',
    quantity: '1',
    stopPrice: '60500',
  });
  expect(strategy.status).toBe(200);
  const strategyId = (strategy.body as { strategyId: number }).strategyId;
  const waiting = await signed('GET', '/papi/v1/cm/conditional/openOrders');
  expect(waiting.body).toEqual([
    expect.objectContaining({
      strategyId,
      strategyStatus: 'NEW',
      strategyType: 'STOP_MARKET',
      stopPrice: '60500',
    }),
  ]);
  const moved = await call(sim.urls.rest, 'POST', '/admin/price', {
    body: JSON.stringify({ symbol: 'BTCUSD_PERP', price: '60500' }),
    headers: { 'content-type': 'application/json' },
  });
  expect(moved.status).toBe(200);
  await untilEvent(
    pm,
    (e) => e.e === 'CONDITIONAL_ORDER_TRADE_UPDATE' && (e.so as { os: string }).os === 'FINISHED',
  );
  expect((await signed('GET', '/papi/v1/cm/conditional/openOrders')).body).toEqual([]);

  // A USDⓈ-M order reaches both streams: once the USD-M stream has it, it has had everything
  // sent before it, and none of the PM-only events may be among them.
  const um = await signed('POST', '/fapi/v1/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01',
    price: '50000',
  });
  expect(um.status).toBe(200);
  await untilEvent(usdm, (e) => e.e === 'ORDER_TRADE_UPDATE');
  // The CM trigger above put its own ORDER_TRADE_UPDATEs (fs CM) on the PM stream: wait for the UM one.
  await untilEvent(pm, (e) => e.e === 'ORDER_TRADE_UPDATE' && (e.o as { s: string }).s === 'BTCUSDT');
  expect(usdm.json().map((e) => e.e)).toEqual(['ORDER_TRADE_UPDATE']);
  expect(pmTypes(pm)).toEqual([
    'executionReport',
    'outboundAccountPosition',
    'openOrderLoss',
    'executionReport',
    'outboundAccountPosition',
    'openOrderLoss',
    'CONDITIONAL_ORDER_TRADE_UPDATE',
    'CONDITIONAL_ORDER_TRADE_UPDATE',
    // The triggered CM order and its fill, fs CM, on the PM stream (db9f6eb, the PM docs'
    // Event-Futures-Order-update), between TRIGGERED and FINISHED.
    'ORDER_TRADE_UPDATE',
    'ACCOUNT_UPDATE',
    'ORDER_TRADE_UPDATE',
    'CONDITIONAL_ORDER_TRADE_UPDATE',
    'ORDER_TRADE_UPDATE',
  ]);
  const statuses = pm
    .json()
    .filter((e) => e.e === 'CONDITIONAL_ORDER_TRADE_UPDATE')
    .map((e) => [e.fs, (e.so as { os: string }).os]);
  expect(statuses).toEqual([
    ['CM', 'NEW'],
    ['CM', 'TRIGGERED'],
    ['CM', 'FINISHED'],
  ]);
  pm.close();
  usdm.close();
});

test("the record keeps a spot book's own executionReport; the risk data stream's view holds its risk events only", async () => {
  // PM-only event types exist on the USD-M book alone (a margin book's executionReport is its
  // own), and https://developers.binance.com/docs/margin_trading/risk-data-stream carries
  // MARGIN_LEVEL_STATUS_CHANGE and USER_LIABILITY_CHANGE only.
  sim.record.clear();
  sim.exchange.placeOrder('alice', 'binance-margin', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.001',
    price: '50000',
  });
  sim.exchange.borrowRepay('alice', 'binance-margin', { type: 'BORROW', asset: 'USDT', amount: '100' });
  const margin = sim.record.events({ accountId: 'alice', venue: 'binance-margin' }).map((r) => r.e);
  expect(margin).toEqual(
    expect.arrayContaining(['executionReport', 'outboundAccountPosition', 'USER_LIABILITY_CHANGE']),
  );
  const risk = sim.record.events({ accountId: 'alice', venue: 'binance-margin-risk' }).map((r) => r.e);
  expect(risk.length).toBeGreaterThan(0);
  expect(risk.every((e) => e === 'USER_LIABILITY_CHANGE' || e === 'MARGIN_LEVEL_STATUS_CHANGE')).toBe(true);
});
