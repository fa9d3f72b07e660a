/**
 * Coins.ph's sister deployments (issue #13 item 6): coins.xyz and Coins TH run the same
 * BHEX-style listenKey protocol as `coins-ph` on their own hosts, so each profile is the
 * `coins-ph` profile with its id, name and base URLs replaced (nothing of the protocol copied).
 *
 * Docs checked 2026-12-03:
 * - coins.xyz: https://coins-docs.github.io/xyz/user-data-stream ("User Data Streams for Coins
 *   (2024-05-17)": REST base https://api.coins.xyz, stream base wss://wsapi.coins.xyz,
 *   /openapi/ws/<listenKey>, POST/PUT/DELETE /openapi/v1/userDataStream weight 1, 60 min keys,
 *   PUT about every 30 min, a POST on an account with an active key returns it and extends it,
 *   24 h connections; payloads outboundAccountPosition, balanceUpdate, executionReport).
 * - Coins TH: https://docs.coins.co.th/user-data-stream ("User Data Streams for Coins
 *   (2025-06-20)": REST base https://api.coins.co.th, stream base wss://wsapi.coins.co.th, the
 *   same paths, weights, validity and 24 h limit).
 * Choices where the pages are silent:
 * - API-key header: neither user-data page names it; both REST pages describe Coins.ph's
 *   signing, so the header is Coins.ph's `X-COINS-APIKEY` (the issue: "same protocol").
 * - Coins TH's page does not repeat "a POST on an active key returns that key"; the profile
 *   does not depend on it (keepalive re-creates with POST either way).
 * - Request-weight limit per minute: the pages give only per-endpoint weights; Coins.ph's 1200.
 */
import type { VenueProfileInput } from './venue-schema.js';

/** The deployments: id, name, REST base, stream base. */
const SISTERS = [
  ['coins-xyz', 'coins.xyz (Coins.ph protocol)', 'https://api.coins.xyz', 'wss://wsapi.coins.xyz'],
  ['coins-th', 'Coins TH (Coins.ph protocol)', 'https://api.coins.co.th', 'wss://wsapi.coins.co.th'],
] as const;

export type CoinsSisterId = (typeof SISTERS)[number][0];

/** The sister profiles, built from the `coins-ph` profile input among `brokers`. */
export function coinsSisterProfiles(brokers: readonly VenueProfileInput[]): VenueProfileInput[] {
  const coinsPh = brokers.find((p) => p.id === 'coins-ph');
  // A programming error in this package (the coins-ph profile renamed), never user input.
  if (!coinsPh) throw new Error('@userstream/core: the coins-ph profile is missing');
  return SISTERS.map(([id, name, restBaseUrl, streamBaseUrl]) => ({
    ...coinsPh,
    id,
    name,
    restBaseUrl,
    streamBaseUrl,
  }));
}
