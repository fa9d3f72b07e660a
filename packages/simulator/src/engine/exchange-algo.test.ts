import { describe, expect, test } from 'vitest';
import { at, rejection, setup } from './test-helpers.js';

// Conditional orders live in the Algo service since 2025-12:
// https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order
// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Conditional-Order-Trigger-Reject
// (the trigger-reject page is not in the search store: its shape {e,E,T,or:{s,i,r}} is taken
// from the issue and the sibling ORDER_TRADE_UPDATE page.)

/** Every field the ALGO_UPDATE page documents in `o`. */
const ALGO_FIELDS = [
  'caid',
  'aid',
  'at',
  'o',
  's',
  'S',
  'ps',
  'f',
  'q',
  'X',
  'ai',
  'ap',
  'aq',
  'act',
  'tp',
  'p',
  'V',
  'wt',
  'pm',
  'cp',
  'pP',
  'R',
  'tt',
  'gtd',
  'rm',
].sort();

const stopMarket = (side: string, triggerPrice: string, extra: Record<string, string> = {}) => ({
  algoType: 'CONDITIONAL',
  symbol: 'BTCUSDT',
  side,
  type: 'STOP_MARKET',
  quantity: '0.1',
  triggerPrice,
  ...extra,
});

const kinds = (list: ReturnType<ReturnType<typeof setup>['take']>) =>
  list.map((r) => {
    const e = r.event;
    const o = e.o as Record<string, unknown> | undefined;
    if (e.e === 'ALGO_UPDATE') return `ALGO_UPDATE:${o?.X}`;
    if (e.e === 'ORDER_TRADE_UPDATE') return `ORDER_TRADE_UPDATE:${o?.x}`;
    return String(e.e);
  });

describe('USDⓈ-M algo (conditional) orders', () => {
  test('placing sends ALGO_UPDATE NEW with every documented field and answers the REST body', () => {
    const { exchange, take } = setup();
    const body = exchange.placeAlgoOrder('alice', 'binance-usdm', stopMarket('BUY', '61000.5'));
    expect(body).toMatchObject({
      algoType: 'CONDITIONAL',
      orderType: 'STOP_MARKET',
      symbol: 'BTCUSDT',
      side: 'BUY',
      positionSide: 'BOTH',
      timeInForce: 'GTC',
      quantity: '0.1',
      algoStatus: 'NEW',
      triggerPrice: '61000.5',
      price: '0',
      workingType: 'CONTRACT_PRICE',
      reduceOnly: false,
      closePosition: false,
    });
    expect(typeof body.algoId).toBe('number');
    const events = take();
    expect(kinds(events)).toEqual(['ALGO_UPDATE:NEW']);
    const o = at(events, 0).o as Record<string, unknown>;
    expect(Object.keys(o).sort()).toEqual(ALGO_FIELDS);
    expect(o).toMatchObject({
      aid: body.algoId,
      caid: body.clientAlgoId,
      at: 'CONDITIONAL',
      o: 'STOP_MARKET',
      X: 'NEW',
      ai: '',
      tp: '61000.5',
      q: '0.1',
      tt: 0,
    });
    expect(exchange.openAlgoOrders('alice', 'binance-usdm')).toEqual([
      expect.objectContaining({ algoId: body.algoId, algoStatus: 'NEW' }),
    ]);
  });

  test('a price crossing the trigger runs NEW → TRIGGERING → TRIGGERED → the fill → FINISHED, all in one E', () => {
    const { exchange, take, clock } = setup();
    const body = exchange.placeAlgoOrder('alice', 'binance-usdm', stopMarket('BUY', '61000'));
    take();
    clock.advance(5);
    exchange.setPrice('BTCUSDT', '60999.9');
    expect(take()).toEqual([]); // not crossed yet
    clock.advance(5);
    exchange.setPrice('BTCUSDT', '61000');
    const events = take();
    expect(kinds(events)).toEqual([
      'ALGO_UPDATE:TRIGGERING',
      'ALGO_UPDATE:TRIGGERED',
      'ORDER_TRADE_UPDATE:NEW',
      'TRADE_LITE',
      'ACCOUNT_UPDATE',
      'ORDER_TRADE_UPDATE:TRADE',
      'ALGO_UPDATE:FINISHED',
    ]);
    const E = new Set(events.map((r) => r.event.E));
    expect(E.size).toBe(1);
    const triggered = at(events, 1).o as Record<string, unknown>;
    const trade = at(events, 5).o as Record<string, unknown>;
    expect(triggered.ai).toBe(String(trade.i));
    expect(triggered.tt).toBe(clock.now());
    // The order the trigger placed says where it came from.
    expect(trade).toMatchObject({ o: 'MARKET', ot: 'STOP_MARKET', sp: '61000', X: 'FILLED', er: '0' });
    const finished = at(events, 6).o as Record<string, unknown>;
    expect(finished).toMatchObject({
      X: 'FINISHED',
      ap: '61000',
      aq: '0.1',
      act: 'MARKET',
      aid: body.algoId,
    });
    expect(exchange.openAlgoOrders('alice', 'binance-usdm')).toEqual([]);
    // The position the trigger opened, exactly.
    expect(exchange.positionRisk('alice', 'binance-usdm', { symbol: 'BTCUSDT' })).toEqual([
      expect.objectContaining({ symbol: 'BTCUSDT', positionAmt: '0.1', entryPrice: '61000' }),
    ]);
  });

  test('a STOP (limit) that rests after triggering finishes when its limit order fills', () => {
    const { exchange, take } = setup();
    // SELL stop at 59000, limit 59500: once triggered at 59000 it rests above the market.
    exchange.placeAlgoOrder('alice', 'binance-usdm', {
      ...stopMarket('SELL', '59000'),
      type: 'STOP',
      price: '59500',
      timeInForce: 'GTC',
    });
    take();
    exchange.setPrice('BTCUSDT', '59000');
    expect(kinds(take())).toEqual([
      'ALGO_UPDATE:TRIGGERING',
      'ALGO_UPDATE:TRIGGERED',
      'ORDER_TRADE_UPDATE:NEW',
    ]);
    exchange.setPrice('BTCUSDT', '59500');
    const fill = take();
    expect(kinds(fill)).toEqual([
      'TRADE_LITE',
      'ACCOUNT_UPDATE',
      'ORDER_TRADE_UPDATE:TRADE',
      'ALGO_UPDATE:FINISHED',
    ]);
    expect(at(fill, 3).o).toMatchObject({ X: 'FINISHED', aq: '0.1', ap: '59500', act: 'LIMIT' });
  });

  test('cancel sends ALGO_UPDATE CANCELED and the documented cancel body; an unknown id is -2011', () => {
    const { exchange, take } = setup();
    const body = exchange.placeAlgoOrder('alice', 'binance-usdm', stopMarket('BUY', '65000'));
    take();
    const res = exchange.cancelAlgoOrder('alice', 'binance-usdm', { algoId: String(body.algoId) });
    expect(res).toEqual({
      algoId: body.algoId,
      clientAlgoId: body.clientAlgoId,
      code: '200',
      msg: 'success',
    });
    expect(kinds(take())).toEqual(['ALGO_UPDATE:CANCELED']);
    expect(
      rejection(() => exchange.cancelAlgoOrder('alice', 'binance-usdm', { algoId: String(body.algoId) })),
    ).toEqual({ code: -2011, msg: 'Unknown order sent.' });
    exchange.setPrice('BTCUSDT', '66000');
    expect(take().filter((r) => r.event.e === 'ALGO_UPDATE')).toEqual([]);
  });

  test('a trigger the matching engine refuses: CONDITIONAL_ORDER_TRIGGER_REJECT and ALGO_UPDATE REJECTED', () => {
    const { exchange, take } = setup();
    // Reduce-only with no position: accepted by the Algo service, refused when it triggers.
    const body = exchange.placeAlgoOrder(
      'alice',
      'binance-usdm',
      stopMarket('BUY', '61000', { reduceOnly: 'true' }),
    );
    take();
    exchange.setPrice('BTCUSDT', '61500');
    const events = take();
    expect(kinds(events)).toEqual([
      'ALGO_UPDATE:TRIGGERING',
      'CONDITIONAL_ORDER_TRIGGER_REJECT',
      'ALGO_UPDATE:REJECTED',
    ]);
    expect(at(events, 1)).toMatchObject({
      e: 'CONDITIONAL_ORDER_TRIGGER_REJECT',
      or: { s: 'BTCUSDT', i: body.algoId, r: 'ReduceOnly Order is rejected.' },
    });
    expect(typeof at(events, 1).T).toBe('number');
    expect(at(events, 2).o).toMatchObject({ X: 'REJECTED', rm: 'ReduceOnly Order is rejected.' });
    expect(exchange.openAlgoOrders('alice', 'binance-usdm')).toEqual([]);
  });

  test('a close-all stop EXPIRES (system cancel) in the step that closes its position', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-usdm', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.1',
    });
    exchange.placeAlgoOrder('alice', 'binance-usdm', {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: '59000',
      closePosition: 'true',
    });
    take();
    exchange.placeOrder('alice', 'binance-usdm', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.1',
    });
    const events = take();
    expect(kinds(events).at(-1)).toBe('ALGO_UPDATE:EXPIRED');
    expect(new Set(events.map((r) => r.event.E)).size).toBe(1);
    expect(exchange.openAlgoOrders('alice', 'binance-usdm')).toEqual([]);
    exchange.setPrice('BTCUSDT', '58000');
    expect(kinds(take())).toEqual([]);
  });

  test('a close-all stop closes exactly the position at the trigger', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-usdm', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.123',
    });
    exchange.placeAlgoOrder('alice', 'binance-usdm', {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'TAKE_PROFIT_MARKET',
      triggerPrice: '62000',
      closePosition: 'true',
    });
    take();
    exchange.setPrice('BTCUSDT', '62000.1');
    const events = take();
    expect(kinds(events).at(-1)).toBe('ALGO_UPDATE:FINISHED');
    expect(at(events, -1).o).toMatchObject({ aq: '0.123', cp: true });
    expect(exchange.positionRisk('alice', 'binance-usdm', {})).toEqual([]);
  });

  test('refusals: immediate trigger -2021, missing trigger price, bad algoType, conditional type on /fapi/v1/order -4120', () => {
    const { exchange } = setup();
    expect(
      rejection(() => exchange.placeAlgoOrder('alice', 'binance-usdm', stopMarket('BUY', '59000'))),
    ).toEqual({ code: -2021, msg: 'Order would immediately trigger.' });
    expect(
      rejection(() =>
        exchange.placeAlgoOrder('alice', 'binance-usdm', { ...stopMarket('BUY', '61000'), triggerPrice: '' }),
      ).code,
    ).toBe(-1102);
    expect(
      rejection(() =>
        exchange.placeAlgoOrder('alice', 'binance-usdm', { ...stopMarket('BUY', '61000'), algoType: 'TWAP' }),
      ).code,
    ).toBe(-1130);
    expect(
      rejection(() =>
        exchange.placeAlgoOrder('alice', 'binance-usdm', {
          ...stopMarket('BUY', '61000'),
          closePosition: 'true',
        }),
      ).code,
    ).toBe(-1106);
    expect(
      rejection(() =>
        exchange.placeOrder('alice', 'binance-usdm', {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'STOP_MARKET',
          quantity: '0.1',
          stopPrice: '61000',
        }),
      ),
    ).toEqual({
      code: -4120,
      msg: 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
    });
  });

  test('COIN-M has no Algo service in the docs: refused as misuse; its positions answer /dapi/v1/positionRisk', () => {
    const { exchange, take } = setup();
    expect(() =>
      exchange.placeAlgoOrder('alice', 'binance-coinm', {
        algoType: 'CONDITIONAL',
        symbol: 'BTCUSD_PERP',
        side: 'BUY',
        type: 'STOP_MARKET',
        quantity: '1',
        triggerPrice: '61000',
      }),
    ).toThrow(expect.objectContaining({ code: 'USERSTREAM_INVALID_INPUT' }));
    exchange.placeOrder('alice', 'binance-coinm', {
      symbol: 'BTCUSD_PERP',
      side: 'BUY',
      type: 'MARKET',
      quantity: '1',
    });
    take();
    expect(exchange.positionRisk('alice', 'binance-coinm', {})).toEqual([
      expect.objectContaining({
        symbol: 'BTCUSD_PERP',
        positionAmt: '1',
        entryPrice: '60000',
        marginType: 'cross',
      }),
    ]);
  });
});
