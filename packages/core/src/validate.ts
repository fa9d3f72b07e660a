import { ErrorCode, InvalidInputError } from './errors.js';

const SYMBOL = /^[A-Z0-9][A-Z0-9_.-]{0,31}$/;
const LISTEN_KEY = /^[A-Za-z0-9]{8,128}$/;
const LISTEN_TOKEN = /^[A-Za-z0-9._~+/=-]{8,4096}$/;

/** Checks a trading symbol ("BTCUSDT"): upper-case letters, digits and `_.-`, at most 32 characters. */
export function validateSymbol(symbol: unknown, field = 'symbol'): string {
  if (typeof symbol !== 'string' || !SYMBOL.test(symbol)) {
    const shown = typeof symbol === 'string' ? JSON.stringify(symbol.slice(0, 40)) : typeof symbol;
    throw new InvalidInputError(
      `${field} must be an upper-case trading symbol such as "BTCUSDT" (letters, digits, _ . -; at most 32), got ${shown}`,
      { field },
    );
  }
  return symbol;
}

/** Checks a listenKey's form (8 to 128 letters and digits) without ever echoing it. */
export function validateListenKey(listenKey: unknown, field = 'listenKey'): string {
  if (typeof listenKey !== 'string' || !LISTEN_KEY.test(listenKey)) {
    throw new InvalidInputError(`${field} must be 8 to 128 letters and digits as returned by the venue`, {
      field,
    });
  }
  return listenKey;
}

/** Checks a listenToken's form without ever echoing it. */
export function validateListenToken(token: unknown, field = 'listenToken'): string {
  if (typeof token !== 'string' || !LISTEN_TOKEN.test(token)) {
    throw new InvalidInputError(
      `${field} must be the token string returned by the venue (8 to 4096 URL-safe characters)`,
      {
        field,
      },
    );
  }
  return token;
}

/** Checks an API key's form (printable, no whitespace, 8 to 256 characters); never echoes it. */
export function validateApiKey(apiKey: unknown, field = 'apiKey'): string {
  if (typeof apiKey !== 'string' || !/^[\x21-\x7e]{8,256}$/.test(apiKey)) {
    throw new InvalidInputError(
      `${field} must be the venue's API key: 8 to 256 printable characters, no spaces`,
      {
        field,
      },
    );
  }
  return apiKey;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for URLs on this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackUrl(url: string | URL): boolean {
  const u = typeof url === 'string' ? new URL(url) : url;
  return LOOPBACK_HOSTS.has(u.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(u.hostname);
}

/**
 * Refuses plain `http:`/`ws:` except on loopback, unless `allowInsecure` is set: API keys and
 * listenKeys must not cross a network in the clear.
 */
export function assertSecureUrl(url: string, field: string, allowInsecure = false): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidInputError(`${field} is not a valid URL: ${JSON.stringify(url.slice(0, 80))}`, {
      field,
    });
  }
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  const plain = u.protocol === 'http:' || u.protocol === 'ws:';
  if (!secure && !plain) {
    throw new InvalidInputError(
      `${field} must use https:/wss: (or http:/ws: on loopback), got ${u.protocol}`,
      { field },
    );
  }
  if (plain && !allowInsecure && !isLoopbackUrl(u)) {
    throw new InvalidInputError(
      `${field} uses plain ${u.protocol} to ${u.hostname}: only loopback may be unencrypted; use ${
        u.protocol === 'http:' ? 'https:' : 'wss:'
      } or pass allowInsecure: true`,
      { field },
    );
  }
  return u;
}

/**
 * The longest delay Node's timers honour (2^31-1 ms, about 24.8 days). A longer one is not an
 * error to Node: it warns and fires after 1 ms, so a ping interval of 2^31 became a ping storm.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Options of {@link validateDuration}: what a duration may be and how a refusal is reported. */
export interface DurationOptions {
  /** Accept 0 (e.g. "no delay"). @default false */
  allowZero?: boolean;
  /** Demand a whole number of ms. @default false */
  integer?: boolean;
  /** Prefix of the message, e.g. `@userstream/stream`. */
  prefix?: string;
  /** Code of the refusal: a method's argument is USERSTREAM_INVALID_INPUT. @default USERSTREAM_INVALID_CONFIG */
  code?: ErrorCode;
}

/**
 * Checks a duration option: a finite number of milliseconds, positive (or 0 when allowed) and at
 * most {@link MAX_TIMER_MS}. Throws `USERSTREAM_INVALID_CONFIG` naming `field`.
 */
export function validateDuration(value: unknown, field: string, options: DurationOptions = {}): number {
  const { allowZero = false, integer = false, prefix, code = ErrorCode.InvalidConfig } = options;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (allowZero ? value >= 0 : value > 0) &&
    value <= MAX_TIMER_MS &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw new InvalidInputError(
      `${prefix ? `${prefix}: ` : ''}${field} must be a ${allowZero ? 'non-negative' : 'positive'}${
        integer ? ' whole' : ''
      } number of milliseconds no greater than ${MAX_TIMER_MS} (the Node timer limit, about 24.8 days), got ${shown}`,
      { field, code },
    );
  }
  return value as number;
}
