import { describe, expect, test } from 'vitest';
import { setup } from './test-helpers.js';

// Position snapshots answer the state the events announced:
// https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
// https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-Information
// https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-UM-Position-Information
// (the search store holds none of these pages: field lists are the documented responses as the
// issue and the account pages name them: positionAmt, entryPrice, breakEvenPrice, markPrice,
// unRealizedProfit, notional/notionalValue, updateTime.)

const order = (side: string, quantity: string) => ({ symbol: 'BTCUSDT', side, type: 'MARKET', quantity });

describe('positions: every fill, the event and the snapshot agree exactly', () => {
  test('open, add, reduce, flip: ACCOUNT_UPDATE P equals GET /fapi/v3/positionRisk after each fill', () => {
    const { exchange, take } = setup();
    const steps: [string, string, string][] = [
      ['BUY', '0.1', '60000'],
      ['BUY', '0.2', '60300'],
      ['SELL', '0.15', '61000'],
      ['SELL', '0.4', '59000.5'],
    ];
    for (const [side, qty, price] of steps) {
      exchange.setPrice('BTCUSDT', price);
      take();
      exchange.placeOrder('alice', 'binance-usdm', order(side, qty));
      const update = take().find((r) => r.event.e === 'ACCOUNT_UPDATE')?.event as {
        a: { P: { s: string; pa: string; ep: string; bep: string; up: string }[] };
        T: number;
      };
      const P = update.a.P[0];
      const [row] = exchange.positionRisk('alice', 'binance-usdm', { symbol: 'BTCUSDT' });
      expect(row).toMatchObject({
        symbol: P?.s,
        positionAmt: P?.pa,
        entryPrice: P?.ep,
        breakEvenPrice: P?.bep,
        unRealizedProfit: P?.up,
        markPrice: price,
        updateTime: update.T,
      });
    }
    // 0.1 @ 60000 + 0.2 @ 60300 → 0.3 @ 60200; sell 0.15 → 0.15 @ 60200; sell 0.4 → -0.25 @ 59000.5.
    const [row] = exchange.positionRisk('alice', 'binance-usdm', {});
    expect(row).toMatchObject({ positionAmt: '-0.25', entryPrice: '59000.5', notional: '-14750.125' });
  });

  test('portfolio margin UM and CM views list only open positions, in their documented shapes', () => {
    const { exchange } = setup();
    expect(exchange.positionRisk('alice', 'binance-portfolio-margin', { shape: 'papi-um' })).toEqual([]);
    exchange.placeOrder('alice', 'binance-portfolio-margin', order('BUY', '0.01'));
    const [um] = exchange.positionRisk('alice', 'binance-portfolio-margin', { shape: 'papi-um' });
    expect(Object.keys(um ?? {}).sort()).toEqual(
      [
        'entryPrice',
        'leverage',
        'markPrice',
        'maxNotionalValue',
        'positionAmt',
        'notional',
        'symbol',
        'unRealizedProfit',
        'liquidationPrice',
        'positionSide',
        'updateTime',
        'breakEvenPrice',
      ].sort(),
    );
    expect(um).toMatchObject({ positionAmt: '0.01', entryPrice: '60000', notional: '600' });
    exchange.placeOrder('alice', 'binance-coinm', {
      symbol: 'BTCUSD_PERP',
      side: 'SELL',
      type: 'MARKET',
      quantity: '2',
    });
    const [cm] = exchange.positionRisk('alice', 'binance-portfolio-margin', { shape: 'papi-cm' });
    // COIN-M notional is in BTC: 2 contracts × 100 USD / 60000.
    expect(cm).toMatchObject({ symbol: 'BTCUSD_PERP', positionAmt: '-2', notionalValue: '-0.00333333' });
  });
});
