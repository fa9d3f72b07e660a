import { createHash } from 'node:crypto';
import { InvalidInputError, isSecretFieldName, UserstreamError, validateDuration } from '@userstream/core';
import { LeaseLostError } from '@userstream/keepalive';
import type { RedisClient as Redis } from './client.js';
import { redisCall } from './errors.js';
import { checkPrefix, redisKeys } from './keys.js';
import { configKit, inputKit } from './option-kits.js';
import { LuaScript } from './script.js';

/** Approximate cap of each account's Redis Stream (`XADD … MAXLEN ~`). */
export const DEFAULT_STREAM_MAX_LEN = 100_000;
/** Approximate cap of each account's dead-letter stream (quarantined events). */
export const DEFAULT_DEAD_LETTER_MAX_LEN = 10_000;
/** Dead letters keep an event's JSON up to this size (a bigger one is named, not kept). */
const DEAD_LETTER_BODY_MAX = 64 * 1024;
/** How long an event's idempotency key is remembered: a takeover replaying older events is far shorter. */
export const DEFAULT_DEDUPE_TTL_MS = 24 * 60 * 60_000;

/**
 * Options of {@link createRedisEventSink}. Checked at creation: a bad prefix, `maxLen` or `dedupeTtlMs`
 * throws an `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`) naming the field.
 */
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
  /**
   * The writer's fencing token (a fleet worker's ownership of the account), read at each write.
   * The account's stream refuses a write whose token is older than the newest that wrote, with a
   * `LeaseLostError`: a worker that lost the account while cut off from Redis cannot append
   * after the new owner once its link heals. Without it, writes are not fenced.
   */
  readonly fencingToken?: () => number;
}

/** An exchange event as a user data stream delivers it: `e` type, `E` event time, the rest. */
export type SinkEvent = {
  /** The event type, e.g. `ORDER_TRADE_UPDATE`. */
  readonly e: string;
  /**
   * Event time, exchange ms (a number, or a string of digits). Not unique: several events share
   * one ms. Absent only on the types a venue documents without one (Aster's `announcement`): those
   * are appended with an empty `E`; any other event without a numeric `E` is quarantined.
   */
  readonly E?: number | string;
} & Readonly<Record<string, unknown>>;

/**
 * Event types a venue documents without an event time `E`, which the sink appends with an empty
 * `E` field instead of quarantining them: Aster futures' `announcement` (v3 page, "Event: Public
 * Announcement" / "Event: Direct Announcement"). The stream delivers them as they arrive, neither
 * ordered nor deduplicated by `E`; the sink appends each once (its idempotency key covers the
 * content). Any other event without a numeric `E` is broken and quarantined.
 */
const EVENTS_WITHOUT_TIME: ReadonlySet<string> = new Set(['announcement']);

/**
 * Appends user data events to one Redis Stream per account, exactly once across the workers of a fleet. Every
 * method rejects with a `RedisUnavailableError` (`USERSTREAM_REDIS_UNAVAILABLE`, retryable) when Redis cannot
 * be reached.
 *
 * @example
 * ```ts
 * const sink = createRedisEventSink({ redis: new Redis(url), prefix: 'bot:' });
 * await sink.append({ accountId: 'acct-1', venue: 'binance-usdm' }, event);
 * // read it back: XRANGE sink.streamKey('acct-1') - +
 * ```
 */
export interface RedisEventSink {
  /** The key prefix every key of this sink starts with (checked at creation, e.g. `userstream:`). */
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
  /**
   * Puts an event that {@link append} refused for good (see `quarantineReason`) into the
   * account's dead-letter stream, `deadLetterKey(accountId)`: fields `e` and `E` (as far as they
   * are short strings or numbers), `venue`, `reason`, `worker`, `at`, and `event` (the JSON
   * without secret fields, or '' when it cannot be serialized or is over 64 KB).
   */
  quarantine(target: SinkTarget, letter: DeadLetter): Promise<string>;
  /** The dead-letter Redis Stream key of an account. */
  deadLetterKey(accountId: string): string;
}

/** Why an event was quarantined: it lacks a string `e` or a numeric `E`, or it cannot be serialized (nested too deep, circular). */
export type QuarantineReason = 'invalid-event' | 'unserializable';

/** An event on its way to the dead-letter stream. */
export interface DeadLetter {
  readonly event: unknown;
  readonly reason: QuarantineReason;
  readonly worker: string;
  readonly at: number;
}

/** The field an unserializable event's refusal names (see `quarantineReason`). */
const UNSERIALIZABLE_FIELD = 'event.json';

/**
 * Whether an error from {@link RedisEventSink.append} means "this event can never be appended"
 * (quarantine it: retrying would stall everything behind it) and why; undefined for errors that
 * a retry can cure (Redis unavailable).
 */
export function quarantineReason(error: unknown): QuarantineReason | undefined {
  if (!UserstreamError.isInstance(error) || error.isRetryable) return undefined;
  return (error as InvalidInputError).field === UNSERIALIZABLE_FIELD ? 'unserializable' : 'invalid-event';
}

/** What a gap marker says. */
export interface GapMarker {
  /** Why continuity is not proven: the stream's gap reason (`reconnect`, `credential-changed`, …) or `acquired`. */
  readonly reason: string;
  /** Id of the fleet worker that wrote the marker. */
  readonly worker: string;
  /** Protocol-clock ms of the gap; written as the marker's `E`, so markers sort among events. */
  readonly at: number;
}

/** The `e` field of gap markers in account streams. */
export const GAP_MARKER = '@gap';

/**
 * The fence of an account's stream, shared by both scripts: KEYS[3] holds the newest fencing
 * token that wrote; ARGV[1] is the writer's ('' = not fenced). An older token returns -1.
 */
const FENCE = `
if ARGV[1] ~= '' then
  local newest = tonumber(redis.call('GET', KEYS[3]) or '0')
  local mine = tonumber(ARGV[1])
  if mine < newest then return -1 end
  if mine > newest then redis.call('SET', KEYS[3], ARGV[1]) end
end
`;

/**
 * One script appends events and gap markers alike: a pipelined batch of both keeps its order even
 * on first use (an EVALSHA that fails with NOSCRIPT is sent again as EVAL; with two scripts, one
 * loaded and one not, the retried one would land after the commands sent behind it).
 * KEYS[1] stream, KEYS[2] idempotency key (an event) or any key of the slot (a gap), KEYS[3]
 * fence; ARGV fencing token, kind ('event' | 'gap'), dedupe ttl, maxlen, E, venue, then for an
 * event its e and JSON, for a gap its reason and worker. Returns the entry id, false when the
 * event's idempotency key exists, or -1 when fenced off.
 */
const APPEND = new LuaScript(`${FENCE}
if ARGV[2] == 'gap' then
  return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'e', '${GAP_MARKER}', 'E', ARGV[5], 'venue', ARGV[6], 'reason', ARGV[7], 'worker', ARGV[8])
end
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[7], 'E', ARGV[5], 'venue', ARGV[6], 'event', ARGV[8])
redis.call('SET', KEYS[2], id, 'PX', ARGV[3])
return id
`);

/** The refusal of a fenced-off write: another worker owns the account's stream now. */
function fencedOff(target: SinkTarget): LeaseLostError {
  return new LeaseLostError(
    `@userstream/redis: the events of account ${shortText(target.accountId, 64)} are written by a newer owner now; this worker lost the account and must not append (its queued events are dropped, covered by the new owner's gap marker)`,
  );
}

const tokenOf = (target: SinkTarget): string => {
  const token = target.fencingToken?.();
  return typeof token === 'number' && Number.isSafeInteger(token) && token > 0 ? String(token) : '';
};

const withoutSecrets = (key: string, value: unknown): unknown => (isSecretFieldName(key) ? undefined : value);

/**
 * The event as written: JSON without secret fields (a listenKeyExpired's `listenKey`, …). An
 * event that cannot be serialized (nested deeper than the JS stack allows, circular, a BigInt)
 * is refused with a typed error naming `event.json`.
 */
export function serializeEvent(event: SinkEvent): string {
  try {
    return JSON.stringify(event, withoutSecrets);
  } catch (error) {
    throw new InvalidInputError(
      `@userstream/redis: an event of type ${shortText(event?.e, 64) || '(none)'} cannot be serialized to JSON (nested too deep, circular or holding a BigInt); it is quarantined, not appended`,
      { field: UNSERIALIZABLE_FIELD, cause: error },
    );
  }
}

/** A short printable field of a refused event ('' when absent, too long or not text/number). */
function shortText(value: unknown, max: number): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value !== 'string' || value.length > max) return '';
  return /^[\x20-\x7e]*$/.test(value) ? value : '';
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
  return `${encodeURIComponent(target.accountId)}:${encodeURIComponent(event.e)}:${String(event.E ?? '')}:${digest}`;
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

/** `E` is a millisecond time: a whole number, or its decimal digits as a string. */
const numericE = (E: unknown): boolean =>
  typeof E === 'number' ? Number.isSafeInteger(E) && E >= 0 : typeof E === 'string' && /^\d{1,16}$/.test(E);

/** True for an event documented without `E` that has none (written with an empty `E`). */
const timeless = (event: SinkEvent): boolean => event.E === undefined && EVENTS_WITHOUT_TIME.has(event.e);

function checkEvent(event: SinkEvent): void {
  if (typeof event?.e !== 'string' || event.e.length === 0 || !(numericE(event.E) || timeless(event))) {
    throw inputKit.invalid(
      'append(target, event) needs an exchange event with a string `e` and a numeric `E` (ms); events without are quarantined',
      'event',
    );
  }
}

/**
 * Creates the fan-out sink: one Redis Stream per account (`<prefix>events:<accountId>`, capped
 * with `MAXLEN ~`), each exchange event appended exactly once however many times and by however
 * many workers it is delivered. Entries have fields `e`, `E`, `venue` and `event` (the JSON);
 * `E` is empty for an event its venue documents without one (Aster's `announcement`). Read them
 * with `XREADGROUP` consumer groups.
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
  const deadLetterMaxLen = DEFAULT_DEAD_LETTER_MAX_LEN;
  const keys = redisKeys(prefix);
  const streamKey = keys.events;
  const deadLetterKey = keys.deadLetter;
  return {
    prefix,
    streamKey,
    deadLetterKey,
    async quarantine(target, letter) {
      checkTarget(target);
      const event = letter.event as { e?: unknown; E?: unknown } | null | undefined;
      let body = '';
      try {
        body = serializeEvent(letter.event as SinkEvent) ?? '';
      } catch {
        // Named by its e/E only.
      }
      if (body.length > DEAD_LETTER_BODY_MAX) body = '';
      const id = await redisCall('quarantining an event', () =>
        redis.xadd(
          deadLetterKey(target.accountId),
          'MAXLEN',
          '~',
          deadLetterMaxLen,
          '*',
          'e',
          shortText(event?.e, 64),
          'E',
          shortText(event?.E, 32),
          'venue',
          target.venue,
          'reason',
          letter.reason,
          'worker',
          String(letter.worker),
          'at',
          String(letter.at),
          'event',
          body,
        ),
      );
      return String(id);
    },
    async append(target, event) {
      checkTarget(target);
      checkEvent(event);
      const json = serializeEvent(event);
      const seen = keys.seen(target.accountId, eventIdempotencyKey(target, event, json));
      const reply = await redisCall('appending an event', () =>
        APPEND.run(
          redis,
          [streamKey(target.accountId), seen, keys.eventsFence(target.accountId)],
          [tokenOf(target), 'event', ttl, maxLen, String(event.E ?? ''), target.venue, event.e, json],
        ),
      );
      if (reply === -1) throw fencedOff(target);
      return typeof reply === 'string' ? reply : undefined;
    },
    async appendGap(target, info) {
      checkTarget(target);
      const fence = keys.eventsFence(target.accountId);
      const id = await redisCall('appending a gap marker', () =>
        APPEND.run(
          redis,
          [streamKey(target.accountId), fence, fence],
          [
            tokenOf(target),
            'gap',
            ttl,
            maxLen,
            String(info.at),
            target.venue,
            String(info.reason),
            String(info.worker),
          ],
        ),
      );
      if (id === -1) throw fencedOff(target);
      return String(id);
    },
  };
}
