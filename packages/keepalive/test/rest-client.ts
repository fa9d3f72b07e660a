/**
 * The REST client the lease tests use: the real `@userstream/rest` client without its own
 * retries (the leases' backoff is what is under test).
 */
import type { Clock, VenueProfile } from '@userstream/core';
import { createRestClient, type RestClient } from '@userstream/rest';

export type PlainRest = RestClient;

export function restClient(
  venue: VenueProfile,
  account: { apiKey: string; secret?: string | undefined },
  clock: Clock,
  options: { timeoutMs?: number } = {},
): PlainRest {
  return createRestClient({
    venue,
    credentials: { apiKey: account.apiKey, secret: account.secret as string },
    clock,
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: false,
  });
}
