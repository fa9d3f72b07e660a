/**
 * Toobit USDT-M's snapshot endpoints through the REST client, against the simulator's Toobit doors
 * (issue #13 item 4). https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (checked 2026-12-03):
 * GET /api/v1/futures/openOrders lists `limit` orders, 20 unless asked (1000 at most); GET
 * /api/v1/futures/positions lists LONG/SHORT sides with unsigned sizes; GET
 * /api/v1/futures/balance rows name the wallet balance `balance`.
 */
import { describe, expect, it } from 'vitest';
import { useSimulator } from './helpers.js';

const ctx = useSimulator();

describe('toobit-usdm snapshots', () => {
  it('open orders: all of them, not the venue default of 20; balances and a SHORT position as the mirror reads them', async () => {
    const rest = ctx.client('toobit-usdm');
    const account = ctx.sim.accounts[0]!;
    for (let i = 0; i < 23; i++) {
      await rest.request({
        method: 'POST',
        path: '/api/v1/futures/order',
        params: {
          symbol: 'BTC-SWAP-USDT',
          side: 'BUY_OPEN',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.010',
          price: String(40_000 + i),
          newClientOrderId: `snap-${i}`,
        },
        signed: true,
      });
    }
    const orders = await rest.openOrders();
    expect(orders).toHaveLength(23);
    expect(new Set(orders.map((o) => [o.symbol, o.side].join(' ')))).toEqual(new Set(['BTC-SWAP-USDT BUY']));
    // A SHORT position (the simulator's book is one-way: a sell opens it).
    ctx.sim.exchange.placeOrder(account.id, 'toobit-usdm', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.020',
    });
    const positions = await rest.positionSnapshot();
    expect(positions.map((p) => [p.symbol, p.positionSide, p.positionAmount])).toEqual([
      ['BTC-SWAP-USDT', 'SHORT', '-0.02'],
    ]);
    const snapshot = await rest.accountSnapshot();
    const wallet = (ctx.sim.exchange.balances(account.id, 'toobit-usdm') as Record<string, { free: string }>)
      .USDT!.free;
    expect(Number(snapshot.balances.USDT!.free)).toBe(Number(wallet));
    expect(snapshot.balances.USDT!.locked).toBe('0');
  });
});
