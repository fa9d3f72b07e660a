/**
 * A lease's place in the store: ownership with its fencing token (claimed, renewed, checked
 * before every credential operation, released), and the lease record kept in sync with a
 * version check. Only the owner with the current fencing token touches a credential.
 */
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

export class LeaseOwnership {
  readonly #o: LeaseOwnershipOptions;
  #ownership: Ownership | undefined;
  #job: Job | undefined;
  #storeVersion: number | undefined;

  constructor(options: LeaseOwnershipOptions) {
    this.#o = options;
  }

  /** The fencing token of our ownership (0 for stores without owners). */
  get fencingToken(): number {
    return this.#ownership?.fencingToken ?? 0;
  }

  /** Whether this process may release the credential and the record when closing. */
  async mayRelease(): Promise<boolean> {
    return this.#ownership ? this.check() : !this.#o.store.claim;
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
    this.#startRenewal();
  }

  /** True while this process still owns the lease (stores without owners: always). */
  async check(): Promise<boolean> {
    const { store, key } = this.#o;
    if (!this.#ownership || !store.renewOwnership) return true;
    try {
      const renewed = await store.renewOwnership(key, this.#ownership, this.#o.ttlMs());
      if (!renewed) return false;
      this.#ownership = renewed;
      return true;
    } catch (error) {
      // A store outage is not a lost lease: keep renewing the credential (issue 9: keep streams running).
      this.#o.logger.warn(
        { lease: this.#o.describe(), code: codeOf(error) },
        '@userstream/keepalive: the lease store is unavailable; carrying on as owner',
      );
      return true;
    }
  }

  /** Stops the periodic renewal. */
  stop(): void {
    this.#job?.cancel();
  }

  /** Deletes the record and gives up ownership (the owner's part of close()). */
  async release(): Promise<void> {
    const { store, key } = this.#o;
    try {
      await store.delete(key, this.#ownership ? { ownership: this.#ownership } : undefined);
      if (this.#ownership && store.release) await store.release(key, this.#ownership);
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
      this.#storeVersion = await store.put(
        key,
        { kind, owner, fencingToken: this.fencingToken, ...times },
        this.#storeVersion === undefined ? undefined : { ifVersion: this.#storeVersion },
      );
    } catch (error) {
      if (codeOf(error) === LeaseErrorCode.Lost) {
        // The store fenced us off: another worker owns the lease. Stop touching it.
        this.#o.lost();
        return;
      }
      if (codeOf(error) === LeaseErrorCode.Conflict) {
        // Someone else wrote the record: take the current version and write ours over it
        // (ownership, not the record, decides who renews).
        const current = await store.get(key).catch(() => undefined);
        this.#storeVersion = current?.version;
        return;
      }
      this.#o.logger.warn(
        { lease: this.#o.describe(), code: codeOf(error) },
        '@userstream/keepalive: writing the lease record failed',
      );
    }
  }

  #startRenewal(): void {
    const { renewMs, store, scheduler } = this.#o;
    if (renewMs === undefined || !this.#ownership || !store.renewOwnership) return;
    const job = scheduler.add({
      label: `ownership ${this.#o.describe()}`,
      run: async () => {
        if (!this.#o.running()) return;
        if (!(await this.check())) {
          this.#o.lost();
          return;
        }
        job.scheduleIn(renewMs);
      },
    });
    this.#job = job;
    job.scheduleIn(renewMs);
  }
}
