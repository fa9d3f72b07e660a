import { describe, expect, test } from 'vitest';
import { at, fixture, parseEvent, rejection, setup } from './test-helpers.js';

const ethBtcBuy = (extra: Record<string, string> = {}) => ({
  symbol: 'ETHBTC',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '1',
  price: '0.04',
  ...extra,
});

describe('cross margin', () => {
  test('its own balances, the spot event sequence, addressed to binance-margin', () => {
    const { exchange, take, types } = setup();
    const body = exchange.placeOrder('alice', 'binance-margin-legacy', ethBtcBuy());
    const events = take();
    expect(types(events)).toEqual(['executionReport:NEW', 'outboundAccountPosition']);
    expect(events.every((r) => r.target.venue === 'binance-margin' && r.target.symbol === undefined)).toBe(
      true,
    );
    expect(body).toMatchObject({ isIsolated: false, status: 'NEW' });
    expect(exchange.balances('alice', 'binance-margin').BTC).toEqual({
      free: '0.96000000',
      locked: '0.04000000',
    });
    // The spot account is untouched.
    expect(exchange.balances('alice', 'binance-spot').BTC).toEqual({
      free: '1.00000000',
      locked: '0.00000000',
    });
  });

  test('margin account body totals in BTC at current prices; userAssets agree with the balances', () => {
    const { exchange } = setup();
    exchange.setPrice('BTCUSDT', '50000');
    exchange.setPrice('ETHBTC', '0.05');
    const account = exchange.account('alice', 'binance-margin', {}) as Record<string, unknown>;
    // 1 BTC + 10 ETH × 0.05 + 10000 USDT / 50000 = 1.7 BTC
    expect(account).toMatchObject({
      totalAssetOfBtc: '1.70000000',
      totalLiabilityOfBtc: '0.00000000',
      accountType: 'MARGIN_1',
    });
    expect(account.userAssets).toContainEqual({
      asset: 'USDT',
      borrowed: '0.00000000',
      free: '10000.00000000',
      interest: '0.00000000',
      locked: '0.00000000',
      netAsset: '10000.00000000',
    });
  });

  test('deposit (transfer in): balanceUpdate then outboundAccountPosition', () => {
    const { exchange, take, types } = setup();
    exchange.deposit('alice', 'binance-margin', 'USDT', '10');
    expect(types(take())).toEqual(['balanceUpdate', 'outboundAccountPosition']);
  });
});

describe('isolated margin', () => {
  test('orders go to the pair’s ledger and stream: target.symbol names the pair', () => {
    const { exchange, take } = setup();
    exchange.placeOrder('alice', 'binance-isolated-margin', ethBtcBuy());
    const events = take();
    expect(events.map((r) => r.target)).toEqual([
      { accountId: 'alice', venue: 'binance-isolated-margin', symbol: 'ETHBTC' },
      { accountId: 'alice', venue: 'binance-isolated-margin', symbol: 'ETHBTC' },
    ]);
    expect(at(events, 1).B).toEqual([{ a: 'BTC', f: '0.01000000', l: '0.04000000' }]);
    expect(exchange.balances('alice', 'binance-isolated-margin')['ETHBTC:BTC']).toEqual({
      free: '0.01000000',
      locked: '0.04000000',
    });
    // The same BTC in the BTCUSDT pair is another wallet.
    expect(exchange.balances('alice', 'binance-isolated-margin')['BTCUSDT:BTC']?.locked).toBe('0.00000000');
  });

  test('the margin endpoints with isIsolated=TRUE reach the isolated pair', () => {
    const { exchange, take } = setup();
    const body = exchange.placeOrder('alice', 'binance-margin', ethBtcBuy({ isIsolated: 'TRUE' }));
    expect(body.isIsolated).toBe(true);
    expect(
      take().every((r) => r.target.venue === 'binance-isolated-margin' && r.target.symbol === 'ETHBTC'),
    ).toBe(true);
    expect(
      exchange.openOrders('alice', 'binance-margin', { isIsolated: 'TRUE', symbol: 'ETHBTC' }),
    ).toHaveLength(1);
    expect(exchange.openOrders('alice', 'binance-margin', {})).toHaveLength(0);
    expect(rejection(() => exchange.openOrders('alice', 'binance-margin', { isIsolated: 'TRUE' })).code).toBe(
      -1102,
    );
    exchange.cancelOrder('alice', 'binance-margin', {
      symbol: 'ETHBTC',
      isIsolated: 'TRUE',
      orderId: String(body.orderId),
    });
    expect(exchange.openOrders('alice', 'binance-isolated-margin', {})).toHaveLength(0);
  });

  test('isolated account body, filtered by symbols', () => {
    const { exchange } = setup();
    const all = exchange.account('alice', 'binance-isolated-margin', {}) as { assets: { symbol: string }[] };
    expect(all.assets.map((a) => a.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'ETHBTC']);
    const one = exchange.account('alice', 'binance-isolated-margin', { symbols: 'ETHUSDT' }) as {
      assets: Record<string, Record<string, string>>[];
    };
    expect(one.assets).toHaveLength(1);
    expect(one.assets[0]?.baseAsset).toMatchObject({
      asset: 'ETH',
      free: '1.00000000',
      netAsset: '1.00000000',
    });
    expect(one.assets[0]?.quoteAsset).toMatchObject({ asset: 'USDT', free: '1000.00000000' });
    expect(
      rejection(() => exchange.account('alice', 'binance-isolated-margin', { symbols: 'NOPE' })).code,
    ).toBe(-1121);
  });

  test('deposit into a pair with PAIR:ASSET; E is per pair stream', () => {
    const { exchange, take } = setup();
    exchange.deposit('alice', 'binance-isolated-margin', 'ETHUSDT:USDT', '5');
    const events = take();
    expect(events.map((r) => r.target.symbol)).toEqual(['ETHUSDT', 'ETHUSDT']);
    expect(exchange.balances('alice', 'binance-isolated-margin')['ETHUSDT:USDT']?.free).toBe('1005.00000000');
    expect(() => exchange.deposit('alice', 'binance-isolated-margin', 'DOGE', '1')).toThrow(/PAIR:ASSET/);
  });
});

describe('BHEX', () => {
  test('executionReport has BHEX’s documented field set (no x) and a numeric client id; then outboundAccountInfo', () => {
    const { exchange, take, types } = setup();
    const body = exchange.placeOrder('alice', 'bhex', ethBtcBuy({ newClientOrderId: '1000087761' }));
    const events = take();
    expect(types(events)).toEqual(['executionReport', 'outboundAccountInfo']);
    const report = at(events, 0);
    const documented = fixture('bhex/executionReport.json');
    expect(Object.keys(report)).toEqual(Object.keys(documented));
    expect(report).toMatchObject({ c: 1000087761, X: 'NEW', u: true, w: true });
    expect(Object.keys(at(events, 1))).toEqual(Object.keys(fixture('bhex/outboundAccountInfo.json')));
    expect(at(events, 1)).toMatchObject({
      T: true,
      W: true,
      D: true,
      B: [{ a: 'BTC', f: '0.96000000', l: '0.04000000' }],
    });
    expect(body).toMatchObject({ orderId: expect.any(Number), clientOrderId: '1000087761', status: 'NEW' });
  });

  test('generated client ids are numeric; cancel by clientOrderId; deposit sends only outboundAccountInfo', () => {
    const { exchange, take, types } = setup();
    const { clientOrderId } = exchange.placeOrder('alice', 'bhex', ethBtcBuy());
    expect(clientOrderId).toMatch(/^[1-9]\d{9}$/);
    take();
    const body = exchange.cancelOrder('alice', 'bhex', { clientOrderId: clientOrderId as string });
    expect(body).toEqual({
      symbol: 'ETHBTC',
      clientOrderId,
      orderId: expect.any(Number),
      status: 'CANCELED',
    });
    expect(types(take())).toEqual(['executionReport', 'outboundAccountInfo']);
    exchange.deposit('alice', 'bhex', 'ETH', '1');
    expect(types(take())).toEqual(['outboundAccountInfo']);
  });

  test('duplicate client id is -1141; account body has the can-trade flags', () => {
    const { exchange } = setup();
    exchange.placeOrder('alice', 'bhex', ethBtcBuy({ newClientOrderId: '77' }));
    expect(
      rejection(() => exchange.placeOrder('alice', 'bhex', ethBtcBuy({ newClientOrderId: '77' }))),
    ).toEqual({
      code: -1141,
      msg: 'Duplicate clientOrderId',
    });
    expect(exchange.account('alice', 'bhex', {})).toMatchObject({
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
    });
    expect(exchange.openOrders('alice', 'bhex', {})).toMatchObject([
      { clientOrderId: '77', avgPrice: '0.0', isWorking: true },
    ]);
  });

  test('every BHEX event parses with core parseEvent', () => {
    const { exchange, emitted } = setup();
    exchange.placeOrder('alice', 'bhex', ethBtcBuy());
    exchange.placeOrder('alice', 'bhex', { symbol: 'ETHUSDT', side: 'SELL', type: 'MARKET', quantity: '1' });
    exchange.setPrice('ETHBTC', '0.039');
    exchange.deposit('alice', 'bhex', 'USDT', '1');
    for (const { event } of emitted) {
      const parsed = parseEvent(event, 'bhex');
      expect(parsed.ok ? parsed.event.e : parsed.error.message).toBe(event.e);
    }
  });
});

describe('Coins.ph', () => {
  test('executionReport with Coins.ph’s field set; balanceUpdate and outboundAccountPosition on deposit', () => {
    const { exchange, take, types } = setup();
    exchange.placeOrder('alice', 'coins-ph', ethBtcBuy({ newClientOrderId: 'c-1' }));
    const events = take();
    expect(events.every((r) => r.target.venue === 'coins-ph')).toBe(true);
    expect(Object.keys(at(events, 0))).toEqual(Object.keys(fixture('coins/executionReport.json')));
    exchange.deposit('alice', 'coins-ph', 'BTC', '0.1');
    expect(types(take())).toEqual(['balanceUpdate', 'outboundAccountPosition']);
    expect(exchange.account('alice', 'coins-ph', {})).toMatchObject({ accountType: 'SPOT', canTrade: true });
  });

  test('every Coins.ph event parses with core parseEvent', () => {
    const { exchange, emitted } = setup();
    const { orderId } = exchange.placeOrder('alice', 'coins-ph', ethBtcBuy());
    exchange.placeOrder('alice', 'coins-ph', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
    });
    exchange.cancelOrder('alice', 'coins-ph', { symbol: 'ETHBTC', orderId: String(orderId) });
    exchange.deposit('alice', 'coins-ph', 'USDT', '1');
    for (const { event } of emitted) {
      const parsed = parseEvent(event, 'coins');
      expect(parsed.ok ? parsed.event.e : parsed.error.message).toBe(event.e);
    }
  });
});
