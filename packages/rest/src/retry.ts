import { backoffDelay, type Endpoint, ExchangeCode, ExchangeError, TransportError } from '@userstream/core';
import type { ClockSleep } from './clock-sleep.js';
import type { RetryOptions } from './options.js';
import type { RequestOptions } from './request-checks.js';

/** undici errors that mean the request never left: safe to retry whatever the method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/** What the loop needs to know of a request. */
export interface RetriedCall {
  endpoint: Endpoint;
  options: RequestOptions;
  /** Safe to send twice: retried on 5xx and timeouts. */
  idempotent: boolean;
}

export interface RetryLoopOptions<C extends RetriedCall> {
  /** undefined: `retry: false`, one attempt. */
  retry: Required<RetryOptions> | undefined;
  random: () => number;
  /** Waits between attempts (on the client's clock, ended by abort and close). */
  sleep: ClockSleep;
  /** One attempt. */
  send: (call: C, attempt: number) => Promise<unknown>;
  /**
   * Re-measures the clock offset, once per call, after a signed request got -1021 (timestamp
   * outside recvWindow) or Aster v3's -4225 (nonce expired); undefined when the venue has no
   * server-time endpoint.
   */
  resync: ((call: C) => Promise<unknown>) | undefined;
}

/**
 * Aster v3's "Nonce Expired": its nonce is the client's clock in µs and must be within 10 s of the
 * server's (or was used before); like -1021, a clock sync and a fresh nonce cure it.
 */
const ASTER_NONCE_EXPIRED = -4225;

/** Whether `error` may go away by sending the same request again. */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof TransportError) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const notSent = typeof cause?.code === 'string' && NOT_SENT.has(cause.code);
    return notSent || idempotent;
  }
  if (!(error instanceof ExchangeError) || (error.status ?? 0) < 500) return false;
  return idempotent;
}

/**
 * Sends a call until it succeeds or may not be retried: a clock skew (-1021, Aster's -4225) is corrected once,
 * then transport failures and 5xx answers of requests safe to repeat are retried after core's
 * capped exponential backoff with full jitter. Made once per client: nothing is allocated per
 * call (this runs for every request).
 */
export class RetryLoop<C extends RetriedCall> {
  readonly #options: RetryLoopOptions<C>;

  constructor(options: RetryLoopOptions<C>) {
    this.#options = options;
  }

  async run<T>(call: C): Promise<T> {
    const { retry, resync, send } = this.#options;
    let resynced = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await send(call, attempt)) as T;
      } catch (error) {
        if (
          !resynced &&
          resync &&
          call.endpoint.signed &&
          error instanceof ExchangeError &&
          (error.exchangeCode === ExchangeCode.TimestampOutsideRecvWindow ||
            error.exchangeCode === ASTER_NONCE_EXPIRED)
        ) {
          resynced = true;
          await resync(call);
          continue;
        }
        if (!retry || attempt >= retry.maxAttempts || !isRetryable(error, call.idempotent)) throw error;
        const delay = backoffDelay(attempt, {
          baseDelayMs: retry.baseDelayMs,
          maxDelayMs: retry.maxDelayMs,
          random: this.#options.random,
        });
        await this.#options.sleep.sleep(delay, call.options.signal);
      }
    }
  }
}
