import { assertSameOrigin, type Endpoint, isVenueId, type VenueProfile, venues } from '@userstream/core';
import { kit } from './options.js';

/** A built-in profile by id, by own property only (`constructor` is no venue). */
export function venueById(id: string): VenueProfile | undefined {
  return isVenueId(id) ? venues[id] : undefined;
}

/** Every endpoint the client may call on `venue`. */
function endpointsOf(venue: VenueProfile): Endpoint[] {
  const out: (Endpoint | undefined)[] = [...Object.values(venue.endpoints)];
  if (venue.listenKey) out.push(venue.listenKey.create, venue.listenKey.keepAlive, venue.listenKey.close);
  if (venue.listenToken) out.push(venue.listenToken.create);
  return out.filter((e): e is Endpoint => e !== undefined);
}

/**
 * Builds every request URL the profile describes (base + endpoint path) and checks that it stays
 * on the base URL's origin under the plaintext rule: the API key header and the signed query go
 * to the profile's host or nowhere. Throws `USERSTREAM_INVALID_CONFIG`.
 */
export function checkEndpointOrigins(venue: VenueProfile, allowInsecure: boolean): void {
  const lk = venue.listenKey;
  for (const endpoint of endpointsOf(venue)) {
    // The listenKey calls may have a host of their own (Bitrue's listenKeyBaseUrl).
    const own = lk && (endpoint === lk.create || endpoint === lk.keepAlive || endpoint === lk.close);
    const base = (own && venue.listenKeyBaseUrl) || venue.restBaseUrl;
    try {
      assertSameOrigin(`${base}${endpoint.path}`, base, 'venue.restBaseUrl + endpoint path', allowInsecure);
    } catch (error) {
      throw kit.invalid((error as Error).message.replace(/^@userstream\/core: /, ''), 'venue');
    }
  }
}
