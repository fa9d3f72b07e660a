import type { Clock } from '@userstream/core';
import { WEIGHT_LIMITS, type WeightGroup } from './venue-map.js';

const MINUTE = 60_000;
/** First IP ban lasts 2 minutes; each further ban doubles, up to 3 days (as Binance documents). */
export const FIRST_BAN_MS = 2 * MINUTE;
/** Longest IP ban (3 days): repeated bans double up to this, as Binance documents. */
export const MAX_BAN_MS = 3 * 24 * 60 * MINUTE;

export type ChargeResult =
  | { readonly ok: true; readonly used: number }
  | {
      readonly ok: false;
      readonly status: 429 | 418;
      readonly used: number;
      readonly limit: number;
      /** Epoch ms when requests are accepted again. */
      readonly until: number;
      /** Whole seconds, as the `Retry-After` header. */
      readonly retryAfterSeconds: number;
    };

interface Bucket {
  window: number;
  used: number;
  /** While now < limitedUntil, the IP has been told 429; continuing earns a ban. */
  limitedUntil: number;
  /** Whether the 429 of the current limited period has been sent. */
  warned: boolean;
  bannedUntil: number;
  bans: number;
}

/**
 * Request weight per IP per minute, per venue host (`X-MBX-USED-WEIGHT-1M`): over the limit a
 * request gets 429 with `Retry-After` until the minute ends; a request sent after that 429, while
 * still limited, gets a 418 ban (2 min, doubling per ban up to 3 days).
 */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #buckets = new Map<WeightGroup, Bucket>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  #bucket(group: WeightGroup): Bucket {
    const now = this.#clock.now();
    const window = Math.floor(now / MINUTE);
    let bucket = this.#buckets.get(group);
    if (!bucket) {
      bucket = { window, used: 0, limitedUntil: 0, warned: false, bannedUntil: 0, bans: 0 };
      this.#buckets.set(group, bucket);
    } else if (bucket.window !== window) {
      bucket.window = window;
      bucket.used = 0;
    }
    return bucket;
  }

  /** Weight used in the current minute. */
  used(group: WeightGroup): number {
    return this.#bucket(group).used;
  }

  /** Counts `weight` against `group` and says whether the request may proceed. */
  charge(group: WeightGroup, weight: number): ChargeResult {
    const now = this.#clock.now();
    const bucket = this.#bucket(group);
    const limit = WEIGHT_LIMITS[group];
    if (bucket.bannedUntil > now) return this.#refuse(418, bucket, limit, bucket.bannedUntil, now);
    if (bucket.limitedUntil > now) {
      if (bucket.warned) {
        const duration = Math.min(MAX_BAN_MS, FIRST_BAN_MS * 2 ** bucket.bans);
        bucket.bans++;
        bucket.bannedUntil = now + duration;
        bucket.limitedUntil = 0;
        bucket.warned = false;
        return this.#refuse(418, bucket, limit, bucket.bannedUntil, now);
      }
      bucket.warned = true;
      return this.#refuse(429, bucket, limit, bucket.limitedUntil, now);
    }
    bucket.used += weight;
    if (bucket.used > limit) {
      bucket.limitedUntil = (bucket.window + 1) * MINUTE;
      bucket.warned = true;
      return this.#refuse(429, bucket, limit, bucket.limitedUntil, now);
    }
    return { ok: true, used: bucket.used };
  }

  /** Fault: the next request of `groups` gets 429 until `now + durationMs`. */
  limit(groups: readonly WeightGroup[], durationMs: number): void {
    const until = this.#clock.now() + durationMs;
    for (const group of groups) {
      const bucket = this.#bucket(group);
      bucket.limitedUntil = until;
      bucket.warned = false;
    }
  }

  /** Fault: `groups` are banned (418) for `durationMs`. */
  ban(groups: readonly WeightGroup[], durationMs: number): void {
    const until = this.#clock.now() + durationMs;
    for (const group of groups) this.#bucket(group).bannedUntil = until;
  }

  /** Lifts every limit and ban and zeroes the counters. */
  reset(): void {
    this.#buckets.clear();
  }

  #refuse(status: 429 | 418, bucket: Bucket, limit: number, until: number, now: number): ChargeResult {
    return {
      ok: false,
      status,
      used: bucket.used,
      limit,
      until,
      retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
    };
  }
}
