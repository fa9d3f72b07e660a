import type { Channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import {
  backoffDelay,
  type Clock,
  describeValue,
  ErrorCode,
  InvalidInputError,
  TransportError,
  UserstreamError,
  validateDuration,
} from '@userstream/core';
import { channels } from './diagnostics.js';
import { LeaseConflictError, LeaseErrorCode } from './errors.js';
import { fingerprint, type LeaseKey } from './lease-key.js';
import type { LeaseKind, LeaseRecord, LeaseStore, Ownership } from './lease-store.js';
import { type Logger, silentLogger } from './logger.js';
import type { Job, RateLimitView, Scheduler } from './scheduler.js';

/** First retry after a failed renewal. @default 1_000 */
export const DEFAULT_LEASE_RETRY_BASE_MS = 1_000;
/** Longest wait between retries of a failed renewal. @default 60_000 */
export const DEFAULT_LEASE_RETRY_MAX_MS = 60_000;

/** Capped exponential backoff with full jitter for failed renewals. */
export interface LeaseRetryOptions {
  /** @default 1_000 */
  baseDelayMs?: number;
  /** @default 60_000 */
  maxDelayMs?: number;
}

export type LeaseStatus = 'starting' | 'active' | 'renewing' | 'recreating' | 'expired' | 'lost' | 'closed';

/** What a dashboard shows about a lease. Never contains the credential itself. */
export interface LeaseState {
  readonly kind: LeaseKind;
  readonly key: LeaseKey;
  readonly status: LeaseStatus;
  /** When the lease was started (epoch ms). */
  readonly createdAt: number;
  /** Time since `createdAt`, in ms. */
  readonly age: number;
  /** When the current credential was obtained. */
  readonly credentialCreatedAt: number | undefined;
  readonly lastRenewedAt: number | undefined;
  readonly nextRenewalAt: number | undefined;
  /** When the current credential lapses unless renewed (best estimate). */
  readonly expiresAt: number | undefined;
  readonly renewals: number;
  /** Credentials replaced by new ones after expiry or loss. */
  readonly recreations: number;
  /** Failed renewal/creation attempts, ever. */
  readonly failures: number;
  /** Failed attempts since the last success. */
  readonly consecutiveFailures: number;
  /** First 8 hex characters of the current credential's SHA-256 (to tell generations apart). */
  readonly credentialFingerprint: string | undefined;
  /** Streams sharing this lease. */
  readonly holders: number;
}

export interface LeaseRenewedInfo {
  readonly kind: LeaseKind;
  readonly at: number;
  readonly nextRenewalAt: number | undefined;
  readonly credentialFingerprint: string | undefined;
}
export interface LeaseRenewFailedInfo {
  readonly kind: LeaseKind;
  readonly at: number;
  readonly error: UserstreamError;
  readonly consecutiveFailures: number;
  /** When the next attempt is due. */
  readonly retryAt: number | undefined;
}
export interface LeaseRecreatedInfo {
  readonly kind: LeaseKind;
  readonly at: number;
  /** Why a new credential was needed, e.g. `listenKeyNotFound`, `listenKeyExpired`, `eventStreamTerminated`. */
  readonly reason: string;
  readonly credentialFingerprint: string | undefined;
}
export interface LeaseExpiredInfo {
  readonly kind: LeaseKind;
  readonly at: number;
  /** `validity-elapsed`, `ownership-lost`, `retired`, or the stream's reason. */
  readonly reason: string;
}
export interface LeaseClosedInfo {
  readonly kind: LeaseKind;
  readonly at: number;
}

/** Lease lifecycle events. */
export interface LeaseEvents {
  renewed: [info: LeaseRenewedInfo];
  renewFailed: [info: LeaseRenewFailedInfo];
  recreated: [info: LeaseRecreatedInfo];
  expired: [info: LeaseExpiredInfo];
  closed: [info: LeaseClosedInfo];
}

/** A stream using a lease's credential: told when a new credential replaces the old one. */
export interface CredentialConsumer {
  /** Switch to `credential` (make-before-break). Rejections are logged; the lease carries on. */
  replaceCredential(credential: string): Promise<void>;
}

/** The public face of every lease. */
export interface Lease {
  readonly kind: LeaseKind;
  readonly key: LeaseKey;
  state(): LeaseState;
  on<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): this;
  off<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): this;
  once<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): this;
}

export interface BaseLeaseOptions {
  key: LeaseKey;
  scheduler: Scheduler;
  store: LeaseStore;
  /** Name of this process/worker in the store. */
  owner: string;
  logger: Logger;
  retry?: LeaseRetryOptions;
  /** Rate-limit group: jobs of one venue host wait together under a 429/418. */
  group: string;
  rateLimit?: () => RateLimitView | undefined;
  /** Random source for backoff jitter. @default Math.random */
  random?: () => number;
  /** Runs last in close(), e.g. to close the lease's REST client. */
  dispose?: () => Promise<void>;
  /**
   * How long ownership in the store lasts without renewal. Short in a fleet, so a dead worker's
   * leases are taken over quickly. @default the credential's validity
   */
  ownershipTtlMs?: number;
  /**
   * Renew ownership (checking the fencing token) this often, besides before every credential
   * renewal and close. Set it below `ownershipTtlMs` in a fleet. @default only with credential renewals
   */
  ownershipRenewMs?: number;
}

/**
 * Machinery every lease shares: one scheduler job, lifecycle events mirrored to
 * diagnostics_channel and the logger (never with the credential), the store record with the
 * owner's fencing token, and the consumers (streams) that receive new credentials.
 */
export abstract class BaseLease extends EventEmitter<LeaseEvents> implements Lease {
  abstract readonly kind: LeaseKind;
  readonly key: LeaseKey;
  protected readonly clock: Clock;
  protected readonly scheduler: Scheduler;
  protected readonly store: LeaseStore;
  protected readonly logger: Logger;
  protected readonly owner: string;
  protected readonly job: Job;
  protected readonly retryBase: number;
  protected readonly retryMax: number;
  protected readonly random: () => number;
  protected readonly group: string;
  protected status: LeaseStatus = 'starting';
  protected createdAt: number;
  protected credentialCreatedAt: number | undefined;
  protected lastRenewedAt: number | undefined;
  protected expiresAt: number | undefined;
  protected renewals = 0;
  protected recreations = 0;
  protected failures = 0;
  protected consecutiveFailures = 0;
  protected credentialFp: string | undefined;
  protected ownership: Ownership | undefined;
  protected readonly consumers = new Set<CredentialConsumer>();
  readonly #dispose: (() => Promise<void>) | undefined;
  readonly #ownershipTtlMs: number | undefined;
  readonly #ownershipRenewMs: number | undefined;
  #ownershipJob: Job | undefined;
  #storeVersion: number | undefined;
  #running: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  protected constructor(options: BaseLeaseOptions) {
    super();
    this.key = options.key;
    this.scheduler = options.scheduler;
    this.clock = options.scheduler.clock;
    this.store = options.store;
    this.logger = options.logger;
    this.owner = options.owner;
    this.group = options.group;
    this.random = options.random ?? Math.random;
    this.retryBase = options.retry?.baseDelayMs ?? DEFAULT_LEASE_RETRY_BASE_MS;
    this.retryMax = options.retry?.maxDelayMs ?? DEFAULT_LEASE_RETRY_MAX_MS;
    if (!(this.retryBase > 0 && this.retryMax >= this.retryBase)) {
      throw new InvalidInputError('@userstream/keepalive: retry needs 0 < baseDelayMs <= maxDelayMs', {
        field: 'retry',
      });
    }
    // Backoff delays are Node timers: above 2^31-1 ms one fires after 1 ms (a retry storm).
    validateDuration(this.retryBase, 'retry.baseDelayMs', { prefix: '@userstream/keepalive' });
    validateDuration(this.retryMax, 'retry.maxDelayMs', { prefix: '@userstream/keepalive' });
    this.#dispose = options.dispose;
    for (const field of ['ownershipTtlMs', 'ownershipRenewMs'] as const) {
      const v = options[field];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
        throw new InvalidInputError(
          `@userstream/keepalive: ${field} must be a positive number of ms, got ${describeValue(v)}`,
          {
            field,
          },
        );
      }
      if (v !== undefined) validateDuration(v, field, { prefix: '@userstream/keepalive' });
    }
    if (
      options.ownershipRenewMs !== undefined &&
      options.ownershipRenewMs >= (options.ownershipTtlMs ?? Number.POSITIVE_INFINITY)
    ) {
      throw new InvalidInputError(
        '@userstream/keepalive: ownershipRenewMs must be shorter than ownershipTtlMs',
        {
          field: 'ownershipRenewMs',
        },
      );
    }
    this.#ownershipTtlMs = options.ownershipTtlMs;
    this.#ownershipRenewMs = options.ownershipRenewMs;
    this.createdAt = this.clock.now();
    this.job = this.scheduler.add({
      run: () => this.#run(),
      rateLimit: options.rateLimit,
      group: options.group,
      label: `${this.key.venue}/${this.key.account.slice(0, 8)}${this.key.symbol ? `/${this.key.symbol}` : ''}`,
    });
  }

  /** The work of one scheduled run (renew, recreate). */
  protected abstract runDue(): Promise<void>;

  /** Releases the credential at the venue (DELETE a listenKey); nothing for tokens. */
  protected abstract releaseCredential(): Promise<void>;

  state(): LeaseState {
    const now = this.clock.now();
    return {
      kind: this.kind,
      key: this.key,
      status: this.status,
      createdAt: this.createdAt,
      age: now - this.createdAt,
      credentialCreatedAt: this.credentialCreatedAt,
      lastRenewedAt: this.lastRenewedAt,
      nextRenewalAt: this.job.dueAt,
      expiresAt: this.expiresAt,
      renewals: this.renewals,
      recreations: this.recreations,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      credentialFingerprint: this.credentialFp,
      holders: this.consumers.size,
    };
  }

  get closed(): boolean {
    return this.status === 'closed';
  }

  attach(consumer: CredentialConsumer): void {
    this.consumers.add(consumer);
  }

  detach(consumer: CredentialConsumer): void {
    this.consumers.delete(consumer);
  }

  /** Resolves when the lease is closed: job cancelled, credential released, record deleted. */
  close(): Promise<void> {
    if (!this.#closing) this.#closing = this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const wasLost = this.status === 'lost';
    this.status = 'closed';
    this.job.cancel();
    this.#ownershipJob?.cancel();
    // Let a renewal or creation in flight finish, so a key it just made is released too.
    if (this.#running) await this.#running.catch(() => {});
    // Only the owner may release the credential and the record (a lease that never got
    // ownership, or lost it, leaves both to the current owner).
    const owns = !wasLost && (this.ownership ? await this.#checkFence() : !this.store.claim);
    if (owns) {
      try {
        await this.releaseCredential();
      } catch (error) {
        this.logger.warn(
          { lease: this.describe(), code: (error as { code?: unknown })?.code },
          '@userstream/keepalive: releasing the credential failed (it will lapse by itself)',
        );
      }
      try {
        await this.store.delete(this.key);
        if (this.ownership && this.store.release) await this.store.release(this.key, this.ownership);
      } catch (error) {
        this.logger.warn(
          { lease: this.describe(), code: (error as { code?: unknown })?.code },
          '@userstream/keepalive: removing the lease record failed',
        );
      }
    }
    this.consumers.clear();
    if (this.#dispose) {
      try {
        await this.#dispose();
      } catch (error) {
        this.logger.warn(
          { lease: this.describe(), code: (error as { code?: unknown })?.code },
          '@userstream/keepalive: dispose failed',
        );
      }
    }
    const info: LeaseClosedInfo = { kind: this.kind, at: this.clock.now() };
    this.publish('closed', info);
  }

  async #run(): Promise<void> {
    if (this.status === 'closed' || this.status === 'lost') return;
    const p = this.#runFenced();
    this.#running = p;
    try {
      await p;
    } finally {
      if (this.#running === p) this.#running = undefined;
    }
  }

  async #runFenced(): Promise<void> {
    if (!(await this.#checkFence())) {
      this.#lost();
      return;
    }
    await this.runDue();
  }

  #lost(): void {
    if (this.status === 'lost' || this.status === 'closed') return;
    this.status = 'lost';
    this.job.cancel();
    this.#ownershipJob?.cancel();
    this.publish('expired', { kind: this.kind, at: this.clock.now(), reason: 'ownership-lost' });
  }

  /** Starts the periodic ownership renewal (when `ownershipRenewMs` is set); call after claiming. */
  protected startOwnershipRenewal(): void {
    if (this.#ownershipRenewMs === undefined || !this.ownership || !this.store.renewOwnership) return;
    const every = this.#ownershipRenewMs;
    const job = this.scheduler.add({
      label: `ownership ${this.describe()}`,
      run: async () => {
        if (this.status === 'closed' || this.status === 'lost') return;
        if (!(await this.#checkFence())) {
          this.#lost();
          return;
        }
        job.scheduleIn(every);
      },
    });
    this.#ownershipJob = job;
    job.scheduleIn(every);
  }

  /** True while this process still owns the lease (stores without owners: always). */
  async #checkFence(): Promise<boolean> {
    if (!this.ownership || !this.store.renewOwnership) return true;
    try {
      const renewed = await this.store.renewOwnership(this.key, this.ownership, this.ownershipTtl());
      if (!renewed) return false;
      this.ownership = renewed;
      return true;
    } catch (error) {
      // A store outage is not a lost lease: keep renewing the credential (issue 9: keep streams running).
      this.logger.warn(
        { lease: this.describe(), code: (error as { code?: unknown })?.code },
        '@userstream/keepalive: the lease store is unavailable; carrying on as owner',
      );
      return true;
    }
  }

  /** Default ownership TTL: the credential's validity. */
  protected abstract defaultOwnershipTtl(): number;

  /** How long ownership lasts without a renewal. */
  protected ownershipTtl(): number {
    return this.#ownershipTtlMs ?? this.defaultOwnershipTtl();
  }

  /** Takes ownership in the store (when it supports owners). Throws LeaseConflictError when another owner holds it. */
  protected async claim(): Promise<void> {
    if (!this.store.claim) return;
    const ownership = await this.store.claim(this.key, this.owner, this.ownershipTtl());
    if (!ownership) {
      throw new LeaseConflictError(
        `@userstream/keepalive: another worker owns the lease of ${this.describe()}; open it there or wait for its ownership to lapse`,
        { lost: true },
      );
    }
    this.ownership = ownership;
    this.startOwnershipRenewal();
  }

  protected async saveRecord(): Promise<void> {
    const record: LeaseRecord = {
      kind: this.kind,
      owner: this.owner,
      fencingToken: this.ownership?.fencingToken ?? 0,
      createdAt: this.createdAt,
      lastRenewedAt: this.lastRenewedAt,
      nextRenewalAt: this.job.dueAt,
      expiresAt: this.expiresAt,
      credentialFingerprint: this.credentialFp,
    };
    try {
      this.#storeVersion = await this.store.put(
        this.key,
        record,
        this.#storeVersion === undefined ? undefined : { ifVersion: this.#storeVersion },
      );
    } catch (error) {
      if ((error as { code?: unknown })?.code === LeaseErrorCode.Conflict) {
        // Someone else wrote the record: take the current version and write ours over it
        // (ownership, not the record, decides who renews).
        const current = await this.store.get(this.key).catch(() => undefined);
        this.#storeVersion = current?.version;
        return;
      }
      this.logger.warn(
        { lease: this.describe(), code: (error as { code?: unknown })?.code },
        '@userstream/keepalive: writing the lease record failed',
      );
    }
  }

  protected setCredential(credential: string): void {
    this.credentialFp = fingerprint(credential);
    this.credentialCreatedAt = this.clock.now();
  }

  /** Backoff delay for the n-th consecutive failure (1-based), full jitter, capped. */
  protected backoff(n: number): number {
    return backoffDelay(n, {
      baseDelayMs: this.retryBase,
      maxDelayMs: this.retryMax,
      random: this.random,
      minDelayMs: Math.min(this.retryBase, this.retryMax) / 2,
    });
  }

  protected recordFailure(error: unknown, retryAt: number | undefined): UserstreamError {
    this.failures++;
    this.consecutiveFailures++;
    const err = toUserstreamError(error);
    this.publish('renewFailed', {
      kind: this.kind,
      at: this.clock.now(),
      error: err,
      consecutiveFailures: this.consecutiveFailures,
      retryAt,
    });
    return err;
  }

  /** Holds the whole venue group after a 429/418, so other leases on the host wait too. */
  protected noteRateLimit(error: unknown): number | undefined {
    const e = error as { code?: unknown; until?: unknown; banned?: unknown };
    if ((e?.code === ErrorCode.RateLimited || e?.code === ErrorCode.Banned) && typeof e.until === 'number') {
      this.scheduler.hold(this.group, e.until, e.banned === true ? 'banned' : 'rate-limited');
      return e.until;
    }
    return undefined;
  }

  /** Hands a new credential to every consumer; resolves when all have switched (or failed). */
  protected async handOver(credential: string): Promise<void> {
    const consumers = [...this.consumers];
    const results = await Promise.allSettled(consumers.map((c) => c.replaceCredential(credential)));
    for (const r of results) {
      if (r.status === 'rejected') {
        this.logger.warn(
          { lease: this.describe(), code: (r.reason as { code?: unknown })?.code },
          '@userstream/keepalive: a stream could not switch to the new credential',
        );
      }
    }
  }

  protected describe(): string {
    return `${this.key.venue} account ${this.key.account.slice(0, 8)}${this.key.symbol ? ` ${this.key.symbol}` : ''}`;
  }

  protected publish<K extends keyof LeaseEvents>(type: K, info: LeaseEvents[K][0]): void {
    const channel =
      type === 'renewed'
        ? channels.leaseRenewed
        : type === 'renewFailed'
          ? channels.leaseRenewFailed
          : type === 'recreated'
            ? channels.leaseRecreated
            : type === 'expired'
              ? channels.leaseExpired
              : channels.leaseClosed;
    if (channel.hasSubscribers || this.logger !== silentLogger) this.#report(type, info, channel);
    try {
      (this.emit as (t: string, i: unknown) => boolean)(type, info);
    } catch (error) {
      // A listener threw: never let it break the renewal loop.
      this.logger.error(
        { lease: this.describe(), event: type, code: (error as { code?: unknown })?.code },
        '@userstream/keepalive: a lease event listener threw',
      );
    }
  }

  #report<K extends keyof LeaseEvents>(type: K, info: LeaseEvents[K][0], channel: Channel): void {
    const summary = {
      lease: this.describe(),
      venue: this.key.venue,
      account: this.key.account.slice(0, 8),
      symbol: this.key.symbol,
      kind: this.kind,
      event: type,
      ...('reason' in info ? { reason: info.reason } : {}),
      ...('error' in info ? { code: info.error.code, consecutiveFailures: info.consecutiveFailures } : {}),
    };
    if (channel.hasSubscribers) channel.publish(summary);
    if (type === 'renewFailed' || type === 'expired') {
      this.logger.warn(summary, `@userstream/keepalive: lease ${type}`);
    } else {
      this.logger.debug(summary, `@userstream/keepalive: lease ${type}`);
    }
  }

  protected publishCreated(): void {
    if (channels.leaseCreated.hasSubscribers) {
      channels.leaseCreated.publish({
        lease: this.describe(),
        venue: this.key.venue,
        account: this.key.account.slice(0, 8),
        symbol: this.key.symbol,
        kind: this.kind,
      });
    }
  }
}

export function toUserstreamError(error: unknown): UserstreamError {
  if (UserstreamError.isInstance(error)) return error;
  return new TransportError('@userstream/keepalive: the request failed', { cause: error });
}
