/** The public types of leases: state, lifecycle events, options. */
import type { UserstreamError } from '@userstream/core';
import type { LeaseKey } from './lease-key.js';
import type { LeaseKind, LeaseStore } from './lease-store.js';
import type { Logger } from './logger.js';
import type { RateLimitView, Scheduler } from './scheduler.js';

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

/**
 * Where a lease is: `starting` (first credential on its way), `active`, `renewing`, `recreating` (a new
 * credential after loss), `expired` (lapsed; being replaced), `lost` (another worker owns it; this one stops)
 * or `closed`.
 */
export type LeaseStatus = 'starting' | 'active' | 'renewing' | 'recreating' | 'expired' | 'lost' | 'closed';

/** What a dashboard shows about a lease. Never contains the credential itself. */
export interface LeaseState {
  /** Which credential: `listenKey`, `wsApi` or `listenToken`. */
  readonly kind: LeaseKind;
  /** Venue, account (API key) and symbol of the lease. */
  readonly key: LeaseKey;
  /** Where the lease is in its lifecycle. */
  readonly status: LeaseStatus;
  /** When the lease was started (epoch ms). */
  readonly createdAt: number;
  /** Time since `createdAt`, in ms. */
  readonly age: number;
  /** When the current credential was obtained. */
  readonly credentialCreatedAt: number | undefined;
  /** When the last renewal succeeded (protocol ms); undefined before the first. */
  readonly lastRenewedAt: number | undefined;
  /** When the next renewal (or token refresh) is due (protocol ms); undefined while none is scheduled. */
  readonly nextRenewalAt: number | undefined;
  /** When the current credential lapses unless renewed (best estimate). */
  readonly expiresAt: number | undefined;
  /** Successful renewals, ever. */
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

/** The `renewed` event: the credential was kept alive (a listenKey `PUT`, a token refresh). */
export interface LeaseRenewedInfo {
  /** Which credential. */
  readonly kind: LeaseKind;
  /** Protocol ms of the renewal. */
  readonly at: number;
  /** When the next one is due (protocol ms). */
  readonly nextRenewalAt: number | undefined;
  /** Fingerprint of the credential (8 hex characters of its SHA-256). */
  readonly credentialFingerprint: string | undefined;
}
/** The `renewFailed` event: an attempt failed and will be retried with backoff. */
export interface LeaseRenewFailedInfo {
  /** Which credential. */
  readonly kind: LeaseKind;
  /** Protocol ms of the failure. */
  readonly at: number;
  /** What failed, typed (`code` says whether it was the network, a rate limit, the venue). */
  readonly error: UserstreamError;
  /** Failures since the last success, this one included. */
  readonly consecutiveFailures: number;
  /** When the next attempt is due. */
  readonly retryAt: number | undefined;
}
/** The `recreated` event: a new credential replaced one that was lost or expired (the streams switch to it). */
export interface LeaseRecreatedInfo {
  /** Which credential. */
  readonly kind: LeaseKind;
  /** Protocol ms of the replacement. */
  readonly at: number;
  /** Why a new credential was needed, e.g. `listenKeyNotFound`, `listenKeyExpired`, `eventStreamTerminated`. */
  readonly reason: string;
  /** Fingerprint of the new credential. */
  readonly credentialFingerprint: string | undefined;
}
/** The `expired` event: the credential lapsed or this process lost the lease; a replacement follows unless `ownership-lost`. */
export interface LeaseExpiredInfo {
  /** Which credential. */
  readonly kind: LeaseKind;
  /** Protocol ms at which the expiry was noticed. */
  readonly at: number;
  /** `validity-elapsed`, `ownership-lost`, `retired`, or the stream's reason. */
  readonly reason: string;
}
/** The `closed` event: `close()` finished (credential released at the venue, job removed). */
export interface LeaseClosedInfo {
  /** Which credential. */
  readonly kind: LeaseKind;
  /** Protocol ms of the close. */
  readonly at: number;
}

/** Lease lifecycle events. */
export interface LeaseEvents {
  /** The credential was kept alive. */
  renewed: [info: LeaseRenewedInfo];
  /** An attempt failed; retried with capped, jittered backoff. */
  renewFailed: [info: LeaseRenewFailedInfo];
  /** A new credential replaced a lost or expired one. */
  recreated: [info: LeaseRecreatedInfo];
  /** The credential lapsed, or ownership was lost to another worker. */
  expired: [info: LeaseExpiredInfo];
  /** The lease was closed. */
  closed: [info: LeaseClosedInfo];
  /**
   * A listener of this lease threw (or its promise rejected): a `ListenerError` naming the event.
   * The lease went on without it; with no `error` listener it is only logged.
   */
  error: [error: UserstreamError];
}

/** A stream using a lease's credential: told when a new credential replaces the old one. */
export interface CredentialConsumer {
  /** Switch to `credential` (make-before-break). Rejections are logged; the lease carries on. */
  replaceCredential(credential: string): Promise<void>;
}

/** The public face of every lease. */
export interface Lease {
  /** Which credential the lease keeps: `listenKey`, `wsApi` or `listenToken`. */
  readonly kind: LeaseKind;
  /** Venue, account (API key) and symbol; equal keys share one lease. */
  readonly key: LeaseKey;
  /**
   * The fencing token of this lease's ownership in its store (0 without owners). A writer that
   * shares state with other workers (a Redis Stream) passes it, so a newer owner fences it off.
   */
  readonly fencingToken: number;
  /** A snapshot for dashboards: status, credential age, next renewal, counters; never the credential. */
  state(): LeaseState;
  /** Listens to a lifecycle event (see {@link LeaseEvents}); a listener that throws is reported as `error`, not thrown. */
  on<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): this;
  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): this;
  /** Listens to the next occurrence of a lifecycle event only. */
  once<K extends keyof LeaseEvents>(type: K, listener: (...args: LeaseEvents[K]) => void): this;
}

/** What every lease takes (the protocol's lease options add their own). */
export interface BaseLeaseOptions {
  /** Venue, account (API key) and symbol: names the lease in the store and in logs (abridged). */
  key: LeaseKey;
  /** The scheduler running the lease's job; its clock is the lease's protocol time. */
  scheduler: Scheduler;
  /** Where the record and ownership live: `createMemoryLeaseStore()`, or Redis in a fleet. */
  store: LeaseStore;
  /** Name of this process/worker in the store. */
  owner: string;
  /** Where lifecycle lines go (pino-compatible; credentials never appear in them). */
  logger: Logger;
  /** Backoff of failed attempts. @default \{ baseDelayMs: 1000, maxDelayMs: 60000 \} */
  retry?: LeaseRetryOptions;
  /** Rate-limit group: jobs of one venue host wait together under a 429/418. */
  group: string;
  /** The REST client's rate-limit view: the scheduler defers jobs while the venue's weight is nearly used up. */
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
