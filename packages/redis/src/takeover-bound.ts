import { getVenue, type VenueProfile } from '@userstream/core';
import { DEFAULT_FLEET_OWNERSHIP_TTL_MS, DEFAULT_RECONCILE_MS } from './fleet-options.js';
import { configKit } from './option-kits.js';

/**
 * Share of a venue host's request weight the fleet's stream opens may use by default: the rest
 * is left to keepalives, snapshots and whatever else shares the egress IP. At 0.9 a takeover
 * runs at 1/0.9 = 1.11× the pace the limit allows.
 */
export const DEFAULT_OPEN_WEIGHT_SHARE = 0.9;

const profileOf = (venue: string | VenueProfile): VenueProfile =>
  typeof venue === 'string' ? getVenue(venue) : venue;

/**
 * Stream opens per second that `share` of a venue's request weight allows: each open of a
 * listenKey stream is one create (`POST`, `create.weight`) against `weightLimitPerMinute`.
 * Undefined for venues without a listenKey create (WebSocket API subscriptions and listenTokens
 * are paced by the fleet's fixed default instead).
 */
export function venueOpenRate(
  venue: string | VenueProfile,
  share = DEFAULT_OPEN_WEIGHT_SHARE,
): number | undefined {
  const profile = profileOf(venue);
  const weight = profile.listenKey?.create.weight;
  if (typeof weight !== 'number' || profile.protocol !== 'listenKey') return undefined;
  return (share * profile.weightLimitPerMinute) / 60 / Math.max(1, weight);
}

/**
 * What {@link takeoverBound} returns: how fast a fleet can re-open a dead worker's streams on a venue, all in
 * ms of protocol time.
 */
export interface TakeoverBound {
  /** Opens per second the venue's limit allows (all of its weight). */
  readonly limitOpensPerSecond: number;
  /** The time the venue's limit alone sets for re-creating `streams` credentials: streams ÷ that rate. */
  readonly rateMs: number;
  /** What the fleet cannot go below: the dead worker's ownership lapses (ownershipTtlMs), the survivors look every reconcileMs, then `rateMs`. */
  readonly boundMs: number;
}

/**
 * The explicit takeover bound of issue 15: how long taking over `streams` streams of a dead
 * worker must take at least, on one venue host. Computed from the venue profile's weight limit
 * and listenKey create weight (a fixed-window limit would let a fresh minute burst more; this is
 * the sustained rate). The fleet bench measures takeovers against it.
 */
export function takeoverBound(options: {
  venue: string | VenueProfile;
  streams: number;
  ownershipTtlMs?: number;
  reconcileMs?: number;
}): TakeoverBound {
  const limitOpensPerSecond = venueOpenRate(options.venue, 1);
  if (limitOpensPerSecond === undefined) {
    throw configKit.invalid(
      `takeoverBound: ${profileOf(options.venue).id} has no listenKey create endpoint; the bound covers listenKey venues`,
      'venue',
    );
  }
  const rateMs = (options.streams / limitOpensPerSecond) * 1000;
  const boundMs =
    (options.ownershipTtlMs ?? DEFAULT_FLEET_OWNERSHIP_TTL_MS) +
    (options.reconcileMs ?? DEFAULT_RECONCILE_MS) +
    rateMs;
  return { limitOpensPerSecond, rateMs, boundMs };
}
