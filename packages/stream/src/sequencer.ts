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
 * - Dedupe: `E` is a millisecond clock and one matching step yields several events within one
 *   millisecond, so an event is identified by its `E` and a 64-bit digest of its text (two 32-bit
 *   hashes over every character, see {@link digest}). The last `capacity` events are remembered
 *   in a ring of numbers (no frame text is kept, so memory does not depend on frame size), indexed
 *   by a chained hash table: a lookup costs the same however many remembered events share an `E`.
 *   An arriving event is a duplicate only if one with the same `E` and the same digest was seen.
 *   Entries are also forgotten after one to two `windowMs` (see {@link prune}).
 * - Where duplicates come from: two connections delivering the same events (a make-before-break
 *   rotation, a credential change), and a venue repeating a frame. The first is known in advance:
 *   the transport calls {@link overlap} before the second connection can deliver anything and
 *   again when the first has ended, and the ring is kept from then until one to two windows after
 *   (a lagging connection's copies). Outside an overlap only an immediate repeat of the previous
 *   frame is looked for (a string comparison that fails on the first differing character): the
 *   digest, about half of a `JSON.parse` of the same frame, is spent only while it can matter.
 * - Order: with a window W > 0 every event is held W real milliseconds (events are network
 *   arrivals, so this is wall time) and released in `E` order; an event older than one already
 *   released is delivered at once and counted as `outOfOrder` (never dropped).
 */
export class Sequencer {
  readonly stats: SequencerStats = { duplicates: 0, outOfOrder: 0, reordered: 0 };
  /** `E` of the last delivered event. */
  lastE: number | undefined;
  readonly #deliver: (event: UserDataEvent) => void;
  readonly #late: ((E: number) => void) | undefined;
  readonly #windowMs: number;
  readonly #capacity: number;
  readonly #dedupe: boolean;
  /** Ring of remembered events (E, digest, prune epoch, chain link), oldest at `#ringStart`. */
  #ringE: Float64Array = EMPTY_F64;
  #ringA: Int32Array = EMPTY_I32;
  #ringB: Int32Array = EMPTY_I32;
  #ringAt: Int32Array = EMPTY_I32;
  /** Next slot + 1 in the same hash bucket (0: end of chain). */
  #ringNext: Int32Array = EMPTY_I32;
  #ringStart = 0;
  #ringSize = 0;
  /** Hash table: first ring slot + 1 of each bucket (0: empty); twice the ring's size, a power of 2. */
  #heads: Int32Array = EMPTY_I32;
  #mask = 0;
  /** Prune epoch: advances on every `prune()`, so no clock read per event. */
  #epoch = 0;
  /** Remembered entries compared with arriving events, over the stream's life (tests read it). */
  #comparisons = 0;
  /** Overlaps in progress (see {@link overlap}). */
  #overlaps = 0;
  /** Prune epoch before which the ring stays in use after the last overlap ended. */
  #armedUntil = 0;
  /** The previous event with `E`: an immediate repeat of it is a duplicate even outside an overlap. */
  #prevText: string | undefined;
  #prevFrom = 0;
  #prevPart = 0;
  #prevE = 0;
  /** Held events sorted by E (reorder window). */
  #held: Held[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: {
    deliver: (event: UserDataEvent) => void;
    /** Called before an event older than one already delivered is delivered. */
    late?: (E: number) => void;
    reorderWindowMs: number;
    dedupe: { capacity: number; windowMs: number } | undefined;
  }) {
    this.#deliver = options.deliver;
    this.#late = options.late;
    this.#windowMs = options.reorderWindowMs;
    this.#dedupe = options.dedupe !== undefined;
    this.#capacity = options.dedupe?.capacity ?? 0;
  }

  /** Events remembered for dedupe. */
  get remembered(): number {
    return this.#ringSize;
  }

  /** Remembered entries compared with arriving events so far: proves the per-event cost is flat. */
  get comparisons(): number {
    return this.#comparisons;
  }

  /** Whether arriving events are digested and remembered (an overlap, or just after one). */
  get armed(): boolean {
    return this.#overlaps > 0 || this.#epoch < this.#armedUntil;
  }

  /**
   * `true`: a second connection (or subscription) is about to deliver the same events as the
   * first; `false`: that overlap is over (its old connection ended). Calls pair up; the ring stays
   * in use for one to two more prune windows after the last overlap ends.
   */
  overlap(active: boolean): void {
    if (active) this.#overlaps++;
    else if (this.#overlaps > 0 && --this.#overlaps === 0) this.#armedUntil = this.#epoch + 2;
  }

  /** Events held by the reorder window. */
  get held(): number {
    return this.#held.length;
  }

  /**
   * Takes one event; `text` identifies it for dedupe: the characters from `from` on (the part of
   * a frame that carries the event, the same on every connection), and `part` tells apart the
   * events of a frame that carries several. Events without a numeric `E` pass straight through.
   */
  push(event: UserDataEvent, text: string, from = 0, part = 0): void {
    const E = (event as { E?: unknown }).E;
    if (typeof E !== 'number') {
      this.#deliver(event);
      return;
    }
    if (this.#dedupe) {
      // Outside an overlap: only a frame repeated right away (a venue's resend) is looked for.
      const repeat =
        E === this.#prevE && part === this.#prevPart && from === this.#prevFrom && text === this.#prevText;
      this.#prevText = text;
      this.#prevE = E;
      this.#prevFrom = from;
      this.#prevPart = part;
      if (
        repeat ||
        ((this.#overlaps > 0 || this.#epoch < this.#armedUntil) && this.#isDuplicate(E, text, from, part))
      ) {
        this.stats.duplicates++;
        return;
      }
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
    // A repeat a whole window later is not "right away"; and the frame's text is let go.
    this.#prevText = undefined;
    while (this.#ringSize > 0 && (this.#ringAt[this.#ringStart] as number) < horizon) this.#forgetOldest();
    // Idle: give the memory back.
    if (this.#ringSize === 0) this.#reset();
  }

  /** Drops all held and remembered state (the stream is closing). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
    this.#reset();
  }

  #reset(): void {
    this.#prevText = undefined;
    this.#ringE = EMPTY_F64;
    this.#ringA = EMPTY_I32;
    this.#ringB = EMPTY_I32;
    this.#ringAt = EMPTY_I32;
    this.#ringNext = EMPTY_I32;
    this.#heads = EMPTY_I32;
    this.#mask = 0;
    this.#ringStart = 0;
    this.#ringSize = 0;
  }

  #release(event: UserDataEvent, E: number): void {
    const last = this.lastE;
    if (last !== undefined && E < last) {
      this.stats.outOfOrder++;
      // E order cannot be kept for it: say so before delivering it (never dropped).
      this.#late?.(E);
    } else this.lastE = E;
    this.#deliver(event);
  }

  #isDuplicate(E: number, text: string, from: number, part: number): boolean {
    digest(text, from, part);
    const a = digestA;
    const b = digestB;
    if (this.#ringSize > 0) {
      let slot = (this.#heads[bucketOf(a, E, this.#mask)] as number) - 1;
      while (slot >= 0) {
        this.#comparisons++;
        if (this.#ringA[slot] === a && this.#ringB[slot] === b && this.#ringE[slot] === E) return true;
        slot = (this.#ringNext[slot] as number) - 1;
      }
    }
    this.#remember(E, a, b);
    return false;
  }

  #remember(E: number, a: number, b: number): void {
    let cap = this.#ringE.length;
    if (this.#ringSize === cap) {
      if (cap < this.#capacity) {
        this.#grow(Math.min(this.#capacity, Math.max(64, cap * 2)));
        cap = this.#ringE.length;
      } else {
        // Full: the oldest entry makes room.
        this.#forgetOldest();
      }
    }
    const at = (this.#ringStart + this.#ringSize) % cap;
    this.#ringE[at] = E;
    this.#ringA[at] = a;
    this.#ringB[at] = b;
    this.#ringAt[at] = this.#epoch;
    this.#link(at);
    this.#ringSize++;
  }

  /** Puts a filled slot at the head of its bucket's chain. */
  #link(slot: number): void {
    const bucket = bucketOf(this.#ringA[slot] as number, this.#ringE[slot] as number, this.#mask);
    this.#ringNext[slot] = this.#heads[bucket] as number;
    this.#heads[bucket] = slot + 1;
  }

  /** Drops the oldest entry: out of its chain (where, being the oldest, it is last), then the ring. */
  #forgetOldest(): void {
    const slot = this.#ringStart;
    const bucket = bucketOf(this.#ringA[slot] as number, this.#ringE[slot] as number, this.#mask);
    let prev = -1;
    let s = (this.#heads[bucket] as number) - 1;
    while (s >= 0 && s !== slot) {
      prev = s;
      s = (this.#ringNext[s] as number) - 1;
    }
    const next = this.#ringNext[slot] as number;
    if (prev < 0) this.#heads[bucket] = next;
    else this.#ringNext[prev] = next;
    this.#ringStart = (slot + 1) % this.#ringE.length;
    this.#ringSize--;
  }

  #grow(size: number): void {
    const E = new Float64Array(size);
    const A = new Int32Array(size);
    const B = new Int32Array(size);
    const at = new Int32Array(size);
    const cap = this.#ringE.length;
    for (let n = 0; n < this.#ringSize; n++) {
      const from = (this.#ringStart + n) % cap;
      E[n] = this.#ringE[from] as number;
      A[n] = this.#ringA[from] as number;
      B[n] = this.#ringB[from] as number;
      at[n] = this.#ringAt[from] as number;
    }
    this.#ringE = E;
    this.#ringA = A;
    this.#ringB = B;
    this.#ringAt = at;
    this.#ringNext = new Int32Array(size);
    this.#ringStart = 0;
    // At most half full: chains stay short.
    let buckets = 1;
    while (buckets < size * 2) buckets *= 2;
    this.#heads = new Int32Array(buckets);
    this.#mask = buckets - 1;
    for (let n = 0; n < this.#ringSize; n++) this.#link(n);
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

const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/** The two halves of the last {@link digest} (module state: no object per event). */
let digestA = 0;
let digestB = 0;

/**
 * A 64-bit digest of `text` from `from` on, and `part`, into `digestA`/`digestB`: two 32-bit
 * multiplicative hashes (FNV-1a's and MurmurHash2's multipliers) over every UTF-16 unit, two
 * units per step, finished with a MurmurHash3 avalanche. Not cryptographic: the exchange is not
 * an adversary; it only has to tell apart the few distinct events that share an `E`, for which a
 * chance collision is about 2^-64 per pair. Reading the frame in place (`from`) instead of a
 * slice of it halves the cost: `charCodeAt` on a sliced string goes through an indirection.
 */
function digest(text: string, from: number, part: number): void {
  let a = 0x811c9dc5 ^ part;
  let b = 0x9747b28c ^ part;
  const n = text.length;
  let i = from;
  for (; i + 1 < n; i += 2) {
    const c = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  if (i < n) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a ^= n - from;
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b ^= b >>> 16;
  b = Math.imul(b, 0x85ebca6b);
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  digestA = a | 0;
  digestB = b | 0;
}

/** Bucket of an (E, digest) pair: the digest's low bits mixed with E's (events sharing E spread out). */
function bucketOf(a: number, E: number, mask: number): number {
  return (a ^ Math.imul(E | 0, 0x9e3779b1)) & mask;
}
