import { InvalidInputError } from '@userstream/core';
import type { LeaseKey } from '@userstream/keepalive';

/** Key prefix of everything this package writes. @default 'userstream:' */
export const DEFAULT_PREFIX = 'userstream:';

/** Checks a user-supplied key prefix. */
export function checkPrefix(prefix: unknown, factory: string): string {
  if (prefix === undefined) return DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 200 || /\s/.test(prefix)) {
    throw new InvalidInputError(
      `@userstream/redis: ${factory}({ prefix }) must be a non-empty string without spaces, e.g. 'userstream:'`,
      { field: 'prefix' },
    );
  }
  return prefix;
}

/**
 * The Redis key part naming one account+market. Each field is URI-encoded, so the result is
 * unambiguous; it is only ever used as a name, never parsed back into a key.
 */
export function leaseKeyId(key: LeaseKey): string {
  return `${encodeURIComponent(key.venue)}/${encodeURIComponent(key.origin)}/${encodeURIComponent(key.account)}/${key.symbol === undefined ? '-' : encodeURIComponent(key.symbol)}`;
}
