import {
  type Clock,
  describeValue,
  ErrorCode,
  InvalidInputError,
  type KeyMaterial,
  type VenueProfile,
  validateDuration,
} from '@userstream/core';
import type { Dispatcher } from 'undici';

/** pino-compatible logger. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RetryOptions {
  /** Attempts in all, the first included. @default 3 */
  maxAttempts?: number;
  /** @default 200 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

/** An HTTP(S) proxy every request goes through (an undici `ProxyAgent`). */
export interface ProxyOptions {
  /** `http://host:port` or `https://host:port` (user:password@ is sent as Basic auth). */
  uri: string;
  /** `Proxy-Authorization` header value, e.g. `Bearer …` or `Basic …`. Never logged. */
  token?: string;
  /**
   * Tunnel with `CONNECT` (what an `https:` venue needs); `false` forwards plain `http:` requests
   * as absolute-URI requests (loopback venues such as the simulator). @default true
   */
  tunnel?: boolean;
}

export interface RestClientOptions {
  venue: VenueProfile;
  credentials: { apiKey: string } & KeyMaterial;
  /** @default systemClock */
  clock?: Clock;
  /** Per request. @default 10000 */
  timeoutMs?: number;
  /** Capped exponential backoff with full jitter, only where a retry is safe. @default true */
  retry?: boolean | RetryOptions;
  /** @default 5000 */
  recvWindow?: number;
  /** Plain http off loopback. @default false */
  allowInsecure?: boolean;
  logger?: Logger;
  /** Bring your own undici dispatcher (shared pool); not closed by `close()`. */
  dispatcher?: Dispatcher;
  /** Send every request through this proxy; the proxy agent is closed by `close()`. */
  proxy?: string | ProxyOptions;
  /**
   * Hold a request (on `clock`) until the venue's next minute rather than let the weight used in
   * the current minute cross this share (0 to 1) of the limit. @default undefined (no holding)
   */
  weightShare?: number;
  /** The per-minute weight limit `weightShare` applies to. @default venue.weightLimitPerMinute */
  weightLimit?: number;
  /** Random source for jitter, for tests. @default Math.random */
  random?: () => number;
  /**
   * Largest response body read, in bytes; a larger answer ends the request with
   * `USERSTREAM_RESPONSE_TOO_LARGE` (not retried) and its socket is dropped. @default 16 MiB
   */
  maxResponseBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * 16 MiB. The largest answers are account snapshots and open orders: a futures account with every
 * symbol's position is ~200 KB, an open order ~450 bytes, so this holds ~35,000 open orders (far
 * past Binance's 200 per symbol on a busy account) while a runaway or hostile answer costs at most
 * this much memory (times ~2 for the string) instead of all of it.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
});

const KNOWN_OPTIONS = new Set<string>([
  'venue',
  'credentials',
  'clock',
  'timeoutMs',
  'retry',
  'recvWindow',
  'allowInsecure',
  'logger',
  'dispatcher',
  'proxy',
  'weightShare',
  'weightLimit',
  'random',
  'maxResponseBytes',
]);

export function invalid(message: string, field: string, code: string = ErrorCode.InvalidInput) {
  return new InvalidInputError(`@userstream/rest: ${message}`, { field, code });
}

const isFn = (v: unknown): boolean => typeof v === 'function';

function positiveInt(value: unknown, field: string, min: number): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min)) {
    throw invalid(
      `${field} must be a whole number >= ${min}, got ${describeValue(value)}`,
      field,
      ErrorCode.InvalidConfig,
    );
  }
}

/** Checks the options that are not checked where they are used; throws what to fix. */
export function checkOptions(options: RestClientOptions): void {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object', 'options');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key))
      throw invalid(
        `unknown option '${key.slice(0, 40)}'; known options: ${[...KNOWN_OPTIONS].join(', ')}`,
        key,
        ErrorCode.InvalidConfig,
      );
  }
  const { clock, timeoutMs, retry, logger, random, weightShare, weightLimit, dispatcher, proxy } = options;
  if (
    clock !== undefined &&
    !(clock && isFn(clock.now) && isFn(clock.setTimeout) && isFn(clock.clearTimeout))
  )
    throw invalid(
      'clock must be a core Clock ({ now, setTimeout, clearTimeout })',
      'clock',
      ErrorCode.InvalidConfig,
    );
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)
  )
    throw invalid('timeoutMs must be a positive number of ms', 'timeoutMs', ErrorCode.InvalidConfig);
  // Node fires a timer above 2^31-1 ms after 1 ms: every duration is held to that limit.
  if (timeoutMs !== undefined) validateDuration(timeoutMs, 'timeoutMs', { prefix: '@userstream/rest' });
  if (retry !== undefined && typeof retry !== 'boolean') {
    if (typeof retry !== 'object' || retry === null)
      throw invalid(
        'retry must be true, false or { maxAttempts, baseDelayMs, maxDelayMs }',
        'retry',
        ErrorCode.InvalidConfig,
      );
    // Own names only: a prototype name (`constructor`) or a typo is refused, not ignored.
    for (const k of Object.keys(retry)) {
      if (!Object.hasOwn(DEFAULT_RETRY, k))
        throw invalid(
          `unknown option 'retry.${k.slice(0, 40)}'; known: ${Object.keys(DEFAULT_RETRY).join(', ')}`,
          `retry.${k.slice(0, 40)}`,
          ErrorCode.InvalidConfig,
        );
    }
    if (retry.maxAttempts !== undefined) positiveInt(retry.maxAttempts, 'retry.maxAttempts', 1);
    for (const field of ['baseDelayMs', 'maxDelayMs'] as const) {
      if (retry[field] === undefined) continue;
      positiveInt(retry[field], `retry.${field}`, 0);
      validateDuration(retry[field], `retry.${field}`, { allowZero: true, prefix: '@userstream/rest' });
    }
  }
  if (logger !== undefined && !(logger && isFn(logger.debug) && isFn(logger.warn)))
    throw invalid('logger must have debug() and warn() (pino-compatible)', 'logger', ErrorCode.InvalidConfig);
  if (random !== undefined && !isFn(random))
    throw invalid('random must be a function returning [0, 1)', 'random', ErrorCode.InvalidConfig);
  if (
    weightShare !== undefined &&
    !(typeof weightShare === 'number' && Number.isFinite(weightShare) && weightShare > 0 && weightShare <= 1)
  )
    throw invalid(
      `weightShare must be a number above 0 and at most 1 (e.g. 0.8), got ${describeValue(weightShare)}`,
      'weightShare',
      ErrorCode.InvalidConfig,
    );
  if (weightLimit !== undefined) positiveInt(weightLimit, 'weightLimit', 1);
  const { maxResponseBytes } = options;
  if (maxResponseBytes !== undefined) {
    positiveInt(maxResponseBytes, 'maxResponseBytes', 1);
    if (maxResponseBytes > 2 ** 32)
      throw invalid(
        `maxResponseBytes must be at most 4 GiB (${2 ** 32}), got ${maxResponseBytes}`,
        'maxResponseBytes',
        ErrorCode.InvalidConfig,
      );
  }
  if (dispatcher !== undefined && proxy !== undefined)
    throw invalid(
      'pass either `dispatcher` or `proxy`, not both (build the ProxyAgent into your dispatcher instead)',
      'proxy',
      ErrorCode.InvalidConfig,
    );
  if (dispatcher !== undefined && !(dispatcher && isFn((dispatcher as Dispatcher).dispatch)))
    throw invalid(
      'dispatcher must be an undici Dispatcher (Agent, Pool, ProxyAgent…)',
      'dispatcher',
      ErrorCode.InvalidConfig,
    );
}

/** The checked proxy settings, and the values to keep out of errors (token, password). */
export function proxySettings(proxy: string | ProxyOptions): {
  uri: string;
  token: string | undefined;
  tunnel: boolean;
  secrets: string[];
} {
  const opts = typeof proxy === 'string' ? { uri: proxy } : proxy;
  if (typeof opts !== 'object' || opts === null || typeof opts.uri !== 'string')
    throw invalid('proxy must be a URL string or { uri, token?, tunnel? }', 'proxy', ErrorCode.InvalidConfig);
  for (const k of Object.keys(opts)) {
    if (k !== 'uri' && k !== 'token' && k !== 'tunnel')
      throw invalid(
        `unknown option 'proxy.${k.slice(0, 40)}'; known: uri, token, tunnel`,
        `proxy.${k.slice(0, 40)}`,
        ErrorCode.InvalidConfig,
      );
  }
  let url: URL;
  try {
    url = new URL(opts.uri);
  } catch {
    throw invalid(
      'proxy.uri is not a valid URL; use http://host:port or https://host:port',
      'proxy.uri',
      ErrorCode.InvalidConfig,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(
      `proxy.uri must be http: or https:, got ${url.protocol}`,
      'proxy.uri',
      ErrorCode.InvalidConfig,
    );
  if (
    opts.token !== undefined &&
    !(typeof opts.token === 'string' && /^[\x20-\x7e]{1,4096}$/.test(opts.token))
  )
    throw invalid(
      'proxy.token must be a printable header value (e.g. "Bearer …")',
      'proxy.token',
      ErrorCode.InvalidConfig,
    );
  if (opts.tunnel !== undefined && typeof opts.tunnel !== 'boolean')
    throw invalid('proxy.tunnel must be true or false', 'proxy.tunnel', ErrorCode.InvalidConfig);
  const secrets: string[] = [];
  if (opts.token) secrets.push(opts.token, opts.token.replace(/^\S+\s+/, ''));
  if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  if (url.username && url.password) secrets.push(`${url.username}:${url.password}`);
  return { uri: url.href, token: opts.token, tunnel: opts.tunnel ?? true, secrets };
}
