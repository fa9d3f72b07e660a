import type { Clock, UserDataEvent } from '@userstream/core';

/** Counters the sequencer keeps (part of a stream's `stats`). */
export interface SequencerStats {
  duplicates: number;
  /** Events delivered after an event with a later `E` (beyond the reorder window). */
  outOfOrder: number;
  /** Events the reorder window put back in order. */
  reordered: number;
}

interface Held {
  readonly event: UserDataEvent;
  readonly E: number;
  readonly due: number;
}

/**
 * Puts a stream's events in `E` order and drops duplicates, on the hot path without per-event
 * closures, promises or string building:
 *
 * - Dedupe: events are remembered by `E` (a number key), with the frame text that carried them;
 *   an arriving event is a duplicate only if an event with the same `E` and the same text was seen.
 *   Memory is bounded by `capacity` and by `windowMs` (by arrival, on `clock`).
 * - Order: with a window W > 0 every event is held W real milliseconds (events are network
 *   arrivals, so this is wall time) and released in `E` order; an event older than one already
 *   released is delivered at once and counted as `outOfOrder` (never dropped).
 */
export class Sequencer {
  readonly stats: SequencerStats = { duplicates: 0, outOfOrder: 0, reordered: 0 };
  /** `E` of the last delivered event. */
  lastE: number | undefined;
  readonly #deliver: (event: UserDataEvent) => void;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #dedupe: boolean;
  /** E → frame text(s) seen with that E. */
  readonly #seen = new Map<number, string | string[]>();
  /** Arrival order of remembered entries, for pruning: parallel rings. */
  #ringE: number[] = [];
  #ringText: string[] = [];
  /** Prune epoch of each entry (the epoch advances on every `prune()`): no clock read per event. */
  #ringAt: number[] = [];
  #epoch = 0;
  #ringHead = 0;
  /** Held events sorted by E (reorder window). */
  #held: Held[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: {
    deliver: (event: UserDataEvent) => void;
    reorderWindowMs: number;
    dedupe: { capacity: number; windowMs: number } | undefined;
    clock: Clock;
  }) {
    this.#deliver = options.deliver;
    this.#windowMs = options.reorderWindowMs;
    this.#clock = options.clock;
    this.#dedupe = options.dedupe !== undefined;
    this.#capacity = options.dedupe?.capacity ?? 0;
  }

  /** Events remembered for dedupe. */
  get remembered(): number {
    return this.#ringE.length - this.#ringHead;
  }

  /** Events held by the reorder window. */
  get held(): number {
    return this.#held.length;
  }

  /**
   * Takes one event; `text` identifies it for dedupe (the frame text, or the part of it that
   * carries this event). Events without a numeric `E` pass straight through.
   */
  push(event: UserDataEvent, text: string): void {
    const E = (event as { E?: unknown }).E;
    if (typeof E !== 'number') {
      this.#deliver(event);
      return;
    }
    if (this.#dedupe && this.#isDuplicate(E, text)) {
      this.stats.duplicates++;
      return;
    }
    if (this.#windowMs === 0) {
      this.#release(event, E);
      return;
    }
    this.#hold(event, E);
  }

  /** Delivers everything held now (before a close, or when the window is changed). */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const held = this.#held;
    this.#held = [];
    for (const h of held) this.#release(h.event, h.E);
  }

  /**
   * Forgets dedupe entries remembered before the previous call: called every `windowMs` by the
   * stream, an event is remembered for between one and two windows.
   */
  prune(): void {
    if (!this.#dedupe) return;
    const horizon = this.#epoch;
    this.#epoch++;
    while (this.#ringHead < this.#ringE.length && (this.#ringAt[this.#ringHead] as number) < horizon) {
      this.#forgetOldest();
    }
    this.#compact();
  }

  /** Drops all held and remembered state (the stream is closing). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
    this.#seen.clear();
    this.#ringE = [];
    this.#ringText = [];
    this.#ringAt = [];
    this.#ringHead = 0;
  }

  #release(event: UserDataEvent, E: number): void {
    const last = this.lastE;
    if (last !== undefined && E < last) this.stats.outOfOrder++;
    else this.lastE = E;
    this.#deliver(event);
  }

  #isDuplicate(E: number, text: string): boolean {
    const seen = this.#seen.get(E);
    if (seen !== undefined) {
      if (typeof seen === 'string') {
        if (seen === text) return true;
        this.#seen.set(E, [seen, text]);
      } else {
        for (let i = 0; i < seen.length; i++) if (seen[i] === text) return true;
        seen.push(text);
      }
    } else {
      this.#seen.set(E, text);
    }
    this.#ringE.push(E);
    this.#ringText.push(text);
    this.#ringAt.push(this.#epoch);
    if (this.#ringE.length - this.#ringHead > this.#capacity) {
      this.#forgetOldest();
      if (this.#ringHead >= 1024) this.#compact();
    }
    return false;
  }

  #forgetOldest(): void {
    const i = this.#ringHead++;
    const E = this.#ringE[i] as number;
    const text = this.#ringText[i] as string;
    this.#ringText[i] = '';
    const seen = this.#seen.get(E);
    if (seen === undefined) return;
    if (typeof seen === 'string') {
      if (seen === text) this.#seen.delete(E);
      return;
    }
    const at = seen.indexOf(text);
    if (at >= 0) seen.splice(at, 1);
    if (seen.length === 0) this.#seen.delete(E);
    else if (seen.length === 1) this.#seen.set(E, seen[0] as string);
  }

  #compact(): void {
    if (this.#ringHead === 0) return;
    this.#ringE = this.#ringE.slice(this.#ringHead);
    this.#ringText = this.#ringText.slice(this.#ringHead);
    this.#ringAt = this.#ringAt.slice(this.#ringHead);
    this.#ringHead = 0;
  }

  #hold(event: UserDataEvent, E: number): void {
    const held = this.#held;
    const item: Held = { event, E, due: performance.now() + this.#windowMs };
    // Mostly in order: insert from the end.
    let i = held.length;
    while (i > 0 && (held[i - 1] as Held).E > E) i--;
    if (i === held.length) held.push(item);
    else {
      held.splice(i, 0, item);
      this.stats.reordered++;
    }
    if (!this.#timer) this.#arm();
  }

  #arm(): void {
    let due = Number.POSITIVE_INFINITY;
    for (const h of this.#held) if (h.due < due) due = h.due;
    if (due === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(0, Math.ceil(due - performance.now())));
    this.#timer.unref?.();
  }

  #onTimer(): void {
    this.#timer = undefined;
    const now = performance.now();
    // Release every held event up to the latest E that is due: earlier E's go first.
    let cut = -1;
    for (let i = 0; i < this.#held.length; i++) if ((this.#held[i] as Held).due <= now) cut = i;
    if (cut >= 0) {
      const out = this.#held.splice(0, cut + 1);
      for (const h of out) this.#release(h.event, h.E);
    }
    if (this.#held.length > 0) this.#arm();
  }
}
