import { type Clock, createOptionKit, InvalidInputError, systemClock } from '@userstream/core';
import { LeaseConflictError, LeaseLostError } from './errors.js';
import { type LeaseKey, LeaseKeyMap } from './lease-key.js';

const kit = createOptionKit('@userstream/keepalive');

/** Which credential a lease keeps alive. */
export type LeaseKind = 'listenKey' | 'listenToken' | 'wsApi';

/**
 * What a store keeps about a lease. Deliberately NO credential: a listenKey or listenToken is
 * never written to a store (a new owner gets the account's key again with a POST), only a
 * short fingerprint of it.
 */
export interface LeaseRecord {
  /** Which credential the lease keeps. */
  readonly kind: LeaseKind;
  /** The process (worker) renewing this lease. */
  readonly owner: string;
  /** The owner's fencing token when it wrote this record. */
  readonly fencingToken: number;
  /** When the lease started (protocol ms of the writer). */
  readonly createdAt: number;
  /** When the credential was last renewed (protocol ms). */
  readonly lastRenewedAt: number | undefined;
  /** When the owner plans its next renewal (protocol ms). */
  readonly nextRenewalAt: number | undefined;
  /** When the credential lapses unless renewed. */
  readonly expiresAt: number | undefined;
  /** First hex characters of the credential's SHA-256, to tell generations apart. */
  readonly credentialFingerprint: string | undefined;
}

/** A record as a store returns it, with the version a compare-and-set needs. */
export interface StoredLease {
  /** What was written last (no credential). */
  readonly record: LeaseRecord;
  /** Incremented by every write; pass it as `ifVersion` for a compare-and-set. */
  readonly version: number;
}

/** The right to renew a lease, until `expiresAt` unless renewed. */
export interface Ownership {
  /** The worker holding it (the lease's `owner` option). */
  readonly owner: string;
  /**
   * Strictly increasing per key across owners: a store (and the venue call behind it) can
   * refuse a stale owner whose token is older than the current one.
   */
  readonly fencingToken: number;
  /** Protocol ms (the store's clock) at which it lapses unless renewed. */
  readonly expiresAt: number;
}

/**
 * Where leases and their owners live. In-memory here ({@link createMemoryLeaseStore}); a
 * Redis implementation (issue 9) can give a fleet of workers one owner per account+market:
 * `claim` takes ownership with a new fencing token, `renewOwnership` extends it only if the
 * token is still the current one, and the lease calls it before every renewal and close.
 * All methods are async so a networked store fits.
 */
export interface LeaseStore {
  /** The record of `key` with its version, or undefined when there is none. Rejects only when the store is unreachable. */
  get(key: LeaseKey): Promise<StoredLease | undefined>;
  /**
   * Writes `record`. With `ifVersion`, only if the stored version is that one (0: only if
   * absent); otherwise throws `LeaseConflictError` (USERSTREAM_LEASE_CONFLICT). Returns the new version.
   *
   * Fenced (stores with owners): the write is refused with `LeaseLostError`
   * (USERSTREAM_LEASE_LOST) unless `record.owner` with `record.fencingToken` is the key's
   * current owner, or nobody holds the key and no newer token was handed out for it since
   * (token 0, "no owner", only while nobody holds the key). See `fenceCheck` (lease-store.ts).
   */
  put(key: LeaseKey, record: LeaseRecord, options?: { ifVersion?: number }): Promise<number>;
  /**
   * Deletes the record (only if at `ifVersion`, when given). Resolves true if it existed.
   * Fenced like {@link put} with `ownership` (none: token 0, only while nobody holds the key).
   */
  delete(key: LeaseKey, options?: { ifVersion?: number; ownership?: Ownership }): Promise<boolean>;
  /**
   * Takes ownership of `key` for `ttlMs` if nobody else holds it (or their ownership lapsed):
   * resolves the new ownership with a fresh fencing token, or undefined if another owner holds it.
   * Claiming again as the current owner keeps the token and extends the expiry.
   */
  claim?(key: LeaseKey, owner: string, ttlMs: number): Promise<Ownership | undefined>;
  /** Extends `ownership` if it is still the current one; undefined when it was lost. */
  renewOwnership?(key: LeaseKey, ownership: Ownership, ttlMs: number): Promise<Ownership | undefined>;
  /** Gives ownership up (if still held with this token). */
  release?(key: LeaseKey, ownership: Ownership): Promise<void>;
}

/** Options of {@link createMemoryLeaseStore}. */
export interface MemoryLeaseStoreOptions {
  /** Ownership expiry runs on this clock. @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

/** The in-memory store with the same semantics a shared store must have (versions, owners, fencing). */
export interface MemoryLeaseStore extends Required<LeaseStore> {
  /** Records held. */
  readonly size: number;
}

interface Slot {
  stored: StoredLease | undefined;
  ownership: Ownership | undefined;
}

/**
 * The fencing rule every store applies to a write (put, delete) by `owner` holding `token`,
 * given the key's current ownership entry (possibly lapsed or released) and the newest token
 * ever handed out for the key (0 if none known):
 * - someone holds the key (unexpired): only that owner with that token may write;
 * - nobody holds it: a token may write unless a newer one was handed out since (a stale owner
 *   whose successor already released must not undo the successor's work); token 0 ("no
 *   owner": stores used without claims) may write.
 * Returns undefined when the write may go ahead, else the current token (for the error).
 */
export function fenceCheck(
  holder: Ownership | undefined,
  newestToken: number,
  owner: string,
  token: number,
  now: number,
): number | undefined {
  if (holder && holder.owner !== '' && holder.expiresAt > now) {
    return holder.owner === owner && holder.fencingToken === token ? undefined : holder.fencingToken;
  }
  if (token === 0 || token >= newestToken) return undefined;
  return newestToken;
}

/** The typed refusal of a fenced write (no credential in it: keys name accounts, not secrets). */
export function leaseLost(pkg: string, what: string, token: number, current: number): LeaseLostError {
  return new LeaseLostError(
    `${pkg}: ${what} refused: fencing token ${token} is stale (the lease's current token is ${current}); another worker owns this lease now, stop renewing and deleting its credential`,
  );
}

/** Creates an in-memory {@link LeaseStore} (one per process, or per test). */
export function createMemoryLeaseStore(options: MemoryLeaseStoreOptions = {}): MemoryLeaseStore {
  const clock = options.clock ?? systemClock;
  // Only now() is used: a bare time source is enough here.
  if (typeof clock?.now !== 'function') {
    throw kit.invalid('createMemoryLeaseStore({ clock }) needs a clock with now()', 'clock');
  }
  const slots = new LeaseKeyMap<Slot>();
  // One counter for the whole store keeps tokens strictly increasing per key, even across deletes.
  let nextToken = 1;
  // The newest token handed out per key, kept after release: a stale owner stays fenced off.
  const newest = new LeaseKeyMap<number>();
  const issue = (key: LeaseKey): number => {
    const token = nextToken++;
    newest.set(key, token);
    return token;
  };
  const fence = (key: LeaseKey, what: string, owner: string, token: number): void => {
    const current = fenceCheck(slots.get(key)?.ownership, newest.get(key) ?? 0, owner, token, clock.now());
    if (current !== undefined) throw leaseLost('@userstream/keepalive', what, token, current);
  };

  const slot = (key: LeaseKey): Slot => {
    let s = slots.get(key);
    if (!s) {
      s = { stored: undefined, ownership: undefined };
      slots.set(key, s);
    }
    return s;
  };
  const prune = (key: LeaseKey, s: Slot): void => {
    if (!s.stored && !s.ownership) slots.delete(key);
  };
  const ttl = (ttlMs: number): number => {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new InvalidInputError(
        `@userstream/keepalive: ownership ttlMs must be a positive number, got ${ttlMs}`,
        {
          field: 'ttlMs',
        },
      );
    }
    return ttlMs;
  };

  return {
    get size() {
      let n = 0;
      for (const s of slots.values()) if (s.stored) n++;
      return n;
    },
    async get(key) {
      return slots.get(key)?.stored;
    },
    async put(key, record, putOptions) {
      fence(key, 'writing the lease record', record.owner, record.fencingToken);
      const s = slot(key);
      const current = s.stored?.version ?? 0;
      if (putOptions?.ifVersion !== undefined && putOptions.ifVersion !== current) {
        prune(key, s);
        throw new LeaseConflictError(
          `@userstream/keepalive: lease record changed underneath (expected version ${putOptions.ifVersion}, found ${current}); read it again`,
        );
      }
      s.stored = Object.freeze({ record: Object.freeze({ ...record }), version: current + 1 });
      return current + 1;
    },
    async delete(key, deleteOptions) {
      const by = deleteOptions?.ownership;
      fence(key, 'deleting the lease record', by?.owner ?? '', by?.fencingToken ?? 0);
      const s = slots.get(key);
      if (!s?.stored) return false;
      if (deleteOptions?.ifVersion !== undefined && deleteOptions.ifVersion !== s.stored.version) {
        throw new LeaseConflictError(
          `@userstream/keepalive: lease record changed underneath (expected version ${deleteOptions.ifVersion}, found ${s.stored.version}); read it again`,
        );
      }
      s.stored = undefined;
      prune(key, s);
      return true;
    },
    async claim(key, owner, ttlMs) {
      const now = clock.now();
      const s = slot(key);
      const held = s.ownership;
      if (held && held.expiresAt > now && held.owner !== owner) {
        return undefined;
      }
      const fencingToken =
        held && held.owner === owner && held.expiresAt > now ? held.fencingToken : issue(key);
      s.ownership = Object.freeze({ owner, fencingToken, expiresAt: now + ttl(ttlMs) });
      return s.ownership;
    },
    async renewOwnership(key, ownership, ttlMs) {
      const now = clock.now();
      const s = slots.get(key);
      const held = s?.ownership;
      if (!s || !held || held.fencingToken !== ownership.fencingToken || held.owner !== ownership.owner) {
        return undefined;
      }
      if (held.expiresAt <= now) {
        // Lapsed but nobody took it: the same owner may carry on with a NEW token, so anything
        // that remembered the old token knows a gap in ownership happened.
        s.ownership = Object.freeze({
          owner: held.owner,
          fencingToken: issue(key),
          expiresAt: now + ttl(ttlMs),
        });
        return s.ownership;
      }
      s.ownership = Object.freeze({ ...held, expiresAt: now + ttl(ttlMs) });
      return s.ownership;
    },
    async release(key, ownership) {
      const s = slots.get(key);
      if (
        s?.ownership &&
        s.ownership.fencingToken === ownership.fencingToken &&
        s.ownership.owner === ownership.owner
      ) {
        s.ownership = undefined;
        prune(key, s);
      }
    },
  };
}
