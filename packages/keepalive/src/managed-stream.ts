import { captureRejectionSymbol, EventEmitter } from 'node:events';
import {
  addWaiter,
  type Clock,
  ClosedError,
  emitIsolated,
  type UserDataEvent,
  type UserstreamError,
} from '@userstream/core';
import {
  ListenerError,
  type StreamEvents,
  type StreamState,
  type StreamStats,
  type UserDataStream,
} from '@userstream/stream';
import type { LeaseKey } from './lease-key.js';
import type { LeaseKind } from './lease-store.js';
import type { LeaseEvents, LeaseState } from './lease-types.js';
import type { Logger } from './logger.js';

/** Distinct event type names interned for the per-type emit; past this, types go as they came. */
const MAX_TYPE_NAMES = 64;

/** What a managed stream exposes of its lease: read-only state and lifecycle events. */
export interface LeaseView {
  /** Which credential: `listenKey`, `wsApi` or `listenToken`. */
  readonly kind: LeaseKind;
  /** Venue, account (API key) and symbol of the lease. */
  readonly key: LeaseKey;
  /** The fencing token of the lease's ownership in its store (0 without owners): see `Lease.fencingToken`. */
  readonly fencingToken: number;
  /**
   * Status, credential age and next renewal (protocol ms), counters; never the credential.
   *
   * @example
   * ```ts
   * const s = stream.lease.state();
   * console.log(s.status, s.nextRenewalAt === undefined ? '-' : s.nextRenewalAt - Date.now());
   * ```
   */
  state(): LeaseState;
  /** Listens to a lease lifecycle event (`renewed`, `renewFailed`, `recreated`, `expired`, `closed`, `error`). */
  on<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): LeaseView;
  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): LeaseView;
  /** Listens to the next occurrence of a lease lifecycle event only. */
  once<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): LeaseView;
}

/**
 * Events of a {@link ManagedStream}: exactly the underlying stream's (each venue event by its type,
 * `event`, `unknown` and the lifecycle), so a handler written for a `@userstream/stream` stream fits.
 */
export type ManagedStreamEvents = StreamEvents;

export interface ManagedStreamHooks {
  /** Called once by close(): stop leases, release credentials, close clients. */
  release(): Promise<void>;
  logger: Logger;
  clock: Clock;
}

/**
 * One account's events, kept alive by a lease: the object `openUserDataStream()` returns.
 * Re-emits every event of the underlying stream (`event`, then the event's own type such as
 * `executionReport`), its lifecycle events (`open`, `reconnecting`, `reconnected`, `gap`,
 * `credentialExpired`, `slowConsumer`, `error`, `closed`), and can swap the underlying stream
 * when its lease recreates it (WebSocket API), emitting `gap` then.
 */
export class ManagedStream<TRest = unknown> extends EventEmitter<ManagedStreamEvents> {
  /** The lease keeping the stream's credential alive (shared with other streams of the same account and scheduler). */
  readonly lease: LeaseView;
  /** The REST client of the lease (for snapshots: pass it to `AccountMirror`). */
  readonly rest: TRest;
  #inner: UserDataStream;
  #closing: Promise<void> | undefined;
  #closed = false;
  #opened = false;
  #openWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  readonly #hooks: ManagedStreamHooks;
  readonly #replaceable: boolean;
  readonly #detachers = new Map<UserDataStream, () => void>();
  #unref = false;

  constructor(options: {
    inner: UserDataStream;
    lease: LeaseView;
    rest: TRest;
    hooks: ManagedStreamHooks;
    replaceable: boolean;
  }) {
    // An async listener's rejected promise comes back to [captureRejectionSymbol] (below) instead
    // of becoming an unhandled rejection, which would end the process.
    super({ captureRejections: true });
    this.lease = options.lease;
    this.rest = options.rest;
    this.#hooks = options.hooks;
    this.#replaceable = options.replaceable;
    this.#inner = options.inner;
    this.#attach(options.inner);
  }

  /** `connecting`, `open`, `reconnecting` or `closed`, as the underlying stream reports it. */
  get state(): StreamState {
    return this.#closed ? 'closed' : this.#inner.state;
  }

  /** Counters of the underlying stream (events received, delivered, duplicates, gaps, …). */
  get stats(): Readonly<StreamStats> {
    return this.#inner.stats;
  }

  /**
   * Clock ms of the last frame, ping or pong received on the underlying stream's connection
   * (undefined while it has none open, and once closed): newer than a moment `t` proves the
   * connection was alive after `t` (a stalled one stops advancing it).
   */
  get lastActivityAt(): number | undefined {
    return this.#closed ? undefined : this.#inner.lastActivityAt;
  }

  /** True once `close()` was called (the stream emits no more events). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Resolves when the stream first opened (subscribed); rejects if it is closed before. A `signal`
   * ends the wait (ClosedError `{ aborted: true }`), not the stream: close() it if it is not wanted.
   */
  opened(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#opened) return Promise.resolve();
    if (this.#closed)
      return Promise.reject(new ClosedError('@userstream/keepalive: the stream was closed before it opened'));
    return addWaiter(this.#openWaiters, options.signal, '@userstream/keepalive: opened()');
  }

  /**
   * `for await (const event of stream)`: every event in `E` order, following the underlying stream across
   * replacements. Ends when the stream closes; a slow consumer is handled by the stream's `buffer` policy.
   */
  [Symbol.asyncIterator](): AsyncIterator<UserDataEvent> {
    if (!this.#replaceable) return this.#inner[Symbol.asyncIterator]();
    // The underlying stream may be swapped: follow it from one to the next.
    let current = this.#inner;
    let it = current[Symbol.asyncIterator]();
    const next = (): Promise<IteratorResult<UserDataEvent>> =>
      it.next().then((r) => {
        if (r.done && !this.#closed && this.#inner !== current) {
          current = this.#inner;
          it = current[Symbol.asyncIterator]();
          return next();
        }
        return r;
      });
    return {
      next,
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Lets the process exit while the stream is reconnecting (by default an open stream keeps its
   * process alive until `close()`); a connected socket still holds it, as any socket does.
   */
  unref(): this {
    this.#unref = true;
    this.#inner.unref?.();
    return this;
  }

  /** Keeps the process alive until `close()` again (the default). */
  ref(): this {
    this.#unref = false;
    this.#inner.ref?.();
    return this;
  }

  /**
   * Replaces the underlying stream (WebSocket API recreation). The new one is attached first;
   * then the old one is closed. Emits `gap`: continuity across two subscriptions is not proven.
   */
  async replaceInner(next: UserDataStream): Promise<void> {
    if (this.#closed) {
      await next.close();
      return;
    }
    const previous = this.#inner;
    if (this.#unref) next.unref?.();
    this.#inner = next;
    this.#attach(next);
    this.#detach(previous);
    this.#dispatch('gap', {
      reason: 'credential-changed',
      lastEventTime: undefined,
      at: this.#hooks.clock.now(),
    });
    await previous.close().catch(() => {});
  }

  /** Closes the stream and releases its lease (the last stream of a lease deletes its listenKey). */
  close(): Promise<void> {
    if (!this.#closing) this.#closing = this.#close();
    return this.#closing;
  }

  /** `await using stream = await openUserDataStream(...)`: closes at the end of the block, as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const inner = this.#inner;
    try {
      await inner.close();
    } catch (error) {
      this.#hooks.logger.warn(
        { code: (error as { code?: unknown })?.code },
        '@userstream/keepalive: closing the stream failed',
      );
    }
    this.#detach(inner);
    try {
      await this.#hooks.release();
    } finally {
      for (const w of this.#openWaiters.splice(0)) {
        w.reject(new ClosedError('@userstream/keepalive: the stream was closed before it opened'));
      }
      this.#dispatch('closed', { reason: 'closed' });
    }
  }

  #attach(inner: UserDataStream): void {
    // Only the current inner stream speaks: a replaced one may still drain a last frame.
    const live = () => inner === this.#inner;
    const onEvent = (event: UserDataEvent) => {
      if (!live()) return;
      this.#dispatch('event', event);
      // Then by its type; an event type this library does not know has `e: 'unknown'`.
      this.#dispatch(this.#typeName(event.e), event);
    };
    const onOpen = (info: StreamEvents['open'][0]) => {
      if (!live()) return;
      if (!this.#opened) {
        this.#opened = true;
        for (const w of this.#openWaiters.splice(0)) w.resolve();
      }
      this.#dispatch('open', info);
    };
    const onError = (error: UserstreamError) => {
      if (!live()) return;
      if (this.listenerCount('error') > 0) this.#dispatch('error', error);
      else this.#hooks.logger.warn({ code: error.code }, '@userstream/keepalive: stream error');
    };
    const onReconnecting = (info: StreamEvents['reconnecting'][0]) => {
      if (live()) this.#dispatch('reconnecting', info);
    };
    const onReconnected = (info: StreamEvents['reconnected'][0]) => {
      if (live()) this.#dispatch('reconnected', info);
    };
    const onGap = (info: StreamEvents['gap'][0]) => {
      if (live()) this.#dispatch('gap', info);
    };
    const onCredentialExpired = (info: StreamEvents['credentialExpired'][0]) => {
      if (live()) this.#dispatch('credentialExpired', info);
    };
    const onSlowConsumer = (info: StreamEvents['slowConsumer'][0]) => {
      if (live()) this.#dispatch('slowConsumer', info);
    };
    inner.on('event', onEvent);
    inner.on('open', onOpen);
    inner.on('error', onError);
    inner.on('reconnecting', onReconnecting);
    inner.on('reconnected', onReconnected);
    inner.on('gap', onGap);
    inner.on('credentialExpired', onCredentialExpired);
    inner.on('slowConsumer', onSlowConsumer);
    this.#detachers.set(inner, () => {
      // The 'error' listener stays: an EventEmitter without one throws on 'error'.
      inner.off('event', onEvent);
      inner.off('open', onOpen);
      inner.off('reconnecting', onReconnecting);
      inner.off('reconnected', onReconnected);
      inner.off('gap', onGap);
      inner.off('credentialExpired', onCredentialExpired);
      inner.off('slowConsumer', onSlowConsumer);
    });
  }

  /**
   * Event types as interned strings, for the per-type emit (as the underlying stream does):
   * `JSON.parse` gives `ORDER_TRADE_UPDATE`, `executionReport` (over 10 characters) as fresh,
   * non-interned strings, and using one as the emitter's property key (`listenerCount`, `emit`)
   * makes V8 search its whole string table, once per event, even when nobody listens to the type.
   * The Map hashes the string and hands back the interned copy. Bounded: a venue inventing types
   * cannot grow it.
   */
  readonly #typeNames = new Map<string, string>();

  #typeName(type: string): string {
    let name = this.#typeNames.get(type);
    if (name === undefined) {
      if (this.#typeNames.size >= MAX_TYPE_NAMES) return type;
      // A property key is always interned: this is the one string-table search for this type.
      name = Object.keys({ [type]: true })[0] as string;
      this.#typeNames.set(type, name);
    }
    return name;
  }

  /** Where a throwing listener goes; made once, so a dispatch allocates nothing. */
  readonly #threw = (type: string, thrown: unknown): void => this.#listenerThrew(type, thrown);

  /**
   * Emits as the underlying stream does: a listener that throws costs no other listener and no
   * other event; it is reported once as a `ListenerError` (logged, then emitted as `error`).
   */
  #dispatch(type: string, arg: unknown): void {
    emitIsolated(this, type, arg, this.#threw);
  }

  /** Node calls this when an async listener's promise rejects (see `captureRejections`). */
  override [captureRejectionSymbol](error: Error, type: unknown, ..._args: unknown[]): void {
    this.#listenerThrew(String(type), error);
  }

  #listenerThrew(type: string, thrown: unknown): void {
    const error = new ListenerError(type, thrown);
    this.#hooks.logger.error(
      { code: error.code, event: type, err: error.cause },
      '@userstream/keepalive: a stream listener threw',
    );
    // An `error` listener that throws is logged only: reporting it as another `error` could loop.
    if (type !== 'error') this.#dispatch('error', error);
  }

  #detach(inner: UserDataStream): void {
    this.#detachers.get(inner)?.();
    this.#detachers.delete(inner);
  }
}
