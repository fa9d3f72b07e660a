import type { Clock, VenueId } from '@userstream/core';
import type { Prng } from './prng.js';

/** Longest and default listenToken validity: 24 hours (Binance margin docs). */
export const MAX_LISTEN_TOKEN_VALIDITY_MS = 24 * 60 * 60 * 1000;

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Length of the tokens in Binance's documented examples. */
const TOKEN_LENGTH = 70;

export interface ListenTokenEntry {
  readonly token: string;
  readonly accountId: string;
  readonly isolated: boolean;
  readonly symbol: string | undefined;
  /** The venue whose book the token streams, when not Binance margin (Tokocrypto: spot). */
  readonly venue?: VenueId;
  /** Epoch ms (server clock) at which the token and subscriptions made with it end. */
  expiresAt: number;
}

/**
 * listenTokens handed out by `POST /sapi/v1/userListenToken`. A token is valid until
 * `expirationTime`; subscriptions made with it end then (the WebSocket API side runs that timer).
 */
export class ListenTokens {
  readonly #tokens = new Map<string, ListenTokenEntry>();
  readonly #clock: Clock;
  readonly #prng: Prng;
  readonly #onExpireNow: (entry: ListenTokenEntry) => void;

  constructor(clock: Clock, prng: Prng, onExpireNow: (entry: ListenTokenEntry) => void) {
    this.#clock = clock;
    this.#prng = prng;
    this.#onExpireNow = onExpireNow;
  }

  create(
    accountId: string,
    isolated: boolean,
    symbol: string | undefined,
    validityMs: number,
    venue?: VenueId,
  ): ListenTokenEntry {
    this.#prune();
    let token = this.#prng.string(TOKEN_LENGTH, TOKEN_ALPHABET);
    while (this.#tokens.has(token)) token = this.#prng.string(TOKEN_LENGTH, TOKEN_ALPHABET);
    const entry: ListenTokenEntry = {
      token,
      accountId,
      isolated,
      symbol,
      ...(venue === undefined ? {} : { venue }),
      expiresAt: this.#clock.now() + validityMs,
    };
    this.#tokens.set(token, entry);
    return entry;
  }

  /** A token that exists and has not expired. */
  valid(token: string): ListenTokenEntry | undefined {
    const entry = this.#tokens.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#tokens.delete(token);
      return undefined;
    }
    return entry;
  }

  /** Fault: tokens matching `filter` expire now; their subscriptions end. Returns how many. */
  expireNow(filter: (entry: ListenTokenEntry) => boolean): number {
    let n = 0;
    for (const entry of [...this.#tokens.values()]) {
      if (!filter(entry)) continue;
      this.#tokens.delete(entry.token);
      entry.expiresAt = this.#clock.now();
      this.#onExpireNow(entry);
      n++;
    }
    return n;
  }

  get size(): number {
    this.#prune();
    return this.#tokens.size;
  }

  clear(): void {
    this.#tokens.clear();
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const [token, entry] of this.#tokens) if (entry.expiresAt <= now) this.#tokens.delete(token);
  }
}
