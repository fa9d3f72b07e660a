/** What a refused WebSocket API subscription means for the session: one decision, in one place. */
import { ExchangeCode, ExchangeError, type UserstreamError } from '@userstream/core';

/**
 * - `credential`: the listenToken (or key) is gone: wait for a new one (`credentialExpired`).
 * - `orphan`: a late answer of ours left a subscription nobody routes: end orphans, subscribe again.
 * - `permanent`: asking again with the same credential cannot work (bad key or signature).
 * - `subscription-ids`: the connection used up its subscription ids: a fresh one resets them.
 * - `retry`: rate limits, 5xx, timeouts: subscribe again after a backoff.
 */
export type RefusalKind = 'credential' | 'orphan' | 'permanent' | 'subscription-ids' | 'retry';

/** Errors that will not go away by asking again with the same credential. */
const PERMANENT = new Set<number>([
  ExchangeCode.Unauthorized,
  ExchangeCode.InvalidSignature,
  ExchangeCode.RejectedApiKey,
  ExchangeCode.UnsupportedOperation,
  ExchangeCode.IllegalParameter,
  ExchangeCode.MandatoryParameter,
]);

/** HTTP statuses of a rate limit and of a ban for ignoring one: retried, not permanent. */
const RATE_LIMITED = 429;
const BANNED = 418;

export function classifyRefusal(error: UserstreamError): RefusalKind {
  const code = error instanceof ExchangeError ? error.exchangeCode : undefined;
  if (code === ExchangeCode.InvalidListenToken || code === ExchangeCode.ListenKeyNotFound)
    return 'credential';
  if (code === ExchangeCode.AlreadySubscribed) return 'orphan';
  const status = error instanceof ExchangeError ? error.status : undefined;
  const clientError =
    status !== undefined &&
    status < 500 &&
    status !== RATE_LIMITED &&
    status !== BANNED &&
    code !== ExchangeCode.TooManyRequests &&
    code !== ExchangeCode.TooManySubscriptions;
  if (code !== undefined && (PERMANENT.has(code) || clientError)) return 'permanent';
  if (code === ExchangeCode.TooManySubscriptions) return 'subscription-ids';
  return 'retry';
}
