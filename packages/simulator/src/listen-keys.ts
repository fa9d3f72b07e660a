import type { Clock, ClockTimer, VenueId } from '@userstream/core';
import { channels, publish } from './diagnostics.js';
import type { Hub } from './hub.js';
import type { Prng } from './prng.js';
import type { Recorder } from './record.js';
import type { Sink } from './sink.js';
import { targetKeyOf } from './sink.js';
import { marketKeyOf, profileOf } from './venue-map.js';
import { isAsterSpot } from './venues/aster-spot.js';
import { expiryNotice } from './venues/expiry-notices.js';
import { armToobitWarnings, stopToobitWarnings } from './venues/toobit.js';

/** One active listenKey. */
export interface ListenKeyEntry {
  readonly key: string;
  readonly accountId: string;
  readonly venue: VenueId;
  readonly symbol: string | undefined;
  expiresAt: number;
  timer: ClockTimer | undefined;
  readonly sinks: Set<Sink>;
}

/** Binance spot and margin listenKeys are 60 characters; futures, portfolio margin and BHEX use 64. */
export function listenKeyLength(venue: VenueId): number {
  // MEXC's and Aster spot's documented keys are 64 characters (both trade on the spot book).
  // BingX's documented key is 64 characters too (both of its markets share the account's key).
  // Bitrue's documented key is 64 hex characters.
  if (venue === 'mexc' || isAsterSpot(venue) || venue === 'bingx-spot' || venue === 'bitrue-spot') return 64;
  const market = marketKeyOf(venue);
  return market === 'spot' || market === 'margin' || market === 'isolatedMargin' ? 60 : 64;
}

/**
 * The `listenKeyExpired` payload in the venue's documented shape: Binance spot sends `E` as a
 * number; the futures, portfolio margin and margin pages show `E` as a string.
 */
export function listenKeyExpiredEvent(venue: VenueId, E: number, listenKey: string): Record<string, unknown> {
  const market = marketKeyOf(venue);
  // Options: the options pages in our docs store show no listenKeyExpired payload; it follows its
  // nearest documented sibling, USD-M (string `E`).
  const stringE =
    market === 'usdm' ||
    market === 'coinm' ||
    market === 'options' ||
    market === 'margin' ||
    market === 'isolatedMargin';
  return { e: 'listenKeyExpired', E: stringE ? String(E) : E, listenKey };
}

/**
 * listenKeys: one active key per account, venue (and isolated symbol). Create returns the active
 * key and extends it; keepalive extends it; close and lapse end its streams. Timers run on the
 * injected clock, one per key.
 */
export class ListenKeys {
  readonly #byKey = new Map<string, ListenKeyEntry>();
  readonly #byScope = new Map<string, ListenKeyEntry>();
  readonly #clock: Clock;
  readonly #serverNow: () => number;
  readonly #hub: Hub;
  readonly #recorder: Recorder;
  readonly #prng: Prng;

  constructor(clock: Clock, serverNow: () => number, hub: Hub, recorder: Recorder, prng: Prng) {
    this.#clock = clock;
    this.#serverNow = serverNow;
    this.#hub = hub;
    this.#recorder = recorder;
    this.#prng = prng;
  }

  get size(): number {
    return this.#byKey.size;
  }

  entries(): IterableIterator<ListenKeyEntry> {
    return this.#byKey.values();
  }

  /** The active key of a key string, if any. */
  get(key: string): ListenKeyEntry | undefined {
    return this.#byKey.get(key);
  }

  /** The account's active key on a venue, if any. */
  active(accountId: string, venue: VenueId, symbol?: string): ListenKeyEntry | undefined {
    return this.#byScope.get(scopeOf(accountId, venue, symbol));
  }

  /** POST: returns the active key (extended) or a new one. */
  create(accountId: string, venue: VenueId, symbol?: string): ListenKeyEntry {
    const scope = scopeOf(accountId, venue, symbol);
    // MEXC hands out a new key on every POST (up to 60 per account, counted by the REST route).
    const existing = venue === 'mexc' ? undefined : this.#byScope.get(scope);
    if (existing) {
      this.#extend(existing);
      publish(channels.listenKey, () => ({ event: 'create', venue, accountId, reused: true }));
      return existing;
    }
    let key = this.#prng.string(listenKeyLength(venue));
    while (this.#byKey.has(key)) key = this.#prng.string(listenKeyLength(venue));
    const entry: ListenKeyEntry = {
      key,
      accountId,
      venue,
      symbol,
      expiresAt: 0,
      timer: undefined,
      sinks: new Set(),
    };
    this.#byKey.set(key, entry);
    if (venue !== 'mexc') this.#byScope.set(scope, entry);
    this.#extend(entry);
    publish(channels.listenKey, () => ({ event: 'create', venue, accountId, reused: false }));
    return entry;
  }

  /** PUT: extends the key by the venue's validity and records the keepalive. */
  keepAlive(entry: ListenKeyEntry): void {
    this.#extend(entry);
    this.#recorder.keepalive(entry.key, this.#clock.now());
    publish(channels.listenKey, () => ({
      event: 'keepalive',
      venue: entry.venue,
      accountId: entry.accountId,
    }));
  }

  /** DELETE: invalidates the key and closes its streams (no `listenKeyExpired`). */
  close(entry: ListenKeyEntry): void {
    this.#remove(entry);
    for (const sink of [...entry.sinks]) this.#endSink(sink, 1000, 'listenKey closed');
    publish(channels.listenKey, () => ({ event: 'close', venue: entry.venue, accountId: entry.accountId }));
  }

  /** Lapse (timer or fault): streams get the venue's expiry notice (if it has one), then close. */
  expire(entry: ListenKeyEntry): void {
    this.#remove(entry);
    const targetKey = targetKeyOf(entry.accountId, marketKeyOf(entry.venue));
    const E = this.#hub.nextE(targetKey, this.#serverNow());
    this.#recorder.event(targetKey, { e: 'listenKeyExpired', E, source: 'protocol' });
    for (const sink of [...entry.sinks]) {
      // Each venue's documented notice, or none (venues/expiry-notices.ts).
      const notice = expiryNotice(sink.venue, E, entry.key);
      if (notice !== undefined) this.#hub.control(sink, notice);
      this.#endSink(sink, 1000, 'listenKey expired');
    }
    publish(channels.listenKey, () => ({ event: 'expire', venue: entry.venue, accountId: entry.accountId }));
  }

  /** Attaches a stream sink to a key; it ends when the key does. */
  attach(entry: ListenKeyEntry, sink: Sink): void {
    entry.sinks.add(sink);
  }

  detach(sink: Sink, key: string): void {
    this.#byKey.get(key)?.sinks.delete(sink);
  }

  /** Stops every timer. */
  dispose(): void {
    for (const entry of this.#byKey.values()) if (entry.timer) this.#clock.clearTimeout(entry.timer);
    this.#byKey.clear();
    this.#byScope.clear();
  }

  #extend(entry: ListenKeyEntry): void {
    const validity = profileOf(entry.venue).timing.keyValidityMs;
    if (entry.timer) this.#clock.clearTimeout(entry.timer);
    entry.expiresAt = this.#clock.now() + validity;
    entry.timer = this.#clock.setTimeout(() => {
      entry.timer = undefined;
      this.expire(entry);
    }, validity);
    // Toobit warns a key's streams every minute in its last 5 minutes (venues/toobit.ts).
    armToobitWarnings(this.#hub, this.#clock, this.#serverNow, entry);
  }

  #remove(entry: ListenKeyEntry): void {
    if (entry.timer) this.#clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    stopToobitWarnings(this.#hub, this.#clock, entry);
    this.#byKey.delete(entry.key);
    const scope = scopeOf(entry.accountId, entry.venue, entry.symbol);
    if (this.#byScope.get(scope) === entry) this.#byScope.delete(scope);
  }

  /** Removes a sink; its connection closes when it carries no other stream. */
  #endSink(sink: Sink, code: number, reason: string): void {
    const connection = sink.connection;
    this.#hub.removeSink(sink);
    if (connection.sinks.size === 0) connection.close(code, reason);
  }
}

function scopeOf(accountId: string, venue: VenueId, symbol: string | undefined): string {
  return `${accountId}|${venue}|${symbol ?? ''}`;
}
