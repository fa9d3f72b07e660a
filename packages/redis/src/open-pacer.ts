import type { Clock } from '@userstream/core';
import type { RedisClient as Redis } from './client.js';
import { channels } from './diagnostics.js';
import type { RedisKeys } from './keys.js';
import { LuaScript } from './script.js';

/**
 * acquire an open slot: KEYS[1] the host's hold (a 429/418 seen by any worker), KEYS[2] the
 * host's next free slot, KEYS[3] the stream's ownership; ARGV now, interval, housekeeping ttl,
 * this worker, catch-up window. Returns 0 (go), -1 (another worker owns the stream: no slot used), or the clock
 * time to wait for.
 */
const ACQUIRE_OPEN = new LuaScript(`
local now = tonumber(ARGV[1])
local o = redis.call('HMGET', KEYS[3], 'owner', 'exp')
if o[1] and o[1] ~= '' and o[1] ~= ARGV[4] and tonumber(o[2]) > now then return -1 end
local hold = tonumber(redis.call('GET', KEYS[1]) or '0')
if hold > now then return hold end
local free = tonumber(redis.call('GET', KEYS[2]) or '0')
if free > now then return free end
local interval = tonumber(ARGV[2])
-- Chain from the slot's own time when it was free only a little while ago: a worker waking late
-- (timers, round trips, a loaded event loop) must not push every later slot back, or the fleet
-- runs below its rate. Up to ARGV[5] ms late (a slot's worth was the bound before: under load a
-- 2,572-stream takeover then ran its second half at a quarter of the rate); the slots missed in
-- that time are caught up at once, so opens bunch by at most that much.
local base = now
if now - free < math.max(interval, tonumber(ARGV[5])) then base = free end
redis.call('SET', KEYS[2], string.format('%d', base + interval), 'PX', ARGV[3])
return 0
`);

/**
 * How late the fleet may be on its pace and still catch the missed slots up (then they go at
 * once): 250 ms of opens is within the 10 % headroom the default pace leaves in a 5 s window.
 */
const CATCH_UP_MS = 250;

/** What {@link OpenPacer.acquire} decided. */
export type OpenSlot = 'go' | 'owned-elsewhere' | 'later';

/**
 * Fleet-wide pacing of stream opens per venue host, through Redis: at most one open per
 * `intervalMs` across every worker (they usually share an egress IP and so one request-weight
 * budget), none while any worker's 429/418 hold on that host lasts.
 */
export class OpenPacer {
  /** REST origin → clock time before which nobody in the fleet opens streams there (429/418). */
  readonly #holds = new Map<string, number>();
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #clock: Clock;
  readonly #workerId: string;
  readonly #intervalMs: (origin: string) => number;

  constructor(options: {
    redis: Redis;
    keys: RedisKeys;
    clock: Clock;
    workerId: string;
    intervalMs: (origin: string) => number;
  }) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#clock = options.clock;
    this.#workerId = options.workerId;
    this.#intervalMs = options.intervalMs;
  }

  /**
   * Waits for an open slot on `origin` for the stream whose ownership lives at `ownerKeyId`
   * (a {@link leaseKeyId}). `later` when the wait would pass `deadline`, Redis is unavailable or
   * `cancelled()` turns true (the account is tried again next round); `owned-elsewhere` when
   * another worker's ownership has not lapsed (no slot spent).
   */
  async acquire(
    origin: string,
    ownerKeyId: string,
    deadline: number,
    cancelled: () => boolean,
  ): Promise<OpenSlot> {
    for (;;) {
      if (cancelled()) return 'later';
      const now = this.#clock.now();
      if ((this.#holds.get(origin) ?? 0) > now) return 'later';
      let waitUntil: number;
      try {
        const reply = await ACQUIRE_OPEN.run(
          this.#redis,
          [this.#keys.hold(origin), this.#keys.pace(origin), this.#keys.ownerById(ownerKeyId)],
          [
            Math.floor(now),
            Math.max(1, Math.round(this.#intervalMs(origin))),
            60_000,
            this.#workerId,
            CATCH_UP_MS,
          ],
        );
        waitUntil = Number(reply);
      } catch {
        return 'later'; // Redis unavailable: take nothing new
      }
      if (waitUntil === 0) return 'go';
      if (waitUntil === -1) return 'owned-elsewhere';
      if (waitUntil > deadline) return 'later';
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, waitUntil - now));
    }
  }

  /** A 429/418 while opening: every worker of the fleet (one egress IP, one weight budget) waits it out. */
  async hold(origin: string, error: { retryAfterMs?: unknown }): Promise<void> {
    const waitMs = Math.max(1_000, Number(error.retryAfterMs) || 0);
    const until = this.#clock.now() + waitMs;
    if (until <= (this.#holds.get(origin) ?? 0)) return;
    this.#holds.set(origin, until);
    channels.ownership.publish({ type: 'rate-limited', worker: this.#workerId, origin, until });
    // The value (clock time) decides; the Redis expiry only cleans up.
    await this.#redis
      .set(this.#keys.hold(origin), String(until), 'PX', Math.ceil(waitMs) + 60_000)
      .catch(() => {});
  }
}
