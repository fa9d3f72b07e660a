/**
 * The position endpoints of Aster futures v1 and BingX swap over HTTP, on loopback, in their
 * documented shapes (issue #13 leftovers):
 * - Aster: GET /fapi/v2/positionRisk, "Position Information V2" (weight 5), Binance's v2 objects,
 *   every symbol in one-way mode:
 *   https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V1(Legacy)/EN/aster-finance-futures-api.md
 * - BingX: GET /openApi/swap/v2/user/positions in `{code:0, msg:"", data:[…]}`, open positions
 *   only (https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account names the endpoint; BingX's
 *   field list is not in the search store, the fields are JKorf/BingX.Net's BingXPosition model).
 * (checked 2026-12-03)
 */
import { VirtualClock } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { byType, call, signedQuery } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let hmac: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'alice' }] });
  hmac = byType(sim.accounts, 'hmac');
  sim.exchange.deposit(hmac.id, 'binance-usdm', 'USDT', '10000');
  sim.exchange.placeOrder(hmac.id, 'binance-usdm', {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'MARKET',
    quantity: '0.020',
  });
});
afterAll(() => sim.close());

const get = (path: string, header: string) =>
  call(sim.urls.rest, 'GET', path, {
    query: signedQuery(hmac, { timestamp: clock.now() }),
    headers: { [header]: hmac.apiKey },
  });

test('aster-futures: /fapi/v2/positionRisk answers every symbol, the short among them, keys in the page order', async () => {
  const r = await get('/fapi/v2/positionRisk', 'X-MBX-APIKEY');
  expect(r.status).toBe(200);
  expect(r.headers['x-mbx-used-weight-1m']).toBe('5');
  const body = r.body as Record<string, unknown>[];
  expect(Object.keys(body[0]!)).toEqual([
    'entryPrice',
    'marginType',
    'isAutoAddMargin',
    'isolatedMargin',
    'leverage',
    'liquidationPrice',
    'markPrice',
    'maxNotionalValue',
    'positionAmt',
    'symbol',
    'unRealizedProfit',
    'positionSide',
    'updateTime',
  ]);
  expect(body.find((p) => p.symbol === 'BTCUSDT')).toMatchObject({
    positionAmt: '-0.02',
    marginType: 'cross',
    positionSide: 'BOTH',
  });
  // Flat symbols are listed too (the page's one-way sample is a flat one, updateTime 0).
  expect(body.some((p) => p.positionAmt === '0' && p.updateTime === 0)).toBe(true);
});

test('bingx-swap: /openApi/swap/v2/user/positions answers the open positions in its envelope', async () => {
  const r = await get('/openApi/swap/v2/user/positions', 'X-BX-APIKEY');
  expect(r.status).toBe(200);
  const body = r.body as { code: number; msg: string; data: Record<string, unknown>[] };
  expect([body.code, body.msg]).toEqual([0, '']);
  expect(body.data).toHaveLength(1);
  expect(Object.keys(body.data[0]!)).toEqual([
    'positionId',
    'symbol',
    'currency',
    'positionAmt',
    'availableAmt',
    'positionSide',
    'isolated',
    'avgPrice',
    'initialMargin',
    'leverage',
    'unrealizedProfit',
    'realisedProfit',
    'liquidationPrice',
  ]);
  expect(body.data[0]).toMatchObject({
    // BingX's BASE-QUOTE form (bingx-symbols.test.ts).
    symbol: 'BTC-USDT',
    positionAmt: '-0.02',
    positionSide: 'BOTH',
    isolated: false,
    currency: 'USDT',
  });
  expect(body.data[0]!.positionId).toMatch(/^\d+$/);
  // A refusal is HTTP 200 with BingX's code (no signature: 100001).
  const unsigned = await call(sim.urls.rest, 'GET', '/openApi/swap/v2/user/positions', {
    query: `timestamp=${clock.now()}`,
    headers: { 'X-BX-APIKEY': hmac.apiKey },
  });
  expect(unsigned.status).toBe(200);
  expect((unsigned.body as { code: number }).code).not.toBe(0);
});
