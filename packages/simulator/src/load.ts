import type { Clock, ClockTimer } from '@userstream/core';
import { dialectOf, MatchingSteps } from './engine/index.js';
import type { Hub } from './hub.js';
import { inputKit } from './option-kits.js';
import type { AccountTarget, Recorder } from './record.js';
import type { Sink } from './sink.js';
import { targetKeyOf } from './sink.js';
import { marketKeyOf } from './venue-map.js';
import { isAsterSpot } from './venues/aster-spot.js';

/** Event types the load generator can send. */
export type LoadEventType = 'executionReport' | 'ORDER_TRADE_UPDATE';

export interface BurstOptions extends AccountTarget {
  /** How many events. */
  count: number;
  /** @default `executionReport` (spot, margin, BHEX, Coins.ph), `ORDER_TRADE_UPDATE` (futures) */
  event?: LoadEventType;
  /**
   * Matching steps instead of lone order updates: each step is one taker order filling against
   * this many makers, so a step is `fills` fill events (spot: `executionReport`; USDⓈ-M:
   * `TRADE_LITE` + `ORDER_TRADE_UPDATE` each) and one account update, all with the same `E` and
   * `T`; steps in the same millisecond share `E` too. Spot and futures dialects only
   * (`event` is then ignored). @default 0 (one order update per event)
   */
  fills?: number;
  /**
   * With `fills`: frames written per socket write (encoded together), as an exchange's gateway
   * flushes a busy account's events. The events are generated before the first write, so the
   * burst measures the reader. @default 64
   */
  framesPerWrite?: number;
}

export interface SteadyOptions extends AccountTarget {
  /** Events per second of clock time. */
  ratePerSec: number;
  /** @default `executionReport` (spot, margin, BHEX, Coins.ph), `ORDER_TRADE_UPDATE` (futures) */
  event?: LoadEventType;
}

/** What `load.burst()` did. */
export interface BurstResult {
  /** Events emitted (each to every open stream of the account). */
  readonly sent: number;
  /** Frames written, over all streams. */
  readonly frames: number;
  /** Real time the burst took. */
  readonly durationMs: number;
}

/** A running `load.steady()`: stop it when done (its timer keeps running until then). */
export interface SteadyHandle {
  /** Events emitted so far. */
  readonly sent: number;
  /** Stops sending; safe to call twice. */
  stop(): void;
}

/** Pushes valid events into an account's open streams for benchmarks. */
export interface LoadGenerator {
  /** `count` events, as fast as the sockets drain (respecting `bufferedAmount`); resolves when all are written. */
  burst(options: BurstOptions): Promise<BurstResult>;
  /** `ratePerSec` events per second of clock time until `stop()`. */
  steady(options: SteadyOptions): SteadyHandle;
}

/** Above this many buffered bytes a burst waits for the socket to drain. */
export const LOAD_HIGH_WATER_BYTES = 1024 * 1024;
/** Frames per socket write in a burst of matching steps. */
export const DEFAULT_FRAMES_PER_WRITE = 64;
/** Steady load sends a batch every this many clock ms. */
export const STEADY_TICK_MS = 10;

/** Everything after `"E":` of each template; E is the only field patched per event. */
const TEMPLATES: Readonly<Record<string, { head: string; tail: string }>> = {
  spot: {
    head: '{"e":"executionReport","E":',
    tail: ',"s":"BTCUSDT","c":"simLoad0000000000000001","S":"BUY","o":"LIMIT","f":"GTC","q":"0.00100000","p":"50000.00000000","P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"NEW","X":"NEW","r":"NONE","i":1,"l":"0.00000000","z":"0.00000000","L":"0.00000000","n":"0","N":null,"T":1,"t":-1,"I":1,"w":true,"m":false,"M":false,"O":1,"Z":"0.00000000","Y":"0.00000000","Q":"0.00000000","W":1,"V":"EXPIRE_MAKER"}',
  },
  bhex: {
    head: '{"e":"executionReport","E":',
    tail: ',"s":"BTCUSDT","c":1000000001,"S":"BUY","o":"LIMIT","f":"GTC","q":"0.00100000","p":"50000.00000000","X":"NEW","i":1,"l":"0.00000000","z":"0.00000000","L":"0.00000000","n":"0","N":null,"u":true,"w":true,"m":false,"O":1,"Z":"0.00000000"}',
  },
  coins: {
    head: '{"e":"executionReport","E":',
    tail: ',"s":"BTCUSDT","c":"simLoad0000000000000001","S":"BUY","o":"LIMIT","f":"GTC","q":"0.00100000","p":"50000.00000000","P":"0.00000000","x":"NEW","X":"NEW","r":"NONE","i":1,"l":"0.00000000","z":"0.00000000","L":"0.00000000","n":"0","N":null,"T":1,"t":-1,"w":true,"m":false,"O":1,"Z":"0.00000000","Y":"0.00000000","Q":"0.00000000"}',
  },
  futures: {
    head: '{"e":"ORDER_TRADE_UPDATE","E":',
    tail: ',"T":1,"o":{"s":"BTCUSDT","c":"simLoad0000000000000001","S":"BUY","o":"LIMIT","f":"GTC","q":"0.001","p":"50000","ap":"0","sp":"0","x":"NEW","X":"NEW","i":1,"l":"0","z":"0","L":"0","n":"0","N":"USDT","T":1,"t":0,"b":"50","a":"0","m":false,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0","pP":false,"si":0,"ss":0,"V":"EXPIRE_MAKER","pm":"NONE","gtd":0}}',
  },
};

interface Prepared {
  sink: Sink;
  head: string;
  tail: string;
}

/** Splits a template's tail at its order id (`"i":1`), patched per event so no two events are the same text. */
function splitAtOrderId(tail: string): { mid: string; tail: string } {
  const at = tail.indexOf('"i":1,');
  return { mid: tail.slice(0, at + 4), tail: tail.slice(at + 5) };
}

export interface LoadDeps {
  clock: Clock;
  serverNow: () => number;
  hub: Hub;
  recorder: Recorder;
  resolveAccount: (target: AccountTarget) => string;
}

/** The load generator behind `sim.load`. */
export class Load implements LoadGenerator {
  readonly #d: LoadDeps;
  readonly #steady = new Set<{ timer: ClockTimer | undefined }>();
  readonly #matching = new Map<string, MatchingSteps>();
  /** Order id of the next lone order update: events sharing a millisecond are still distinct. */
  #orderId = 1_000_000;

  constructor(deps: LoadDeps) {
    this.#d = deps;
  }

  #prepare(target: AccountTarget, event: LoadEventType | undefined) {
    const accountId = this.#d.resolveAccount(target);
    const market = marketKeyOf(target.venue);
    const dialect = dialectOf(target.venue);
    const type = event ?? (dialect === 'futures' ? 'ORDER_TRADE_UPDATE' : 'executionReport');
    if (type !== 'executionReport' && type !== 'ORDER_TRADE_UPDATE') {
      throw inputKit.invalid("load event must be 'executionReport' or 'ORDER_TRADE_UPDATE'", 'event');
    }
    const template =
      type === 'ORDER_TRADE_UPDATE' ? TEMPLATES.futures : (TEMPLATES[dialect] ?? TEMPLATES.spot);
    const { head } = template as { head: string; tail: string };
    const { mid, tail } = splitAtOrderId((template as { tail: string }).tail);
    const targetKey = targetKeyOf(accountId, market);
    const sinks = (): Prepared[] =>
      this.#d.hub
        .sinksOf(accountId, market, target.symbol)
        // Aster spot and Toobit USDT-M streams carry their own shapes (venues/aster-spot.ts,
        // venues/toobit-usdm.ts), not these templates.
        .filter(
          (sink) =>
            !isAsterSpot(sink.venue) &&
            sink.venue !== 'toobit-usdm' &&
            (sink.events === undefined || sink.events.has(type)),
        )
        .map((sink) => ({ sink, head: sink.prefix + head, tail: tail + sink.suffix }));
    return { targetKey, type, sinks, mid };
  }

  async burst(options: BurstOptions): Promise<BurstResult> {
    const count = options?.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw inputKit.invalid('burst count must be a whole number of events', 'count');
    }
    const fills = options.fills ?? 0;
    if (!Number.isInteger(fills) || fills < 0 || fills > 1000) {
      throw inputKit.invalid(
        'burst fills must be a whole number of fills per matching step (0 to 1000)',
        'fills',
      );
    }
    if (fills > 0) return this.#steps(options, fills);
    const { targetKey, type, sinks, mid } = this.#prepare(options, options.event);
    const prepared = sinks();
    const { hub, recorder, serverNow } = this.#d;
    const started = performance.now();
    let frames = 0;
    for (let i = 0; i < count; i++) {
      const E = hub.nextE(targetKey, serverNow());
      recorder.event(targetKey, { e: type, E, source: 'load' });
      const text = `${E}${mid}${++this.#orderId}`;
      let wait: Promise<void>[] | undefined;
      for (let j = 0; j < prepared.length; j++) {
        const p = prepared[j] as Prepared;
        const connection = p.sink.connection;
        if (connection.ended) continue;
        frames++;
        if (connection.bufferedAmount > LOAD_HIGH_WATER_BYTES) {
          // Wait until this frame has reached the OS: the socket buffer has drained behind it.
          wait ??= [];
          wait.push(
            new Promise<void>((resolve) => connection.sendWithCallback(p.head + text + p.tail, resolve)),
          );
        } else {
          connection.send(p.head + text + p.tail);
        }
      }
      if (wait) await Promise.all(wait);
    }
    return { sent: count, frames, durationMs: performance.now() - started };
  }

  /** A burst of matching steps, written `framesPerWrite` frames per socket write. */
  async #steps(options: BurstOptions, fills: number): Promise<BurstResult> {
    const perWrite = options.framesPerWrite ?? DEFAULT_FRAMES_PER_WRITE;
    if (!Number.isInteger(perWrite) || perWrite < 1) {
      throw inputKit.invalid(
        'burst framesPerWrite must be a whole number of frames, at least 1',
        'framesPerWrite',
      );
    }
    const dialect = dialectOf(options.venue);
    if (dialect !== 'spot' && dialect !== 'futures') {
      throw inputKit.invalid('burst fills (matching steps) are for spot and futures venues', 'fills');
    }
    const { targetKey, sinks } = this.#prepare(options, undefined);
    let prepared = sinks().filter((p) => !p.sink.connection.ended);
    const { hub, recorder, serverNow } = this.#d;
    // One generator per dialect for the simulator's life: order and trade ids never repeat.
    let steps = this.#matching.get(dialect);
    if (!steps) {
      steps = new MatchingSteps(dialect);
      this.#matching.set(dialect, steps);
    }
    // Generate first, then write: a burst measures its reader, not the generator. Events are
    // stamped as they are generated (the exchange's clock), so hundreds share a millisecond.
    const count = options.count;
    const texts: string[] = [];
    const types: string[] = [];
    while (texts.length < count) {
      const E = hub.nextE(targetKey, serverNow());
      for (const event of steps.next(E, fills)) {
        if (texts.length >= count) break;
        recorder.event(targetKey, { e: event.e, E, source: 'load' });
        texts.push(event.text);
        types.push(event.e);
      }
    }
    const started = performance.now();
    let frames = 0;
    for (let from = 0; from < count; from += perWrite) {
      const to = Math.min(count, from + perWrite);
      let wait: Promise<void>[] | undefined;
      for (const p of prepared) {
        const { connection, events, prefix, suffix } = p.sink;
        if (connection.ended) continue;
        if (connection.stalled) {
          // Held back frame by frame, as the stall fault keeps them.
          for (let i = from; i < to; i++) {
            if (events !== undefined && !events.has(types[i] as string)) continue;
            connection.send(prefix + texts[i] + suffix);
            frames++;
          }
          continue;
        }
        // One socket write of the batch's frames, encoded here (a gateway flushing its buffer).
        const batch = encodeTextFrames(texts, types, from, to, prefix, suffix, events);
        frames += batch.frames;
        connection.sendFrames(batch.bytes);
        if (connection.bufferedAmount > LOAD_HIGH_WATER_BYTES && !connection.ended) {
          wait ??= [];
          wait.push(new Promise<void>((resolve) => connection.whenDrained(resolve)));
        }
      }
      if (wait) {
        await Promise.all(wait);
        // Streams opened meanwhile (a client's make-before-break) get the rest, as on a venue.
        prepared = sinks().filter((p) => !p.sink.connection.ended);
      }
    }
    return { sent: count, frames, durationMs: performance.now() - started };
  }

  steady(options: SteadyOptions): SteadyHandle {
    const rate = inputKit.positive(options?.ratePerSec, 'ratePerSec');
    const { targetKey, type, sinks, mid } = this.#prepare(options, options.event);
    const { hub, recorder, serverNow, clock } = this.#d;
    const state: { timer: ClockTimer | undefined; sent: number; carry: number; stopped: boolean } = {
      timer: undefined,
      sent: 0,
      carry: 0,
      stopped: false,
    };
    const tick = () => {
      state.timer = undefined;
      if (state.stopped) return;
      state.carry += (rate * STEADY_TICK_MS) / 1000;
      const n = Math.floor(state.carry);
      state.carry -= n;
      if (n > 0) {
        // Streams opened since the last tick are included.
        const prepared = sinks();
        for (let i = 0; i < n; i++) {
          const E = hub.nextE(targetKey, serverNow());
          recorder.event(targetKey, { e: type, E, source: 'load' });
          const text = `${E}${mid}${++this.#orderId}`;
          for (const p of prepared) p.sink.connection.send(p.head + text + p.tail);
        }
        state.sent += n;
      }
      state.timer = clock.setTimeout(tick, STEADY_TICK_MS);
    };
    state.timer = clock.setTimeout(tick, STEADY_TICK_MS);
    this.#steady.add(state);
    const stop = () => {
      state.stopped = true;
      if (state.timer) clock.clearTimeout(state.timer);
      state.timer = undefined;
      this.#steady.delete(state);
    };
    return {
      get sent() {
        return state.sent;
      },
      stop,
    };
  }

  /** Stops every steady load (simulator close). */
  dispose(): void {
    for (const state of this.#steady) if (state.timer) this.#d.clock.clearTimeout(state.timer);
    this.#steady.clear();
  }
}

/**
 * Server-to-client WebSocket text frames (RFC 6455 section 5.2: FIN + opcode 1, no mask, 7/16/64-bit
 * length) of `texts[from..to)`, each wrapped in `prefix`/`suffix`, skipping types a stream did not
 * ask for, in one buffer for one socket write.
 */
function encodeTextFrames(
  texts: readonly string[],
  types: readonly string[],
  from: number,
  to: number,
  prefix: string,
  suffix: string,
  events: ReadonlySet<string> | undefined,
): { bytes: Buffer; frames: number } {
  const extra = Buffer.byteLength(prefix) + Buffer.byteLength(suffix);
  const lengths: number[] = [];
  let total = 0;
  for (let i = from; i < to; i++) {
    if (events !== undefined && !events.has(types[i] as string)) {
      lengths.push(-1);
      continue;
    }
    const length = Buffer.byteLength(texts[i] as string) + extra;
    lengths.push(length);
    total += (length < 126 ? 2 : length < 65_536 ? 4 : 10) + length;
  }
  const bytes = Buffer.allocUnsafe(total);
  let at = 0;
  let frames = 0;
  for (let i = from; i < to; i++) {
    const length = lengths[i - from] as number;
    if (length < 0) continue;
    bytes[at++] = 0x81;
    if (length < 126) bytes[at++] = length;
    else if (length < 65_536) {
      bytes[at++] = 126;
      bytes.writeUInt16BE(length, at);
      at += 2;
    } else {
      bytes[at++] = 127;
      bytes.writeUInt32BE(0, at);
      bytes.writeUInt32BE(length, at + 4);
      at += 8;
    }
    at += bytes.write(prefix, at);
    at += bytes.write(texts[i] as string, at);
    at += bytes.write(suffix, at);
    frames++;
  }
  return { bytes, frames };
}
