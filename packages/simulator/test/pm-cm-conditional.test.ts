import { eventIdentity, parseFrame, VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { byType, Client, call, signedQuery } from './helpers.js';

// Where a portfolio-margin account's COIN-M conditional order is heard when it fires. The PM
// stream carries the CM book's futures events with `fs` "CM" ("Event business unit. 'UM' for
// USDS-M futures and 'CM' for COIN-M futures"), the conditional order's own state as
// CONDITIONAL_ORDER_TRADE_UPDATE (os NEW, CANCELED, EXPIRED, TRIGGERED, FINISHED):
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Balance-and-Position-Update
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Conditional-Order-Trade-Update
// CONDITIONAL_ORDER_TRIGGER_REJECT has a USDⓈ-M page only
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Conditional-Order-Trigger-Reject),
// none among the PM user-data pages in the search store, and the derivatives change log of
// 2025-12-10 deprecates it (https://developers.binance.com/docs/derivatives: "rejection reasons
// are provided within the ALGO_UPDATE event"): a PM stream never gets one; a refused trigger is
// the strategy order's EXPIRED.

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let hmac: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'alice' }] });
  hmac = byType(sim.accounts, 'hmac');
});
afterAll(() => sim.close());

async function openStream(
  venue: 'binance-portfolio-margin' | 'binance-usdm' | 'binance-coinm',
): Promise<Client> {
  const profile = venues[venue];
  const lk = profile.listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, {
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  return Client.open(`${sim.venue(venue).streamBaseUrl}${lk.streamPath.replace('{listenKey}', key)}`);
}

function signed(method: 'POST' | 'DELETE', path: string, params: Record<string, string>) {
  return call(sim.urls.rest, method, path, {
    query: signedQuery(hmac, { ...params, timestamp: clock.now() }),
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
}

async function untilEvent(client: Client, match: (e: Record<string, unknown>) => boolean) {
  for (;;) {
    const found = client.json().find(match);
    if (found) return found;
    await client.waitFrames(client.frames.length + 1);
  }
}

const strategy = (os: string) => (e: Record<string, unknown>) =>
  e.e === 'CONDITIONAL_ORDER_TRADE_UPDATE' && (e.so as { os?: unknown }).os === os;

test('a CM conditional order that fires: its order and the CM account update reach the PM stream with fs CM', async () => {
  const pm = await openStream('binance-portfolio-margin');
  const usdm = await openStream('binance-usdm');
  const coinm = await openStream('binance-coinm');
  const placed = await signed('POST', '/papi/v1/cm/conditional/order', {
    symbol: 'BTCUSD_PERP',
    side: 'BUY',
    strategyType: 'STOP_MARKET',
    quantity: '2',
    stopPrice: '60500',
  });
  expect(placed.status).toBe(200);
  const moved = await call(sim.urls.rest, 'POST', '/admin/price', {
    body: JSON.stringify({ symbol: 'BTCUSD_PERP', price: '60500' }),
    headers: { 'content-type': 'application/json' },
  });
  expect(moved.status).toBe(200);
  const finished = await untilEvent(pm, strategy('FINISHED'));
  const orderId = (finished.so as { i: number }).i;
  const events = pm.json();
  const orders = events.filter((e) => e.e === 'ORDER_TRADE_UPDATE');
  expect(orders.map((e) => [e.fs, (e.o as { i: number }).i, (e.o as { X: string }).X])).toEqual([
    ['CM', orderId, 'NEW'],
    ['CM', orderId, 'FILLED'],
  ]);
  const account = events.find((e) => e.e === 'ACCOUNT_UPDATE') as Record<string, unknown>;
  expect(account).toMatchObject({
    fs: 'CM',
    a: { P: [expect.objectContaining({ s: 'BTCUSD_PERP', pa: '2' })] },
  });
  // fs right after T, as the PM pages print it; every frame a typed PM event.
  for (const e of [...orders, account])
    expect(Object.keys(e).indexOf('fs')).toBe(Object.keys(e).indexOf('T') + 1);
  for (const frame of pm.frames) {
    const parsed = parseFrame(frame, 'portfolioMargin');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.events.map((e) => e.e)).not.toContain('unknown');
  }
  // The COIN-M streams of the book keep their own dialect; the USD-M stream hears nothing of it.
  await untilEvent(coinm, (e) => e.e === 'ORDER_TRADE_UPDATE' && (e.o as { X: string }).X === 'FILLED');
  expect(coinm.json().some((e) => 'fs' in e)).toBe(false);
  expect(usdm.json().filter((e) => e.e === 'ORDER_TRADE_UPDATE' || e.e === 'ACCOUNT_UPDATE')).toEqual([]);
  // The record shows the PM stream what it was sent (the chaos suite compares against it).
  const recorded = sim.record
    .events({ accountId: 'alice', venue: 'binance-portfolio-margin' })
    .flatMap((r) => (r.event ? [eventIdentity(r.event)] : []));
  for (const e of events) expect(recorded).toContain(eventIdentity(e));
  const recordedUsdm = sim.record.events({ accountId: 'alice', venue: 'binance-usdm' });
  expect(recordedUsdm.filter((r) => r.e === 'ORDER_TRADE_UPDATE' || r.e === 'ACCOUNT_UPDATE')).toEqual([]);
  pm.close();
  usdm.close();
  coinm.close();
});

test('a refused trigger: the strategy order EXPIRED on the PM stream, no CONDITIONAL_ORDER_TRIGGER_REJECT', async () => {
  const pm = await openStream('binance-portfolio-margin');
  // Far more contracts than the 1 BTC wallet can margin: the order the trigger places is refused.
  const placed = await signed('POST', '/papi/v1/cm/conditional/order', {
    symbol: 'BTCUSD_PERP',
    side: 'SELL',
    strategyType: 'STOP_MARKET',
    quantity: '100000',
    stopPrice: '59000',
  });
  expect(placed.status).toBe(200);
  await call(sim.urls.rest, 'POST', '/admin/price', {
    body: JSON.stringify({ symbol: 'BTCUSD_PERP', price: '59000' }),
    headers: { 'content-type': 'application/json' },
  });
  const expired = await untilEvent(pm, strategy('EXPIRED'));
  expect(expired).toMatchObject({ fs: 'CM', so: { si: (placed.body as { strategyId: number }).strategyId } });
  expect(pm.json().map((e) => e.e)).not.toContain('CONDITIONAL_ORDER_TRIGGER_REJECT');
  pm.close();
});
