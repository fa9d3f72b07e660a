import { backoffDelay, ExchangeCode, ExchangeError, TransportError } from '@userstream/core';
import type { RetryOptions } from './options.js';

/** undici errors that mean the request never left: safe to retry whatever the method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

export interface RetryPolicy {
  /** undefined: `retry: false`, one attempt. */
  retry: Required<RetryOptions> | undefined;
  random: () => number;
  /** Safe to send twice: retried on 5xx and timeouts. */
  idempotent: boolean;
  /**
   * Set for signed requests on venues with a server-time endpoint: re-measures the clock offset
   * once after -1021 (timestamp outside recvWindow), then the request is sent again.
   */
  resync: (() => Promise<unknown>) | undefined;
  /** Waits between attempts (on the client's clock, ended by abort and close). */
  sleep: (ms: number) => Promise<void>;
}

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
 * Sends with `send(attempt)` until it succeeds or may not be retried: a clock skew (-1021) is
 * corrected once, then transport failures and 5xx answers of requests safe to repeat are retried
 * after core's capped exponential backoff with full jitter.
 */
export async function withRetries<T>(send: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const { retry, resync } = policy;
  let resynced = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(attempt);
    } catch (error) {
      if (
        !resynced &&
        resync &&
        error instanceof ExchangeError &&
        error.exchangeCode === ExchangeCode.TimestampOutsideRecvWindow
      ) {
        resynced = true;
        await resync();
        continue;
      }
      if (!retry || attempt >= retry.maxAttempts || !isRetryable(error, policy.idempotent)) throw error;
      await policy.sleep(
        backoffDelay(attempt, {
          baseDelayMs: retry.baseDelayMs,
          maxDelayMs: retry.maxDelayMs,
          random: policy.random,
        }),
      );
    }
  }
}
