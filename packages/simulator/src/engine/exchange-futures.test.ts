import { describe, expect, test } from 'vitest';
import { at, fixture, parseEvent, rejection, setup } from './test-helpers.js';

const market = (side: string, quantity: string, extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side,
  type: 'MARKET',
  quantity,
  ...extra,
});
const limit = (side: string, quantity: string, price: string, extra: Record<string, string> = {}) => ({
  symbol: 'BTCUSDT',
  side,
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity,
  price,
  ...extra,
});

function usdtWallet(exchange: ReturnType<typeof setup>['exchange']): string {
  return exchange.balances('alice', 'binance-usdm').USDT?.free as string;
}

describe('USDⓈ-M: events', () => {
  test('a resting LIMIT order sends ORDER_TRADE_UPDATE NEW only (no balance change, no ACCOUNT_UPDATE)', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-usdm', limit('BUY', '0.1', '59000'));
    const events = take();
    expect(types(events)).toEqual(['ORDER_TRADE_UPDATE']);
    expect(events[0]?.target).toEqual({ accountId: 'alice', venue: 'binance-usdm' });
    expect(at(events, 0).o).toMatchObject({
      x: 'NEW',
      X: 'NEW',
      q: '0.1',
      p: '59000',
      b: '5900',
      a: '0',
      R: false,
      ps: 'BOTH',
    });
    // The venue pushes N/n on every update, "0" before a fill.
    expect(at(events, 0).o).toMatchObject({ N: 'USDT', n: '0' });
  });

  test('a MARKET fill: NEW, TRADE_LITE, ACCOUNT_UPDATE (reason ORDER) with wallet and position, then TRADE', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    const events = take();
    expect(types(events)).toEqual([
      'ORDER_TRADE_UPDATE',
      'TRADE_LITE',
      'ACCOUNT_UPDATE',
      'ORDER_TRADE_UPDATE',
    ]);
    expect(at(events, 1)).toMatchObject({ s: 'BTCUSDT', S: 'BUY', l: '0.1', L: '60000', m: false });
    expect(at(events, 3).o).toMatchObject({
      x: 'TRADE',
      X: 'FILLED',
      l: '0.1',
      z: '0.1',
      L: '60000',
      ap: '60000',
      N: 'USDT',
      n: '6',
      rp: '0',
    });
    expect(at(events, 2).a).toEqual({
      m: 'ORDER',
      B: [{ a: 'USDT', wb: '9994.00000000', cw: '9994.00000000', bc: '0.00000000' }],
      P: [
        {
          s: 'BTCUSDT',
          pa: '0.1',
          ep: '60000',
          bep: '60060',
          cr: '0.00000000',
          up: '0.00000000',
          mt: 'cross',
          iw: '0',
          ps: 'BOTH',
        },
      ],
    });
    for (const r of events) expect(r.event.T).toBe(at(events, 0).T);
  });

  test('closing at a profit realizes exact PnL, charges 0.1 % in USDT and flattens the position', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    exchange.setPrice('BTCUSDT', '61000.5');
    take();
    exchange.placeOrder('alice', 'binance-usdm', market('SELL', '0.1'));
    const events = take();
    // (61000.5 - 60000) × 0.1 = 100.05 profit; 6100.05 × 0.001 = 6.10005 commission.
    expect(at(events, 3).o).toMatchObject({ rp: '100.05', n: '6.10005', X: 'FILLED' });
    const update = at(events, 2).a as { B: { wb: string }[]; P: Record<string, string>[] };
    expect(update.B[0]?.wb).toBe('10087.94995000');
    expect(update.P[0]).toMatchObject({ pa: '0', ep: '0', cr: '100.05000000' });
    expect(usdtWallet(exchange)).toBe('10087.94995000');
  });

  test('an order larger than the position flips it: the remainder opens at the fill price', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    take();
    exchange.placeOrder('alice', 'binance-usdm', market('SELL', '0.3'));
    const update = at(take(), 2).a as { P: Record<string, string>[] };
    expect(update.P[0]).toMatchObject({ pa: '-0.2', ep: '60000' });
    const account = exchange.account('alice', 'binance-usdm', { version: 'v2' }) as {
      positions: Record<string, unknown>[];
    };
    expect(account.positions.find((p) => p.symbol === 'BTCUSDT')).toMatchObject({
      positionAmt: '-0.2',
      entryPrice: '60000',
    });
  });

  test('adding to a position averages the entry price', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    exchange.setPrice('BTCUSDT', '63000');
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.2'));
    const update = at(take(), -2).a as { P: Record<string, string>[] };
    expect(update.P[0]).toMatchObject({ pa: '0.3', ep: '62000' });
  });

  test('a resting order filled by the price is the maker, at its limit price', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-usdm', limit('SELL', '0.1', '61000'));
    take();
    exchange.setPrice('BTCUSDT', '61500');
    const events = take();
    expect(types(events)).toEqual(['TRADE_LITE', 'ACCOUNT_UPDATE', 'ORDER_TRADE_UPDATE']);
    expect(at(events, 2).o).toMatchObject({ m: true, L: '61000', X: 'FILLED', a: '0' });
  });

  test('cancel: ORDER_TRADE_UPDATE CANCELED and the order object with status CANCELED', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-usdm', limit('BUY', '0.1', '59000', { newClientOrderId: 'f-1' }));
    take();
    const body = exchange.cancelOrder('alice', 'binance-usdm', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'f-1',
    });
    const events = take();
    expect(types(events)).toEqual(['ORDER_TRADE_UPDATE']);
    expect(at(events, 0).o).toMatchObject({ x: 'CANCELED', X: 'CANCELED', c: 'f-1', b: '0' });
    expect(body).toMatchObject({ status: 'CANCELED', clientOrderId: 'f-1', cumQuote: '0' });
    expect(exchange.orders('alice', 'binance-usdm')).toEqual([]);
  });

  test('deposit: ACCOUNT_UPDATE reason DEPOSIT with the balance change and no positions', () => {
    const { exchange, take } = setup();
    exchange.deposit('alice', 'binance-usdm', 'USDT', '250.5');
    const [update] = take();
    expect(update?.event.a).toEqual({
      m: 'DEPOSIT',
      B: [{ a: 'USDT', wb: '10250.50000000', cw: '10250.50000000', bc: '250.50000000' }],
      P: [],
    });
  });

  test('ACCOUNT_UPDATE and ORDER_TRADE_UPDATE carry the documented fields', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    const events = take();
    const documented = fixture('futures/ORDER_TRADE_UPDATE.json').o as Record<string, unknown>;
    // AP and cr belong to trailing-stop orders only.
    const expected = Object.keys(documented).filter((k) => k !== 'AP' && k !== 'cr');
    // `er` (expiry reason) is on the current Event-Order-Update page
    // (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update)
    // but not yet in core's older fixture: required either way.
    if (!expected.includes('er')) expected.push('er');
    expect(Object.keys(at(events, 3).o as object).sort()).toEqual(expected.sort());
    const documentedPosition = (fixture('futures/ACCOUNT_UPDATE.json').a as { P: object[] }).P[0] as object;
    const position = (at(events, 2).a as { P: object[] }).P[0] as object;
    expect(Object.keys(position)).toEqual(Object.keys(documentedPosition));
    expect(Object.keys(at(events, 1) as object)).toEqual(Object.keys(fixture('futures/TRADE_LITE.json')));
  });

  test('every futures event parses with core parseEvent', () => {
    const { exchange, emitted } = setup();
    exchange.placeOrder('alice', 'binance-usdm', limit('BUY', '0.1', '59000'));
    exchange.placeOrder('alice', 'binance-usdm', market('SELL', '0.05'));
    exchange.setPrice('BTCUSDT', '58000');
    exchange.deposit('alice', 'binance-usdm', 'USDT', '1');
    exchange.placeOrder('alice', 'binance-coinm', {
      symbol: 'BTCUSD_PERP',
      side: 'BUY',
      type: 'MARKET',
      quantity: '3',
    });
    expect(emitted.length).toBeGreaterThan(8);
    for (const { event } of emitted) {
      const parsed = parseEvent(event, 'futures');
      expect(parsed.ok ? parsed.event.e : parsed.error.message).toBe(event.e);
    }
  });
});

describe('USDⓈ-M: bodies', () => {
  test('ACK (default) returns the order as accepted; RESULT as it ended', () => {
    const { exchange } = setup();
    const ack = exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    expect(ack).toMatchObject({
      status: 'NEW',
      executedQty: '0',
      avgPrice: '0',
      positionSide: 'BOTH',
      origType: 'MARKET',
    });
    const result = exchange.placeOrder(
      'alice',
      'binance-usdm',
      market('BUY', '0.1', { newOrderRespType: 'RESULT' }),
    );
    expect(result).toMatchObject({
      status: 'FILLED',
      executedQty: '0.1',
      cumQuote: '6000',
      avgPrice: '60000',
    });
  });

  test('v3 account lists only symbols with a position or open orders; margins follow the 20× leverage', () => {
    const { exchange } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    exchange.placeOrder('alice', 'binance-usdm', { ...limit('BUY', '1', '2900'), symbol: 'ETHUSDT' });
    const account = exchange.account('alice', 'binance-usdm', {}) as Record<string, unknown>;
    expect(account).toMatchObject({
      totalWalletBalance: '9994.00000000',
      totalPositionInitialMargin: '300.00000000',
      totalOpenOrderInitialMargin: '145.00000000',
      availableBalance: '9549.00000000',
    });
    expect((account.positions as { symbol: string }[]).map((p) => p.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(exchange.openOrders('alice', 'binance-usdm', { symbol: 'ETHUSDT' })).toMatchObject([
      { symbol: 'ETHUSDT', price: '2900', origQty: '1', status: 'NEW', time: expect.any(Number) },
    ]);
  });

  test('portfolio margin shares the USDⓈ-M account; its account body is /papi/v1/balance', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-portfolio-margin', market('BUY', '0.1'));
    expect(take().every((r) => r.target.venue === 'binance-usdm')).toBe(true);
    const rows = exchange.account('alice', 'binance-portfolio-margin', {}) as Record<string, unknown>[];
    // One row per asset over UM, CM (the COIN-M book's 1 BTC) and the PM margin account (its demo
    // balances); totalWalletBalance = cross margin free + locked + UM wallet + CM wallet (the PM
    // balance row: developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Get-Classic-Portfolio-Margin-Balance-Info).
    expect(rows).toEqual([
      expect.objectContaining({
        asset: 'BTC',
        cmWalletBalance: '1.00000000',
        totalWalletBalance: '2.00000000',
      }),
      expect.objectContaining({
        asset: 'ETH',
        crossMarginFree: '10.00000000',
        totalWalletBalance: '10.00000000',
      }),
      expect.objectContaining({
        asset: 'USDT',
        umWalletBalance: '9994.00000000',
        crossMarginFree: '10000.00000000',
        totalWalletBalance: '19994.00000000',
      }),
    ]);
    expect(exchange.account('alice', 'binance-portfolio-margin', { asset: 'USDT' })).toMatchObject({
      asset: 'USDT',
    });
    expect(exchange.account('alice', 'binance-portfolio-margin', { view: 'account' })).toMatchObject({
      uniMMR: '999.00000000',
      accountStatus: 'NORMAL',
    });
  });
});

describe('USDⓈ-M: venue errors', () => {
  test('codes and messages', () => {
    const { exchange, take } = setup();
    const place = (p: Record<string, string>) =>
      rejection(() => exchange.placeOrder('alice', 'binance-usdm', p));
    expect(place(market('BUY', '5'))).toEqual({ code: -2019, msg: 'Margin is insufficient.' });
    expect(place(limit('BUY', '0.1', '59000.05'))).toEqual({
      code: -4014,
      msg: 'Price not increased by tick size.',
    });
    expect(place(limit('BUY', '0.0001', '59000'))).toEqual({
      code: -4003,
      msg: 'Quantity less than or equal to zero.',
    });
    expect(place(limit('BUY', '0.0015', '59000'))).toEqual({
      code: -1111,
      msg: 'Precision is over the maximum defined for this asset.',
    });
    expect(place(limit('BUY', '0.001', '59000'))).toMatchInlineSnapshot(`
      {
        "code": -4164,
        "msg": "Order's notional must be no smaller than 100 (unless you choose reduce only).",
      }
    `);
    expect(place(market('SELL', '0.1', { reduceOnly: 'true' }))).toEqual({
      code: -2022,
      msg: 'ReduceOnly Order is rejected.',
    });
    expect(place(market('BUY', '0.1', { positionSide: 'LONG' })).code).toBe(-4061);
    expect(place(limit('BUY', '0.1', '61000', { timeInForce: 'GTX' })).code).toBe(-5022);
    expect(place({ ...market('BUY', '1'), symbol: 'BTCUSD_PERP' }).code).toBe(-1121);
    exchange.placeOrder('alice', 'binance-usdm', limit('BUY', '0.1', '59000', { newClientOrderId: 'same' }));
    take();
    expect(place(limit('BUY', '0.1', '59000', { newClientOrderId: 'same' }))).toEqual({
      code: -4116,
      msg: 'ClientOrderId is duplicated.',
    });
    expect(
      rejection(() => exchange.cancelOrder('alice', 'binance-usdm', { symbol: 'BTCUSDT', orderId: '12345' })),
    ).toEqual({
      code: -2011,
      msg: 'Unknown order sent.',
    });
    expect(take()).toEqual([]);
  });

  test('a reduce-only order resting past the position expires once the position is flat', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'binance-usdm', market('BUY', '0.1'));
    exchange.placeOrder('alice', 'binance-usdm', limit('SELL', '0.1', '61000', { reduceOnly: 'true' }));
    exchange.placeOrder('alice', 'binance-usdm', limit('SELL', '0.1', '62000', { reduceOnly: 'true' }));
    take();
    exchange.setPrice('BTCUSDT', '62000');
    const events = take();
    expect(types(events)).toEqual([
      'TRADE_LITE',
      'ACCOUNT_UPDATE',
      'ORDER_TRADE_UPDATE',
      'ORDER_TRADE_UPDATE',
    ]);
    expect(at(events, 3).o).toMatchObject({ x: 'EXPIRED', X: 'EXPIRED', R: true });
    expect(exchange.orders('alice', 'binance-usdm')).toEqual([]);
  });
});

describe('COIN-M', () => {
  test('inverse contracts: BTC margin, exact PnL in BTC, account alias, no TRADE_LITE', () => {
    const { exchange, take, types } = setup();
    const perp = (side: string, quantity: string) => ({
      symbol: 'BTCUSD_PERP',
      side,
      type: 'MARKET',
      quantity,
    });
    exchange.placeOrder('alice', 'binance-coinm', perp('BUY', '10'));
    let events = take();
    expect(types(events)).toEqual(['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'ORDER_TRADE_UPDATE']);
    expect(at(events, 0)).toMatchObject({ i: 'SgsR' });
    expect(at(events, 2).o).toMatchObject({ N: 'BTC', n: '0.00001667', ma: 'BTC', ap: '60000' });
    expect((at(events, 1).a as { B: unknown[] }).B).toEqual([
      { a: 'BTC', wb: '0.99998333', cw: '0.99998333', bc: '0.00000000' },
    ]);
    exchange.setPrice('BTCUSD_PERP', '66000');
    exchange.placeOrder('alice', 'binance-coinm', perp('SELL', '10'));
    events = take();
    // 10 contracts × 100 USD × (1/60000 − 1/66000) = 0.00151515 BTC.
    expect(at(events, 2).o).toMatchObject({ rp: '0.00151515', n: '0.00001515' });
    expect(exchange.balances('alice', 'binance-coinm').BTC?.free).toBe('1.00148333');
    const account = exchange.account('alice', 'binance-coinm', {}) as {
      positions: Record<string, unknown>[];
    };
    expect(account.positions[0]).toMatchObject({ symbol: 'BTCUSD_PERP', positionAmt: '0', leverage: '20' });
    expect(exchange.openOrders('alice', 'binance-coinm', {})).toEqual([]);
  });

  test('contracts are whole: a fractional quantity is a precision error', () => {
    const { exchange } = setup();
    expect(
      rejection(() =>
        exchange.placeOrder('alice', 'binance-coinm', {
          symbol: 'BTCUSD_PERP',
          side: 'BUY',
          type: 'MARKET',
          quantity: '1.5',
        }),
      ).code,
    ).toBe(-1111);
  });
});
