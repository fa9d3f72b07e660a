/**
 * BingX writes its symbols BASE-QUOTE (`BTC-USDT`) in REST requests and answers and in its
 * pushes; the simulator's book says `BTCUSDT` and BingX's doors translate both ways (issue #13
 * leftovers). Docs (checked 2026-12-03): https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account
 * ("symbol: Trading pair in BASE-QUOTE format (e.g., BTC-USDT)"),
 * https://skills.sh/bingx-api/api-ai-skills/bingx-coinm-ws-account (USDT-M's BTC-USDT against
 * Coin-M's BTC-USD), https://bingx-api.github.io/docs/spot/socket-account.html (spot pushes).
 */
import { gunzipSync } from 'node:zlib';
import { VirtualClock } from '@userstream/core';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Simulator, startSimulator } from '../src/index.js';
import { byType, call, signedQuery } from './helpers.js';

let sim: Simulator;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await sim?.close();
});

/** The inflated text of every frame a BingX stream sends. */
async function stream(path: string): Promise<string[]> {
  const frames: string[] = [];
  const ws = new WebSocket(`${sim.urls.ws}${path}`);
  sockets.push(ws);
  ws.on('message', (data: Buffer, binary: boolean) =>
    frames.push(binary ? gunzipSync(data).toString() : String(data)),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return frames;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!predicate()) throw new Error(`timed out waiting for ${what}`);
}

it('swap: an order placed as BTC-USDT comes back, is listed, pushed and held as a position in BingX symbols', async () => {
  const clock = new VirtualClock();
  sim = await startSimulator({ clock });
  const account = byType(sim.accounts, 'hmac');
  const headers = { 'X-BX-APIKEY': account.apiKey };
  const signed = (method: 'GET' | 'POST', path: string, params: Record<string, string> = {}) =>
    call(sim.urls.rest, method, path, {
      query: signedQuery(account, { ...params, timestamp: clock.now() }),
      headers,
    });
  const key = (await call(sim.urls.rest, 'POST', '/openApi/user/auth/userDataStream', { headers })).body as {
    listenKey: string;
  };
  const frames = await stream(`/swap-market?listenKey=${key.listenKey}`);
  sim.exchange.deposit(account.id, 'bingx-swap', 'USDT', '10000');

  const placed = await signed('POST', '/openApi/swap/v2/trade/order', {
    symbol: 'BTC-USDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: '0.010',
  });
  expect(placed.body).toMatchObject({ code: 0, data: { symbol: 'BTC-USDT' } });
  const resting = await signed('POST', '/openApi/swap/v2/trade/order', {
    symbol: 'BTC-USDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.010',
    price: '50000',
  });
  expect(resting.body).toMatchObject({ code: 0, data: { symbol: 'BTC-USDT', status: 'NEW' } });
  const open = await signed('GET', '/openApi/swap/v2/trade/openOrders', { symbol: 'BTC-USDT' });
  expect((open.body as { data: { orders: { symbol: string }[] } }).data.orders.map((o) => o.symbol)).toEqual([
    'BTC-USDT',
  ]);
  const positions = await signed('GET', '/openApi/swap/v2/user/positions');
  expect((positions.body as { data: { symbol: string }[] }).data.map((p) => p.symbol)).toEqual(['BTC-USDT']);

  await until(() => frames.some((t) => t.includes('"ORDER_TRADE_UPDATE"')), 'the order push');
  await until(
    () => frames.some((t) => t.includes('"ACCOUNT_UPDATE"') && t.includes('"P":[{')),
    'the position push',
  );
  type Push = { o?: { s?: string }; a?: { P?: { s: string }[] }; ac?: { s?: string } };
  const events = frames.filter((t) => t.startsWith('{"e"')).map((t) => JSON.parse(t) as Push);
  const symbols = events.flatMap((e) => [e.o?.s, ...(e.a?.P ?? []).map((p) => p.s), e.ac?.s]);
  expect(new Set(symbols.filter((s) => s !== undefined))).toEqual(new Set(['BTC-USDT']));
});

it('spot: executionReport pushes name BTC-USDT', async () => {
  const clock = new VirtualClock();
  sim = await startSimulator({ clock });
  const account = byType(sim.accounts, 'hmac');
  const headers = { 'X-BX-APIKEY': account.apiKey };
  const key = (await call(sim.urls.rest, 'POST', '/openApi/user/auth/userDataStream', { headers })).body as {
    listenKey: string;
  };
  const ws = await stream(`/market?listenKey=${key.listenKey}`);
  sockets.at(-1)!.send(JSON.stringify({ id: 'o', reqType: 'sub', dataType: 'spot.executionReport' }));
  await until(() => ws.some((t) => t.includes('"id":"o"')), 'the subscription');
  sim.exchange.deposit(account.id, 'bingx-spot', 'USDT', '1000');
  sim.exchange.placeOrder(account.id, 'bingx-spot', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.001',
    price: '50000',
  });
  await until(
    () => ws.some((t) => t.includes('spot.executionReport') && t.includes('"data"')),
    'the order push',
  );
  const push = JSON.parse(ws.find((t) => t.includes('"dataType":"spot.executionReport"'))!) as {
    data: { s: string };
  };
  expect(push.data.s).toBe('BTC-USDT');
});
