import { backoffDelay, type Clock } from '@userstream/core';
import { LeaseLostError } from '@userstream/keepalive';
import { channels } from './diagnostics.js';
import {
  type GapMarker,
  type QuarantineReason,
  quarantineReason,
  type RedisEventSink,
  type SinkEvent,
  type SinkTarget,
} from './event-sink.js';

/** A gap marker waiting in an account's queue (a class: no exchange event can pass for one). */
class GapItem {
  constructor(readonly gap: GapMarker) {}
}

/** An event the sink refused for good, waiting for its place in the dead-letter stream. */
class PoisonItem {
  constructor(
    readonly event: unknown,
    readonly reason: QuarantineReason,
    readonly at: number,
  ) {}
}

type Item = SinkEvent | GapItem | PoisonItem;

/** Counters every queue of a worker adds to. */
export interface SinkQueueStats {
  appended: number;
  duplicates: number;
  dropped: number;
  /** Events the sink could never append (no numeric `E`, not serializable): in the dead-letter stream instead. */
  quarantined: number;
  /** Events (and gap markers) dropped because a newer owner writes the account's stream. */
  fenced: number;
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
  readonly #pending: Item[] = [];
  #flushing = false;
  #fenced = false;
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

  /**
   * A newer owner writes the account's stream: this queue dropped what it held and will drop
   * what comes. A move from this worker is then not covered (its events did not reach Redis).
   */
  get fenced(): boolean {
    return this.#fenced;
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

  #push(item: Item): void {
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

  #write(item: Item): Promise<unknown> {
    const sink = this.#sink;
    const target = this.#target;
    if (item instanceof GapItem) return sink.appendGap(target, item.gap);
    if (item instanceof PoisonItem) {
      return sink.quarantine(target, {
        event: item.event,
        reason: item.reason,
        worker: this.#workerId,
        at: item.at,
      });
    }
    return sink.append(target, item);
  }

  /** Drops everything pending; `landed` of them (the head of a partly refused batch) reached Redis and are not counted. */
  #fencedOff(landed: number): void {
    this.#fenced = true;
    const n = this.#pending.length - landed;
    this.#pending.length = 0;
    this.#stats.fenced += n;
    channels.sink.publish({
      type: 'fenced',
      worker: this.#workerId,
      account: this.#target.accountId,
      dropped: n,
    });
  }

  /** Counts an item Redis accepted: a dead letter, a gap marker, a duplicate (undefined id) or an append. */
  #landed(item: Item, id: unknown): void {
    if (item instanceof PoisonItem) this.#quarantined(item);
    else if (item instanceof GapItem) return;
    else if (id === undefined) this.#stats.duplicates++;
    else this.#stats.appended++;
  }

  #quarantined(item: PoisonItem): void {
    this.#stats.quarantined++;
    channels.sink.publish({
      type: 'quarantined',
      worker: this.#workerId,
      account: this.#target.accountId,
      reason: item.reason,
    });
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    const target = this.#target;
    let failures = 0;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.slice(0, BATCH);
        try {
          // Sent back to back on one connection (pipelined); Redis runs them in this order.
          const results = await Promise.allSettled(batch.map((item) => this.#write(item)));
          // What went through leaves the queue (a gap marker is not idempotent: never send it
          // twice). An event refused for good must not hold the others back (retried forever it
          // would stall the account): it stays as a dead letter, written on the next pass.
          // Anything else failed for want of Redis and is sent again after a backoff.
          // Fenced off: a newer owner writes this account's stream, so nothing this queue still
          // holds may land after its entries (the new owner's gap marker covers the hole).
          if (results.some((r) => r.status === 'rejected' && r.reason instanceof LeaseLostError)) {
            // Items of the batch sent before the newer owner's write landed: counted as such.
            let landed = 0;
            for (let i = 0; i < results.length; i++) {
              const r = results[i]!;
              if (r.status === 'fulfilled') {
                landed++;
                this.#landed(batch[i]!, r.value);
              }
            }
            this.#fencedOff(landed);
            return;
          }
          const again: Item[] = [];
          let outage: unknown;
          for (let i = 0; i < results.length; i++) {
            const r = results[i]!;
            const item = batch[i]!;
            if (r.status === 'rejected') {
              const reason = item instanceof PoisonItem ? undefined : quarantineReason(r.reason);
              if (reason) again.push(new PoisonItem(item, reason, this.#clock.now()));
              else {
                again.push(item);
                outage ??= r.reason;
              }
            } else this.#landed(item, r.value);
          }
          this.#pending.splice(0, batch.length, ...again);
          if (outage !== undefined) throw outage;
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
