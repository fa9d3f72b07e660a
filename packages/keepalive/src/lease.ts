import {
  backoffDelay,
  type Clock,
  createOptionKit,
  ErrorCode,
  TransportError,
  UserstreamError,
} from '@userstream/core';
import { LeaseEmitter } from './lease-emitter.js';
import { fingerprint, type LeaseKey } from './lease-key.js';
import { LeaseOwnership } from './lease-ownership.js';
import type { LeaseKind, LeaseStore } from './lease-store.js';
import {
  type BaseLeaseOptions,
  type CredentialConsumer,
  DEFAULT_LEASE_RETRY_BASE_MS,
  DEFAULT_LEASE_RETRY_MAX_MS,
  type Lease,
  type LeaseClosedInfo,
  type LeaseState,
  type LeaseStatus,
} from './lease-types.js';
import type { Logger } from './logger.js';
import type { Job, Scheduler } from './scheduler.js';

const kit = createOptionKit('@userstream/keepalive');
const codeOf = (error: unknown): unknown => (error as { code?: unknown })?.code;

/**
 * Machinery every lease shares: one scheduler job, its lifecycle (start, fenced runs, close),
 * ownership and the store record (lease-ownership.ts), events (lease-emitter.ts), and the
 * consumers (streams) that receive new credentials.
 */
export abstract class BaseLease extends LeaseEmitter implements Lease {
  /** Which credential this lease keeps: `listenKey`, `wsApi` or `listenToken`. */
  abstract override readonly kind: LeaseKind;
  /** The venue, account (API key) and symbol the lease is for; equal keys share one lease. */
  readonly key: LeaseKey;
  /** Protocol time: the scheduler's clock. */
  protected readonly clock: Clock;
  /** Runs this lease's one job (renewals, retries); shared by many leases. */
  protected readonly scheduler: Scheduler;
  /** Where the lease record and its ownership live (memory, Redis). */
  protected readonly store: LeaseStore;
  /** Where lifecycle lines go (never with the credential). */
  protected readonly logger: Logger;
  /** This process's name in the store's ownership entries. */
  protected readonly owner: string;
  /** The scheduler job that runs `runDue()` when the next renewal is due. */
  protected readonly job: Job;
  /** First retry delay after a failure, ms. */
  protected readonly retryBase: number;
  /** Longest retry delay, ms. */
  protected readonly retryMax: number;
  /** Jitter source of the backoff, in [0, 1). */
  protected readonly random: () => number;
  /** Rate-limit group (the venue's REST origin): a 429/418 holds every lease of the group. */
  protected readonly group: string;
  /** Where the lease is in its lifecycle; `state().status`. */
  protected status: LeaseStatus = 'starting';
  /** Protocol ms at which the lease was constructed. */
  protected createdAt: number;
  /** Protocol ms at which the current credential was obtained. */
  protected credentialCreatedAt: number | undefined;
  /** Protocol ms of the last successful renewal. */
  protected lastRenewedAt: number | undefined;
  /** Protocol ms at which the credential lapses unless renewed (best estimate). */
  protected expiresAt: number | undefined;
  /** Successful renewals, ever. */
  protected renewals = 0;
  /** Credentials replaced by new ones, ever. */
  protected recreations = 0;
  /** Failed attempts, ever. */
  protected failures = 0;
  /** Failed attempts since the last success (drives the backoff). */
  protected consecutiveFailures = 0;
  /** Fingerprint of the current credential (8 hex characters of its SHA-256), never the credential. */
  protected credentialFp: string | undefined;
  /** The streams told about each new credential. */
  protected readonly consumers = new Set<CredentialConsumer>();
  readonly #ownership: LeaseOwnership;
  readonly #dispose: (() => Promise<void>) | undefined;
  readonly #ownershipTtlMs: number | undefined;
  #running: Promise<void> | undefined;
  /** Ends the current run's requests that need not finish (see {@link signal}); one per run. */
  #runAbort: AbortController | undefined;
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
      throw kit.invalid('retry needs 0 < baseDelayMs <= maxDelayMs', 'retry');
    }
    // Backoff delays are Node timers: above 2^31-1 ms one fires after 1 ms (a retry storm).
    kit.duration(this.retryBase, 'retry.baseDelayMs');
    kit.duration(this.retryMax, 'retry.maxDelayMs');
    this.#dispose = options.dispose;
    for (const field of ['ownershipTtlMs', 'ownershipRenewMs'] as const) {
      if (options[field] !== undefined) kit.duration(options[field], field);
    }
    if (
      options.ownershipRenewMs !== undefined &&
      options.ownershipRenewMs >= (options.ownershipTtlMs ?? Number.POSITIVE_INFINITY)
    ) {
      throw kit.invalid('ownershipRenewMs must be shorter than ownershipTtlMs', 'ownershipRenewMs');
    }
    this.#ownershipTtlMs = options.ownershipTtlMs;
    this.#ownership = new LeaseOwnership({
      key: this.key,
      store: this.store,
      owner: this.owner,
      scheduler: this.scheduler,
      logger: this.logger,
      ttlMs: () => this.ownershipTtl(),
      renewMs: options.ownershipRenewMs,
      describe: () => this.describe(),
      running: () => this.status !== 'closed' && this.status !== 'lost',
      lost: () => this.#lost(),
    });
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

  /** Default ownership TTL: the credential's validity. */
  protected abstract defaultOwnershipTtl(): number;

  /**
   * What a dashboard shows: status, credential age and next renewal (protocol ms), counters and the
   * credential's fingerprint; never the credential.
   */
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

  /**
   * The fencing token of this lease's ownership in its store (0 without owners): see `Lease.fencingToken`.
   */
  get fencingToken(): number {
    return this.#ownership.fencingToken;
  }

  /** True once `close()` has run (the credential released, the job removed). */
  get closed(): boolean {
    return this.status === 'closed';
  }

  /**
   * Adds a stream that must switch to every new credential (a stream attaches itself when it opens on this
   * lease).
   */
  attach(consumer: CredentialConsumer): void {
    this.consumers.add(consumer);
  }

  /** Removes a stream attached with `attach()` (when it closes). */
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
    this.#ownership.stop();
    // A keepalive the venue never answers would hold close() up to the REST timeout: end it now
    // (nothing is lost, the credential is about to be released). A creation in flight passes no
    // signal and is let finish, so a key it just made is released too.
    this.#runAbort?.abort();
    if (this.#running) await this.#running.catch(() => {});
    // Only the owner may release the credential and the record (a lease that never got
    // ownership, or lost it, leaves both to the current owner).
    const owns = !wasLost && (await this.#ownership.mayRelease());
    if (owns) {
      try {
        await this.releaseCredential();
      } catch (error) {
        this.logger.warn(
          { lease: this.describe(), code: codeOf(error) },
          '@userstream/keepalive: releasing the credential failed (it will lapse by itself)',
        );
      }
      await this.#ownership.release();
    }
    this.consumers.clear();
    if (this.#dispose) {
      try {
        await this.#dispose();
      } catch (error) {
        this.logger.warn(
          { lease: this.describe(), code: codeOf(error) },
          '@userstream/keepalive: dispose failed',
        );
      }
    }
    const info: LeaseClosedInfo = { kind: this.kind, at: this.clock.now() };
    this.publish('closed', info);
  }

  async #run(): Promise<void> {
    if (this.status === 'closed' || this.status === 'lost') return;
    const abort = new AbortController();
    this.#runAbort = abort;
    const p = this.#runFenced();
    this.#running = p;
    try {
      await p;
    } finally {
      if (this.#running === p) this.#running = undefined;
      if (this.#runAbort === abort) this.#runAbort = undefined;
    }
  }

  /**
   * Aborted by close(): pass it to a request of a scheduled run that close() may end unanswered
   * (a keepalive, a token fetch), never to one that makes something close() must release.
   */
  protected get signal(): AbortSignal | undefined {
    return this.#runAbort?.signal;
  }

  async #runFenced(): Promise<void> {
    if (!(await this.#ownership.check())) {
      this.#lost();
      return;
    }
    await this.runDue();
  }

  #lost(): void {
    if (this.status === 'lost' || this.status === 'closed') return;
    this.status = 'lost';
    this.job.cancel();
    this.#ownership.stop();
    this.publish('expired', { kind: this.kind, at: this.clock.now(), reason: 'ownership-lost' });
  }

  /** How long ownership lasts without a renewal. */
  protected ownershipTtl(): number {
    return this.#ownershipTtlMs ?? this.defaultOwnershipTtl();
  }

  /** Takes ownership in the store (when it supports owners). Throws LeaseConflictError when another owner holds it. */
  protected claim(): Promise<void> {
    return this.#ownership.claim();
  }

  /**
   * Writes the lease record (times, status, fingerprint; no credential) to the store, fenced by ownership.
   */
  protected saveRecord(): Promise<void> {
    return this.#ownership.save({
      kind: this.kind,
      createdAt: this.createdAt,
      lastRenewedAt: this.lastRenewedAt,
      nextRenewalAt: this.job.dueAt,
      expiresAt: this.expiresAt,
      credentialFingerprint: this.credentialFp,
    });
  }

  /**
   * Notes a new credential: its fingerprint and the protocol time it was obtained (the credential itself is
   * not kept here).
   */
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

  /**
   * Counts a failed attempt, emits `renewFailed` (with `retryAt`), and returns the failure as a typed error.
   */
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
          { lease: this.describe(), code: codeOf(r.reason) },
          '@userstream/keepalive: a stream could not switch to the new credential',
        );
      }
    }
  }
}

/** A failure as the lease reports it: a typed error as it is, anything else a transport failure. */
export function toUserstreamError(error: unknown): UserstreamError {
  if (UserstreamError.isInstance(error)) return error;
  return new TransportError('@userstream/keepalive: the request failed', { cause: error });
}
