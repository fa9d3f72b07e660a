/**
 * A lease's place in the store: ownership with its fencing token (claimed, renewed, checked
 * before every credential operation, released), and the lease record kept in sync with a
 * version check. Only the owner with the current fencing token touches a credential.
 */
import type { Clock } from '@userstream/core';
import { LeaseConflictError, LeaseErrorCode } from './errors.js';
import type { LeaseKey } from './lease-key.js';
import type { LeaseRecord, LeaseStore, Ownership } from './lease-store.js';
import type { Logger } from './logger.js';
import type { Job, Scheduler } from './scheduler.js';

export interface LeaseOwnershipOptions {
  key: LeaseKey;
  store: LeaseStore;
  owner: string;
  scheduler: Scheduler;
  logger: Logger;
  /** How long ownership lasts without a renewal (read at each claim and renewal). */
  ttlMs: () => number;
  /** Renew ownership this often besides credential renewals; undefined: only with them. */
  renewMs: number | undefined;
  /** The lease as logs name it (never the credential). */
  describe: () => string;
  /** Whether the lease still runs (not closed, not lost). */
  running: () => boolean;
  /** Ownership was found lost by the periodic renewal. */
  lost: () => void;
}

const codeOf = (error: unknown): unknown => (error as { code?: unknown })?.code;

/** What {@link LeaseOwnership} sees when the store did not answer before ownership lapsed. */
const LAPSED: unique symbol = Symbol('lapsed');

export class LeaseOwnership {
  readonly #o: LeaseOwnershipOptions;
  #ownership: Ownership | undefined;
  #job: Job | undefined;
  #storeVersion: number | undefined;
  /**
   * Until when (our clock) nobody else can hold the lease: the send time of the last claim or
   * renewal the store granted, plus the TTL it granted (the store starts the TTL later, so
   * this errs on the safe side as long as the fleet's clocks agree).
   */
  #provenUntil = 0;
  /** stop() was called: a renewal still in flight must not schedule another. */
  #stopped = false;

  constructor(options: LeaseOwnershipOptions) {
    this.#o = options;
  }

  /** The fencing token of our ownership (0 for stores without owners). */
  get fencingToken(): number {
    return this.#ownership?.fencingToken ?? 0;
  }

  /**
   * Whether this process may release the credential and the record when closing. Only a
   * store that answers "still yours" right now says yes: a DELETE by a worker that cannot
   * reach the store could close the stream of the worker that took over (issue 15 item 2);
   * an unreleased credential lapses by itself at the venue.
   */
  async mayRelease(): Promise<boolean> {
    if (!this.#ownership) return !this.#o.store.claim;
    return (await this.#renew()) === 'owned';
  }

  /** Takes ownership in the store (when it supports owners). Throws LeaseConflictError when another owner holds it. */
  async claim(): Promise<void> {
    const { store, key, owner } = this.#o;
    if (!store.claim) return;
    const ownership = await store.claim(key, owner, this.#o.ttlMs());
    if (!ownership) {
      throw new LeaseConflictError(
        `@userstream/keepalive: another worker owns the lease of ${this.#o.describe()}; open it there or wait for its ownership to lapse`,
        { lost: true },
      );
    }
    this.#ownership = ownership;
    this.#provenUntil = this.#now() + this.#o.ttlMs();
    this.#startRenewal();
  }

  /**
   * True while this process still owns the lease (stores without owners: always). A store that
   * cannot be reached is not a lost lease while our last granted ownership has not lapsed yet
   * (nobody else can have claimed it); once it has, we cannot prove ownership any more and
   * answer false, so the caller stops: no keepalive, no DELETE, stream closed (the safe
   * default; a longer ownership TTL rides out longer store outages, at the price of a slower
   * takeover of a dead worker's streams).
   */
  async check(): Promise<boolean> {
    return (await this.#renew()) !== 'lost';
  }

  #now(): number {
    return this.#o.scheduler.clock.now();
  }

  /** The renewal in flight, if any: a second asker shares its answer (see `#renew`). */
  #renewing: Promise<'owned' | 'unproven' | 'lost'> | undefined;

  /**
   * One renewal at a time. The periodic renewal and the check before a keepalive fall due
   * together; sent side by side with the same token, the store may grant the first a NEW token
   * (ownership had lapsed, or the store lost its data in a restart) and then refuse the second,
   * whose old token is no longer current: the lease stopped as if another worker owned it.
   */
  #renew(): Promise<'owned' | 'unproven' | 'lost'> {
    if (this.#renewing) return this.#renewing;
    const p = this.#renewOnce().finally(() => {
      if (this.#renewing === p) this.#renewing = undefined;
    });
    this.#renewing = p;
    return p;
  }

  async #renewOnce(): Promise<'owned' | 'unproven' | 'lost'> {
    const { store, key } = this.#o;
    if (!this.#ownership || !store.renewOwnership) return 'owned';
    const sentAt = this.#now();
    const ttl = this.#o.ttlMs();
    try {
      const renewed = await this.#beforeLapse(store.renewOwnership(key, this.#ownership, ttl));
      if (renewed === LAPSED) return this.#unreachable(undefined);
      if (!renewed) return 'lost';
      this.#ownership = renewed;
      this.#provenUntil = sentAt + ttl;
      return 'owned';
    } catch (error) {
      if (codeOf(error) === LeaseErrorCode.Lost) return 'lost';
      return this.#unreachable(error);
    }
  }

  #unreachable(error: unknown): 'unproven' | 'lost' {
    if (this.#now() >= this.#provenUntil) {
      this.#o.logger.warn(
        { lease: this.#o.describe(), code: codeOf(error) },
        '@userstream/keepalive: the lease store has been unreachable for longer than the ownership TTL; stopping (another worker may own the lease now)',
      );
      return 'lost';
    }
    this.#o.logger.warn(
      { lease: this.#o.describe(), code: codeOf(error) },
      '@userstream/keepalive: the lease store is unavailable; carrying on as owner until the ownership TTL runs out',
    );
    return 'unproven';
  }

  /** {@link #beforeLapse} for an owner; stores without owners are waited for as they are. */
  #bounded<T>(answer: Promise<T>): Promise<T | typeof LAPSED> {
    return this.#ownership ? this.#beforeLapse(answer) : answer;
  }

  /**
   * The store's answer, or LAPSED if it has not come when our proven ownership runs out: a
   * store behind a partition that drops packets never answers nor fails, and waiting for it
   * would keep a stream (and its keepalives) going with nobody able to prove ownership.
   */
  #beforeLapse<T>(answer: Promise<T>): Promise<T | typeof LAPSED> {
    const clock = this.#o.scheduler.clock;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const lapse = new Promise<typeof LAPSED>((resolve) => {
      timer = clock.setTimeout(() => resolve(LAPSED), Math.max(0, this.#provenUntil - clock.now()));
    });
    return Promise.race([answer, lapse]).finally(() => {
      if (timer !== undefined) clock.clearTimeout(timer);
    });
  }

  /** Stops the periodic renewal. */
  stop(): void {
    this.#stopped = true;
    this.#job?.cancel();
  }

  /** Deletes the record and gives up ownership (the owner's part of close()). */
  async release(): Promise<void> {
    const { store, key } = this.#o;
    try {
      // Bounded like every store call of an owner: a partition that starts right now must not
      // hold close() forever (the record and ownership then lapse by themselves).
      const deleted = await this.#bounded(
        store.delete(key, this.#ownership ? { ownership: this.#ownership } : undefined),
      );
      if (deleted !== LAPSED && this.#ownership && store.release) {
        await this.#bounded(store.release(key, this.#ownership));
      }
    } catch (error) {
      this.#o.logger.warn(
        { lease: this.#o.describe(), code: codeOf(error) },
        '@userstream/keepalive: removing the lease record failed',
      );
    }
  }

  /** Writes the record (with our fencing token) over the version we last wrote. */
  async save(record: Omit<LeaseRecord, 'owner' | 'fencingToken'>): Promise<void> {
    const { store, key, owner } = this.#o;
    const { kind, ...times } = record;
    try {
      const version = await this.#bounded(
        store.put(
          key,
          { kind, owner, fencingToken: this.fencingToken, ...times },
          this.#storeVersion === undefined ? undefined : { ifVersion: this.#storeVersion },
        ),
      );
      if (version === LAPSED) {
        // No answer while we could prove ownership: the next check() decides whether we stop.
        this.#storeVersion = undefined;
        this.#o.logger.warn(
          { lease: this.#o.describe() },
          '@userstream/keepalive: writing the lease record got no answer before the ownership TTL ran out',
        );
        return;
      }
      this.#storeVersion = version;
    } catch (error) {
      if (codeOf(error) === LeaseErrorCode.Lost) {
        // The store fenced us off: another worker owns the lease. Stop touching it.
        this.#o.lost();
        return;
      }
      if (codeOf(error) === LeaseErrorCode.Conflict) {
        // Someone else wrote the record: take the current version and write ours over it
        // (ownership, not the record, decides who renews).
        const current = await this.#bounded(store.get(key)).catch(() => undefined);
        this.#storeVersion = current === LAPSED ? undefined : current?.version;
        return;
      }
      this.#o.logger.warn(
        { lease: this.#o.describe(), code: codeOf(error) },
        '@userstream/keepalive: writing the lease record failed',
      );
    }
  }

  /**
   * Periodic ownership renewal, on a grid shared by every lease with the same period (multiples
   * of `renewMs` on the clock, no jitter): a worker's renewals fall due at the same instant, and
   * a store that batches what is asked in one turn (the Redis store) renews them all in one
   * round trip per tick instead of one per lease (issue 15 item 5). The job hands the check off
   * and returns at once, so the scheduler's in-flight cap does not split the tick into rounds.
   */
  #startRenewal(): void {
    const { renewMs, store, scheduler } = this.#o;
    if (renewMs === undefined || !this.#ownership || !store.renewOwnership) return;
    const nextTick = () => (Math.floor(this.#now() / renewMs) + 1) * renewMs;
    const tick = async (): Promise<void> => {
      if (!this.#o.running()) return;
      if (!(await this.check())) {
        this.#o.lost();
        return;
      }
      if (this.#stopped || !this.#o.running()) return;
      // While the store cannot be reached, look again when our proven ownership runs out, so
      // the stream stops then and not up to a renewal period later.
      job.scheduleAt(Math.min(nextTick(), Math.max(this.#now(), this.#provenUntil)));
    };
    const job = scheduler.add({
      label: `ownership ${this.#o.describe()}`,
      run: () => {
        void tick();
      },
    });
    this.#job = job;
    job.scheduleAt(nextTick());
  }
}
