import { describe, expect, test } from 'vitest';
import { at, rejection, setup } from './test-helpers.js';

// https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Risk-level-change
// Event-Order-update, Event-Balance-and-Position-Update, Event-Greek-Update, Event-Account-data on
// the same path (only the risk-level page is in the search store; the others' fields are core's
// options schemas, which cite them).

const CALL = 'BTC-261225-60000-C';
const buy = (quantity: string, extra: Record<string, string> = {}) => ({
  symbol: CALL,
  side: 'BUY',
  type: 'MARKET',
  quantity,
  ...extra,
});

describe('options market (binance-options)', () => {
  test('a MARKET buy: ORDER_TRADE_UPDATE NEW and TRADE, BALANCE_POSITION_UPDATE, GREEK_UPDATE, ACCOUNT_UPDATE, one E, exact amounts', () => {
    const { exchange, take } = setup();
    const body = exchange.options('alice', 'place', buy('0.5')) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'FILLED',
      executedQty: '0.5',
      avgPrice: '2500',
      fee: '1.25',
      optionSide: 'CALL',
    });
    const events = take();
    expect(events.every((r) => r.target.venue === 'binance-options')).toBe(true);
    expect(events.map((r) => `${r.event.e}${r.event.o ? `:${(r.event.o as { x: string }).x}` : ''}`)).toEqual(
      [
        'ORDER_TRADE_UPDATE:NEW',
        'ORDER_TRADE_UPDATE:TRADE',
        'BALANCE_POSITION_UPDATE',
        'GREEK_UPDATE',
        'ACCOUNT_UPDATE',
      ],
    );
    expect(new Set(events.map((r) => r.event.E)).size).toBe(1);
    expect(at(events, 1).o).toMatchObject({
      X: 'FILLED',
      l: '0.5',
      L: '2500',
      n: '-1.25',
      N: 'USDT',
      m: false,
    });
    // 10000 - 0.5 × 2500 - 1.25 fee.
    expect(at(events, 2)).toMatchObject({
      m: 'ORDER',
      B: [{ a: 'USDT', b: '8748.75000000', bc: '0' }],
      P: [{ s: CALL, c: '0.5', p: '1250', a: '2500' }],
    });
    expect(at(events, 3).G).toEqual([{ u: 'BTCUSDT', d: '0.26', g: '0.00002', t: '-21.25', v: '15.6' }]);
    expect(at(events, 4)).toMatchObject({
      eq: '9998.75000000',
      b: '8748.75000000',
      m: '1250.00000000',
      u: '0.00000000',
    });
    expect(exchange.options('alice', 'positions')).toEqual([
      expect.objectContaining({
        symbol: CALL,
        side: 'LONG',
        quantity: '0.5',
        entryPrice: '2500',
        markPrice: '2500',
      }),
    ]);
  });

  test('a resting LIMIT sell fills when the mark reaches it (maker), realizing exact PnL; cancel; refusals', () => {
    const { exchange, take } = setup();
    exchange.options('alice', 'place', buy('1'));
    exchange.options('alice', 'place', {
      symbol: CALL,
      side: 'SELL',
      type: 'LIMIT',
      quantity: '1',
      price: '2700',
    });
    const rest = exchange.options('alice', 'place', {
      symbol: CALL,
      side: 'SELL',
      type: 'LIMIT',
      quantity: '0.1',
      price: '3000',
    }) as {
      orderId: number;
    };
    take();
    exchange.setOptionMark(CALL, '2700');
    const events = take();
    const trade = events.find((r) => (r.event.o as { x?: string } | undefined)?.x === 'TRADE')?.event.o;
    expect(trade).toMatchObject({ L: '2700', m: true, rp: '200' });
    expect(exchange.options('alice', 'positions')).toEqual([]);
    // 10000 - 2500 - 2.5 + 2700 - 2.7.
    expect(exchange.optionsBalance('alice')).toBe('10194.8');
    exchange.options('alice', 'cancel', { orderId: String(rest.orderId) });
    expect(take().map((r) => (r.event.o as { X: string }).X)).toEqual(['CANCELED']);
    expect(rejection(() => exchange.options('alice', 'cancel', { orderId: String(rest.orderId) })).code).toBe(
      -2011,
    );
    expect(rejection(() => exchange.options('alice', 'place', buy('100'))).code).toBe(-2010);
    expect(rejection(() => exchange.options('alice', 'place', buy('0.001'))).code).toBe(-1111);
    expect(rejection(() => exchange.options('alice', 'place', { ...buy('1'), symbol: 'BTC-1-C' })).code).toBe(
      -1121,
    );
  });

  test('short options: RISK_LEVEL_CHANGE REDUCE_ONLY when the margin balance falls under maintenance, NORMAL after', () => {
    const { exchange, take } = setup();
    // Sell 1 call at 2500: +2500 premium, -2.5 fee; maintenance 7.5 % of 1 × 60000 = 4500;
    // margin balance 12497.5 - 2500 = 9997.5: NORMAL, nothing to announce.
    exchange.options('alice', 'place', { symbol: CALL, side: 'SELL', type: 'MARKET', quantity: '1' });
    expect(take().filter((r) => r.event.e === 'RISK_LEVEL_CHANGE')).toEqual([]);
    // Mark to 10000: 12497.5 - 10000 = 2497.5 < 4500.
    exchange.setOptionMark(CALL, '10000');
    const risk = take().filter((r) => r.event.e === 'RISK_LEVEL_CHANGE');
    expect(risk.map((r) => r.event)).toEqual([
      {
        e: 'RISK_LEVEL_CHANGE',
        E: expect.any(Number),
        s: 'REDUCE_ONLY',
        mb: '2497.50000000',
        mm: '4500.00000000',
      },
    ]);
    exchange.options('alice', 'place', {
      symbol: CALL,
      side: 'BUY',
      type: 'LIMIT',
      price: '10000',
      quantity: '1',
    });
    const back = take().filter((r) => r.event.e === 'RISK_LEVEL_CHANGE');
    expect(back.map((r) => r.event.s)).toEqual(['NORMAL']);
  });
});
