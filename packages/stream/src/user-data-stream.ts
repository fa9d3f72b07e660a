import { captureRejectionSymbol, EventEmitter } from 'node:events';
import {
  addWaiter,
  type Clock,
  type ClockTimer,
  ClosedError,
  emitIsolated,
  type UserDataEvent,
  type UserstreamError,
} from '@userstream/core';
import { channels } from './diagnostics.js';
import { ListenerError, PayloadTooLargeError } from './errors.js';
import { EventQueue } from './event-queue.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import { Sequencer } from './sequencer.js';
import type { StreamSink } from './stream-contract.js';
import type {
  CredentialExpiredInfo,
  GapInfo,
  GapReason,
  ReconnectingInfo,
  StreamEvents,
  StreamState,
  StreamStats,
} from './stream-events.js';

/** Longest interval Node accepts; the hold never does anything when it fires. */
const HOLD_INTERVAL_MS = 2 ** 31 - 1;
const noop = (): void => {};
/** Event types that are notices about the credential or the connection, not the account's events. */
const NOTICES: ReadonlySet<string> = new Set(['listenKeyExpired', 'eventStreamTerminated', 'serverShutdown']);

/** Distinct event types a stream interns for its per-type emit (see #typeName); more go as they are. */
const MAX_TYPE_NAMES = 64;

/** The sink of `stream`, for the connection that carries it (see stream-contract.ts). */
export let sinkOf: (stream: UserDataStream) => StreamSink;

/**
 * One account's user data events: a typed event emitter and an async iterator. Made by
 * `openListenKeyStream` and `openWsApiStream`. Events arrive in `E` order, once; lifecycle
 * events say when the stream is down, back, or cannot prove continuity (`gap`).
 */
export abstract class UserDataStream
  extends EventEmitter<StreamEvents>
  implements AsyncIterable<UserDataEvent>
{
  /** Live counters for dashboards (the same object, updated in place: copy it to keep a snapshot). */
  readonly stats: StreamStats = {
    eventsReceived: 0,
    eventsDelivered: 0,
    duplicates: 0,
    outOfOrder: 0,
    reordered: 0,
    malformed: 0,
    unknown: 0,
    reconnects: 0,
    gaps: 0,
    rotations: 0,
    credentialExpirations: 0,
    slowConsumerWarnings: 0,
    droppedByOverflow: 0,
    connectedSince: undefined,
    lastEventAt: undefined,
    lastEventTime: undefined,
  };
  /** The venue profile the stream connects to (resolved from the id or profile given). */
  readonly venue: ResolvedOptions['venue'];
  readonly #options: ResolvedOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #sequencer: Sequencer;
  readonly #queues = new Set<EventQueue<UserDataEvent>>();
  /**
   * The same queues as an array, rebuilt when one is added or detached (rare): `for…of` over a Set
   * allocates an iterator per event on the hot path, an indexed loop over an array does not.
   */
  #queueList: EventQueue<UserDataEvent>[] = [];
  #state: StreamState = 'connecting';
  #downSince: number | undefined;
  #everOpen = false;
  #closing: Promise<void> | undefined;
  #openWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #failure: UserstreamError | undefined;
  #pruneTimer: ClockTimer | undefined;
  /**
   * Keeps the process alive from the factory until `close()`: every clock timer is unref'd (a
   * timer alone never holds a process) and while connecting or reconnecting there is no socket,
   * so without it a program that only `for await`s a stream exited in the middle of a reconnect.
   */
  #hold: ReturnType<typeof setInterval> | undefined = setInterval(noop, HOLD_INTERVAL_MS);
  /** Arrival time of the frame being processed. */
  #arrivedAt = 0;
  /**
   * Length of the frame being processed: what a buffered event is counted as against
   * `buffer.maxBytes` (an event a reorder window releases later is counted at the latest frame's
   * length, and each event of a batch frame at the whole frame's: an estimate that errs high).
   */
  #frameBytes = 0;
  /** The part the carrying connection drives (handed to it by `sinkOf`, never public). */
  readonly #sink: StreamSink;

  static {
    // The one way to reach a stream's sink: a module-level accessor, so the connection needs no
    // cast and no member of the class (public or protected) exposes it in the published types.
    sinkOf = (stream) => stream.#sink;
  }

  protected constructor(options: ResolvedOptions) {
    // An async listener's rejected promise comes back to [captureRejectionSymbol] (below) instead
    // of becoming an unhandled rejection, which would end the process.
    super({ captureRejections: true });
    this.#options = options;
    this.venue = options.venue;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#sequencer = new Sequencer({
      deliver: (event) => this.#deliver(event),
      late: () => this.#gap('out-of-order'),
      reorderWindowMs: options.reorderWindowMs,
      dedupe: options.dedupe,
    });
    this.#sink = {
      dialect: options.venue.dialect,
      ingest: (event, text, at, from = 0, part = 0) => this.#ingest(event, text, at, from, part),
      malformed: (error) => this.#malformed(error),
      subscribed: (reason) => this.#subscribed(reason),
      down: (info) => this.#down(info),
      credentialExpired: (info) => this.#credentialExpired(info),
      fail: (error) => this.#fail(error),
      report: (error) => this.#emitError(error),
      rotated: () => {
        this.stats.rotations++;
      },
      overlap: (active) => this.#sequencer.overlap(active),
    };
  }

  /** `connecting`, `open`, `reconnecting` or `closed`: see {@link StreamState}. */
  get state(): StreamState {
    return this.#state;
  }

  /** The checked options (for subclasses). */
  protected get options(): ResolvedOptions {
    return this.#options;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  /**
   * Clock ms of the last frame, ping or pong received on the connection carrying this stream;
   * undefined while it has no open connection (and once closed). Unlike `stats.lastEventAt` it
   * also moves on a quiet account (heartbeats), and stops while the venue silently holds the
   * connection's frames back: newer than a moment `t` proves the connection was alive after `t`.
   */
  abstract get lastActivityAt(): number | undefined;

  /**
   * Lets the process exit while this stream is connecting or reconnecting (by default a stream
   * that is not closed keeps its process alive). A connected socket still holds the process, as
   * any socket does. `ref()` undoes it.
   */
  unref(): this {
    this.#hold?.unref();
    return this;
  }

  /** Keeps the process alive until `close()` again (the default). */
  ref(): this {
    this.#hold?.ref();
    return this;
  }

  /**
   * Resolves when the stream is open (subscribed); rejects if the venue refuses the credential
   * in a way retrying cannot fix (bad key or signature) or the stream is closed first. A `signal`
   * ends the wait (ClosedError `{ aborted: true }`), not the stream: close() it if it is not wanted.
   */
  opened(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed')
      return Promise.reject(new ClosedError('@userstream/stream: the stream is closed'));
    if (this.#failure) return Promise.reject(this.#failure);
    return addWaiter(this.#openWaiters, options.signal, '@userstream/stream: opened()');
  }

  /**
   * Events from now on, for `for await`. Each iterator has its own bounded buffer (see the
   * `buffer` option); leaving the loop detaches it. The iteration ends when the stream closes.
   */
  [Symbol.asyncIterator](): AsyncIterator<UserDataEvent> {
    const { size: limit, policy, maxEvents, maxBytes } = this.#options.buffer;
    const queue: EventQueue<UserDataEvent> = new EventQueue<UserDataEvent>(
      limit,
      policy,
      {
        slow: (buffered, size) => {
          this.stats.slowConsumerWarnings++;
          this.#logger.warn(
            { venue: this.venue.id, buffered, limit: size, policy },
            'slow for-await consumer',
          );
          if (channels.slowConsumer.hasSubscribers) {
            channels.slowConsumer.publish({ venue: this.venue.id, buffered, limit: size, policy });
          }
          this.#dispatch('slowConsumer', { buffered, limit: size });
        },
        overflow: (dropped) => {
          this.stats.droppedByOverflow += dropped;
          this.#gap('overflow');
        },
        detach: (q) => {
          this.#queues.delete(q as EventQueue<UserDataEvent>);
          this.#queueList = [...this.#queues];
        },
      },
      { maxEvents, maxBytes },
    );
    if (this.#state === 'closed') queue.end();
    else {
      this.#queues.add(queue);
      this.#queueList = [...this.#queues];
    }
    return queue;
  }

  /** Closes the stream: ends the subscription (or deletes nothing: keys are the caller's), sockets and timers. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** `await using stream = openListenKeyStream(...)`: `close()` at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Releases the transport side (unsubscribe, close the socket). */
  protected abstract release(): Promise<void>;

  async #close(): Promise<void> {
    this.#sequencer.flush();
    try {
      await this.release();
    } catch (error) {
      this.#logger.debug({ venue: this.venue.id, code: (error as UserstreamError).code }, 'release failed');
    }
    this.#sequencer.dispose();
    if (this.#pruneTimer) this.#clock.clearTimeout(this.#pruneTimer);
    this.#pruneTimer = undefined;
    this.#state = 'closed';
    for (const q of this.#queues) q.end();
    this.#queues.clear();
    this.#queueList = [];
    const waiters = this.#openWaiters;
    this.#openWaiters = [];
    for (const w of waiters)
      w.reject(new ClosedError('@userstream/stream: the stream was closed before it opened'));
    this.#dispatch('closed', { reason: 'closed' });
    // Last: whoever awaits close() is not left without a handle while the sockets close.
    clearInterval(this.#hold);
    this.#hold = undefined;
  }

  // ---- hot path ----

  #ingest(event: UserDataEvent, text: string, at: number, from: number, part: number): void {
    if (this.#closing) return;
    this.#arrivedAt = at;
    this.#frameBytes = text.length - from;
    const stats = this.stats;
    stats.eventsReceived++;
    const seq = this.#sequencer;
    seq.push(event, text, from, part);
    stats.duplicates = seq.stats.duplicates;
    stats.outOfOrder = seq.stats.outOfOrder;
    stats.reordered = seq.stats.reordered;
    if (this.#pruneTimer === undefined && this.#options.dedupe && this.#sequencer.remembered > 0)
      this.#armPrune();
  }

  #deliver(event: UserDataEvent): void {
    const stats = this.stats;
    stats.eventsDelivered++;
    stats.lastEventAt = this.#arrivedAt;
    const E = (event as { E?: unknown }).E;
    const type = this.#typeName(event.e);
    // A notice about the key or the subscription is not one of the account's events: the venue
    // sends it past events it still holds back, so its later E would claim continuity over events
    // that a gap right after it may have lost (chaos seeds 208: listenKeyExpired; 4:
    // eventStreamTerminated). serverShutdown is such a notice too.
    if (typeof E === 'number' && !NOTICES.has(type)) stats.lastEventTime = E;
    if (type === 'unknown') stats.unknown++;
    this.#dispatch('event', event);
    this.#dispatch(type, event);
    const queues = this.#queueList;
    for (let i = 0; i < queues.length; i++)
      (queues[i] as EventQueue<UserDataEvent>).push(event, this.#frameBytes);
  }

  /**
   * Event types as interned strings, for the per-type emit. `JSON.parse` returns string values
   * longer than 10 characters (`executionReport`, `ORDER_TRADE_UPDATE`) as fresh strings that V8
   * has not interned, and looking one up as a property key (the emitter's listener table) makes
   * V8 search its whole string table for it, once per event: a profile of the paced USD-M run had
   * `listenerCount` at ~0.8 µs a call. This Map hashes the string and hands back an interned copy.
   * Bounded: a venue inventing event types cannot grow it.
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

  #armPrune(): void {
    const windowMs = this.#options.dedupe?.windowMs ?? 0;
    this.#pruneTimer = this.#clock.setTimeout(() => {
      this.#pruneTimer = undefined;
      this.#sequencer.prune();
      this.stats.duplicates = this.#sequencer.stats.duplicates;
      if (this.#sequencer.remembered > 0 && !this.#closing) this.#armPrune();
    }, windowMs);
  }

  /** Where a throwing listener goes; made once, so a dispatch allocates nothing. */
  readonly #threw = (type: string, thrown: unknown): void => this.#listenerThrew(type, thrown);

  /**
   * Emits without letting a listener's exception out: thrown into `ws` it would end the socket's
   * message handling, thrown out of the reorder window it would lose the events released with it,
   * and it would skip the listeners after it. Each throw becomes one `ListenerError` (logged, then
   * emitted as `error`); the other listeners and the next events go on as if nothing happened.
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
    this.#logger.error(
      { venue: this.venue.id, code: error.code, event: type, err: error.cause },
      'a stream listener threw',
    );
    // An `error` listener that throws is logged only: reporting it as another `error` could loop.
    if (type !== 'error') this.#dispatch('error', error);
  }

  // ---- lifecycle ----

  #malformed(error: UserstreamError): void {
    this.stats.malformed++;
    this.#logger.warn({ venue: this.venue.id, code: error.code, message: error.message }, 'malformed frame');
    if (channels.malformed.hasSubscribers) {
      channels.malformed.publish({ venue: this.venue.id, code: error.code, message: error.message });
    }
    this.#emitError(error);
  }

  #emitError(error: UserstreamError): void {
    this.#dispatch('error', error);
  }

  #subscribed(reason: GapReason | undefined): void {
    if (this.#closing) return;
    const now = this.#clock.now();
    const wasOpen = this.#state === 'open';
    this.#state = 'open';
    this.#failure = undefined;
    this.stats.connectedSince = now;
    if (!this.#everOpen) {
      this.#everOpen = true;
      this.#logger.info({ venue: this.venue.id }, 'stream open');
      this.#dispatch('open', { at: now });
      const waiters = this.#openWaiters;
      this.#openWaiters = [];
      for (const w of waiters) w.resolve();
      return;
    }
    if (!wasOpen) {
      this.stats.reconnects++;
      const downForMs = this.#downSince === undefined ? 0 : now - this.#downSince;
      this.#downSince = undefined;
      this.#logger.info({ venue: this.venue.id, downForMs }, 'stream reconnected');
      this.#dispatch('reconnected', { at: now, downForMs });
    }
    const waiters = this.#openWaiters;
    this.#openWaiters = [];
    for (const w of waiters) w.resolve();
    if (reason) this.#gap(reason);
  }

  #gap(reason: GapReason): void {
    this.stats.gaps++;
    const info: GapInfo = { reason, lastEventTime: this.stats.lastEventTime, at: this.#clock.now() };
    this.#logger.info({ venue: this.venue.id, reason }, 'gap: resync needed');
    if (channels.gap.hasSubscribers)
      channels.gap.publish({ venue: this.venue.id, reason, lastEventTime: info.lastEventTime });
    this.#dispatch('gap', info);
  }

  #down(info: ReconnectingInfo): void {
    if (this.#closing) return;
    if (this.#state === 'open') this.#downSince = this.#clock.now();
    // Whatever the reorder window holds was received: deliver it before saying we are down.
    this.#sequencer.flush();
    this.#state = this.#everOpen ? 'reconnecting' : 'connecting';
    if (info.reason === 'payload-too-large') {
      // Said once per oversized frame (each one ends its connection), for every stream it carried.
      const error = new PayloadTooLargeError(this.#options.maxPayload);
      this.#logger.warn(
        { venue: this.venue.id, code: error.code, maxPayload: error.maxPayload },
        'frame too large',
      );
      this.#emitError(error);
    }
    this.#dispatch('reconnecting', info);
  }

  #credentialExpired(info: CredentialExpiredInfo): void {
    if (this.#closing) return;
    this.stats.credentialExpirations++;
    this.#logger.warn({ venue: this.venue.id, reason: info.reason, code: info.code }, 'credential expired');
    this.#dispatch('credentialExpired', info);
  }

  /** A refusal retrying cannot fix: reported, and `opened()` rejects; the stream keeps trying on reconnects. */
  #fail(error: UserstreamError): void {
    if (this.#closing) return;
    this.#failure = error;
    this.#logger.error({ venue: this.venue.id, code: error.code, message: error.message }, 'stream refused');
    const waiters = this.#openWaiters;
    this.#openWaiters = [];
    for (const w of waiters) w.reject(error);
    this.#emitError(error);
  }
}
