import type { UserstreamError } from '@userstream/core';
import { BaseLease } from './lease.js';
import type { BaseLeaseOptions, LeaseState } from './lease-types.js';

/** Options of a {@link WsApiLease} (`openUserDataStream()` builds them for WebSocket API venues). */
export interface WsApiLeaseOptions extends BaseLeaseOptions {
  /** The venue's connection lifetime (24 h): the stream rotates its connection before it. */
  lifetimeMs: number;
  /** Replaces the stream's subscription with a fresh one (a new stream). */
  recreate: () => Promise<void>;
}

/**
 * A WebSocket API subscription (Binance spot). There is no credential to renew: the stream
 * signs a new subscription after every reconnect and rotates its connection before 24 h by
 * itself. The lease tracks it (age, re-subscriptions, failures) and, when the stream reports
 * the credential invalid, recreates the stream with backoff.
 */
export class WsApiLease extends BaseLease {
  /** Always `wsApi`. */
  readonly kind = 'wsApi' as const;
  readonly #lifetimeMs: number;
  readonly #recreateStream: () => Promise<void>;
  #reason: string | undefined;
  #subscribedAt: number | undefined;

  constructor(options: WsApiLeaseOptions) {
    super(options);
    this.#lifetimeMs = options.lifetimeMs;
    this.#recreateStream = options.recreate;
  }

  /**
   * Claims ownership in the store (rejects with `LeaseConflictError` when another owner holds it) and records
   * the lease as active.
   */
  async start(): Promise<void> {
    await this.claim();
    this.status = 'active';
    this.publishCreated();
    await this.saveRecord();
  }

  /** As every lease's `state()`, with `nextRenewalAt` the end of the connection's 24 h lifetime (rotated before it) when nothing else is due. */
  override state(): LeaseState {
    const s = super.state();
    return {
      ...s,
      nextRenewalAt:
        s.nextRenewalAt ??
        (this.#subscribedAt === undefined ? undefined : this.#subscribedAt + this.#lifetimeMs),
    };
  }

  /** The stream (re)subscribed: after its first open, a reconnect or a rotation. */
  noteSubscribed(): void {
    if (this.closed) return;
    const now = this.clock.now();
    const first = this.#subscribedAt === undefined;
    this.#subscribedAt = now;
    this.credentialCreatedAt = now;
    this.expiresAt = now + this.#lifetimeMs;
    this.consecutiveFailures = 0;
    if (!first) {
      this.lastRenewedAt = now;
      this.renewals++;
      this.publish('renewed', {
        kind: this.kind,
        at: now,
        nextRenewalAt: now + this.#lifetimeMs,
        credentialFingerprint: undefined,
      });
    }
  }

  /** The stream failed to (re)subscribe or lost its connection. */
  noteFailure(error: UserstreamError): void {
    if (this.closed) return;
    this.recordFailure(error, undefined);
  }

  /** Recreates the stream soon (the stream reported the credential invalid). Coalesces. */
  recreate(reason: string): void {
    if (this.status === 'closed' || this.status === 'lost' || this.status === 'recreating') return;
    this.#reason = reason;
    this.job.scheduleAt(this.clock.now());
  }

  protected defaultOwnershipTtl(): number {
    return this.#lifetimeMs;
  }

  protected async runDue(): Promise<void> {
    const reason = this.#reason ?? 'manual';
    this.status = 'recreating';
    try {
      await this.#recreateStream();
    } catch (error) {
      if (this.closed) return;
      const until = this.noteRateLimit(error);
      const retryAt = until ?? this.clock.now() + this.backoff(this.consecutiveFailures + 1);
      this.recordFailure(error, retryAt);
      this.status = 'active';
      this.job.scheduleAt(retryAt);
      return;
    }
    if (this.closed) return;
    this.#reason = undefined;
    this.status = 'active';
    this.recreations++;
    this.consecutiveFailures = 0;
    this.publish('recreated', {
      kind: this.kind,
      at: this.clock.now(),
      reason,
      credentialFingerprint: undefined,
    });
    await this.saveRecord();
  }

  protected async releaseCredential(): Promise<void> {
    // The stream's close() ends the subscription.
  }
}
