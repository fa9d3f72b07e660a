import { ExchangeError } from '@userstream/core';
import { describe, expect, test } from 'vitest';
import { at, fixture, parseEvent, rejection, setup } from './test-helpers.js';

const limitBuy = (price: string, quantity = '0.01', extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity,
  price,
  ...extra,
});

describe('spot: order lifecycle events', () => {
  test('a resting LIMIT order: executionReport NEW, then outboundAccountPosition of the locked asset', () => {
    const { exchange, take, types } = setup();
    const body = exchange.placeOrder(
      'alice',
      'binance-spot',
      limitBuy('59000', '0.01', { newClientOrderId: 'my-1' }),
    );
    const events = take();
    expect(types(events)).toEqual(['executionReport:NEW', 'outboundAccountPosition']);
    expect(events.every((r) => r.target.accountId === 'alice' && r.target.venue === 'binance-spot')).toBe(
      true,
    );
    const [report, position] = events.map((r) => r.event);
    expect(report).toMatchObject({
      s: 'BTCUSDT',
      c: 'my-1',
      S: 'BUY',
      o: 'LIMIT',
      f: 'GTC',
      q: '0.01000000',
      p: '59000.00000000',
      C: '',
      x: 'NEW',
      X: 'NEW',
      i: body.orderId,
      l: '0.00000000',
      z: '0.00000000',
      n: '0',
      N: null,
      t: -1,
      w: true,
      m: false,
    });
    expect(position).toMatchObject({
      e: 'outboundAccountPosition',
      B: [{ a: 'USDT', f: '9410.00000000', l: '590.00000000' }],
    });
    expect(body).toMatchObject({
      status: 'NEW',
      clientOrderId: 'my-1',
      executedQty: '0.00000000',
      fills: [],
    });
    expect(exchange.balances('alice', 'binance-spot').USDT).toEqual({
      free: '9410.00000000',
      locked: '590.00000000',
    });
  });

  test('executionReport carries every always-present field of the documented payload, with the same types', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000'));
    const report = at(take(), 0) as Record<string, unknown>;
    const documented = fixture('binance-spot/executionReport.json');
    // `v` (prevented match id) only appears for orders expired by self-trade prevention.
    const expectedKeys = Object.keys(documented).filter((k) => k !== 'v');
    expect(Object.keys(report)).toEqual(expectedKeys);
    for (const key of expectedKeys) {
      expect([key, typeof report[key]]).toEqual([key, typeof documented[key]]);
    }
  });

  test('a MARKET order fills at the current price: NEW, TRADE (FILLED), then one position with both assets', () => {
    const { exchange, take, types } = setup();
    const body = exchange.placeOrder('alice', 'binance-spot', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.5',
    });
    const events = take();
    expect(types(events)).toEqual([
      'executionReport:NEW',
      'executionReport:TRADE',
      'outboundAccountPosition',
    ]);
    const trade = at(events, 1);
    // 0.5 BTC × 60000 = 30000 USDT; 0.1 % commission taken in USDT, the asset received.
    expect(trade).toMatchObject({
      X: 'FILLED',
      l: '0.50000000',
      z: '0.50000000',
      L: '60000.00000000',
      n: '30.00000000',
      N: 'USDT',
      Z: '30000.00000000',
      Y: '30000.00000000',
      m: false,
      w: false,
      t: 1,
    });
    expect(at(events, 2).B).toEqual([
      { a: 'BTC', f: '0.50000000', l: '0.00000000' },
      { a: 'USDT', f: '39970.00000000', l: '0.00000000' },
    ]);
    expect(body).toMatchObject({
      status: 'FILLED',
      executedQty: '0.50000000',
      cummulativeQuoteQty: '30000.00000000',
      fills: [
        {
          price: '60000.00000000',
          qty: '0.50000000',
          commission: '30.00000000',
          commissionAsset: 'USDT',
          tradeId: 1,
        },
      ],
    });
  });

  test('a resting order filled by setPrice: TRADE at its limit price as maker; commission in the received asset', () => {
    const { exchange, take, types } = setup();
    const { orderId } = exchange.placeOrder('alice', 'binance-spot', limitBuy('59000', '0.01'));
    take();
    exchange.setPrice('BTCUSDT', '58000');
    const events = take();
    expect(types(events)).toEqual(['executionReport:TRADE', 'outboundAccountPosition']);
    expect(at(events, 0)).toMatchObject({
      i: orderId,
      X: 'FILLED',
      L: '59000.00000000',
      m: true,
      n: '0.00001000',
      N: 'BTC',
    });
    expect(at(events, 1).B).toEqual([
      { a: 'BTC', f: '1.00999000', l: '0.00000000' },
      { a: 'USDT', f: '9410.00000000', l: '0.00000000' },
    ]);
    expect(exchange.orders('alice', 'binance-spot')).toEqual([]);
  });

  test('setPrice that does not cross leaves the order alone and emits nothing', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000'));
    take();
    exchange.setPrice('BTCUSDT', '59000.01');
    expect(take()).toEqual([]);
    expect(exchange.orders('alice', 'binance-spot')).toHaveLength(1);
  });

  test('partial fills: PARTIALLY_FILLED then FILLED, z accumulating and the lock released step by step', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-spot', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.3',
      price: '61000',
    });
    take();
    exchange.setPrice('BTCUSDT', '61000', { partial: true });
    let events = take();
    expect(types(events)).toEqual(['executionReport:TRADE', 'outboundAccountPosition']);
    expect(at(events, 0)).toMatchObject({
      X: 'PARTIALLY_FILLED',
      l: '0.15000000',
      z: '0.15000000',
      w: true,
    });
    expect(exchange.orders('alice', 'binance-spot')[0]).toMatchObject({
      status: 'PARTIALLY_FILLED',
      executedQty: '0.15000000',
    });
    expect(exchange.balances('alice', 'binance-spot').BTC).toEqual({
      free: '0.70000000',
      locked: '0.15000000',
    });
    exchange.setPrice('BTCUSDT', '61000.5');
    events = take();
    expect(at(events, 0)).toMatchObject({
      X: 'FILLED',
      l: '0.15000000',
      z: '0.30000000',
      Z: '18300.00000000',
      w: false,
    });
    expect(exchange.balances('alice', 'binance-spot').BTC).toEqual({
      free: '0.70000000',
      locked: '0.00000000',
    });
  });

  test('cancel: CANCELED with c = the cancel request id and C = the original client id, then the unlocked balance', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000', '0.01', { newClientOrderId: 'orig-1' }));
    take();
    const body = exchange.cancelOrder('alice', 'binance-spot', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'orig-1',
      newClientOrderId: 'cancel-1',
    });
    const events = take();
    expect(types(events)).toEqual(['executionReport:CANCELED', 'outboundAccountPosition']);
    expect(at(events, 0)).toMatchObject({ c: 'cancel-1', C: 'orig-1', X: 'CANCELED', w: false });
    expect(at(events, 1).B).toEqual([{ a: 'USDT', f: '10000.00000000', l: '0.00000000' }]);
    expect(body).toMatchObject({
      origClientOrderId: 'orig-1',
      clientOrderId: 'cancel-1',
      status: 'CANCELED',
    });
    expect(exchange.orders('alice', 'binance-spot')).toEqual([]);
  });

  test('IOC that does not cross: NEW then EXPIRED and no balance change', () => {
    const { exchange, take, types } = setup();
    const body = exchange.placeOrder(
      'alice',
      'binance-spot',
      limitBuy('50000', '0.01', { timeInForce: 'IOC' }),
    );
    expect(types(take())).toEqual(['executionReport:NEW', 'executionReport:EXPIRED']);
    expect(body.status).toBe('EXPIRED');
    expect(exchange.balances('alice', 'binance-spot').USDT).toEqual({
      free: '10000.00000000',
      locked: '0.00000000',
    });
  });

  test('a crossing LIMIT order takes at the current price and refunds nothing it did not lock', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-spot', limitBuy('65000', '0.1'));
    const trade = at(take(), 1);
    expect(trade).toMatchObject({ L: '60000.00000000', m: false, X: 'FILLED' });
    // Paid 6000 at 60000, not 6500 at the limit.
    expect(exchange.balances('alice', 'binance-spot').USDT).toEqual({
      free: '4000.00000000',
      locked: '0.00000000',
    });
  });

  test('MARKET BUY by quoteOrderQty buys what the amount pays for, rounded down to the step size', () => {
    const { exchange } = setup();
    const body = exchange.placeOrder('alice', 'binance-spot', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quoteOrderQty: '100',
    });
    expect(body).toMatchObject({
      origQty: '0.00166000',
      executedQty: '0.00166000',
      origQuoteOrderQty: '100.00000000',
      cummulativeQuoteQty: '99.60000000',
    });
  });

  test('deposit: balanceUpdate with the delta, then outboundAccountPosition', () => {
    const { exchange, take, types, clock } = setup();
    exchange.deposit('alice', 'binance-spot', 'BNB', '2.5');
    const events = take();
    expect(types(events)).toEqual(['balanceUpdate', 'outboundAccountPosition']);
    expect(at(events, 0)).toMatchObject({ a: 'BNB', d: '2.50000000', T: clock.now() });
    expect(at(events, 1).B).toEqual([{ a: 'BNB', f: '2.50000000', l: '0.00000000' }]);
  });

  test('newOrderRespType ACK and RESULT bodies', () => {
    const { exchange } = setup();
    const ack = exchange.placeOrder(
      'alice',
      'binance-spot',
      limitBuy('59000', '0.01', { newOrderRespType: 'ACK' }),
    );
    expect(Object.keys(ack)).toEqual(['symbol', 'orderId', 'orderListId', 'clientOrderId', 'transactTime']);
    const result = exchange.placeOrder(
      'alice',
      'binance-spot',
      limitBuy('59000', '0.01', { newOrderRespType: 'RESULT' }),
    );
    expect(result).not.toHaveProperty('fills');
    expect(result).toMatchObject({ status: 'NEW', type: 'LIMIT', side: 'BUY', price: '59000.00000000' });
  });

  test('every spot-dialect event the engine sends parses with core parseEvent', () => {
    const { exchange, emitted } = setup();
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000'));
    exchange.placeOrder('alice', 'binance-spot', {
      symbol: 'ETHUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '1',
    });
    const { orderId } = exchange.placeOrder('alice', 'binance-spot', limitBuy('58000'));
    exchange.cancelOrder('alice', 'binance-spot', { symbol: 'BTCUSDT', orderId: String(orderId) });
    exchange.setPrice('BTCUSDT', '58999');
    exchange.deposit('alice', 'binance-spot', 'USDT', '1');
    expect(emitted.length).toBeGreaterThan(8);
    for (const { event } of emitted) {
      const parsed = parseEvent(event, 'spot');
      expect(parsed.ok ? parsed.event.e : parsed.error.message).toBe(event.e);
    }
  });
});

describe('spot: E and T', () => {
  // E and T are the exchange's millisecond clock, not a sequence number. Binance's spot page
  // (binance/binance-spot-api-docs, user-data-stream.md, "General information"): "All timestamps
  // in JSON payloads are in milliseconds by default", with `E` "Event time" and `T` "Transaction
  // time". Binance promises order, not unique milliseconds: its portfolio-margin user data streams
  // page (developers.binance.com/en/docs/products/derivatives-trading-portfolio-margin/user-data-streams,
  // "Message Ordering Guarantee") says events of one type on one connection "are strictly ordered
  // by both T (transaction time from Matching Engine) and E (event time when the message is
  // generated)", and that "Events from different services may share the same T". So one matching
  // step (a taker filling against several makers, and the account update it causes) carries one
  // millisecond: several events share E.
  test('one matching step: its fills and the account update share E and T (a millisecond clock)', () => {
    const { exchange, take, types, clock } = setup();
    for (const price of ['59000', '59001', '59002'])
      exchange.placeOrder('alice', 'binance-spot', limitBuy(price));
    take();
    exchange.setPrice('BTCUSDT', '58999');
    const step = take();
    expect(types(step)).toEqual([
      'executionReport:TRADE',
      'outboundAccountPosition',
      'executionReport:TRADE',
      'outboundAccountPosition',
      'executionReport:TRADE',
      'outboundAccountPosition',
    ]);
    for (const { event } of step) {
      expect(event.E).toBe(clock.now());
      if ('T' in event) expect(event.T).toBe(clock.now());
      if ('u' in event) expect(event.u).toBe(clock.now());
    }
  });

  test('E never goes backwards per stream and moves with the clock, not per event', async () => {
    const { exchange, emitted, clock } = setup();
    for (let i = 0; i < 5; i++) exchange.placeOrder('alice', 'binance-spot', limitBuy('59000'));
    const start = clock.now();
    await clock.advance(3);
    exchange.deposit('alice', 'binance-spot', 'USDT', '1');
    const times = emitted.map((r) => r.event.E as number);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    // Ten events in the clock's first millisecond, then two three milliseconds later.
    expect(times).toEqual([...Array(10).fill(start), start + 3, start + 3]);
    for (const { event } of emitted) {
      if (typeof event.T === 'number') expect(event.T).toBeLessThanOrEqual(event.E as number);
    }
  });

  test('T, O and updateTime come from the injected clock', async () => {
    const { exchange, take, clock } = setup();
    await clock.advance(60 * 60 * 1000);
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000'));
    const [report] = take();
    expect(report?.event).toMatchObject({ T: clock.now(), O: clock.now(), W: clock.now(), E: clock.now() });
    expect((exchange.account('alice', 'binance-spot', {}) as { updateTime: number }).updateTime).toBe(
      clock.now(),
    );
  });
});

describe('spot: venue errors', () => {
  const cases: [string, Record<string, string>][] = [
    ['unknown symbol', { symbol: 'DOGEUSDT', side: 'BUY', type: 'MARKET', quantity: '1' }],
    ['missing side', { symbol: 'BTCUSDT', type: 'MARKET', quantity: '1' }],
    ['bad side', { symbol: 'BTCUSDT', side: 'HOLD', type: 'MARKET', quantity: '1' }],
    ['bad type', { symbol: 'BTCUSDT', side: 'BUY', type: 'STOP', quantity: '1' }],
    [
      'LIMIT without timeInForce',
      { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.01', price: '1' },
    ],
    [
      'LIMIT without price',
      { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01' },
    ],
    ['price off the tick', limitBuy('59000.001')],
    ['quantity off the step', limitBuy('59000', '0.000001')],
    ['notional too small', limitBuy('100', '0.01')],
    ['not enough USDT', limitBuy('59000', '1')],
    ['not enough BTC', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '2' }],
    ['MARKET with neither quantity', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET' }],
    ['MARKET with a price', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.1', price: '1' }],
    ['quantity not a decimal', limitBuy('59000', '1e-3')],
    [
      'LIMIT_MAKER that would take',
      { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT_MAKER', quantity: '0.01', price: '61000' },
    ],
  ];
  test.each(cases)('%s', (_, params) => {
    const { exchange, take } = setup();
    const before = exchange.balances('alice', 'binance-spot');
    expect(() => exchange.placeOrder('alice', 'binance-spot', params)).toThrow(ExchangeError);
    // A rejected order changes nothing and emits nothing.
    expect(take()).toEqual([]);
    expect(exchange.balances('alice', 'binance-spot')).toEqual(before);
  });

  test('codes and messages are the venue’s', () => {
    const { exchange } = setup();
    const place = (p: Record<string, string>) =>
      rejection(() => exchange.placeOrder('alice', 'binance-spot', p));
    expect(place(cases[0]![1])).toMatchInlineSnapshot(`
      {
        "code": -1121,
        "msg": "Invalid symbol.",
      }
    `);
    expect(place(cases[1]![1])).toMatchInlineSnapshot(`
      {
        "code": -1102,
        "msg": "Mandatory parameter 'side' was not sent, was empty/null, or malformed.",
      }
    `);
    expect(place(cases[6]![1])).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    expect(place(cases[7]![1])).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
    expect(place(cases[8]![1])).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    expect(place(cases[9]![1])).toMatchInlineSnapshot(`
      {
        "code": -2010,
        "msg": "Account has insufficient balance for requested action.",
      }
    `);
    expect(place(cases[11]![1])).toEqual({
      code: -1102,
      msg: "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
    });
    expect(place(cases[13]![1]).code).toBe(-1100);
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000', '0.01', { newClientOrderId: 'dup' }));
    expect(place(limitBuy('59000', '0.01', { newClientOrderId: 'dup' }))).toEqual({
      code: -2010,
      msg: 'Duplicate order sent.',
    });
    expect(
      rejection(() => exchange.cancelOrder('alice', 'binance-spot', { symbol: 'BTCUSDT', orderId: '999' })),
    ).toEqual({
      code: -2011,
      msg: 'Unknown order sent.',
    });
  });

  test('the thrown error says where it comes from and is a 400', () => {
    const { exchange } = setup();
    try {
      exchange.placeOrder('alice', 'binance-spot', cases[0]![1]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExchangeError);
      expect((error as ExchangeError).status).toBe(400);
      expect((error as Error).message).toMatchInlineSnapshot(
        `"@userstream/simulator: exchange error -1121: Invalid symbol."`,
      );
    }
  });
});

describe('spot: shared account and snapshots', () => {
  test('binance-spot, -testnet and -legacy share one account; events address the canonical venue', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-spot-legacy', limitBuy('59000'));
    expect(take().every((r) => r.target.venue === 'binance-spot')).toBe(true);
    expect(exchange.orders('alice', 'binance-spot-testnet')).toHaveLength(1);
  });

  test('account body: balances sorted, omitZeroBalances, commission and permissions fields', () => {
    const { exchange } = setup();
    exchange.deposit('alice', 'binance-spot', 'BNB', '1');
    exchange.placeOrder('alice', 'binance-spot', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '1',
    });
    const account = exchange.account('alice', 'binance-spot', {}) as Record<string, unknown>;
    expect(account).toMatchObject({ canTrade: true, accountType: 'SPOT', permissions: ['SPOT'] });
    expect((account.balances as { asset: string }[]).map((b) => b.asset)).toEqual([
      'BNB',
      'BTC',
      'ETH',
      'USDT',
    ]);
    const compact = exchange.account('alice', 'binance-spot', { omitZeroBalances: 'true' }) as {
      balances: { asset: string }[];
    };
    expect(compact.balances.map((b) => b.asset)).toEqual(['BNB', 'ETH', 'USDT']);
  });

  test('open orders body lists what is open, filtered by symbol', () => {
    const { exchange } = setup();
    exchange.placeOrder('alice', 'binance-spot', limitBuy('59000'));
    exchange.placeOrder('alice', 'binance-spot', {
      symbol: 'ETHUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '1',
      price: '3100',
    });
    expect(exchange.openOrders('alice', 'binance-spot', {})).toHaveLength(2);
    const eth = exchange.openOrders('alice', 'binance-spot', { symbol: 'ETHUSDT' }) as Record<
      string,
      unknown
    >[];
    expect(eth).toHaveLength(1);
    expect(eth[0]).toMatchObject({
      symbol: 'ETHUSDT',
      side: 'SELL',
      status: 'NEW',
      isWorking: true,
      orderListId: -1,
    });
    expect(rejection(() => exchange.openOrders('alice', 'binance-spot', { symbol: 'XYZ' })).code).toBe(-1121);
  });
});
