/**
 * positionSnapshot() and openAlgoOrders() against the simulator's endpoints, read through core's
 * one position / algo order model.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/rest-api/Position-Information
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-UM-Position-Information
 * (the PM page is not in the search store: paths and shapes from the issue and the USD-M/COIN-M siblings)
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Current-All-Algo-Open-Orders
 */
import { ErrorCode, venues } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { leaks, useSimulator } from './helpers.js';

const ctx = useSimulator();

const market = (symbol: string, side: string, quantity: string) => ({
  method: 'POST' as const,
  path: '',
  signed: true,
  params: { symbol, side, type: 'MARKET', quantity },
});

describe('positionSnapshot()', () => {
  it('USD-M: GET /fapi/v3/positionRisk, the position a fill opened, exact decimal strings', async () => {
    const rest = ctx.client('binance-usdm');
    await rest.request({
      ...market('BTCUSDT', 'BUY', '0.030'),
      path: venues['binance-usdm'].endpoints.order!.path,
    });
    const before = ctx.sim.record.requestCount('GET', '/fapi/v3/positionRisk');
    const positions = await rest.positionSnapshot();
    expect(ctx.sim.record.requestCount('GET', '/fapi/v3/positionRisk')).toBe(before + 1);
    const open = positions.filter((p) => Number(p.positionAmount) !== 0);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      book: undefined,
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      marginType: 'cross',
    });
    expect(open[0]!.positionAmount).toMatch(/^0\.030*$/);
    expect(open[0]!.entryPrice).toMatch(/^\d+(\.\d+)?$/);
    expect(open[0]!.raw).toMatchObject({ symbol: 'BTCUSDT' });
  });

  it('COIN-M: GET /dapi/v1/positionRisk', async () => {
    const rest = ctx.client('binance-coinm');
    await rest.request({
      ...market('BTCUSD_PERP', 'SELL', '2'),
      path: venues['binance-coinm'].endpoints.order!.path,
    });
    const open = (await rest.positionSnapshot()).filter((p) => Number(p.positionAmount) !== 0);
    expect(open.map((p) => [p.symbol, Number(p.positionAmount)])).toEqual([['BTCUSD_PERP', -2]]);
  });

  it('portfolio margin: the UM and CM books, each position naming its book', async () => {
    const rest = ctx.client('binance-portfolio-margin');
    // The simulator's PM account keeps its UM and CM books in the USD-M and COIN-M ledgers.
    await ctx
      .client('binance-usdm')
      .request({ ...market('BTCUSDT', 'BUY', '0.010'), path: venues['binance-usdm'].endpoints.order!.path });
    await ctx.client('binance-coinm').request({
      ...market('BTCUSD_PERP', 'SELL', '1'),
      path: venues['binance-coinm'].endpoints.order!.path,
    });
    const um = ctx.sim.record.requestCount('GET', '/papi/v1/um/positionRisk');
    const cm = ctx.sim.record.requestCount('GET', '/papi/v1/cm/positionRisk');
    const positions = await rest.positionSnapshot();
    expect(ctx.sim.record.requestCount('GET', '/papi/v1/um/positionRisk')).toBe(um + 1);
    expect(ctx.sim.record.requestCount('GET', '/papi/v1/cm/positionRisk')).toBe(cm + 1);
    const open = positions.filter((p) => Number(p.positionAmount) !== 0);
    expect(open.map((p) => [p.book, p.symbol])).toEqual([
      ['UM', 'BTCUSDT'],
      ['CM', 'BTCUSD_PERP'],
    ]);
  });

  it('options: GET /eapi/v1/position (signed quantity, no side) and the wallet of /eapi/v1/marginAccount', async () => {
    // https://developers.binance.com/docs/derivatives/options-trading/trade/Option-Position-Information
    // (not in the search store: fields as the simulator answers them)
    const rest = ctx.client('binance-options');
    const wallet = Number((await rest.accountSnapshot()).balances.USDT?.free);
    await rest.request({ ...market('BTC-261225-60000-C', 'SELL', '0.2'), path: '/eapi/v1/order' });
    const positions = await rest.positionSnapshot();
    expect(positions.map((p) => [p.symbol, p.positionSide, p.positionAmount])).toEqual([
      ['BTC-261225-60000-C', 'BOTH', '-0.2'],
    ]);
    expect(Number((await rest.accountSnapshot()).balances.USDT?.free)).toBeGreaterThan(wallet);
  });

  it('a venue without positions is refused before anything is sent', async () => {
    const rest = ctx.client('binance-spot');
    const error = await leaks.rejection(rest.positionSnapshot());
    expect(error.code).toBe(ErrorCode.InvalidInput);
    expect(error.message).toContain("venue 'binance-spot' has no position endpoint");
  });
});

describe('openAlgoOrders()', () => {
  it('USD-M: GET /fapi/v1/openAlgoOrders lists a placed conditional order until it is canceled', async () => {
    const rest = ctx.client('binance-usdm');
    const placed = await rest.request<{ algoId: number }>({
      method: 'POST',
      path: '/fapi/v1/algoOrder',
      signed: true,
      params: {
        algoType: 'CONDITIONAL',
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        quantity: '0.010',
        triggerPrice: '50000.0',
      },
    });
    const open = await rest.openAlgoOrders();
    expect(open).toEqual([
      expect.objectContaining({
        book: undefined,
        algoId: String(placed.algoId),
        status: 'NEW',
        orderType: 'STOP_MARKET',
        triggerPrice: '50000.0',
      }),
    ]);
    await rest.request({
      method: 'DELETE',
      path: '/fapi/v1/algoOrder',
      signed: true,
      params: { algoId: String(placed.algoId) },
    });
    expect(await rest.openAlgoOrders()).toEqual([]);
  });

  it('COIN-M has no Algo service: refused', async () => {
    const error = await leaks.rejection(ctx.client('binance-coinm').openAlgoOrders());
    expect(error.code).toBe(ErrorCode.InvalidInput);
  });
});
