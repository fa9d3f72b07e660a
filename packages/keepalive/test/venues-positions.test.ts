/**
 * Issue #13 leftovers: futures positions in AccountMirror on the listenKey venues beyond Binance.
 * The mirror folds positions from the venues' ACCOUNT_UPDATE pushes; after a drop (events lost)
 * it can only be right again if the reconciliation reads the venue's position endpoint:
 * - Aster futures v1: GET /fapi/v2/positionRisk ("Position Information V2", weight 5, signed):
 *   https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V1(Legacy)/EN/aster-finance-futures-api.md
 *   (checked 2026-12-03).
 * - BingX perpetual swap: GET /openApi/swap/v2/user/positions (signed), answered in BingX's
 *   {code, msg, data} envelope: https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account (the
 *   endpoint; checked 2026-12-03). BingX's own field list page is not in the search store: the
 *   fields follow JKorf/BingX.Net's BingXPosition model (positionId, symbol, currency,
 *   positionAmt, availableAmt, positionSide, isolated, avgPrice, initialMargin, leverage,
 *   unrealizedProfit, realisedProfit, liquidationPrice).
 */
import { normalizeDecimal, normalizeRestPosition, type VenueId } from '@userstream/core';
import { venueRestBodies } from '@userstream/simulator';
import { describe, expect, it } from 'vitest';
import type { AccountMirror } from '../src/index.js';
import { closeReleasesAll, faultSequence, openMirroredStream, until, useVenueHarness } from './helpers.js';
import { FUTURES, type Market } from './trading.js';

const h = useVenueHarness();

/** The simulator's open positions as the venue's doors name them (BingX: BTC-USDT). */
function exchangePositions(accountId: string, venue: VenueId) {
  return venueRestBodies(h.sim.exchange, accountId, venue, 'positions')
    .map((p) => normalizeRestPosition(p))
    .filter((p) => normalizeDecimal(p.positionAmount) !== '0')
    .map((p) => [
      p.symbol,
      p.positionSide,
      normalizeDecimal(p.positionAmount),
      normalizeDecimal(p.entryPrice),
    ]);
}

const mirrorPositions = (mirror: AccountMirror) =>
  mirror.positions().map((p) => [p.symbol, p.positionSide, p.positionAmount, p.entryPrice]);

async function positionsConverged(mirror: AccountMirror, accountId: string, venue: VenueId): Promise<void> {
  const same = () =>
    mirror.phase === 'live' &&
    JSON.stringify(mirrorPositions(mirror)) === JSON.stringify(exchangePositions(accountId, venue));
  // A bound on waiting, not a speed claim.
  await until(same, 5_000, 'the mirror positions to equal the simulator').catch(() => {});
  expect(mirrorPositions(mirror)).toEqual(exchangePositions(accountId, venue));
}

const CASES = [
  { id: 'aster-futures', path: '/fapi/v1/listenKey', positions: '/fapi/v2/positionRisk' },
  {
    id: 'bingx-swap',
    path: '/openApi/user/auth/userDataStream',
    positions: '/openApi/swap/v2/user/positions',
  },
] as const;

describe.each(CASES)('$id positions through openUserDataStream', (c) => {
  it('the mirror positions equal the exchange after a drop that lost a fill', async () => {
    const { sim } = h;
    const market: Market = { ...FUTURES, venue: c.id };
    const venue = sim.venue(c.id);
    expect(venue.endpoints.positions?.path).toBe(c.positions);
    const m = await openMirroredStream(h, { venue });
    const faults = faultSequence(h, m, { market, seed: 29, path: c.path });
    const accountId = faults.accountId;
    sim.exchange.deposit(accountId, c.id, 'USDT', '100000');
    await faults.trade(40);
    await positionsConverged(m.mirror, accountId, c.id);

    // Down: a market order opens (or moves) a position while no event can arrive.
    const before = exchangePositions(accountId, c.id);
    await faults.drop({
      whileDown: () =>
        void sim.exchange.placeOrder(accountId, c.id, {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'MARKET',
          quantity: '0.050',
        }),
    });
    expect(exchangePositions(accountId, c.id)).not.toEqual(before);
    await positionsConverged(m.mirror, accountId, c.id);
    expect(m.mirror.positions().length).toBeGreaterThan(0);
    // Each reconciliation read the position endpoint (the start and the gap at least).
    expect(sim.record.requestCount('GET', c.positions)).toBeGreaterThanOrEqual(2);

    await closeReleasesAll(h, m.stream);
  });
});
