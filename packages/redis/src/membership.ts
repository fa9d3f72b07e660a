import { EventEmitter } from 'node:events';
import { type Clock, type ClockTimer, systemClock, validateDuration } from '@userstream/core';
import { type Logger, silentLogger } from '@userstream/keepalive';
import type { RedisClient as Redis } from './client.js';
import { channels } from './diagnostics.js';
import { type RedisUnavailableError, redisCall } from './errors.js';
import { checkPrefix, redisKeys } from './keys.js';
import { configKit } from './option-kits.js';
import { LuaScript } from './script.js';

/** Heartbeat every second by default. */
export const DEFAULT_HEARTBEAT_MS = 1_000;
/** A worker that has not heartbeaten for 3 s is dead by default. */
export const DEFAULT_MEMBER_TTL_MS = 3_000;

/**
 * Options of {@link createMembership}. `heartbeatMs` must be below `ttlMs`, else an `InvalidInputError`
 * (`USERSTREAM_INVALID_CONFIG`) naming `ttlMs`.
 */
export interface MembershipOptions {
  /** An ioredis client; membership never closes it. */
  redis: Redis;
  /** This worker's id: unique in the fleet, stable across restarts of the same worker if you like. */
  workerId: string;
  /** @default 'userstream:' */
  prefix?: string;
  /** Heartbeats and expiry run on this clock (workers of a fleet must agree on time: NTP). @default systemClock */
  clock?: Clock;
  /** How often to heartbeat and re-read the live members. @default 1000 */
  heartbeatMs?: number;
  /** A worker is dead when it has not heartbeaten for this long. Must exceed `heartbeatMs`. @default 3000 */
  ttlMs?: number;
  /** Where heartbeat failures and member changes are logged (pino-compatible). @default silent */
  logger?: Logger;
}

/** One change of the live members, as the `change` event hands it out. */
export interface MembershipChange {
  /** Live workers, sorted. */
  readonly members: readonly string[];
  /** Workers live now that were not at the previous read, sorted. */
  readonly joined: readonly string[];
  /** Workers gone since the previous read (stopped, or heartbeat older than `ttlMs`), sorted. */
  readonly left: readonly string[];
  /** Protocol-clock ms of the read that saw the change. */
  readonly at: number;
}

/** What a {@link Membership} emits (an `EventEmitter` with these event names and arguments). */
export interface MembershipEvents {
  /** The set of live workers changed. */
  change: [change: MembershipChange];
  /** A heartbeat failed (Redis down): the member list is the last one seen. */
  unavailable: [error: RedisUnavailableError];
  /** A heartbeat succeeded again after failures. */
  available: [
    info: {
      /** Protocol-clock ms of the heartbeat that succeeded. */
      at: number;
    },
  ];
  /**
   * This worker was not in the set when it heartbeated (Redis lost its data, or this worker
   * stalled past its TTL): others may have thought it dead.
   */
  rejoined: [
    info: {
      /** Protocol-clock ms of the heartbeat that found this worker missing. */
      at: number;
    },
  ];
}

/** heartbeat: KEYS[1] members zset; ARGV id, now, expiresAt. Returns {existed, live members}. */
const HEARTBEAT = new LuaScript(`
local existed = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
return {existed and 1 or 0, redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf')}
`);

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Live workers of a fleet, kept in a Redis sorted set (`<prefix>members`, score = heartbeat expiry). */
export class Membership extends EventEmitter<MembershipEvents> {
  /** This worker's id in the members set. */
  readonly workerId: string;
  /** The key prefix; the set is `<prefix>members`. */
  readonly prefix: string;
  readonly #redis: Redis;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #heartbeatMs: number;
  readonly #ttlMs: number;
  readonly #key: string;
  #members: readonly string[] = [];
  #healthy = false;
  #joined = false;
  #timer: ClockTimer | undefined;
  #closed = false;
  #beating: Promise<readonly string[]> | undefined;

  constructor(options: MembershipOptions) {
    super();
    if (typeof options?.redis?.evalsha !== 'function') {
      throw configKit.invalid('membership needs { redis: an ioredis client }', 'redis');
    }
    if (typeof options.workerId !== 'string' || !/^[\w.:@-]{1,200}$/.test(options.workerId)) {
      throw configKit.invalid(
        'workerId must be 1-200 letters, digits or . _ : @ - (e.g. the host name and pid)',
        'workerId',
      );
    }
    const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const ttlMs = options.ttlMs ?? Math.max(DEFAULT_MEMBER_TTL_MS, heartbeatMs * 3);
    if (!(Number.isFinite(heartbeatMs) && heartbeatMs > 0 && Number.isFinite(ttlMs) && ttlMs > heartbeatMs)) {
      throw configKit.invalid(
        'membership needs 0 < heartbeatMs < ttlMs (e.g. heartbeatMs 1000, ttlMs 3000)',
        'ttlMs',
      );
    }
    // The heartbeat is a Node timer (fired after 1 ms above 2^31-1 ms); the TTL is held to the same bound.
    validateDuration(heartbeatMs, 'heartbeatMs', { prefix: '@userstream/redis' });
    validateDuration(ttlMs, 'ttlMs', { prefix: '@userstream/redis' });
    this.#redis = options.redis;
    this.workerId = options.workerId;
    this.prefix = checkPrefix(options.prefix, 'membership');
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#heartbeatMs = heartbeatMs;
    this.#ttlMs = ttlMs;
    this.#key = redisKeys(this.prefix).members();
  }

  /** Live workers (sorted) as of the last successful heartbeat. */
  get members(): readonly string[] {
    return this.#members;
  }

  /** True when the last heartbeat reached Redis. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** How often this worker heartbeats and re-reads the members (ms, protocol clock). */
  get heartbeatMs(): number {
    return this.#heartbeatMs;
  }

  /** How long after its last heartbeat a worker counts as dead (ms, protocol clock). */
  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Resolves once the heartbeat in flight (if any) has finished. */
  async settled(): Promise<void> {
    await this.#beating?.catch(() => {});
  }

  /** Joins (first heartbeat, which must reach Redis) and keeps heartbeating until close(). */
  async start(): Promise<readonly string[]> {
    const members = await this.#beat(true);
    this.#schedule();
    return members;
  }

  /** One heartbeat now: resolves the live members (rejects with USERSTREAM_REDIS_UNAVAILABLE when Redis is down). */
  heartbeat(): Promise<readonly string[]> {
    return this.#beat(true);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#beat(false)
        .catch(() => {})
        .finally(() => this.#schedule());
    }, this.#heartbeatMs);
  }

  async #beat(rethrow: boolean): Promise<readonly string[]> {
    if (this.#beating) return this.#beating;
    const p = this.#beatOnce(rethrow);
    this.#beating = p;
    try {
      return await p;
    } finally {
      this.#beating = undefined;
    }
  }

  async #beatOnce(rethrow: boolean): Promise<readonly string[]> {
    const now = Math.floor(this.#clock.now());
    let reply: [number, string[]];
    try {
      reply = (await redisCall('heartbeating', () =>
        HEARTBEAT.run(this.#redis, [this.#key], [this.workerId, now, now + this.#ttlMs]),
      )) as [number, string[]];
    } catch (error) {
      const err = error as RedisUnavailableError;
      if (this.#healthy || !this.#joined) {
        this.#logger.warn({ worker: this.workerId, code: err.code }, '@userstream/redis: heartbeat failed');
      }
      const was = this.#healthy;
      this.#healthy = false;
      if (was) {
        channels.membership.publish({ type: 'unavailable', worker: this.workerId, at: now });
        this.emit('unavailable', err);
      }
      if (rethrow) throw err;
      return this.#members;
    }
    if (this.#closed) return this.#members;
    const [existed, live] = reply;
    const wasHealthy = this.#healthy;
    this.#healthy = true;
    if (!wasHealthy && this.#joined) {
      channels.membership.publish({ type: 'available', worker: this.workerId, at: now });
      this.emit('available', { at: now });
    }
    if (this.#joined && existed === 0) {
      this.#logger.warn(
        { worker: this.workerId },
        '@userstream/redis: this worker had dropped out of the members',
      );
      channels.membership.publish({ type: 'rejoined', worker: this.workerId, at: now });
      this.emit('rejoined', { at: now });
    }
    this.#joined = true;
    const members = [...live].sort();
    if (!sameList(members, this.#members)) {
      const before = new Set(this.#members);
      const after = new Set(members);
      const change: MembershipChange = {
        members,
        joined: members.filter((m) => !before.has(m)),
        left: this.#members.filter((m) => !after.has(m)),
        at: now,
      };
      this.#members = members;
      channels.membership.publish({ type: 'change', worker: this.workerId, ...change });
      this.#logger.info(
        { worker: this.workerId, members: members.length, joined: change.joined, left: change.left },
        '@userstream/redis: fleet members changed',
      );
      this.emit('change', change);
    }
    return members;
  }

  /** Stops heartbeating; with `leave` (default) removes this worker from the set so others take over at once. */
  async close(options: { leave?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#beating?.catch(() => {});
    if (options.leave ?? true) {
      await redisCall('leaving the fleet', () => this.#redis.zrem(this.#key, this.workerId)).catch(
        (error) => {
          this.#logger.warn(
            { worker: this.workerId, code: (error as { code?: unknown }).code },
            '@userstream/redis: could not leave the member set (this worker will lapse by itself)',
          );
        },
      );
    }
  }
}

/** Creates a {@link Membership} (call `start()` to join). */
export function createMembership(options: MembershipOptions): Membership {
  return new Membership(options);
}

/** Reads the live workers of a fleet without joining it (for dashboards and tools). */
export async function listMembers(options: {
  redis: Redis;
  prefix?: string;
  clock?: Pick<Clock, 'now'>;
}): Promise<string[]> {
  const prefix = checkPrefix(options.prefix, 'listMembers');
  const now = Math.floor((options.clock ?? systemClock).now());
  const live = await redisCall('listing members', () =>
    options.redis.zrangebyscore(redisKeys(prefix).members(), `(${now}`, '+inf'),
  );
  return live.sort();
}
