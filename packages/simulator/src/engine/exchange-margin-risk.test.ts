import { describe, expect, test } from 'vitest';
import { at, setup } from './test-helpers.js';

// https://developers.binance.com/docs/margin_trading/risk-data-stream/Event-Liability-Update
// https://developers.binance.com/docs/margin_trading/risk-data-stream/Event-Margin-Call
// (not in the search store: the fields are core's schemas for these pages and the issue text;
// the status thresholds are named in margin-risk.ts.)

const margin = (
  exchange: ReturnType<typeof setup>['exchange'],
  type: string,
  asset: string,
  amount: string,
) => exchange.borrowRepay('alice', 'binance-margin', { type, asset, amount });

describe('cross margin risk: borrow, repay and the margin level', () => {
  test('borrow: outboundAccountPosition then USER_LIABILITY_CHANGE BORROW with exact amounts; a healthy first level is silent', () => {
    const { exchange, take } = setup();
    const body = margin(exchange, 'BORROW', 'USDT', '80000');
    expect(typeof body.tranId).toBe('number');
    const events = take();
    expect(events.map((r) => r.event.e)).toEqual(['outboundAccountPosition', 'USER_LIABILITY_CHANGE']);
    expect(events.every((r) => r.target.venue === 'binance-margin')).toBe(true);
    expect(at(events, 0).B).toEqual([{ a: 'USDT', f: '90000.00000000', l: '0.00000000' }]);
    expect(at(events, 1)).toEqual({
      e: 'USER_LIABILITY_CHANGE',
      E: expect.any(Number),
      a: 'USDT',
      t: 'BORROW',
      p: '80000.00000000',
      i: '0.00000000',
    });
    // 10000 + 80000 USDT + 1 BTC × 60000 + 10 ETH × 3000 = 180000 over 80000 owed.
    expect(exchange.marginLevel('alice')).toEqual({ level: '2.25', status: 'EXCESSIVE' });
  });

  test('price moves cross the thresholds: MARGIN_LEVEL_STATUS_CHANGE in the same step as the price', () => {
    const { exchange, take, clock } = setup();
    margin(exchange, 'BORROW', 'USDT', '80000');
    take();
    clock.advance(1000);
    exchange.setPrice('BTCUSDT', '40000');
    expect(take().filter((r) => r.event.e === 'MARGIN_LEVEL_STATUS_CHANGE')).toEqual([]); // exactly 2: still EXCESSIVE
    exchange.setPrice('BTCUSDT', '10000');
    let events = take().filter((r) => r.event.e === 'MARGIN_LEVEL_STATUS_CHANGE');
    expect(events.map((r) => r.event)).toEqual([
      { e: 'MARGIN_LEVEL_STATUS_CHANGE', E: clock.now(), l: '1.62500000', s: 'NORMAL' },
    ]);
    exchange.setPrice('ETHUSDT', '100');
    events = take().filter((r) => r.event.e === 'MARGIN_LEVEL_STATUS_CHANGE');
    // (90000 + 10000 + 1000) / 80000 = 1.2625.
    expect(events.map((r) => r.event.s)).toEqual(['MARGIN_CALL']);
    expect(at(events, 0).l).toBe('1.26250000');
  });

  test('repay: USER_LIABILITY_CHANGE REPAY, the level recovers; repaying everything ends the risk tracking', () => {
    const { exchange, take } = setup();
    margin(exchange, 'BORROW', 'USDT', '80000');
    exchange.setPrice('BTCUSDT', '10000');
    exchange.setPrice('ETHUSDT', '100');
    take();
    margin(exchange, 'REPAY', 'USDT', '30000');
    const events = take();
    expect(events.map((r) => r.event.e)).toEqual([
      'outboundAccountPosition',
      'USER_LIABILITY_CHANGE',
      'MARGIN_LEVEL_STATUS_CHANGE',
    ]);
    expect(at(events, 1)).toMatchObject({ t: 'REPAY', p: '30000.00000000', i: '0.00000000' });
    // 71000 / 50000.
    expect(at(events, 2)).toMatchObject({ l: '1.42000000', s: 'NORMAL' });
    expect(new Set(events.map((r) => r.event.E)).size).toBe(1);
    margin(exchange, 'REPAY', 'USDT', '50000');
    expect(take().map((r) => r.event.e)).toEqual(['outboundAccountPosition', 'USER_LIABILITY_CHANGE']);
    expect(exchange.marginLevel('alice')).toEqual({ level: '0', status: undefined });
    expect(() => margin(exchange, 'REPAY', 'USDT', '1')).toThrow();
    expect(() =>
      exchange.borrowRepay('alice', 'binance-usdm', { type: 'BORROW', asset: 'USDT', amount: '1' }),
    ).toThrow(expect.objectContaining({ code: 'USERSTREAM_INVALID_INPUT' }));
  });
});
