import { inspect } from 'node:util';
import { redactText, redactValue } from './redact.js';

const MARKER = Symbol.for('@userstream/error');

/** Stable error codes. They never change meaning between versions; match on these. */
export const ErrorCode = {
  /** A method argument is not acceptable (a symbol, a key, a parameter): fix the call. */
  InvalidInput: 'USERSTREAM_INVALID_INPUT',
  /** A factory option is not acceptable (`InvalidInputError.field` names it): fix the configuration. */
  InvalidConfig: 'USERSTREAM_INVALID_CONFIG',
  /** The venue answered with an error object (`ExchangeError.exchangeCode` says which). */
  Exchange: 'USERSTREAM_EXCHANGE_ERROR',
  /** HTTP 429: the venue asked us to slow down (`RateLimitError.retryAfterMs`). Retryable. */
  RateLimited: 'USERSTREAM_RATE_LIMITED',
  /** HTTP 418: the IP is banned until `RateLimitError.until`; nothing is sent to the venue before. */
  Banned: 'USERSTREAM_IP_BANNED',
  /** The network failed (DNS, refused, reset, closed): the message names the cause. Retryable. */
  Transport: 'USERSTREAM_TRANSPORT',
  /** No answer within the timeout; the request may or may not have reached the venue. Retryable. */
  Timeout: 'USERSTREAM_TIMEOUT',
  /** The venue broke the protocol (an answer that cannot be understood). */
  Protocol: 'USERSTREAM_PROTOCOL',
  /** A stream frame could not be parsed or validated; it was counted and skipped, the stream goes on. */
  MalformedFrame: 'USERSTREAM_MALFORMED_FRAME',
  /** HTTP 410: the venue switched the endpoint off (`RetiredEndpointError.replacement` says what to use). */
  RetiredEndpoint: 'USERSTREAM_RETIRED_ENDPOINT',
  /** A listenKey, listenToken or subscription stopped working and must be replaced. */
  CredentialExpired: 'USERSTREAM_CREDENTIAL_EXPIRED',
  /** A request could not be signed (bad key material, a signer that threw). */
  Signing: 'USERSTREAM_SIGNING',
  /** The object was closed; create a new one. */
  Closed: 'USERSTREAM_CLOSED',
  /** The operation was aborted through its `AbortSignal`. */
  Aborted: 'USERSTREAM_ABORTED',
  /** A `for await` consumer fell too far behind under the `error` buffer policy. */
  SlowConsumer: 'USERSTREAM_SLOW_CONSUMER',
  /** A stream listener threw; the stream went on (see `ListenerError` in @userstream/stream). */
  ListenerError: 'USERSTREAM_LISTENER_ERROR',
  /** A WebSocket frame larger than the stream's `maxPayload`: the connection is replaced. */
  PayloadTooLarge: 'USERSTREAM_PAYLOAD_TOO_LARGE',
  /** A REST answer larger than the client's `maxResponseBytes`: not read, not retried. */
  ResponseTooLarge: 'USERSTREAM_RESPONSE_TOO_LARGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Exchange error codes this library acts on. */
export const ExchangeCode = {
  /** "Internal error; unable to process your request. Please try again." Retryable. */
  Disconnected: -1001,
  /** "Too many requests queued." / too much request weight: back off. */
  TooManyRequests: -1003,
  /** "You are not authorized to execute this request." */
  Unauthorized: -1002,
  /** "This operation is not supported." */
  UnsupportedOperation: -1020,
  /** "Timestamp for this request is outside of the recvWindow.": sync with server time and retry. */
  TimestampOutsideRecvWindow: -1021,
  /** "Signature for this request is not valid.": check the secret or private key and its type. */
  InvalidSignature: -1022,
  /** "Illegal characters found in a parameter." */
  IllegalParameter: -1100,
  /** "Mandatory parameter was not sent, was empty/null, or malformed." */
  MandatoryParameter: -1102,
  /** "This listenKey does not exist.": it expired or was closed; create a new one with `POST`. */
  ListenKeyNotFound: -1125,
  /** The listenToken is invalid or expired: request a new one. */
  InvalidListenToken: -1209,
  /** "Unknown order sent.": a cancel of an order already filled or canceled. */
  CancelRejected: -2011,
  /** "API-key format invalid." */
  ApiKeyFormatInvalid: -2014,
  /** "Invalid API-key, IP, or permissions for action.": check the key, its permissions and IP whitelist. */
  RejectedApiKey: -2015,
  /** WebSocket API: this account already has an active subscription on the connection. */
  AlreadySubscribed: -2035,
  /** WebSocket API: no such subscription on the connection. */
  NotSubscribed: -2036,
  /** WebSocket API: the connection used up its subscription ids (65,535): open a new one. */
  TooManySubscriptions: -2042,
} as const;

/**
 * What every error constructor takes besides its message. Secrets are redacted from all of it when the error
 * is built.
 */
export interface UserstreamErrorOptions {
  /** Underlying error; it is copied with its message redacted, never kept as is. */
  cause?: unknown;
  /** Structured context (venue, path, status, …); secret fields are redacted. */
  details?: Record<string, unknown>;
  /** Whether the same call may succeed if retried later. */
  retryable?: boolean;
  /** Secret values known to the caller (API secret, listenKey, …) to strip from the text. */
  secrets?: readonly string[];
}

function redactCause(cause: unknown, secrets: readonly string[]): unknown {
  if (cause === undefined) return undefined;
  if (UserstreamError.isInstance(cause)) return cause;
  if (cause instanceof Error) {
    const copy = new Error(redactText(cause.message, secrets));
    copy.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(copy, { code });
    copy.stack = redactText(cause.stack ?? '', secrets);
    return copy;
  }
  return redactValue(cause, secrets);
}

/**
 * The root of every error userstream throws or emits. `code` is stable; `isRetryable` says
 * whether the same call may succeed later; `details` carries redacted context.
 */
export class UserstreamError extends Error {
  /** The class name (`ExchangeError`, …); match on `code`, which survives minification and copies. */
  override readonly name: string = 'UserstreamError';
  /** A stable `ErrorCode` (or a package's own, such as `LeaseErrorCode`): match on this. */
  readonly code: string;
  /** Whether the same call may succeed later (network, 5xx, 429); false for bad input or a refusal. */
  readonly isRetryable: boolean;
  /** Structured context (venue, path, status, exchange code, …), with secret fields redacted. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Marks userstream errors across package copies and versions (see isInstance). */
  readonly [MARKER] = true;

  constructor(code: string, message: string, options: UserstreamErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    super(redactText(message, secrets));
    this.code = code;
    this.isRetryable = options.retryable ?? false;
    this.details = (redactValue(options.details ?? {}, secrets) as Record<string, unknown>) ?? {};
    const cause = redactCause(options.cause, secrets);
    if (cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: false });
    }
  }

  /** True for any userstream error, even from another copy or version of this package. */
  static isInstance(error: unknown): error is UserstreamError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  /**
   * What `JSON.stringify(error)` writes: name, code, message, isRetryable and details (all redacted at
   * construction); no stack, no cause.
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      isRetryable: this.isRetryable,
      details: this.details,
    };
  }

  /** What `console.log(error)` and `util.inspect` print: the stack, then the code and details (redacted). */
  [inspect.custom](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n  code: ${this.code}, details: ${JSON.stringify(this.details)}`;
  }
}

/** A value supplied by the caller (options, symbol, key, …) is not acceptable. */
export class InvalidInputError extends UserstreamError {
  /** Always `InvalidInputError`. */
  override readonly name: string = 'InvalidInputError';
  /** The option or argument at fault, e.g. `recvWindow` or `venue.restBaseUrl`. */
  readonly field: string | undefined;
  constructor(message: string, options: UserstreamErrorOptions & { field?: string; code?: string } = {}) {
    super(options.code ?? ErrorCode.InvalidInput, message, { ...options, retryable: false });
    this.field = options.field;
  }
}

/** The exchange answered with an error object `{code, msg}`. */
export class ExchangeError extends UserstreamError {
  /** Always `ExchangeError`. */
  override readonly name: string = 'ExchangeError';
  /** The exchange's own numeric code, e.g. -1125. */
  readonly exchangeCode: number;
  /** The exchange's message, redacted. */
  readonly exchangeMessage: string;
  /** HTTP status, or the `status` of a WebSocket API response. */
  readonly status: number | undefined;
  constructor(
    exchangeCode: number,
    exchangeMessage: string,
    options: UserstreamErrorOptions & { status?: number; context?: string } = {},
  ) {
    const msg = redactText(exchangeMessage, options.secrets ?? []);
    const where = options.context ? `${options.context}: ` : '';
    super(ErrorCode.Exchange, `${where}exchange error ${exchangeCode}: ${msg}${hintFor(exchangeCode)}`, {
      ...options,
      retryable:
        options.retryable ?? (exchangeCode === ExchangeCode.Disconnected || (options.status ?? 0) >= 500),
      details: { ...options.details, exchangeCode, status: options.status },
    });
    this.exchangeCode = exchangeCode;
    this.exchangeMessage = msg;
    this.status = options.status;
  }
}

function hintFor(code: number): string {
  switch (code) {
    case ExchangeCode.TimestampOutsideRecvWindow:
      return ' (the local clock is outside recvWindow: sync with server time)';
    case ExchangeCode.InvalidSignature:
      return ' (check the API secret or private key and the key type)';
    case ExchangeCode.RejectedApiKey:
      return ' (check the API key, its permissions and IP whitelist)';
    case ExchangeCode.ListenKeyNotFound:
      return ' (the listenKey expired or was closed: create a new one)';
    case ExchangeCode.InvalidListenToken:
      return ' (the listenToken is invalid or expired: request a new one)';
    default:
      return '';
  }
}

/** 429 (slow down) or 418 (IP banned: stop sending until `until`). */
export class RateLimitError extends UserstreamError {
  /** Always `RateLimitError`. */
  override readonly name: string = 'RateLimitError';
  /** How long to wait before the next request to this venue, in ms. */
  readonly retryAfterMs: number;
  /** True for a 418 ban. */
  readonly banned: boolean;
  /** Epoch ms until which requests are refused locally. */
  readonly until: number;
  constructor(
    message: string,
    options: UserstreamErrorOptions & { retryAfterMs: number; banned: boolean; until: number },
  ) {
    super(options.banned ? ErrorCode.Banned : ErrorCode.RateLimited, message, {
      ...options,
      retryable: true,
    });
    this.retryAfterMs = options.retryAfterMs;
    this.banned = options.banned;
    this.until = options.until;
  }
}

/** Network failure, timeout, unexpected close: the request may or may not have reached the venue. */
export class TransportError extends UserstreamError {
  /** Always `TransportError`. */
  override readonly name: string = 'TransportError';
  constructor(message: string, options: UserstreamErrorOptions & { timeout?: boolean } = {}) {
    super(options.timeout ? ErrorCode.Timeout : ErrorCode.Transport, message, {
      ...options,
      retryable: options.retryable ?? true,
    });
  }
}

/** The peer broke the protocol: a frame or body that cannot be understood. */
export class ProtocolError extends UserstreamError {
  /** Always `ProtocolError`. */
  override readonly name: string = 'ProtocolError';
  constructor(message: string, options: UserstreamErrorOptions & { code?: string } = {}) {
    super(options.code ?? ErrorCode.Protocol, message, { ...options, retryable: options.retryable ?? false });
  }
}

/** The venue has switched this endpoint off (HTTP 410); `replacement` says what to use. */
export class RetiredEndpointError extends UserstreamError {
  /** Always `RetiredEndpointError`. */
  override readonly name: string = 'RetiredEndpointError';
  /** The venue id to use instead (e.g. `binance-spot` for the retired spot listenKey endpoints), when known. */
  readonly replacement: string | undefined;
  constructor(message: string, options: UserstreamErrorOptions & { replacement?: string } = {}) {
    super(ErrorCode.RetiredEndpoint, message, { ...options, retryable: false });
    this.replacement = options.replacement;
  }
}

/** A listenKey, listenToken or subscription is no longer valid and must be replaced. */
export class CredentialExpiredError extends UserstreamError {
  /** Always `CredentialExpiredError`. */
  override readonly name: string = 'CredentialExpiredError';
  /** What said so: a stream's `CredentialExpiredReason` (`listenKeyExpired`, `eventStreamTerminated`, `invalid-credential`). */
  readonly reason: string;
  constructor(message: string, options: UserstreamErrorOptions & { reason: string }) {
    super(ErrorCode.CredentialExpired, message, { ...options, retryable: true });
    this.reason = options.reason;
  }
}

/** The object was closed, or the operation aborted through its `AbortSignal`. */
export class ClosedError extends UserstreamError {
  /** Always `ClosedError`. */
  override readonly name: string = 'ClosedError';
  constructor(message: string, options: UserstreamErrorOptions & { aborted?: boolean } = {}) {
    super(options.aborted ? ErrorCode.Aborted : ErrorCode.Closed, message, { ...options, retryable: false });
  }
}
