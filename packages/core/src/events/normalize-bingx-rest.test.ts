/**
 * BingX swap positions (GET /openApi/swap/v2/user/positions) through the shared REST position
 * normalizer. Endpoint: https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account (checked
 * 2026-12-03); BingX's field list page is not in the search store, so the payload below carries
 * the fields of JKorf/BingX.Net's BingXPosition model, values in BingX's style (BTC-USDT).
 */
import { describe, expect, it } from 'vitest';
import { normalizeRestPosition } from './normalize-positions.js';

const BINGX_POSITION = {
  positionId: '1735183447331422208',
  symbol: 'BTC-USDT',
  currency: 'USDT',
  positionAmt: '0.0050',
  availableAmt: '0.0050',
  positionSide: 'LONG',
  isolated: true,
  avgPrice: '60012.5',
  initialMargin: '15.0031',
  leverage: 20,
  unrealizedProfit: '-0.0625',
  realisedProfit: '-0.1800',
  liquidationPrice: 57300.2,
};

describe('normalizeRestPosition: BingX swap positions', () => {
  it('reads avgPrice, unrealizedProfit and isolated; no update time is 0', () => {
    expect(normalizeRestPosition(BINGX_POSITION)).toEqual({
      book: undefined,
      symbol: 'BTC-USDT',
      positionSide: 'LONG',
      positionAmount: '0.0050',
      entryPrice: '60012.5',
      unrealizedPnl: '-0.0625',
      marginType: 'isolated',
      isolatedWallet: '0',
      updateTime: 0,
    });
  });

  it('signs a hedge-mode SHORT sent unsigned; one-way amounts and an update time as sent', () => {
    const short = normalizeRestPosition({ ...BINGX_POSITION, positionSide: 'SHORT', isolated: false });
    expect([short.positionAmount, short.marginType]).toEqual(['-0.0050', 'cross']);
    const both = normalizeRestPosition({
      ...BINGX_POSITION,
      positionSide: 'BOTH',
      positionAmt: '-0.010',
      updateTime: 1764720000000,
    });
    expect([both.positionAmount, both.updateTime]).toEqual(['-0.010', 1764720000000]);
  });
});
