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
  readonly kind: LeaseKind;
  readonly key: LeaseKey;
  /**
   * The fencing token of this lease's ownership in its store (0 without owners). A writer that
   * shares state with other workers (a Redis Stream) passes it, so a newer owner fences it off.
   */
  readonly fencingToken: number;
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
