import type { LeaseKey } from '@userstream/keepalive';
import { configKit } from './option-kits.js';

/** Key prefix of everything this package writes. @default 'userstream:' */
export const DEFAULT_PREFIX = 'userstream:';

/** Checks a user-supplied key prefix. */
export function checkPrefix(prefix: unknown, factory: string): string {
  if (prefix === undefined) return DEFAULT_PREFIX;
  // Braces would turn part of the prefix into a Redis Cluster hash tag and break the slot layout below.
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 200 || /[\s{}]/.test(prefix)) {
    throw configKit.invalid(
      `${factory}({ prefix }) must be a non-empty string without spaces or braces, e.g. 'userstream:'`,
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
 * Every Redis key this package reads or writes, built in one place from the prefix.
 *
 * Redis Cluster (and Valkey cluster) layout: a Lua script may only touch keys of one hash slot,
 * so every key carries a hash tag (the part in braces is all the cluster hashes):
 * - the fleet's control plane (members, fencing counter, lease records, ownership, open pacing,
 *   handoffs) shares the tag `{fleet}`: a claim touches an owner and the fencing counter, the
 *   open pacer touches a host's hold and pace and a stream's owner, and a worker renews all of
 *   its ownerships in one script. It is small (a few hundred bytes per stream) and lives on one
 *   master; the cluster still gives it failover;
 * - an account's events and their idempotency markers share the tag `{<account>}`: the append
 *   script touches both, and the event volume spreads over the masters by account.
 * On a single Redis or Valkey server the tags are just characters of the key name.
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Sorted set of live workers, scored by heartbeat expiry. */
  members(): string;
  /** The fencing-token counter. */
  fence(): string;
  /** The first fencing token handed out since Redis last lost its data (tokens below it are from before). */
  fenceEpoch(): string;
  /** A lease's record (hash: record, version). */
  lease(key: LeaseKey): string;
  /** A lease's ownership (hash: owner, token, exp). */
  owner(key: LeaseKey): string;
  /** {@link owner} from an id made by {@link leaseKeyId}. */
  ownerById(leaseId: string): string;
  /** An account's Redis Stream of events. */
  events(accountId: string): string;
  /** An account's dead-letter Redis Stream: events the sink quarantined (same slot as {@link events}). */
  deadLetter(accountId: string): string;
  /** The idempotency marker of one event appended to `accountId`'s stream (same slot as {@link events}). */
  seen(accountId: string, idempotencyKey: string): string;
  /** The newest fencing token that wrote to `accountId`'s stream (same slot as {@link events}). */
  eventsFence(accountId: string): string;
  /** A venue host's next free open slot (fleet-wide pacing). */
  pace(origin: string): string;
  /** A venue host's 429/418 hold, seen by every worker. */
  hold(origin: string): string;
  /** A planned move of a stream between workers (make-before-break), from {@link leaseKeyId}. */
  handoff(leaseId: string): string;
}

/** The hash tag of the control plane (see {@link RedisKeys}). */
const CONTROL_TAG = '{fleet}';

export function redisKeys(prefix: string): RedisKeys {
  const control = `${prefix}${CONTROL_TAG}`;
  const ownerById = (leaseId: string) => `${control}owner:${leaseId}`;
  // encodeURIComponent escapes braces, so an account id can never close or open a tag.
  const accountTag = (accountId: string) => `{${encodeURIComponent(accountId)}}`;
  return {
    prefix,
    members: () => `${control}members`,
    fence: () => `${control}fence`,
    fenceEpoch: () => `${control}fence:epoch`,
    lease: (key) => `${control}lease:${leaseKeyId(key)}`,
    owner: (key) => ownerById(leaseKeyId(key)),
    ownerById,
    events: (accountId) => `${prefix}events:${accountTag(accountId)}`,
    deadLetter: (accountId) => `${prefix}dead:${accountTag(accountId)}`,
    seen: (accountId, idempotencyKey) => `${prefix}seen:${accountTag(accountId)}:${idempotencyKey}`,
    eventsFence: (accountId) => `${prefix}events-fence:${accountTag(accountId)}`,
    pace: (origin) => `${control}pace:${encodeURIComponent(origin)}`,
    hold: (origin) => `${control}hold:${encodeURIComponent(origin)}`,
    handoff: (leaseId) => `${control}handoff:${leaseId}`,
  };
}
