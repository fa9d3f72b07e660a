import { type VenueId, venues } from '@userstream/core';
import type { Exchange } from './engine/index.js';
import { marketKeyOf } from './venue-map.js';
import { bingxDoor } from './venues/bingx-symbols.js';
import { toobitUsdmDoor } from './venues/toobit-usdm-rest.js';

/**
 * Every built-in venue the simulator plays, in core's order: each profile whose account book it
 * keeps (the engine's map names the book of every id it serves; options trade on their own
 * market). Derived, not listed by hand, so a venue added to core and to the engine shows up here
 * (the demo's `--venue <id> --simulate` offers exactly these).
 */
export const SIMULATED_VENUES: readonly VenueId[] = Object.freeze(
  (Object.keys(venues) as VenueId[]).filter((id) => {
    try {
      marketKeyOf(id);
      return true;
    } catch {
      return false;
    }
  }),
);

/**
 * The account's open orders or futures positions as `venue`'s own REST doors answer them: the
 * engine's bodies, in the venue's shapes where its doors rewrite them (Toobit USDT-M:
 * `BTC-SWAP-USDT` symbols, `BUY_OPEN` sides, LONG/SHORT positions; BingX: `BTC-USDT` symbols). Read with core's
 * `normalizeRestOrder` / `normalizeRestPosition`, they compare with what a mirror of that venue
 * holds (the demo's and the tests' end-of-run check).
 */
export function venueRestBodies(
  exchange: Exchange,
  accountId: string,
  venue: VenueId,
  what: 'openOrders' | 'positions',
): Record<string, unknown>[] {
  const bodies =
    what === 'openOrders' ? exchange.orders(accountId, venue) : exchange.positionRisk(accountId, venue);
  const door =
    toobitUsdmDoor(venue, what === 'openOrders' ? 'openOrders' : 'positionRisk', { exchange }, accountId) ??
    bingxDoor(venue);
  if (!door) return [...bodies];
  // Every open order, not the venue's first page.
  door.params({ limit: '1000' });
  return door.answer(bodies) as Record<string, unknown>[];
}
