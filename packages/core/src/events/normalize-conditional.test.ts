import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './normalize.js';
import { normalizeRestAlgoOrder } from './normalize-algo.js';
import { parseEvent } from './parse.js';

// Portfolio margin's conditional (strategy) orders in core's one algo order shape.
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Conditional-Order-Trade-Update
//   (the fixture is the page's example)
// https://developers.binance.com/docs/zh-CN/derivatives/portfolio-margin/trade/Query-All-Current-CM-Open-Conditional-Orders
//   (the REST example below is that page's)
// https://developers.binance.com/legacy-docs/zh-CN/derivatives/portfolio-margin/trade/Query-Current-UM-Open-Conditional-Order
//   (the renames strategyId → algoId, newClientStrategyId → clientAlgoId, strategyStatus → algoStatus, stopPrice → triggerPrice)

const fixture = JSON.parse(
  readFileSync(
    new URL('../../test/fixtures/portfolio-margin/CONDITIONAL_ORDER_TRADE_UPDATE.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;

describe('CONDITIONAL_ORDER_TRADE_UPDATE as an algo order', () => {
  it('reads the documented example as an algo order of its book, whatever dialect the reader names', () => {
    const parsed = parseEvent(fixture, 'portfolioMargin');
    if (!parsed.ok) throw parsed.error;
    const expected = {
      kind: 'algoOrder',
      eventType: 'CONDITIONAL_ORDER_TRADE_UPDATE',
      venueEventTime: 1669262908218,
      transactionTime: 1669262908218,
      algoOrder: {
        book: 'UM',
        symbol: 'BTCUSDT',
        algoId: '176057039',
        clientAlgoId: 'TEST',
        algoType: 'CONDITIONAL',
        orderType: 'TRAILING_STOP_MARKET',
        side: 'SELL',
        positionSide: 'LONG',
        status: 'NEW',
        quantity: '0.001',
        triggerPrice: '7103.04',
        price: '0',
        actualOrderId: '',
        updateTime: 1669262908218,
      },
    };
    expect(normalizeEvent(parsed.event, 'portfolioMargin')).toMatchObject(expected);
    // The mirror reads event types it does not map to a dialect as spot's.
    expect(normalizeEvent(parsed.event, 'spot')).toMatchObject(expected);
    // Parsed by a dialect that does not list it: still the same order.
    const unknown = parseEvent(fixture, 'futures');
    if (!unknown.ok) throw unknown.error;
    expect(unknown.event.e).toBe('unknown');
    expect(normalizeEvent(unknown.event, 'futures')).toMatchObject(expected);
  });

  it('the triggered order id comes from `i`', () => {
    const so = { ...(fixture.so as object), os: 'TRIGGERED', i: 8886774 };
    const parsed = parseEvent({ ...fixture, fs: 'CM', so }, 'portfolioMargin');
    if (!parsed.ok) throw parsed.error;
    expect(normalizeEvent(parsed.event, 'portfolioMargin')).toMatchObject({
      algoOrder: { book: 'CM', status: 'TRIGGERED', actualOrderId: '8886774' },
    });
  });

  it('the CM open conditional orders body reads under the algo names; an algo body is unchanged', () => {
    const cm = {
      newClientStrategyId: 'abc',
      strategyId: 123445,
      strategyStatus: 'NEW',
      strategyType: 'TRAILING_STOP_MARKET',
      origQty: '0.40',
      price: '0',
      reduceOnly: false,
      side: 'BUY',
      positionSide: 'SHORT',
      stopPrice: '9300',
      symbol: 'BTCUSD',
      bookTime: 1566818724710,
      updateTime: 1566818724722,
      timeInForce: 'GTC',
      activatePrice: '9020',
      priceRate: '0.3',
    };
    expect(normalizeRestAlgoOrder(cm, 'CM')).toEqual({
      book: 'CM',
      symbol: 'BTCUSD',
      algoId: '123445',
      clientAlgoId: 'abc',
      algoType: 'CONDITIONAL',
      orderType: 'TRAILING_STOP_MARKET',
      side: 'BUY',
      positionSide: 'SHORT',
      status: 'NEW',
      quantity: '0.40',
      triggerPrice: '9300',
      price: '0',
      actualOrderId: '',
      updateTime: 1566818724722,
    });
    expect(
      normalizeRestAlgoOrder({
        algoId: 7,
        clientAlgoId: 'x',
        algoStatus: 'NEW',
        quantity: '1',
        triggerPrice: '2',
      }),
    ).toMatchObject({ algoId: '7', clientAlgoId: 'x', status: 'NEW', quantity: '1', triggerPrice: '2' });
  });
});
