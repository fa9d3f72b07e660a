import { ErrorCode, UserstreamError } from '@userstream/core';
import type { SlowConsumerPolicy } from './options.js';

/** Thrown by an async iterator whose consumer fell too far behind under the `error` policy. */
export class SlowConsumerError extends UserstreamError {
  /** Always `'SlowConsumerError'`; test `code` (`USERSTREAM_SLOW_CONSUMER`) rather than the name. */
  override readonly name: string = 'SlowConsumerError';
  constructor(message: string, details: { buffered: number; limit: number }) {
    super(ErrorCode.SlowConsumer, message, { retryable: false, details });
  }
}

export interface QueueHooks {
  /** `buffered` crossed another multiple of the limit (policy `warn`) or overflowed (`gap`, `error`, a hard cap). */
  slow(buffered: number, limit: number): void;
  /** Under the `gap` policy, or at a hard cap: `dropped` events were discarded. */
  overflow(dropped: number): void;
  /** The iterator was returned or ended: stop feeding it. */
  detach(queue: EventQueue<unknown>): void;
}

/** Hard caps of one iterator's buffer, whatever the policy. */
export interface QueueCaps {
  /** Events buffered at most. */
  maxEvents: number;
  /** Bytes buffered at most (each event counted as the length of the frame it came in). */
  maxBytes: number;
}

/**
 * One `for await` consumer's buffer: a growable ring (no per-event allocation beyond the slot),
 * a waiting resolver when the consumer is faster than the stream, the slow-consumer policy at
 * `limit`, and hard caps (events and bytes) that hold under every policy: at a cap the backlog
 * is discarded and `overflow` reports it (a `gap`), or under `error` the iterator fails, so a
 * consumer that never reads costs bounded memory.
 */
export class EventQueue<T> implements AsyncIterator<T> {
  #items: (T | undefined)[] = new Array(16);
  /** Bytes of each buffered item, in the same slots as `#items`. */
  #sizes: number[] = new Array(16).fill(0);
  #head = 0;
  #size = 0;
  #bytes = 0;
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #waitingReject: ((error: unknown) => void) | undefined;
  #done = false;
  #error: unknown;
  #nextWarnAt: number;
  readonly #limit: number;
  readonly #policy: SlowConsumerPolicy;
  readonly #hooks: QueueHooks;
  readonly #caps: QueueCaps;

  constructor(
    limit: number,
    policy: SlowConsumerPolicy,
    hooks: QueueHooks,
    caps: QueueCaps = { maxEvents: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY },
  ) {
    this.#limit = limit;
    this.#policy = policy;
    this.#hooks = hooks;
    this.#caps = caps;
    this.#nextWarnAt = limit;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes buffered (the frame lengths of the buffered events). */
  get bytes(): number {
    return this.#bytes;
  }

  /** `bytes`: what the item costs (the length of the frame it came in). */
  push(item: T, bytes = 0): void {
    if (this.#done) return;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      this.#waitingReject = undefined;
      waiting({ done: false, value: item });
      return;
    }
    if (this.#size >= this.#caps.maxEvents || this.#bytes + bytes > this.#caps.maxBytes) {
      this.#atCap();
      return;
    }
    if (this.#size >= this.#nextWarnAt) {
      if (this.#policy === 'warn') {
        this.#hooks.slow(this.#size, this.#limit);
        this.#nextWarnAt += this.#limit;
      } else if (this.#policy === 'gap') {
        const dropped = this.#size;
        this.#hooks.slow(dropped, this.#limit);
        this.#clear();
        this.#hooks.overflow(dropped + 1);
        return;
      } else {
        this.#hooks.slow(this.#size, this.#limit);
        this.fail(
          new SlowConsumerError(
            `@userstream/stream: the for-await consumer fell ${this.#size} events behind (buffer.size ${this.#limit}, policy 'error'); consume faster, raise buffer.size or choose policy 'warn' or 'gap'`,
            { buffered: this.#size, limit: this.#limit },
          ),
        );
        return;
      }
    }
    if (this.#size === this.#items.length) this.#grow();
    // The ring's length is a power of two (16, doubled by #grow): a mask, not a division.
    const slot = (this.#head + this.#size) & (this.#items.length - 1);
    this.#items[slot] = item;
    this.#sizes[slot] = bytes;
    this.#size++;
    this.#bytes += bytes;
  }

  /**
   * A hard cap was reached (the item being pushed is not buffered). Under `error` the iterator
   * fails as at the soft limit; otherwise the backlog goes and `overflow` says so (a `gap`):
   * holding on to it would only delay the resync the consumer needs anyway.
   */
  #atCap(): void {
    const dropped = this.#size;
    const bytes = this.#bytes;
    this.#hooks.slow(dropped, this.#limit);
    if (this.#policy === 'error') {
      this.fail(
        new SlowConsumerError(
          `@userstream/stream: the for-await consumer fell ${dropped} events (${bytes} bytes) behind, at the buffer's hard cap (buffer.maxEvents ${this.#caps.maxEvents}, buffer.maxBytes ${this.#caps.maxBytes}); consume faster or raise the caps`,
          { buffered: dropped, limit: this.#limit },
        ),
      );
      return;
    }
    this.#clear();
    this.#hooks.overflow(dropped + 1);
  }

  /** Ends the iteration after the buffered items. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#size === 0) this.#settleWaiting();
  }

  /** Ends the iteration with an error (after nothing: the buffer is discarded). */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#clear();
    const reject = this.#waitingReject;
    this.#waiting = undefined;
    this.#waitingReject = undefined;
    if (reject) reject(error);
    this.#hooks.detach(this as EventQueue<unknown>);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#size > 0) {
      const item = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined;
      this.#bytes -= this.#sizes[this.#head] as number;
      this.#head = (this.#head + 1) & (this.#items.length - 1);
      this.#size--;
      if (this.#size < this.#nextWarnAt - this.#limit)
        this.#nextWarnAt = Math.max(this.#limit, this.#nextWarnAt - this.#limit);
      return Promise.resolve({ done: false, value: item });
    }
    if (this.#done) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#waitingReject = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#done = true;
    this.#clear();
    this.#settleWaiting();
    this.#hooks.detach(this as EventQueue<unknown>);
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  #settleWaiting(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    this.#waitingReject = undefined;
    waiting?.({ done: true, value: undefined });
  }

  #clear(): void {
    this.#items = new Array(16);
    this.#sizes = new Array(16).fill(0);
    this.#head = 0;
    this.#size = 0;
    this.#bytes = 0;
    this.#nextWarnAt = this.#limit;
  }

  #grow(): void {
    const length = this.#items.length;
    const next = new Array<T | undefined>(length * 2);
    const sizes = new Array<number>(length * 2).fill(0);
    for (let i = 0; i < this.#size; i++) {
      next[i] = this.#items[(this.#head + i) % length];
      sizes[i] = this.#sizes[(this.#head + i) % length] as number;
    }
    this.#items = next;
    this.#sizes = sizes;
    this.#head = 0;
  }
}
