/**
 * BingX's answers (issue #13 item 3) through the REST client, against the simulator: refusals in
 * a 200 `{code, msg}` envelope are the venue's ExchangeError, never a "missing field" protocol
 * error, and the request's secrets stay out of them.
 * https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html and …/spot/socket.html (the
 * 100xxx codes), checked 2026-12-03.
 */
import { ExchangeError, venues } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { codeDataPayload } from '../src/code-data.js';
import { leaks, useSimulator } from './helpers.js';

const ctx = useSimulator();

describe('BingX code-data envelopes', () => {
  it('a refused API key is ExchangeError 100413 on the account call and the listenKey POST', async () => {
    for (const id of ['bingx-spot', 'bingx-swap'] as const) {
      const rest = ctx.client(id, {
        credentials: { apiKey: 'not-a-known-key-0000', secret: ctx.hmac().secret },
      });
      const account = await leaks.rejection(rest.accountSnapshot());
      expect(account).toBeInstanceOf(ExchangeError);
      expect([account.exchangeCode, account.status]).toEqual([100413, 200]);
      expect(account.message).not.toContain('not-a-known-key-0000');
      const key = await leaks.rejection(rest.createListenKey());
      expect(key.exchangeCode).toBe(100413);
    }
  });

  it('swap balances come from the v3 array rows (balance is the wallet); spot from data.balances', async () => {
    ctx.sim.exchange.deposit(ctx.sim.accounts[0]!.id, 'bingx-swap', 'USDT', '12.5');
    const swap = await ctx.client('bingx-swap').accountSnapshot();
    expect(Array.isArray(swap.raw)).toBe(true);
    expect(swap.balances.USDT?.locked).toBe('0');
    expect(Number(swap.balances.USDT?.free)).toBeGreaterThan(12);
    const spot = await ctx.client('bingx-spot').accountSnapshot();
    expect(Object.keys(spot.balances).length).toBeGreaterThan(0);
  });

  // BingX's order ids exceed 2^53 (the swap page's sample: 1711312357852147712). The simulator's
  // ids are small, so this reads a BingX body directly.
  it('order ids beyond 2^53 stay exact digit strings, by the stream wire rule; small ones stay numbers', () => {
    const v = venues['bingx-swap'];
    const text =
      '{"code":0,"msg":"","data":{"orders":[{"symbol":"LINK-USDT","orderId":1711312357852147712},{"symbol":"LINK-USDT","orderId":42}]}}';
    expect(codeDataPayload(JSON.parse(text), text, v, v.endpoints.openOrders, 'GET /x', [])).toEqual([
      { symbol: 'LINK-USDT', orderId: '1711312357852147712' },
      { symbol: 'LINK-USDT', orderId: 42 },
    ]);
  });
});
