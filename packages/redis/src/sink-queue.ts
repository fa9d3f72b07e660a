import { backoffDelay, type Clock } from '@userstream/core';
import { channels } from './diagnostics.js';
import type { GapMarker, RedisEventSink, SinkEvent, SinkTarget } from './event-sink.js';

/** A gap marker waiting in an account's queue (a class: no exchange event can pass for one). */
class GapItem {
  constructor(readonly gap: GapMarker) {}
}

/** Counters every queue of a worker adds to. */
export interface SinkQueueStats {
  appended: number;
  duplicates: number;
  dropped: number;
}

/** Events per pipelined write to Redis. */
const BATCH = 256;

/**
 * One account's way into its Redis Stream: events and gap markers queued in order, written in
 * pipelined batches, kept (bounded by `maxPending`, oldest dropped with a diagnostic) and
 * retried with backoff while Redis is unavailable. Appends are idempotent, so re-sending a batch
 * that partly went through appends nothing twice.
 */
export class SinkQueue {
  readonly #pending: (SinkEvent | GapItem)[] = [];
  #flushing = false;
  readonly #sink: RedisEventSink;
  readonly #target: SinkTarget;
  readonly #clock: Clock;
  readonly #workerId: string;
  readonly #maxPending: number;
  readonly #stats: SinkQueueStats;
  readonly #warn: (error: Error) => void;
  readonly #stopped: () => boolean;

  constructor(options: {
    sink: RedisEventSink;
    target: SinkTarget;
    clock: Clock;
    workerId: string;
    maxPending: number;
    stats: SinkQueueStats;
    /** Told once per outage (the first failed write). */
    warn: (error: Error) => void;
    /** The worker is closing: stop retrying (after a few tries). */
    stopped: () => boolean;
  }) {
    this.#sink = options.sink;
    this.#target = options.target;
    this.#clock = options.clock;
    this.#workerId = options.workerId;
    this.#maxPending = options.maxPending;
    this.#stats = options.stats;
    this.#warn = options.warn;
    this.#stopped = options.stopped;
  }

  /** Items waiting for Redis. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Nothing waiting and no write in flight. */
  get idle(): boolean {
    return this.#pending.length === 0 && !this.#flushing;
  }

  event(event: SinkEvent): void {
    this.#push(event);
  }

  gap(gap: GapMarker): void {
    this.#push(new GapItem(gap));
  }

  #push(item: SinkEvent | GapItem): void {
    this.#pending.push(item);
    if (this.#pending.length > this.#maxPending) {
      const n = this.#pending.length - this.#maxPending;
      this.#pending.splice(0, n);
      this.#stats.dropped += n;
      channels.sink.publish({
        type: 'overflow',
        worker: this.#workerId,
        account: this.#target.accountId,
        dropped: n,
      });
    }
    if (!this.#flushing) void this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    const sink = this.#sink;
    const target = this.#target;
    let failures = 0;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.slice(0, BATCH);
        try {
          // Sent back to back on one connection (pipelined); Redis runs them in this order.
          const ids = await Promise.all(
            batch.map((item) =>
              item instanceof GapItem ? sink.appendGap(target, item.gap) : sink.append(target, item),
            ),
          );
          this.#pending.splice(0, batch.length);
          for (let i = 0; i < ids.length; i++) {
            if (batch[i] instanceof GapItem) continue;
            if (ids[i] === undefined) this.#stats.duplicates++;
            else this.#stats.appended++;
          }
          failures = 0;
        } catch (error) {
          // Redis unavailable: keep the events (bounded) and try again.
          failures++;
          if (failures === 1) {
            channels.sink.publish({ type: 'retry', worker: this.#workerId, account: target.accountId });
            this.#warn(error as Error);
          }
          if (this.#stopped()) return;
          await new Promise<void>((resolve) =>
            this.#clock.setTimeout(
              resolve,
              backoffDelay(failures + 1, { baseDelayMs: 100, maxDelayMs: 5_000 }),
            ),
          );
          if (this.#stopped() && failures > 3) return;
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}
