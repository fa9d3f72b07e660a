import { describe, expect, test } from 'vitest';
import { setup } from './test-helpers.js';

// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-riskLevelChange
// (in the search store: the levels MARGIN_CALL, REDUCE_ONLY, FORCE_LIQUIDATION and the fields
// u, s, eq, ae, m; the uniMMR floors are named in portfolio-margin.ts.)

describe('portfolio margin riskLevelChange', () => {
  test('uniMMR entering each level sends one riskLevelChange with exact figures; healthy again is silent', () => {
    const { exchange, take } = setup();
    // 3 BTC long at 60000: fee 180; maintenance 0.4 % of the notional at the mark.
    exchange.placeOrder('alice', 'binance-portfolio-margin', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '3',
    });
    const levels = () =>
      take()
        .filter((r) => r.event.e === 'riskLevelChange')
        .map((r) => r.event);
    expect(levels()).toEqual([]);
    // 57000: equity 9820 - 9000 = 820, maintenance 684 → uniMMR 1.19883040.
    exchange.setPrice('BTCUSDT', '57000');
    expect(levels()).toEqual([
      {
        e: 'riskLevelChange',
        E: expect.any(Number),
        u: '1.19883040',
        s: 'MARGIN_CALL',
        eq: '820.00000000',
        ae: '820.00000000',
        m: '684.00000000',
      },
    ]);
    exchange.setPrice('BTCUSDT', '57010');
    expect(levels()).toEqual([]); // still MARGIN_CALL
    // 56965: equity 715, maintenance 683.58 → 1.04596389.
    exchange.setPrice('BTCUSDT', '56965');
    expect(levels().map((e) => [e.s, e.u])).toEqual([['REDUCE_ONLY', '1.04596389']]);
    exchange.setPrice('BTCUSDT', '56900');
    expect(levels().map((e) => e.s)).toEqual(['FORCE_LIQUIDATION']);
    exchange.setPrice('BTCUSDT', '60000');
    expect(levels()).toEqual([]);
    exchange.setPrice('BTCUSDT', '57000');
    expect(levels().map((e) => e.s)).toEqual(['MARGIN_CALL']);
  });
});
