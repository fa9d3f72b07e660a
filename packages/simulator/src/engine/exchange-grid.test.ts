import { describe, expect, test } from 'vitest';
import { at, rejection, setup } from './test-helpers.js';

// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Strategy-Update
// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Grid-Update
// (neither page is in the search store: the fields are core's schemas for them, which cite the
// pages, and the issue text. Binance's strategy-trading API is not public: grids are created
// through the engine / the simulator's admin API.)

const grid = {
  symbol: 'BTCUSDT',
  lowerPrice: '59000',
  upperPrice: '61000',
  gridNumber: '4',
  quantity: '0.01',
};

const kinds = (list: ReturnType<ReturnType<typeof setup>['take']>) =>
  list.map((r) => {
    const e = r.event;
    if (e.e === 'STRATEGY_UPDATE') return `STRATEGY_UPDATE:${(e.su as { ss: string }).ss}`;
    if (e.e === 'ORDER_TRADE_UPDATE') return `ORDER_TRADE_UPDATE:${(e.o as { x: string }).x}`;
    return String(e.e);
  });

describe('USDⓈ-M grid strategies', () => {
  test('create: STRATEGY_UPDATE NEW, a LIMIT order per level (BUY below, SELL above the price), WORKING', () => {
    const { exchange, take } = setup();
    const body = exchange.createGrid('alice', grid);
    expect(body).toMatchObject({
      strategyStatus: 'WORKING',
      levels: ['59000', '59500', '60000', '60500', '61000'],
    });
    const events = take();
    expect(kinds(events)).toEqual([
      'STRATEGY_UPDATE:NEW',
      'ORDER_TRADE_UPDATE:NEW',
      'ORDER_TRADE_UPDATE:NEW',
      'ORDER_TRADE_UPDATE:NEW',
      'ORDER_TRADE_UPDATE:NEW',
      'STRATEGY_UPDATE:WORKING',
    ]);
    expect(at(events, 0).su).toEqual({
      si: body.strategyId,
      st: 'GRID',
      ss: 'NEW',
      s: 'BTCUSDT',
      ut: expect.any(Number),
      c: 8007,
    });
    const orders = exchange.orders('alice', 'binance-usdm').map((o) => `${o.side}@${o.price}`);
    expect(orders.sort()).toEqual(['BUY@59000', 'BUY@59500', 'SELL@60500', 'SELL@61000']);
  });

  test('a fill: GRID_UPDATE with the unmatched fill, the counter order one level up; the round trip is matched PnL exactly', () => {
    const { exchange, take, clock } = setup();
    exchange.createGrid('alice', grid);
    take();
    clock.advance(10);
    exchange.setPrice('BTCUSDT', '59500');
    const fill = take();
    expect(kinds(fill)).toEqual([
      'TRADE_LITE',
      'ACCOUNT_UPDATE',
      'ORDER_TRADE_UPDATE:TRADE',
      'GRID_UPDATE',
      'ORDER_TRADE_UPDATE:NEW',
    ]);
    expect(new Set(fill.map((r) => r.event.E)).size).toBe(1);
    // Bought 0.01 at 59500, fee 0.1 % = 0.595 USDT: unmatched.
    expect(at(fill, 3).gu).toMatchObject({
      ss: 'WORKING',
      uq: '0.01',
      up: '59500',
      uf: '0.595',
      mp: '0',
      r: '0',
    });
    expect((at(fill, 4).o as { S: string; p: string }).S).toBe('SELL');
    expect((at(fill, 4).o as { p: string }).p).toBe('60000');
    exchange.setPrice('BTCUSDT', '60000');
    const back = take();
    const update = back.find((r) => r.event.e === 'GRID_UPDATE')?.event.gu;
    // (60000 - 59500) × 0.01 - 0.595 - 0.6 = 3.805 USDT, exactly.
    expect(update).toMatchObject({ uq: '0', up: '0', uf: '0', mp: '3.805', r: '3.805' });
  });

  test('cancel: every working grid order CANCELED, then STRATEGY_UPDATE CANCELLED (8002); refusals', () => {
    const { exchange, take } = setup();
    const { strategyId } = exchange.createGrid('alice', grid);
    take();
    exchange.cancelGrid('alice', { strategyId: String(strategyId) });
    const events = take();
    expect(kinds(events)).toEqual([
      'ORDER_TRADE_UPDATE:CANCELED',
      'ORDER_TRADE_UPDATE:CANCELED',
      'ORDER_TRADE_UPDATE:CANCELED',
      'ORDER_TRADE_UPDATE:CANCELED',
      'STRATEGY_UPDATE:CANCELLED',
    ]);
    expect(at(events, -1).su).toMatchObject({ ss: 'CANCELLED', c: 8002 });
    expect(exchange.orders('alice', 'binance-usdm')).toEqual([]);
    expect(rejection(() => exchange.cancelGrid('alice', { strategyId: String(strategyId) })).code).toBe(
      -2011,
    );
    expect(rejection(() => exchange.createGrid('alice', { ...grid, gridNumber: '3' })).code).toBe(-1130);
    expect(rejection(() => exchange.createGrid('alice', { ...grid, upperPrice: '58000' })).code).toBe(-1130);
  });
});
