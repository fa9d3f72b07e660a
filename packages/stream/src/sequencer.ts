import type { UserDataEvent } from '@userstream/core';

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
 * - Dedupe: the last `capacity` events are remembered in a ring (their `E` and the frame text
 *   that carried them); an arriving event is a duplicate only if one with the same `E` and the
 *   same text was seen. An event later than every remembered one cannot be a duplicate, so the
 *   common case is one comparison; otherwise the ring is scanned back over the last few seconds
 *   of `E`. Entries are also forgotten after one to two `windowMs` (see {@link prune}).
 * - Order: with a window W > 0 every event is held W real milliseconds (events are network
 *   arrivals, so this is wall time) and released in `E` order; an event older than one already
 *   released is delivered at once and counted as `outOfOrder` (never dropped).
 */
/** How far back in `E` a possible duplicate is looked for (overlapping connections lag by far less). */
const DEDUPE_SCAN_MS = 10_000;

export class Sequencer {
  readonly stats: SequencerStats = { duplicates: 0, outOfOrder: 0, reordered: 0 };
  /** `E` of the last delivered event. */
  lastE: number | undefined;
  readonly #deliver: (event: UserDataEvent) => void;
  readonly #windowMs: number;
  readonly #capacity: number;
  readonly #dedupe: boolean;
  /** Ring of remembered events: E, frame text and prune epoch, oldest at `#ringStart`. */
  #ringE: Float64Array = new Float64Array(0);
  #ringText: (string | undefined)[] = [];
  #ringAt: Int32Array = new Int32Array(0);
  #ringStart = 0;
  #ringSize = 0;
  /** Largest E remembered. */
  #maxE = Number.NEGATIVE_INFINITY;
  /** Prune epoch: advances on every `prune()`, so no clock read per event. */
  #epoch = 0;
  /** Held events sorted by E (reorder window). */
  #held: Held[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: {
    deliver: (event: UserDataEvent) => void;
    reorderWindowMs: number;
    dedupe: { capacity: number; windowMs: number } | undefined;
  }) {
    this.#deliver = options.deliver;
    this.#windowMs = options.reorderWindowMs;
    this.#dedupe = options.dedupe !== undefined;
    this.#capacity = options.dedupe?.capacity ?? 0;
  }

  /** Events remembered for dedupe. */
  get remembered(): number {
    return this.#ringSize;
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
    const cap = this.#ringE.length;
    while (this.#ringSize > 0 && (this.#ringAt[this.#ringStart] as number) < horizon) {
      this.#ringText[this.#ringStart] = undefined;
      this.#ringStart = (this.#ringStart + 1) % cap;
      this.#ringSize--;
    }
    if (this.#ringSize === 0) {
      // Idle: give the memory back.
      this.#ringE = new Float64Array(0);
      this.#ringText = [];
      this.#ringAt = new Int32Array(0);
      this.#ringStart = 0;
      this.#maxE = Number.NEGATIVE_INFINITY;
    }
  }

  /** Drops all held and remembered state (the stream is closing). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
    this.#ringE = new Float64Array(0);
    this.#ringText = [];
    this.#ringAt = new Int32Array(0);
    this.#ringStart = 0;
    this.#ringSize = 0;
  }

  #release(event: UserDataEvent, E: number): void {
    const last = this.lastE;
    if (last !== undefined && E < last) this.stats.outOfOrder++;
    else this.lastE = E;
    this.#deliver(event);
  }

  #isDuplicate(E: number, text: string): boolean {
    const cap = this.#ringE.length;
    if (E <= this.#maxE && this.#ringSize > 0) {
      // Scan back from the newest entry over the last few seconds of E.
      const floor = E - DEDUPE_SCAN_MS;
      let i = (this.#ringStart + this.#ringSize - 1) % cap;
      for (let n = 0; n < this.#ringSize; n++) {
        const seenE = this.#ringE[i] as number;
        if (seenE === E && this.#ringText[i] === text) return true;
        if (seenE < floor) break;
        i = i === 0 ? cap - 1 : i - 1;
      }
    } else if (E > this.#maxE) {
      this.#maxE = E;
    }
    this.#remember(E, text);
    return false;
  }

  #remember(E: number, text: string): void {
    let cap = this.#ringE.length;
    if (this.#ringSize === cap) {
      if (cap < this.#capacity) {
        this.#grow(Math.min(this.#capacity, Math.max(64, cap * 2)));
        cap = this.#ringE.length;
      } else {
        // Full: the oldest entry makes room.
        this.#ringStart = (this.#ringStart + 1) % cap;
        this.#ringSize--;
      }
    }
    const at = (this.#ringStart + this.#ringSize) % cap;
    this.#ringE[at] = E;
    this.#ringText[at] = text;
    this.#ringAt[at] = this.#epoch;
    this.#ringSize++;
  }

  #grow(size: number): void {
    const E = new Float64Array(size);
    const text: (string | undefined)[] = new Array(size);
    const at = new Int32Array(size);
    const cap = this.#ringE.length;
    for (let n = 0; n < this.#ringSize; n++) {
      const from = (this.#ringStart + n) % cap;
      E[n] = this.#ringE[from] as number;
      text[n] = this.#ringText[from];
      at[n] = this.#ringAt[from] as number;
    }
    this.#ringE = E;
    this.#ringText = text;
    this.#ringAt = at;
    this.#ringStart = 0;
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
