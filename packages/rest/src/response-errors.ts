import {
  ClosedError,
  describeNetworkCause,
  ExchangeCode,
  ExchangeError,
  RateLimitError,
  RetiredEndpointError,
  redactText,
  TransportError,
  type UserstreamError,
  type VenueProfile,
} from '@userstream/core';
import { isResponseTooLarge, type ResponseHeaders } from './body.js';
import { venueById } from './venue-checks.js';

/** Binance's shortest IP ban, when a 418 names no `Retry-After`. */
const DEFAULT_BAN_MS = 120_000;
/** The wait after a 429 that names no `Retry-After`. */
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Longest exchange message kept (a hostile venue could send megabytes). */
const MAX_EXCHANGE_MESSAGE = 500;
/** Exchange code of an error answer that carries none (a bare HTTP 4xx). */
const NO_EXCHANGE_CODE = 0;

/** One request, as its errors describe it: never its query (it is signed). */
export interface RequestScope {
  venue: VenueProfile;
  /** `METHOD /path`. */
  context: string;
  /** Everything to redact: the client's secrets, this request's credentials and signature. */
  secrets: readonly string[];
}

function retiredMessage(
  venue: VenueProfile,
  context: string,
  exchangeMessage: string,
): { message: string; replacement?: string } {
  const retired = venue.retired ?? venueById(venue.id)?.retired;
  const replacement = retired?.replacement;
  const instead = replacement ? venueById(replacement) : undefined;
  const how =
    instead?.protocol === 'wsApi'
      ? 'a WebSocket API subscription, userDataStream.subscribe.signature'
      : instead?.protocol === 'listenToken'
        ? 'a listenToken from createListenToken(), then userDataStream.subscribe.listenToken'
        : undefined;
  if (!retired) {
    return {
      message: `@userstream/rest: ${context} is gone (HTTP 410) on ${venue.id}${exchangeMessage ? `: ${exchangeMessage}` : ''}`,
    };
  }
  return {
    message:
      `@userstream/rest: ${context} is retired on ${venue.id} (${retired.host}) since ${retired.since}` +
      (replacement ? `; use the '${replacement}' venue instead${how ? ` (${how})` : ''}` : ''),
    ...(replacement ? { replacement } : {}),
  };
}

/**
 * The typed error of a venue's non-2xx answer: 429/418 a `RateLimitError` (with when to send
 * again), 410 a `RetiredEndpointError` naming the replacement, a `{code, msg}` body an
 * `ExchangeError`, anything else an `ExchangeError` by status. Every secret the request carried
 * is redacted from it, also when the venue quotes it back.
 */
export function responseError(
  status: number,
  headers: ResponseHeaders,
  text: string,
  scope: RequestScope,
  now: number,
): UserstreamError {
  const { venue, context, secrets } = scope;
  let body: { code?: unknown; msg?: unknown } = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) body = parsed as typeof body;
  } catch {
    // not JSON: described by status below
  }
  if (status === 429 || status === 418) {
    const seconds = Number(headers['retry-after']);
    const banned = status === 418;
    const retryAfterMs =
      Number.isFinite(seconds) && seconds > 0
        ? seconds * 1000
        : banned
          ? DEFAULT_BAN_MS
          : DEFAULT_RETRY_AFTER_MS;
    return new RateLimitError(
      `@userstream/rest: ${context}: ${banned ? `IP banned by ${venue.id} for ${retryAfterMs} ms; requests are refused until then` : `rate limited by ${venue.id}; retry after ${retryAfterMs} ms`}`,
      { retryAfterMs, banned, until: now + retryAfterMs, secrets, details: { venue: venue.id, status } },
    );
  }
  if (status === 410) {
    const { message, replacement } = retiredMessage(
      venue,
      context,
      typeof body.msg === 'string' ? body.msg : '',
    );
    return new RetiredEndpointError(message, {
      ...(replacement ? { replacement } : {}),
      secrets,
      details: { venue: venue.id, status },
    });
  }
  if (typeof body.code === 'number') {
    return new ExchangeError(
      body.code,
      typeof body.msg === 'string' ? redactText(body.msg, secrets).slice(0, MAX_EXCHANGE_MESSAGE) : '',
      { status, context: `@userstream/rest: ${context}`, secrets },
    );
  }
  return new ExchangeError(status >= 500 ? ExchangeCode.Disconnected : NO_EXCHANGE_CODE, `HTTP ${status}`, {
    status,
    context: `@userstream/rest: ${context}`,
    secrets,
  });
}

/** How a request that got no answer ended, as the client saw it. */
export interface FailureCircumstances {
  /** The caller's signal aborted it. */
  aborted: boolean;
  /** The client was closed under it. */
  closed: boolean;
  /** The request timer (undici's or the clock's) ended it. */
  timedOut: boolean;
  /** The timeout, in clock ms, for the message. */
  timeoutMs: number;
}

/**
 * The typed error of a request that got no (whole) answer: too large stays the venue's answer
 * (never retried), an abort or a close is `ClosedError`, anything else a `TransportError`
 * (`USERSTREAM_TIMEOUT` when timed out) with the cause redacted.
 */
export function requestFailure(
  cause: unknown,
  how: FailureCircumstances,
  scope: RequestScope,
): UserstreamError {
  const { context } = scope;
  if (isResponseTooLarge(cause)) return cause;
  if (how.aborted) return new ClosedError(`@userstream/rest: ${context} aborted`, { aborted: true });
  if (how.closed) return new ClosedError(`@userstream/rest: ${context} ended: the client was closed`);
  // The cause in words (getaddrinfo ENOTFOUND …, connect ECONNREFUSED …): a log line should say
  // why without the reader digging into `cause`. A timeout says that instead.
  const why = how.timedOut ? undefined : describeNetworkCause(cause);
  return new TransportError(
    `@userstream/rest: ${context} failed${how.timedOut ? ` (timed out after ${how.timeoutMs} ms)` : ''}${why ? `: ${why}` : ''}`,
    { cause, timeout: how.timedOut, secrets: scope.secrets, details: { venue: scope.venue.id } },
  );
}
