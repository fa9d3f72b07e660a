import { type VenueId, venues } from '@userstream/core';
import { marketKeyOf } from './venue-map.js';

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
