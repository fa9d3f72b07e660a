import type { Clock, VenueId } from '@userstream/core';
import { type ConnectionKind, type HeartbeatOptions, SimConnection } from './connection.js';
import { channels, publish } from './diagnostics.js';
import { isPortfolioMarginOnly, portfolioMarginText } from './engine/index.js';
import type { EventSource, Recorder } from './record.js';
import { type Sink, type SinkKind, targetKeyOf } from './sink.js';
import { type MarketKey, marketKeyOf } from './venue-map.js';
import { deliverAster, isAsterSpot } from './venues/aster-spot.js';
import { deliverBingx, isBingx } from './venues/bingx-stream.js';
import { deliverBitrue, isBitrue } from './venues/bitrue.js';
import { deliverMexc } from './venues/mexc-stream.js';
import { deliverTokocrypto } from './venues/tokocrypto.js';
import { deliverToobit, isToobit } from './venues/toobit.js';

/** Clock time after which a partly filled reorder window is flushed anyway. */
export const REORDER_FLUSH_MS = 1000;

export interface SinkInit {
  kind: SinkKind;
  connection: SimConnection;
  accountId: string;
  venue: VenueId;
  symbol?: string | undefined;
  prefix: string;
  suffix: string;
  events?: ReadonlySet<string> | undefined;
}

/**
 * Connections, sinks and event delivery. Events are routed by account and book (`marketKeyOf`),
 * get an `E` from the exchange's millisecond clock that is never before the last one sent to that
 * book (several events can share one: Binance orders events, it does not number them), are
 * serialized once and written to every sink of the book.
 */
export class Hub {
  readonly connections = new Set<SimConnection>();
  readonly #byTarget = new Map<string, Set<Sink>>();
  readonly #lastE = new Map<string, number>();
  readonly #clock: Clock;
  readonly #recorder: Recorder;
  #nextConnectionId = 1;

  /** The simulator's clock (venue sessions with their own timers, e.g. MEXC's). */
  get clock(): Clock {
    return this.#clock;
  }

  constructor(clock: Clock, recorder: Recorder) {
    this.#clock = clock;
    this.#recorder = recorder;
  }

  openConnection(
    ws: import('ws').WebSocket,
    kind: ConnectionKind,
    heartbeat: HeartbeatOptions,
    onEnd?: (c: SimConnection) => void,
  ): SimConnection {
    const connection = new SimConnection(this.#nextConnectionId++, ws, kind, this.#clock, heartbeat, (c) => {
      this.connections.delete(c);
      for (const sink of [...c.sinks]) this.removeSink(sink);
      onEnd?.(c);
      publish(channels.connection, () => ({ event: 'close', kind: c.kind, connectionId: c.id }));
    });
    this.connections.add(connection);
    publish(channels.connection, () => ({ event: 'open', kind, connectionId: connection.id }));
    return connection;
  }

  addSink(init: SinkInit): Sink {
    const market = marketKeyOf(init.venue);
    const sink: Sink = {
      kind: init.kind,
      connection: init.connection,
      accountId: init.accountId,
      venue: init.venue,
      market,
      symbol: init.symbol,
      prefix: init.prefix,
      suffix: init.suffix,
      events: init.events,
      targetKey: targetKeyOf(init.accountId, market),
      duplicate: 0,
      reorder: undefined,
    };
    let set = this.#byTarget.get(sink.targetKey);
    if (!set) {
      set = new Set();
      this.#byTarget.set(sink.targetKey, set);
    }
    set.add(sink);
    init.connection.sinks.add(sink);
    return sink;
  }

  removeSink(sink: Sink): void {
    const set = this.#byTarget.get(sink.targetKey);
    set?.delete(sink);
    if (set && set.size === 0) this.#byTarget.delete(sink.targetKey);
    sink.connection.sinks.delete(sink);
    if (sink.reorder) {
      if (sink.reorder.timer) this.#clock.clearTimeout(sink.reorder.timer);
      sink.reorder = undefined;
    }
  }

  /** Sinks of an account's book (optionally one isolated symbol). */
  sinksOf(accountId: string, market: MarketKey, symbol?: string): Sink[] {
    const set = this.#byTarget.get(targetKeyOf(accountId, market));
    if (!set) return [];
    const out: Sink[] = [];
    for (const sink of set)
      if (symbol === undefined || sink.symbol === undefined || sink.symbol === symbol) out.push(sink);
    return out;
  }

  allSinks(): Sink[] {
    const out: Sink[] = [];
    for (const set of this.#byTarget.values()) for (const sink of set) out.push(sink);
    return out;
  }

  /** The next `E` for a book: `proposed` (a clock reading) unless that is before the last one sent. */
  nextE(targetKey: string, proposed: number): number {
    const last = this.#lastE.get(targetKey) ?? 0;
    const E = proposed >= last ? proposed : last;
    this.#lastE.set(targetKey, E);
    return E;
  }

  /**
   * Emits a data event into an account's book: fixes `E`, records it, serializes it once and
   * writes it to every sink of the book (through each sink's duplicate/reorder faults).
   */
  emit(
    accountId: string,
    venue: VenueId,
    event: Record<string, unknown>,
    source: EventSource,
    symbol?: string,
  ): void {
    const market = marketKeyOf(venue);
    const targetKey = targetKeyOf(accountId, market);
    const proposed = typeof event.E === 'number' ? event.E : this.#clock.now();
    const E = this.nextE(targetKey, proposed);
    if (event.E !== E) event.E = E;
    this.#recorder.event(targetKey, {
      e: typeof event.e === 'string' ? event.e : '',
      E,
      source,
      event: source === 'engine' ? event : undefined,
    });
    const set = this.#byTarget.get(targetKey);
    if (!set || set.size === 0) return;
    const json = JSON.stringify(event);
    const type = event.e as string;
    // Portfolio margin shares the USD-M book but speaks its own dialect (fs, ao): built once.
    let pm: string | undefined;
    // MEXC pushes protobuf frames of its own (venues/mexc.ts): built once per event.
    let mexc: ReturnType<typeof deliverMexc> | undefined;
    // PM-only types on the futures books only: the spot books' executionReport and
    // outboundAccountPosition (PM margin's too) go to their own streams.
    const pmOnly = (market === 'usdm' || market === 'coinm') && isPortfolioMarginOnly(event);
    for (const sink of set) {
      if (symbol !== undefined && sink.symbol !== undefined && sink.symbol !== symbol) continue;
      if (sink.events !== undefined && !sink.events.has(type)) continue;
      if (pmOnly && sink.venue !== 'binance-portfolio-margin') continue;
      if (sink.venue === 'mexc') {
        mexc = deliverMexc(this, sink, event, mexc);
        continue;
      }
      if (isAsterSpot(sink.venue)) {
        deliverAster(this, sink, event);
        continue;
      }
      if (sink.venue === 'tokocrypto') {
        deliverTokocrypto(this, sink, event);
        continue;
      }
      if (isToobit(sink.venue)) {
        deliverToobit(this, sink, event);
        continue;
      }
      if (isBitrue(sink.venue)) {
        deliverBitrue(this, sink, event);
        continue;
      }
      if (isBingx(sink.venue)) {
        deliverBingx(this, sink, event);
        continue;
      }
      if (sink.venue === 'binance-portfolio-margin') {
        if (pm === undefined) pm = portfolioMarginText(event) ?? json;
        this.deliver(sink, pm);
      } else this.deliver(sink, json);
    }
  }

  /** Writes one event (already serialized) to a sink, applying its duplicate/reorder faults. */
  deliver(sink: Sink, json: string): void {
    this.deliverFrame(sink, sink.prefix + json + sink.suffix);
  }

  /** Writes one whole frame (text, or MEXC's binary pushes) through the sink's duplicate/reorder faults. */
  deliverFrame(sink: Sink, frame: string | Buffer): void {
    if (sink.reorder) {
      this.#reorder(sink, frame);
      return;
    }
    sink.connection.send(frame);
    if (sink.duplicate > 0) {
      sink.duplicate--;
      sink.connection.send(frame);
    }
  }

  /** Writes a control event (expiry, termination) straight to a sink, past any faults. */
  control(sink: Sink, json: string): void {
    sink.connection.send(sink.prefix + json + sink.suffix);
  }

  #reorder(sink: Sink, frame: string | Buffer): void {
    const state = sink.reorder;
    if (!state) return;
    state.buffer.push(frame);
    if (sink.duplicate > 0) {
      sink.duplicate--;
      state.buffer.push(frame);
    }
    if (state.buffer.length >= state.window) {
      this.flushReorder(sink);
      return;
    }
    if (!state.timer) {
      state.timer = this.#clock.setTimeout(() => {
        state.timer = undefined;
        this.flushReorder(sink);
      }, REORDER_FLUSH_MS);
    }
  }

  /** Sends a reorder window's frames, last first, and ends the fault when its windows are used up. */
  flushReorder(sink: Sink): void {
    const state = sink.reorder;
    if (!state) return;
    if (state.timer) this.#clock.clearTimeout(state.timer);
    state.timer = undefined;
    const frames = state.buffer;
    state.buffer = [];
    for (let i = frames.length - 1; i >= 0; i--) sink.connection.send(frames[i] as string | Buffer);
    state.remaining--;
    if (state.remaining <= 0) sink.reorder = undefined;
  }

  /** Closes every connection and forgets every sink. */
  closeAll(): void {
    for (const connection of [...this.connections]) connection.terminate();
    this.#byTarget.clear();
  }
}
