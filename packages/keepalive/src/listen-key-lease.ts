import { createOptionKit, ErrorCode, ExchangeCode } from '@userstream/core';
import { BaseLease } from './lease.js';
import type { BaseLeaseOptions } from './lease-types.js';

const kit = createOptionKit('@userstream/keepalive');

import type { RateLimitView } from './scheduler.js';

/** The part of `@userstream/rest`'s `RestClient` a listenKey lease uses. */
export interface ListenKeyRestClient {
  /** `POST`: a listenKey (on most venues the account's active key, extended). Rejects with a typed error. */
  createListenKey(options?: { symbol?: string }): Promise<string>;
  /** `signal`: close() aborts a keepalive in flight. */
  keepAliveListenKey(listenKey: string, options?: { symbol?: string; signal?: AbortSignal }): Promise<void>;
  /** `DELETE`: the key stops working; called by `close()`. */
  closeListenKey(listenKey: string, options?: { symbol?: string }): Promise<void>;
  /** The venue's request weight as the client last saw it; the scheduler paces renewals by it. */
  readonly rateLimit?: RateLimitView;
}

/**
 * Options of a {@link ListenKeyLease} (`openUserDataStream()` builds them from the venue profile). A bad
 * retry or duration throws `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`).
 */
export interface ListenKeyLeaseOptions<R extends ListenKeyRestClient = ListenKeyRestClient>
  extends Omit<BaseLeaseOptions, 'rateLimit'> {
  /** The client the lease renews through; `client` gives it back with its own type. */
  rest: R;
  /** Isolated-margin symbol (legacy isolated listenKeys). */
  symbol?: string;
  /** Keepalive interval (the venue's `timing.renewIntervalMs`, 30 min on Binance). */
  renewIntervalMs: number;
  /** How long a key lives after a create or keepalive (`timing.keyValidityMs`, 60 min). */
  validityMs: number;
}

/**
 * A listenKey kept alive: created with POST, renewed with PUT every `renewIntervalMs` (minus
 * jitter) on the shared scheduler; a failed PUT is retried with backoff well before the key's
 * validity ends; on -1125 (unknown key), after the validity elapsed, or when the stream reports
 * `listenKeyExpired`, a new key is created and handed to every stream using it
 * (make-before-break); `close()` deletes the key.
 */
export class ListenKeyLease<R extends ListenKeyRestClient = ListenKeyRestClient> extends BaseLease {
  /** Always `listenKey`. */
  readonly kind = 'listenKey' as const;
  readonly #rest: R;
  readonly #opts: { symbol?: string } | undefined;
  readonly #renewIntervalMs: number;
  readonly #validityMs: number;
  #listenKey: string | undefined;
  #mode: 'renew' | 'recreate' = 'renew';
  #recreateReason = '';
  #expiredReported = false;

  constructor(options: ListenKeyLeaseOptions<R>) {
    const rest = options.rest;
    super({ ...options, rateLimit: () => rest.rateLimit });
    if (!(options.renewIntervalMs > 0 && options.validityMs >= options.renewIntervalMs)) {
      throw kit.invalid(
        `renewIntervalMs (${options.renewIntervalMs}) must be positive and at most the key validity (${options.validityMs} ms)`,
        'renewIntervalMs',
      );
    }
    // Node timers: above 2^31-1 ms one fires after 1 ms.
    kit.duration(options.renewIntervalMs, 'renewIntervalMs');
    kit.duration(options.validityMs, 'validityMs');
    this.#rest = rest;
    this.#opts = options.symbol === undefined ? undefined : { symbol: options.symbol };
    this.#renewIntervalMs = options.renewIntervalMs;
    this.#validityMs = options.validityMs;
  }

  /** The REST client this lease renews through. */
  get client(): R {
    return this.#rest;
  }

  /** The current listenKey. A SECRET: never log it. */
  get credential(): string | undefined {
    return this.#listenKey;
  }

  /** Creates the first key (claims ownership in the store first). Throws what the venue answered. */
  async start(): Promise<void> {
    try {
      await this.claim();
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
    let listenKey: string;
    try {
      listenKey = await this.#rest.createListenKey(this.#opts);
    } catch (error) {
      // Nothing to release at the venue: drop ownership, close the client, report.
      await this.close().catch(() => {});
      throw error;
    }
    this.#listenKey = listenKey;
    this.setCredential(listenKey);
    const now = this.clock.now();
    this.expiresAt = now + this.#validityMs;
    this.status = 'active';
    this.job.scheduleIn(this.#renewIntervalMs);
    this.publishCreated();
    await this.saveRecord();
  }

  /**
   * Asks for a new key now (the stream said `listenKeyExpired`, or you know better). Calls
   * coalesce: while a new key is being created, further calls do nothing.
   */
  recreate(reason: string): void {
    if (this.status === 'closed' || this.status === 'lost' || this.status === 'recreating') return;
    if (this.#mode === 'recreate' && this.job.dueAt !== undefined && this.job.dueAt <= this.clock.now())
      return;
    this.#mode = 'recreate';
    this.#recreateReason = reason;
    this.job.scheduleAt(this.clock.now());
  }

  /**
   * Renews the key now instead of at its interval: the venue announced its coming expiry
   * (Toobit's `listenKeyWillExpire`, pushed every minute in a key's last 5 minutes). Coalesces
   * with a renewal already due, and leaves a re-creation alone.
   */
  renewNow(): void {
    if (this.status !== 'active' || this.#mode !== 'renew') return;
    const now = this.clock.now();
    if (this.job.dueAt !== undefined && this.job.dueAt <= now) return;
    this.job.scheduleAt(now);
  }

  protected defaultOwnershipTtl(): number {
    return this.#validityMs;
  }

  protected async runDue(): Promise<void> {
    const now = this.clock.now();
    if (this.#mode === 'renew' && this.expiresAt !== undefined && now >= this.expiresAt) {
      this.#reportExpired('validity-elapsed');
      this.#mode = 'recreate';
      this.#recreateReason = 'validity-elapsed';
    }
    if (this.#mode === 'recreate') await this.#recreate(this.#recreateReason);
    else await this.#renew();
  }

  protected async releaseCredential(): Promise<void> {
    const listenKey = this.#listenKey;
    this.#listenKey = undefined;
    if (listenKey !== undefined) await this.#rest.closeListenKey(listenKey, this.#opts);
  }

  #reportExpired(reason: string): void {
    if (this.#expiredReported) return;
    this.#expiredReported = true;
    this.status = 'expired';
    this.publish('expired', { kind: this.kind, at: this.clock.now(), reason });
  }

  async #renew(): Promise<void> {
    const listenKey = this.#listenKey;
    if (listenKey === undefined) {
      this.#mode = 'recreate';
      return this.#recreate('no-key');
    }
    this.status = 'renewing';
    try {
      // Aborted by close(): an unanswered PUT must not hold close() up to the REST timeout.
      await this.#rest.keepAliveListenKey(listenKey, { ...this.#opts, signal: this.signal });
    } catch (error) {
      this.#onError(error, 'renew');
      return;
    }
    if (this.closed) return;
    const now = this.clock.now();
    this.lastRenewedAt = now;
    this.expiresAt = now + this.#validityMs;
    this.renewals++;
    this.consecutiveFailures = 0;
    this.status = 'active';
    const next = this.job.scheduleIn(this.#renewIntervalMs);
    this.publish('renewed', {
      kind: this.kind,
      at: now,
      nextRenewalAt: next,
      credentialFingerprint: this.credentialFp,
    });
    await this.saveRecord();
  }

  async #recreate(reason: string): Promise<void> {
    this.status = 'recreating';
    let listenKey: string;
    try {
      listenKey = await this.#rest.createListenKey(this.#opts);
    } catch (error) {
      this.#onError(error, 'recreate');
      return;
    }
    const previous = this.#listenKey;
    this.#listenKey = listenKey;
    const now = this.clock.now();
    this.lastRenewedAt = now;
    this.expiresAt = now + this.#validityMs;
    this.consecutiveFailures = 0;
    this.#mode = 'renew';
    this.#expiredReported = false;
    if (this.closed) return; // close() deletes the key just made
    this.status = 'active';
    const next = this.job.scheduleIn(this.#renewIntervalMs);
    if (listenKey === previous) {
      // The venue still had the account's key and extended it (POST returns the active key).
      this.renewals++;
      this.publish('renewed', {
        kind: this.kind,
        at: now,
        nextRenewalAt: next,
        credentialFingerprint: this.credentialFp,
      });
    } else {
      this.setCredential(listenKey);
      this.recreations++;
      await this.handOver(listenKey);
      this.publish('recreated', {
        kind: this.kind,
        at: this.clock.now(),
        reason,
        credentialFingerprint: this.credentialFp,
      });
    }
    await this.saveRecord();
  }

  #onError(error: unknown, during: 'renew' | 'recreate'): void {
    if (this.closed) return;
    const now = this.clock.now();
    const code = (error as { code?: unknown; exchangeCode?: unknown })?.code;
    if (code === ErrorCode.RetiredEndpoint) {
      // The venue switched the endpoint off: retrying cannot help.
      this.recordFailure(error, undefined);
      this.job.cancel();
      this.#reportExpired('retired');
      return;
    }
    if (
      during === 'renew' &&
      (error as { exchangeCode?: unknown })?.exchangeCode === ExchangeCode.ListenKeyNotFound
    ) {
      // -1125: the key is gone. Create a new one right away.
      this.#mode = 'recreate';
      this.#recreateReason = 'listenKeyNotFound';
      this.recordFailure(error, now);
      this.job.scheduleAt(now);
      return;
    }
    const until = this.noteRateLimit(error);
    let retryAt: number;
    if (until !== undefined) {
      retryAt = until;
    } else {
      const delay = this.backoff(this.consecutiveFailures + 1);
      // Keep several attempts inside the key's remaining validity.
      const remaining = (this.expiresAt ?? now) - now;
      retryAt =
        now + (remaining > 0 ? Math.min(delay, Math.max(this.retryBase, Math.floor(remaining / 4))) : delay);
    }
    this.status = during === 'renew' ? 'active' : 'recreating';
    this.recordFailure(error, retryAt);
    this.job.scheduleAt(retryAt);
  }
}
