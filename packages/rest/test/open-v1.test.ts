/**
 * Tokocrypto's /open/v1 REST form through the client (issue #13 item 7): envelopes opened,
 * refusals inside HTTP 200 envelopes typed, balances from accountAssets, numeric-enum orders read
 * into core's one order shape. https://www.tokocrypto.com/apidocs/ (checked 2026-12-03; the store
 * serves that page's change log only: core's venues-tokocrypto.ts says how the rest was read).
 */
import { ExchangeError } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { leaks, useSimulator } from './helpers.js';

const ctx = useSimulator();

describe('tokocrypto (/open/v1 envelopes)', () => {
  it('creates a listen token out of its envelope', async () => {
    const rest = ctx.client('tokocrypto');
    const { token, expirationTime } = await rest.createListenToken({ validityMs: 3_600_000 });
    expect(token.length).toBeGreaterThan(8);
    expect(expirationTime).toBeGreaterThan(Date.now() + 3_500_000);
    expect(ctx.sim.record.requestCount('POST', '/open/v1/user-listen-token')).toBe(1);
  });

  it('reads the time, the balances and the open orders', async () => {
    const rest = ctx.client('tokocrypto');
    expect(Math.abs((await rest.serverTime()) - Date.now())).toBeLessThan(2_000);
    const snapshot = await rest.accountSnapshot();
    expect(snapshot.balances.USDT?.free).toMatch(/^\d+\.\d{8}$/);
    // Tokocrypto's own order form: numeric side (0 BUY), type (1 LIMIT), timeInForce (1 GTC).
    const placed = await rest.request<{ orderId: number; createTime: number }>({
      method: 'POST',
      path: '/open/v1/orders',
      params: { symbol: 'BTC_USDT', side: 0, type: 1, timeInForce: 1, quantity: '0.001', price: '50000' },
      signed: true,
    });
    expect(typeof placed.createTime).toBe('number');
    const orders = await rest.openOrders();
    expect(orders.find((o) => o.orderId === String(placed.orderId))).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      status: 'NEW',
      price: '50000.00000000',
      quantity: '0.00100000',
      filledQuantity: '0.00000000',
    });
    await rest.request({
      method: 'POST',
      path: '/open/v1/orders/cancel',
      params: { orderId: String(placed.orderId) },
      signed: true,
    });
    expect((await rest.openOrders()).some((o) => o.orderId === String(placed.orderId))).toBe(false);
  });

  it('types a refusal that came in a 200 envelope, the code kept and nothing secret in it', async () => {
    const rest = ctx.client('tokocrypto');
    const error = await leaks.rejection(
      rest.request({
        method: 'POST',
        path: '/open/v1/orders/cancel',
        params: { orderId: '999999' },
        signed: true,
      }),
    );
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as unknown as ExchangeError).exchangeCode).toBe(-2011);
    expect((error as unknown as ExchangeError).status).toBe(200);
  });
});
