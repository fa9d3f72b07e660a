/**
 * Keeps a takeover from starving the worker's own ownership renewals (issue 15, the overload
 * cascade). A survivor that takes over thousands of streams spends its event loop on opens
 * (listenKey creates, WebSocket handshakes, bookkeeping); when its renewals for the streams it
 * already owns are sent or read after their ownership lapsed, it drops ALL its streams, and one
 * death becomes a fleet-wide gap storm. So: renewals go before opens (no open starts while a
 * renewal is in flight or about to fall due), and the number of opens in progress follows the
 * event loop's lag (up by one per calm open, halved on lag, never below one: a takeover still
 * finishes, only slower).
 */
import type { Clock } from '@userstream/core';
import { clockSpeed } from '@userstream/core';
import type { LeaseStore, Logger } from '@userstream/keepalive';
import { channels } from './diagnostics.js';
import type { ResolvedFleetOptions } from './fleet-options.js';

/** How often the default lag probe's timer ticks (real ms): its lateness is the lag. */
const PROBE_INTERVAL_MS = 20;
/**
 * Opens in progress at the start of each round (more follow, one per calm open): what the last
 * round learned says little about the next, whose opens may cost far more (a takeover after
 * a quiet hour), and a round that starts wide blocks the loop before its first open can report.
 */
const START_CONCURRENCY = 1;

/**
 * The default `eventLoopLag` probe: a timer every 20 ms (unref'd, so it keeps no process alive)
 * measuring its own lateness. Returns the worst lag since the previous read, including a stall in
 * progress right now (a timer cannot report while the loop is blocked, the reader can).
 */
export function eventLoopLagProbe(): { lagMs: () => number; close: () => void } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - PROBE_INTERVAL_MS);
    last = now;
  }, PROBE_INTERVAL_MS);
  timer.unref();
  return {
    lagMs: () => {
      const lag = Math.max(worst, performance.now() - last - PROBE_INTERVAL_MS, 0);
      worst = 0;
      return lag;
    },
    close: () => clearInterval(timer),
  };
}

export interface OpenThrottleOptions {
  clock: Clock;
  workerId: string;
  logger: Logger;
  /** The most opens in progress at once (`openConcurrency`). */
  maxConcurrency: number;
  /** Lag (protocol ms) above which opens back off (`openLagTargetMs`). */
  lagTargetMs: number;
  /** Period of the ownership renewals (they fall on multiples of it on the clock). */
  renewMs: number;
  /** How long the gate waits at most for renewals in flight (the ownership TTL). */
  maxWaitMs: number;
  /** The worst event-loop lag (real ms) since the last call; undefined: {@link eventLoopLagProbe}. */
  lagMs: (() => number) | undefined;
  /** Whether the worker holds any stream (no renewal falls due otherwise). */
  owns: () => boolean;
}

/** Adaptive concurrency and the renewals-first gate of a fleet worker's opens. */
export class OpenThrottle {
  readonly #o: OpenThrottleOptions;
  readonly #lagMs: () => number;
  readonly #closeProbe: () => void;
  #limit: number;
  #pendingRenewals = 0;
  #renewalsSettled: (() => void)[] = [];
  #backedOff = false;

  /** The throttle of a fleet worker with these (resolved) options. */
  static of(
    o: ResolvedFleetOptions,
    workerId: string,
    lagMs: (() => number) | undefined,
    owns: () => boolean,
  ): OpenThrottle {
    return new OpenThrottle({
      clock: o.clock,
      workerId,
      logger: o.logger,
      maxConcurrency: o.openConcurrency,
      lagTargetMs: o.openLagTargetMs,
      renewMs: o.ownershipRenewMs,
      maxWaitMs: o.ownershipTtlMs,
      lagMs,
      owns,
    });
  }

  constructor(options: OpenThrottleOptions) {
    this.#o = options;
    this.#limit = Math.min(options.maxConcurrency, START_CONCURRENCY);
    if (options.lagMs) {
      this.#lagMs = options.lagMs;
      this.#closeProbe = () => {};
    } else {
      const probe = eventLoopLagProbe();
      this.#lagMs = probe.lagMs;
      this.#closeProbe = probe.close;
    }
  }

  /** Opens allowed in progress right now. */
  get concurrency(): number {
    return this.#limit;
  }

  /** Stops the lag probe's timer. */
  close(): void {
    this.#closeProbe();
  }

  /** `store` with its ownership renewals counted, so that opens can wait for them. */
  track(store: LeaseStore): LeaseStore {
    const renew = store.renewOwnership?.bind(store);
    if (!renew) return store;
    return {
      get: (k) => store.get(k),
      put: (k, r, o) => store.put(k, r, o),
      delete: (k, o) => store.delete(k, o),
      ...(store.claim ? { claim: store.claim.bind(store) } : {}),
      ...(store.release ? { release: store.release.bind(store) } : {}),
      renewOwnership: (k, o, ttl) => {
        this.#pendingRenewals++;
        return renew(k, o, ttl).finally(() => {
          if (--this.#pendingRenewals === 0) for (const wake of this.#renewalsSettled.splice(0)) wake();
        });
      },
    };
  }

  /**
   * Runs `work` over `items` with at most {@link concurrency} in progress (one at first), until
   * `go()` turns false. After each item the concurrency adapts to the lag, never below one: the
   * floor that lets a takeover finish (a lag that other processes cause does not go away when we
   * open less, so the floor does not pause).
   */
  run<T>(items: readonly T[], go: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
    this.#limit = Math.min(this.#o.maxConcurrency, START_CONCURRENCY);
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let active = 0;
      let failure: unknown;
      const pump = (): void => {
        while (active < this.#limit && next < items.length && go()) {
          const item = items[next++]!;
          active++;
          work(item)
            .catch((error: unknown) => {
              failure ??= error;
            })
            .finally(() => {
              active--;
              this.#adapt();
              pump();
            });
        }
        if (active === 0 && (next >= items.length || !go())) {
          this.#roundEnded();
          if (failure === undefined) resolve();
          else reject(failure);
        }
      };
      pump();
    });
  }

  /**
   * A round ended while backed off: say so, and let the next lagging round warn again (each round
   * starts at one open, so it seldom climbs back to full concurrency, where the calm line is said
   * otherwise: without this, one overload would silence every later one's warning).
   */
  #roundEnded(): void {
    if (!this.#backedOff) return;
    this.#backedOff = false;
    this.#o.logger.info(
      { worker: this.#o.workerId, concurrency: this.#limit },
      '@userstream/redis: the opens of this round are done while backed off; the next round starts at one open',
    );
  }

  /** One open done: more at once while the loop is calm, half as many when it lags. */
  #adapt(): void {
    const lag = this.#lagMs() * clockSpeed(this.#o.clock);
    const { lagTargetMs, maxConcurrency, workerId } = this.#o;
    if (lag <= lagTargetMs) {
      if (this.#limit < maxConcurrency) this.#limit++;
      if (this.#backedOff && this.#limit === maxConcurrency) {
        this.#backedOff = false;
        this.#o.logger.info(
          { worker: workerId },
          '@userstream/redis: event loop calm again; opening at full concurrency',
        );
      }
      return;
    }
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    const lagMs = Math.round(lag);
    channels.ownership.publish({ type: 'open-backoff', worker: workerId, lagMs, concurrency: this.#limit });
    if (!this.#backedOff) {
      this.#backedOff = true;
      this.#o.logger.warn(
        { worker: workerId, lagMs, concurrency: this.#limit },
        '@userstream/redis: the event loop lags; opening fewer streams at once so that ownership renewals stay on time',
      );
    }
  }

  /**
   * Renewals first: waits while ownership renewals are in flight, and when the next renewal
   * tick is due within `lagTargetMs`, until it has been sent and answered. An open started just
   * before the tick would put its CPU work (and its Redis commands) in front of the renewals.
   * Bounded: at most `maxWaitMs` (a store that does not answer is the lease's to judge).
   */
  async renewalsFirst(): Promise<void> {
    const { clock, renewMs, lagTargetMs } = this.#o;
    const deadline = clock.now() + this.#o.maxWaitMs;
    for (let round = 0; round < 3 && clock.now() < deadline; round++) {
      if (this.#pendingRenewals > 0) {
        await this.#settledOr(deadline);
        continue;
      }
      if (!this.#o.owns()) return;
      const now = clock.now();
      const tick = (Math.floor(now / renewMs) + 1) * renewMs;
      if (tick - now > lagTargetMs) return;
      // After the tick's timer (the scheduler's, due at `tick`) has fired and the store has sent
      // the batch (it flushes in setImmediate): then the renewals are counted as in flight.
      await new Promise<void>((resolve) => clock.setTimeout(resolve, tick - now + 1));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #settledOr(deadline: number): Promise<void> {
    const clock = this.#o.clock;
    return new Promise<void>((resolve) => {
      const timer = clock.setTimeout(done, Math.max(0, deadline - clock.now()));
      function done(): void {
        clock.clearTimeout(timer);
        resolve();
      }
      this.#renewalsSettled.push(done);
    });
  }
}
