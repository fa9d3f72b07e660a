import { describe, expect, test } from 'vitest';
import { parseEvent, setup } from './test-helpers.js';

// Every event the new activity produces parses with core's schema for its dialect (the schemas
// cite the docs pages; the shared contract is the docs, so S and E meet there):
// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
// https://developers.binance.com/docs/derivatives/option/user-data-streams/Event-Risk-level-change

type Dialect = Parameters<typeof parseEvent>[1];

function expectParses(
  events: readonly { event: Record<string, unknown> }[],
  dialect: Dialect,
  types: string[],
) {
  const seen = new Set<string>();
  for (const { event } of events) {
    const parsed = parseEvent(structuredClone(event), dialect);
    if (!parsed.ok) throw new Error(`${String(event.e)}: ${parsed.error.message}`);
    expect(parsed.event.e).toBe(event.e);
    seen.add(String(event.e));
  }
  for (const t of types) expect(seen.has(t), t).toBe(true);
}

describe('new activity parses in core dialects', () => {
  test('futures: algo orders (trigger, reject), grids', () => {
    const { exchange, take } = setup();
    exchange.placeAlgoOrder('alice', 'binance-usdm', {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      quantity: '0.1',
      triggerPrice: '60500',
    });
    exchange.placeAlgoOrder('alice', 'binance-usdm', {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'TAKE_PROFIT_MARKET',
      quantity: '5',
      triggerPrice: '60600',
      reduceOnly: 'true',
    });
    exchange.setPrice('BTCUSDT', '60700');
    exchange.createGrid('alice', {
      symbol: 'BTCUSDT',
      lowerPrice: '60000',
      upperPrice: '61000',
      gridNumber: '4',
      quantity: '0.01',
    });
    exchange.setPrice('BTCUSDT', '60500');
    expectParses(take(), 'futures', [
      'ALGO_UPDATE',
      'CONDITIONAL_ORDER_TRIGGER_REJECT',
      'STRATEGY_UPDATE',
      'GRID_UPDATE',
      'ORDER_TRADE_UPDATE',
    ]);
  });

  test('options: a trade and a risk level change', () => {
    const { exchange, take } = setup();
    exchange.options('alice', 'place', {
      symbol: 'BTC-261225-60000-C',
      side: 'SELL',
      type: 'MARKET',
      quantity: '1',
    });
    exchange.setOptionMark('BTC-261225-60000-C', '10000');
    expectParses(take(), 'options', [
      'ORDER_TRADE_UPDATE',
      'BALANCE_POSITION_UPDATE',
      'GREEK_UPDATE',
      'ACCOUNT_UPDATE',
      'RISK_LEVEL_CHANGE',
    ]);
  });

  test('cross margin risk: liability and margin level events', () => {
    const { exchange, take } = setup();
    exchange.borrowRepay('alice', 'binance-margin', { type: 'BORROW', asset: 'USDT', amount: '80000' });
    exchange.setPrice('BTCUSDT', '10000');
    const risk = take().filter(
      (r) => r.event.e !== 'outboundAccountPosition' && r.event.e !== 'executionReport',
    );
    expectParses(risk, 'marginRisk', ['USER_LIABILITY_CHANGE', 'MARGIN_LEVEL_STATUS_CHANGE']);
  });
});
