import type { LeaseKey } from '@userstream/keepalive';
import { configKit } from './option-kits.js';

/** Key prefix of everything this package writes. @default 'userstream:' */
export const DEFAULT_PREFIX = 'userstream:';

/** Checks a user-supplied key prefix. */
export function checkPrefix(prefix: unknown, factory: string): string {
  if (prefix === undefined) return DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 200 || /\s/.test(prefix)) {
    throw configKit.invalid(
      `${factory}({ prefix }) must be a non-empty string without spaces, e.g. 'userstream:'`,
      'prefix',
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

/**
 * Every Redis key this package reads or writes, built in one place from the prefix (a key
 * layout change, such as hash tags for Redis Cluster, happens here and nowhere else).
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Sorted set of live workers, scored by heartbeat expiry. */
  members(): string;
  /** The fencing-token counter. */
  fence(): string;
  /** A lease's record (hash: record, version). */
  lease(key: LeaseKey): string;
  /** A lease's ownership (hash: owner, token, exp). */
  owner(key: LeaseKey): string;
  /** {@link owner} from an id made by {@link leaseKeyId}. */
  ownerById(leaseId: string): string;
  /** An account's Redis Stream of events. */
  events(accountId: string): string;
  /** The idempotency marker of one appended event. */
  seen(idempotencyKey: string): string;
  /** A venue host's next free open slot (fleet-wide pacing). */
  pace(origin: string): string;
  /** A venue host's 429/418 hold, seen by every worker. */
  hold(origin: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const ownerById = (leaseId: string) => `${prefix}owner:${leaseId}`;
  return {
    prefix,
    members: () => `${prefix}members`,
    fence: () => `${prefix}fence`,
    lease: (key) => `${prefix}lease:${leaseKeyId(key)}`,
    owner: (key) => ownerById(leaseKeyId(key)),
    ownerById,
    events: (accountId) => `${prefix}events:${encodeURIComponent(accountId)}`,
    seen: (idempotencyKey) => `${prefix}seen:${idempotencyKey}`,
    pace: (origin) => `${prefix}pace:${encodeURIComponent(origin)}`,
    hold: (origin) => `${prefix}hold:${encodeURIComponent(origin)}`,
  };
}
