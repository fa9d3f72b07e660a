import { describe, expect, it } from 'vitest';
import { kindOf, makePlan, STREAM_KINDS } from '../src/plan.js';

// Issue #18's Binance venues in the chaos plans: options
// (https://developers.binance.com/docs/derivatives/option/user-data-streams), the cross-margin
// risk data stream (https://developers.binance.com/docs/margin_trading/risk-data-stream),
// Portfolio Margin Pro (pm-classic, https://developers.binance.com/docs/derivatives/portfolio-margin-pro/portfolio-margin-pro-user-data-stream),
// the COIN-M testnet and portfolio margin
// (https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams).
const NEW_BINANCE = [
  'binance-options',
  'binance-margin-risk',
  'binance-pm-pro',
  'binance-coinm-testnet',
  'binance-portfolio-margin',
];

describe('plans cover the Binance venues of issue #18', () => {
  it('every one is a stream kind, and the 20 seeds from 500 open each of them', () => {
    expect(STREAM_KINDS.map((k) => k.venue)).toEqual(expect.arrayContaining(NEW_BINANCE));
    const opened = new Set<string>();
    for (let seed = 500; seed < 520; seed++) {
      for (const s of makePlan(seed, kindOf(seed)).streams) opened.add(s.venue);
    }
    expect([...opened]).toEqual(expect.arrayContaining(NEW_BINANCE));
  });
});
