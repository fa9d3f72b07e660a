import { createHash } from 'node:crypto';
import { InvalidInputError, validateSymbol } from '@userstream/core';

/**
 * Names one account+market: which venue (id and REST origin), which account (a fingerprint of
 * the API key, never the key), and for isolated margin which symbol. A structured value: it is
 * never joined into a string and parsed back.
 */
export interface LeaseKey {
  /** Venue profile id, e.g. `binance-usdm`. */
  readonly venue: string;
  /** Origin of the venue's REST API, e.g. `https://fapi.binance.com` (tells two hosts of one profile apart). */
  readonly origin: string;
  /** SHA-256 fingerprint of the API key (32 hex characters). */
  readonly account: string;
  /** Isolated-margin symbol, when the credential is per symbol. */
  readonly symbol: string | undefined;
}

/** A short, non-reversible fingerprint of a secret for logs and dashboards (first `length` hex chars of SHA-256). */
export function fingerprint(secret: string, length = 8): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, length);
}

/** Builds the key of an account+market. */
export function createLeaseKey(input: {
  venue: { readonly id: string; readonly restBaseUrl: string };
  apiKey: string;
  symbol?: string | undefined;
}): LeaseKey {
  if (typeof input.apiKey !== 'string' || input.apiKey.length === 0) {
    throw new InvalidInputError(
      '@userstream/keepalive: a lease key needs the API key (only its fingerprint is kept)',
      {
        field: 'apiKey',
      },
    );
  }
  return Object.freeze({
    venue: input.venue.id,
    origin: new URL(input.venue.restBaseUrl).origin,
    account: fingerprint(input.apiKey, 32),
    symbol: input.symbol === undefined ? undefined : validateSymbol(input.symbol),
  });
}

/** True when both keys name the same account+market. */
export function sameLeaseKey(a: LeaseKey, b: LeaseKey): boolean {
  return a.venue === b.venue && a.origin === b.origin && a.account === b.account && a.symbol === b.symbol;
}

/**
 * A map keyed by {@link LeaseKey}, as nested maps (venue → origin → account → symbol): no key
 * is ever serialized into one string.
 */
export class LeaseKeyMap<V> {
  readonly #root = new Map<string, Map<string, Map<string, Map<string | undefined, V>>>>();
  #size = 0;

  /** How many keys the map holds. */
  get size(): number {
    return this.#size;
  }

  /** The value of `key` (compared field by field: venue, origin, account, symbol), or undefined. */
  get(key: LeaseKey): V | undefined {
    return this.#root.get(key.venue)?.get(key.origin)?.get(key.account)?.get(key.symbol);
  }

  /** Whether `key` has a value. */
  has(key: LeaseKey): boolean {
    return this.#root.get(key.venue)?.get(key.origin)?.get(key.account)?.has(key.symbol) ?? false;
  }

  /** Sets the value of `key` (replacing any); returns the map for chaining, like `Map.set`. */
  set(key: LeaseKey, value: V): this {
    let origins = this.#root.get(key.venue);
    if (!origins) {
      origins = new Map();
      this.#root.set(key.venue, origins);
    }
    let accounts = origins.get(key.origin);
    if (!accounts) {
      accounts = new Map();
      origins.set(key.origin, accounts);
    }
    let symbols = accounts.get(key.account);
    if (!symbols) {
      symbols = new Map();
      accounts.set(key.account, symbols);
    }
    if (!symbols.has(key.symbol)) this.#size++;
    symbols.set(key.symbol, value);
    return this;
  }

  /** Removes `key`; true when it was there. Empty inner maps are dropped, so memory follows the key count. */
  delete(key: LeaseKey): boolean {
    const origins = this.#root.get(key.venue);
    const accounts = origins?.get(key.origin);
    const symbols = accounts?.get(key.account);
    if (!origins || !accounts || !symbols) return false;
    if (!symbols.delete(key.symbol)) return false;
    this.#size--;
    if (symbols.size === 0) accounts.delete(key.account);
    if (accounts.size === 0) origins.delete(key.origin);
    if (origins.size === 0) this.#root.delete(key.venue);
    return true;
  }

  /** Every key (a fresh `LeaseKey` object) with its value, grouped by venue, origin and account. */
  *entries(): IterableIterator<[LeaseKey, V]> {
    for (const [venue, origins] of this.#root) {
      for (const [origin, accounts] of origins) {
        for (const [account, symbols] of accounts) {
          for (const [symbol, value] of symbols) yield [{ venue, origin, account, symbol }, value];
        }
      }
    }
  }

  /** Every value, in the order of `entries()`. */
  values(): IterableIterator<V> {
    const entries = this.entries();
    return (function* () {
      for (const [, v] of entries) yield v;
    })();
  }
}
