import { createHash } from 'node:crypto';
import { isSecretFieldName, validateDuration } from '@userstream/core';
import type { RedisClient as Redis } from './client.js';
import { redisCall } from './errors.js';
import { checkPrefix, redisKeys } from './keys.js';
import { configKit, inputKit } from './option-kits.js';
import { LuaScript } from './script.js';

/** Approximate cap of each account's Redis Stream (`XADD … MAXLEN ~`). */
export const DEFAULT_STREAM_MAX_LEN = 100_000;
/** How long an event's idempotency key is remembered: a takeover replaying older events is far shorter. */
export const DEFAULT_DEDUPE_TTL_MS = 24 * 60 * 60_000;

export interface RedisEventSinkOptions {
  /** An ioredis client; the sink never closes it. */
  redis: Redis;
  /** @default 'userstream:' */
  prefix?: string;
  /** Approximate length cap of each stream (trimmed with `MAXLEN ~`). @default 100_000 */
  maxLen?: number;
  /** How long an event's idempotency key lives. @default 24 h */
  dedupeTtlMs?: number;
}

/** Which account (your id for it) and venue an event belongs to. */
export interface SinkTarget {
  /** Your id of the account: names its Redis Stream, `<prefix>events:<accountId>`. */
  readonly accountId: string;
  /** Venue id (`binance-usdm`, …). */
  readonly venue: string;
}

/** An exchange event as a user data stream delivers it: `e` type, `E` event time, the rest. */
export type SinkEvent = { readonly e: string; readonly E: number | string } & Readonly<
  Record<string, unknown>
>;

export interface RedisEventSink {
  readonly prefix: string;
  /** The Redis Stream key of an account. */
  streamKey(accountId: string): string;
  /**
   * Appends `event` to the account's stream unless it was appended before (by any worker):
   * resolves the new entry id, or undefined for a duplicate. One Lua script checks the
   * idempotency key, `XADD`s and sets the key, so two writers of one event append it once.
   * Secret fields (`listenKey`, `token`, …) are left out of what is written.
   */
  append(target: SinkTarget, event: SinkEvent): Promise<string | undefined>;
  /**
   * Appends a gap marker (`e` = `@gap`, with `reason`, `worker` and `E` = `at`): events may be
   * missing before it (a takeover, a reconnect); a consumer that keeps state resyncs from REST.
   */
  appendGap(target: SinkTarget, info: GapMarker): Promise<string>;
}

/** What a gap marker says. */
export interface GapMarker {
  readonly reason: string;
  readonly worker: string;
  readonly at: number;
}

/** The `e` field of gap markers in account streams. */
export const GAP_MARKER = '@gap';

/**
 * append: KEYS[1] stream, KEYS[2] idempotency key; ARGV dedupe ttl, maxlen, e, E, venue, event JSON.
 * Returns the entry id, or false when the idempotency key exists.
 */
const APPEND = new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3], 'E', ARGV[4], 'venue', ARGV[5], 'event', ARGV[6])
redis.call('SET', KEYS[2], id, 'PX', ARGV[1])
return id
`);

const withoutSecrets = (key: string, value: unknown): unknown => (isSecretFieldName(key) ? undefined : value);

/** The event as written: JSON without secret fields (a listenKeyExpired's `listenKey`, …). */
export function serializeEvent(event: SinkEvent): string {
  return JSON.stringify(event, withoutSecrets);
}

/**
 * The idempotency key of an exchange event: account, `e`, `E` and the first 128 bits of the
 * SHA-256 of venue, account and the event's JSON (secrets left out). Every delivery of one
 * exchange event (a duplicate frame, the old and the new owner's connections overlapping in a
 * takeover) carries the same fields and so the same key; two different events differ in some
 * field (order id, execution type, trade id, update id, balance…). Two events identical in every
 * field, `E` included, count as one.
 */
export function eventIdempotencyKey(
  target: SinkTarget,
  event: SinkEvent,
  json = serializeEvent(event),
): string {
  const digest = createHash('sha256')
    .update(target.venue)
    .update('\0')
    .update(target.accountId)
    .update('\0')
    .update(json)
    .digest('hex')
    .slice(0, 32);
  return `${encodeURIComponent(target.accountId)}:${encodeURIComponent(event.e)}:${String(event.E)}:${digest}`;
}

function checkTarget(target: SinkTarget): void {
  if (
    typeof target?.accountId !== 'string' ||
    target.accountId.length === 0 ||
    typeof target.venue !== 'string'
  ) {
    throw inputKit.invalid('append(target, event) needs target { accountId, venue }', 'target');
  }
}

function checkEvent(event: SinkEvent): void {
  if (typeof event?.e !== 'string' || (typeof event.E !== 'number' && typeof event.E !== 'string')) {
    throw inputKit.invalid('append(target, event) needs an exchange event with `e` and `E`', 'event');
  }
}

/**
 * Creates the fan-out sink: one Redis Stream per account (`<prefix>events:<accountId>`, capped
 * with `MAXLEN ~`), each exchange event appended exactly once however many times and by however
 * many workers it is delivered. Entries have fields `e`, `E`, `venue` and `event` (the JSON);
 * read them with `XREADGROUP` consumer groups.
 */
export function createRedisEventSink(options: RedisEventSinkOptions): RedisEventSink {
  const redis = options?.redis;
  if (typeof redis?.evalsha !== 'function') {
    throw configKit.invalid(
      'createRedisEventSink({ redis }) needs an ioredis client, e.g. new Redis("redis://127.0.0.1:6379")',
      'redis',
    );
  }
  const prefix = checkPrefix(options.prefix, 'createRedisEventSink');
  const maxLen = options.maxLen ?? DEFAULT_STREAM_MAX_LEN;
  const ttl = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
  if (!Number.isInteger(maxLen) || maxLen < 1) {
    throw configKit.invalid('maxLen must be a positive integer (entries per account stream)', 'maxLen');
  }
  if (!Number.isInteger(ttl) || ttl < 1000) {
    throw configKit.invalid(
      'dedupeTtlMs must be an integer of at least 1000 ms (longer than any takeover)',
      'dedupeTtlMs',
    );
  }
  // One bound for every duration option in the packages (Node's timer limit, about 24.8 days).
  validateDuration(ttl, 'dedupeTtlMs', { prefix: '@userstream/redis' });
  const keys = redisKeys(prefix);
  const streamKey = keys.events;
  return {
    prefix,
    streamKey,
    async append(target, event) {
      checkTarget(target);
      checkEvent(event);
      const json = serializeEvent(event);
      const seen = keys.seen(target.accountId, eventIdempotencyKey(target, event, json));
      const reply = await redisCall('appending an event', () =>
        APPEND.run(
          redis,
          [streamKey(target.accountId), seen],
          [ttl, maxLen, event.e, String(event.E), target.venue, json],
        ),
      );
      return typeof reply === 'string' ? reply : undefined;
    },
    async appendGap(target, info) {
      checkTarget(target);
      const id = await redisCall('appending a gap marker', () =>
        redis.xadd(
          streamKey(target.accountId),
          'MAXLEN',
          '~',
          maxLen,
          '*',
          'e',
          GAP_MARKER,
          'E',
          String(info.at),
          'venue',
          target.venue,
          'reason',
          String(info.reason),
          'worker',
          String(info.worker),
        ),
      );
      return String(id);
    },
  };
}
