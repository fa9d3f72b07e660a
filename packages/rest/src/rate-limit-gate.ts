import {
  type Clock,
  ClosedError,
  type Endpoint,
  RateLimitError,
  type ServerTime,
  type VenueProfile,
} from '@userstream/core';
import type { ResponseHeaders } from './body.js';
import type { ClockSleep } from './clock-sleep.js';
import { channels } from './diagnostics.js';
import type { Logger } from './options.js';
import { readUsedWeights, WeightWindow } from './weight.js';

/** The venue's request weight as the client last saw it, read with `rest.rateLimit` (a snapshot). */
export interface RateLimitState {
  /** Last `X-MBX-USED-WEIGHT-1M` seen. */
  usedWeight: number;
  /** Last used weight per interval the venue reports: `{ '1m': 42 }` from `X-MBX-USED-WEIGHT-1M`, `'1s'`, `'1h'`, `'1d'`… */
  usedWeights: Record<string, number>;
  /** The per-minute weight limit (the venue's, or `weightLimit`). */
  limit: number;
  /** Clock ms of the last weight header seen. */
  updatedAt: number;
  /** Epoch ms before which requests are held (429). */
  retryAfterUntil: number;
  /** Epoch ms before which requests are refused (418). */
  bannedUntil: number;
  /** Epoch ms until which `weightShare` is holding requests back (0: not holding). */
  heldUntil: number;
}

export interface RateLimitGateOptions {
  venue: VenueProfile;
  clock: Clock;
  /** The venue's time: weight windows are the venue's minutes. */
  serverTime: ServerTime;
  limit: number;
  /** The `weightShare` of `limit`; undefined: no holding. */
  weightShare: number | undefined;
  logger: Logger | undefined;
  sleep: ClockSleep;
  /** True once the client is closed: nothing passes the gate after that. */
  closed: () => boolean;
}

/**
 * Everything the client knows of the venue's rate limits, and what it does about them: refuse
 * locally while banned (418) or told to wait (429), hold a request for the next minute rather
 * than cross `weightShare` of the limit, and follow the used-weight headers of every answer.
 */
export class RateLimitGate {
  /** The state as last seen, updated in place (the client's `rateLimit`). */
  readonly state: RateLimitState;
  readonly #options: RateLimitGateOptions;
  /** Weight allowed per minute by `weightShare`; undefined when not holding. */
  readonly #budget: number | undefined;
  readonly #window = new WeightWindow();

  constructor(options: RateLimitGateOptions) {
    this.#options = options;
    const { limit, weightShare } = options;
    this.#budget = weightShare === undefined ? undefined : Math.floor(limit * weightShare);
    this.state = {
      usedWeight: 0,
      usedWeights: {},
      limit,
      updatedAt: 0,
      retryAfterUntil: 0,
      bannedUntil: 0,
      heldUntil: 0,
    };
  }

  /** Refuses locally while closed, banned (418) or told to wait (429). */
  check(): void {
    if (this.#options.closed()) throw new ClosedError('@userstream/rest: client is closed');
    const now = this.#options.clock.now();
    const { bannedUntil, retryAfterUntil } = this.state;
    if (bannedUntil > now || retryAfterUntil > now) {
      const banned = bannedUntil > now;
      const until = banned ? bannedUntil : retryAfterUntil;
      throw new RateLimitError(
        `@userstream/rest: ${this.#options.venue.id} ${banned ? 'banned this IP' : 'asked to slow down'}; not sending until ${new Date(until).toISOString()}`,
        { retryAfterMs: until - now, banned, until },
      );
    }
  }

  /** True with `weightShare`: requests then wait in {@link hold} for room in the venue's minute. */
  get holding(): boolean {
    return this.#budget !== undefined;
  }

  /** With `weightShare`, waits for the next minute rather than cross the share of the limit. */
  async hold(endpoint: Endpoint, signal: AbortSignal | undefined): Promise<void> {
    const budget = this.#budget;
    if (budget === undefined) return;
    const { clock, serverTime, venue, logger } = this.#options;
    for (;;) {
      this.check();
      const venueNow = serverTime.now();
      const used = this.#window.used(venueNow);
      // A request heavier than the whole budget goes first thing in a fresh minute.
      if (used === 0 || used + endpoint.weight <= budget) {
        this.#window.reserve(venueNow, endpoint.weight);
        if (this.state.heldUntil <= clock.now()) this.state.heldUntil = 0;
        return;
      }
      const waitMs = WeightWindow.untilNextWindow(venueNow);
      const until = clock.now() + waitMs;
      if (until > this.state.heldUntil) this.state.heldUntil = until;
      const info = {
        venue: venue.id,
        method: endpoint.method,
        path: endpoint.path,
        weight: endpoint.weight,
        usedWeight: used,
        budget,
        waitMs,
      };
      channels.throttle.publish(info);
      logger?.debug(info, 'request held until the next weight window');
      await this.#options.sleep.sleep(waitMs, signal);
    }
  }

  /** Follows the used-weight headers of an answer. */
  track(headers: ResponseHeaders): void {
    const weights = readUsedWeights(headers);
    const intervals = Object.keys(weights);
    if (intervals.length === 0) return;
    for (const interval of intervals) this.state.usedWeights[interval] = weights[interval] as number;
    const minute = weights['1m'];
    if (minute !== undefined) {
      this.state.usedWeight = minute;
      this.#window.observe(this.#options.serverTime.now(), minute);
    }
    this.state.updatedAt = this.#options.clock.now();
  }

  /** The venue answered 429 or 418: nothing is sent before `error.until`. */
  refuseUntil(error: RateLimitError): void {
    if (error.banned) this.state.bannedUntil = Math.max(this.state.bannedUntil, error.until);
    else this.state.retryAfterUntil = Math.max(this.state.retryAfterUntil, error.until);
  }
}
