import { createOptionKit, describeValue } from '@userstream/core';
import { BaseLease } from './lease.js';
import type { BaseLeaseOptions } from './lease-types.js';

const kit = createOptionKit('@userstream/keepalive');

import type { RateLimitView } from './scheduler.js';

/** Share of a listenToken's validity after which a new token is fetched. @default 0.8 */
export const DEFAULT_TOKEN_RENEW_AT = 0.8;

/** The part of `@userstream/rest`'s `RestClient` a listenToken lease uses. */
export interface ListenTokenRestClient {
  /** `signal`: close() aborts a renewal in flight (a token cannot be revoked: nothing to release). */
  createListenToken(options?: { symbol?: string; validityMs?: number; signal?: AbortSignal }): Promise<{
    /** The listenToken (a secret: never logged). */
    token: string;
    /** When the token lapses, epoch ms as the venue says. */
    expirationTime: number;
  }>;
  /** The venue's request weight as the client last saw it; the scheduler paces refreshes by it. */
  readonly rateLimit?: RateLimitView;
}

/**
 * Options of a {@link ListenTokenLease}. `renewAt` outside (0, 1) or a bad duration throws
 * `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`).
 */
export interface ListenTokenLeaseOptions<R extends ListenTokenRestClient = ListenTokenRestClient>
  extends Omit<BaseLeaseOptions, 'rateLimit'> {
  /** The client the lease renews through; `client` gives it back with its own type. */
  rest: R;
  /** Isolated-margin symbol: tokens are per symbol there. */
  symbol?: string;
  /** Validity asked for each token (the venue's maximum is 24 h); undefined: the venue's default. */
  validityMs?: number;
  /** Fetch the next token after this share of the current one's validity. @default 0.8 */
  renewAt?: number;
}

/**
 * A listenToken kept valid: tokens cannot be extended, so before `expirationTime` (at
 * `renewAt` of the validity) a new token is fetched and every stream re-subscribes with it
 * (`replaceListenToken`, no gap). After `eventStreamTerminated` (the token lapsed), a new one is
 * fetched at once. Tokens cannot be revoked: `close()` only stops renewing.
 */
export class ListenTokenLease<R extends ListenTokenRestClient = ListenTokenRestClient> extends BaseLease {
  /** Always `listenToken`. */
  readonly kind = 'listenToken' as const;
  readonly #rest: R;
  readonly #opts: { symbol?: string; validityMs?: number };
  readonly #renewAt: number;
  #token: string | undefined;
  #reason: string | undefined;
  #expiredReported = false;

  constructor(options: ListenTokenLeaseOptions<R>) {
    const rest = options.rest;
    super({ ...options, rateLimit: () => rest.rateLimit });
    const renewAt = options.renewAt ?? DEFAULT_TOKEN_RENEW_AT;
    if (!(renewAt > 0 && renewAt < 1)) {
      throw kit.invalid(
        `renewAt is a share of the token's validity in (0, 1), got ${describeValue(renewAt)}`,
        'renewAt',
      );
    }
    this.#rest = rest;
    this.#renewAt = renewAt;
    this.#opts = {};
    if (options.symbol !== undefined) this.#opts.symbol = options.symbol;
    if (options.validityMs !== undefined)
      this.#opts.validityMs = kit.duration(options.validityMs, 'validityMs');
  }

  /** The REST client this lease renews through. */
  get client(): R {
    return this.#rest;
  }

  /** The current listenToken. A SECRET: never log it. */
  get credential(): string | undefined {
    return this.#token;
  }

  /**
   * Claims ownership in the store and fetches the first token; rejects with the typed error of either (the
   * lease is closed then).
   */
  async start(): Promise<void> {
    try {
      await this.claim();
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
    let result: { token: string; expirationTime: number };
    try {
      result = await this.#rest.createListenToken(this.#opts);
    } catch (error) {
      // Nothing to release at the venue: drop ownership, close the client, report.
      await this.close().catch(() => {});
      throw error;
    }
    this.#accept(result);
    this.status = 'active';
    this.publishCreated();
    await this.saveRecord();
  }

  /** Fetches a new token now (the stream said `eventStreamTerminated` or -1209). Coalesces. */
  recreate(reason: string): void {
    if (this.status === 'closed' || this.status === 'lost' || this.status === 'recreating') return;
    this.#reason = reason;
    this.job.scheduleAt(this.clock.now());
  }

  protected defaultOwnershipTtl(): number {
    return Math.max(60_000, (this.expiresAt ?? this.clock.now() + 3_600_000) - this.clock.now());
  }

  protected async runDue(): Promise<void> {
    const reason = this.#reason;
    const now = this.clock.now();
    if (this.expiresAt !== undefined && now >= this.expiresAt && !this.#expiredReported) {
      this.#expiredReported = true;
      this.status = 'expired';
      this.publish('expired', { kind: this.kind, at: now, reason: reason ?? 'validity-elapsed' });
    }
    this.status = reason ? 'recreating' : 'renewing';
    let result: { token: string; expirationTime: number };
    try {
      // Aborted by close(): tokens lapse by themselves, so an unanswered fetch need not be waited for.
      result = await this.#rest.createListenToken({ ...this.#opts, signal: this.signal });
    } catch (error) {
      if (this.closed) return;
      const until = this.noteRateLimit(error);
      const at = this.clock.now();
      const remaining = (this.expiresAt ?? at) - at;
      const delay = this.backoff(this.consecutiveFailures + 1);
      const retryAt =
        until ??
        at + (remaining > 0 ? Math.min(delay, Math.max(this.retryBase, Math.floor(remaining / 4))) : delay);
      this.recordFailure(error, retryAt);
      this.job.scheduleAt(retryAt);
      return;
    }
    if (this.closed) return;
    this.#reason = undefined;
    this.consecutiveFailures = 0;
    this.#expiredReported = false;
    this.#accept(result);
    this.status = 'active';
    await this.handOver(result.token);
    const at = this.clock.now();
    if (reason) {
      this.recreations++;
      this.publish('recreated', { kind: this.kind, at, reason, credentialFingerprint: this.credentialFp });
    } else {
      this.renewals++;
      this.publish('renewed', {
        kind: this.kind,
        at,
        nextRenewalAt: this.job.dueAt,
        credentialFingerprint: this.credentialFp,
      });
    }
    await this.saveRecord();
  }

  protected async releaseCredential(): Promise<void> {
    // listenTokens cannot be revoked; they lapse at expirationTime.
    this.#token = undefined;
  }

  #accept(result: { token: string; expirationTime: number }): void {
    const now = this.clock.now();
    this.#token = result.token;
    this.setCredential(result.token);
    this.lastRenewedAt = now;
    const expirationTime = Number.isFinite(result.expirationTime) ? result.expirationTime : now + 3_600_000;
    this.expiresAt = expirationTime;
    const validity = Math.max(0, expirationTime - now);
    this.job.scheduleIn(Math.max(1_000, Math.floor(validity * this.#renewAt)));
  }
}
