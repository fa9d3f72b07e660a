import { ErrorCode, InvalidInputError } from './errors.js';
import type { VenueProfile, VenueProfileInput } from './venue-schema.js';
import { defineVenue, getVenue, type VenueId } from './venues.js';

/** Options of {@link resolveVenue}: how a package reports a refused venue. */
export interface ResolveVenueOptions {
  /** The package the refusal is reported as (`@userstream/rest`). */
  prefix: string;
  /**
   * Plaintext URLs off loopback, for the check of a hand-made profile. Packages that check the
   * plaintext rule per URL they actually use (stream's transports) pass `true`. @default false
   */
  allowInsecure?: boolean;
  /**
   * Return the checked, frozen copy of a hand-made profile instead of the caller's object: for
   * a client that builds request URLs from it later (a caller's later edit must not move them
   * past the checks). Built-in profiles are returned as they are either way. @default false
   */
  frozenCopy?: boolean;
}

function venueConfigError(error: unknown, prefix: string): InvalidInputError {
  return new InvalidInputError(`${prefix}: ${(error as Error).message.replace(/^@userstream\/core: /, '')}`, {
    field: 'venue',
    code: ErrorCode.InvalidConfig,
  });
}

/**
 * The `venue` option of every factory: a built-in venue id (`"binance-usdm"`) or a profile
 * (`venues[…]`, `defineVenue(…)`, `sim.venue(…)`, or a hand-made object, which gets
 * `defineVenue`'s checks). Every package accepts exactly the same values this way; a refusal is
 * `USERSTREAM_INVALID_CONFIG` on field `venue`, prefixed with the package.
 */
export function resolveVenue(
  venue: VenueId | VenueProfile | unknown,
  options: ResolveVenueOptions,
): VenueProfile {
  const { prefix } = options;
  if (typeof venue === 'string') {
    try {
      return getVenue(venue);
    } catch (error) {
      throw venueConfigError(error, prefix);
    }
  }
  if (typeof venue === 'object' && venue !== null && typeof (venue as VenueProfile).protocol === 'string') {
    let checked: VenueProfile;
    try {
      checked = defineVenue(venue as VenueProfileInput, { allowInsecure: options.allowInsecure === true });
    } catch (error) {
      throw venueConfigError(error, prefix);
    }
    // Otherwise the caller's object is kept: others may compare it by identity.
    return options.frozenCopy === true ? checked : (venue as VenueProfile);
  }
  throw new InvalidInputError(
    `${prefix}: venue must be a venue id such as "binance-usdm" or a profile from defineVenue() / sim.venue()`,
    { field: 'venue', code: ErrorCode.InvalidConfig },
  );
}
