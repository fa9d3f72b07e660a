import {
  type Clock,
  type Logger as CoreLogger,
  createOptionKit,
  describeValue,
  InvalidInputError,
  type KeyMaterial,
  type VenueId,
  type VenueProfile,
} from '@userstream/core';
import type { Dispatcher } from 'undici';

/**
 * The part of core's pino-compatible `Logger` this client calls (`debug` and `warn`): any core
 * Logger fits, and so does an object with just these two.
 */
export type Logger = Pick<CoreLogger, 'debug' | 'warn'>;

/**
 * Retries of a request that failed in a way a retry can cure (network, timeout, 5xx on a GET or idempotent
 * call, `-1021` after a time resync). Never for 4xx, 418 bans or a non-idempotent POST that may have arrived.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 3 */
  maxAttempts?: number;
  /** First retry delay, ms (full jitter below it). @default 200 */
  baseDelayMs?: number;
  /** Longest retry delay, ms. @default 5000 */
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

/**
 * Options of {@link createRestClient}. Checked at creation: a missing, unknown or bad field throws
 * `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`) naming it, before any request is sent.
 *
 * @example
 * ```ts
 * const rest = createRestClient({
 *   venue: 'binance-usdm',
 *   credentials: { apiKey: process.env.API_KEY!, secret: process.env.API_SECRET! },
 *   timeoutMs: 5_000,
 * });
 * ```
 */
export interface RestClientOptions {
  /** A built-in venue id (`"binance-usdm"`) or a profile (`venues[…]`, `defineVenue(…)`, `sim.venue(…)`). */
  venue: VenueId | VenueProfile;
  /** The API key and exactly one of `secret` (HMAC), `privateKey` (RSA/Ed25519) or `signer` (KMS/HSM). */
  credentials: {
    /** Sent in the venue's API-key header (`X-MBX-APIKEY`, …); never logged or put in an error. */
    apiKey: string;
  } & KeyMaterial;
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
  /** Where retries and rate-limit holds are logged (`debug`, `warn`); secrets never appear. @default silent */
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

/**
 * Per-request timeout when `timeoutMs` is not given: 10 s, then the request fails with `USERSTREAM_TIMEOUT`
 * (retried where safe).
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * 16 MiB. The largest answers are account snapshots and open orders: a futures account with every
 * symbol's position is ~200 KB, an open order ~450 bytes, so this holds ~35,000 open orders (far
 * past Binance's 200 per symbol on a busy account) while a runaway or hostile answer costs at most
 * this much memory (times ~2 for the string) instead of all of it.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** What `retry: true` (the default) means: 3 attempts in all, 200 ms first delay, at most 5 s. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
});

const KNOWN_OPTIONS = [
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
] as const;

/** Every refusal of a factory option: USERSTREAM_INVALID_CONFIG naming the field, as in every package. */
export const kit = createOptionKit('@userstream/rest');

/**
 * Runs one of core's value validators on an option, so its refusal is a configuration error of
 * this package like every other option's (core's validators also check values passed to methods,
 * which are USERSTREAM_INVALID_INPUT).
 */
export function asOption<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw kit.invalid(error.message.replace(/^@userstream\/core: /, ''), error.field ?? 'options');
  }
}

const isFn = (v: unknown): boolean => typeof v === 'function';

/** Checks the options that are not checked where they are used; throws what to fix. */
export function checkOptions(options: RestClientOptions): void {
  if (typeof options !== 'object' || options === null)
    throw kit.invalid('options must be an object', 'options');
  kit.known(options, KNOWN_OPTIONS);
  const { clock, timeoutMs, retry, logger, random, weightShare, weightLimit, dispatcher, proxy } = options;
  if (clock !== undefined) kit.clock(clock);
  // Node fires a timer above 2^31-1 ms after 1 ms: every duration is held to that limit.
  if (timeoutMs !== undefined) kit.duration(timeoutMs, 'timeoutMs');
  if (retry !== undefined && typeof retry !== 'boolean') {
    if (typeof retry !== 'object' || retry === null)
      throw kit.invalid('retry must be true, false or { maxAttempts, baseDelayMs, maxDelayMs }', 'retry');
    // Own names only: a prototype name (`constructor`) or a typo is refused, not ignored.
    kit.known(retry, Object.keys(DEFAULT_RETRY), 'retry');
    if (retry.maxAttempts !== undefined) kit.integer(retry.maxAttempts, 'retry.maxAttempts', { min: 1 });
    for (const field of ['baseDelayMs', 'maxDelayMs'] as const) {
      if (retry[field] === undefined) continue;
      kit.integer(retry[field], `retry.${field}`, { min: 0 });
      kit.duration(retry[field], `retry.${field}`, { allowZero: true });
    }
  }
  if (logger !== undefined && !(logger && isFn(logger.debug) && isFn(logger.warn)))
    throw kit.invalid('logger must have debug() and warn() (pino-compatible)', 'logger');
  if (random !== undefined) kit.fn(random, 'random', 'a function returning [0, 1)');
  if (
    weightShare !== undefined &&
    !(typeof weightShare === 'number' && Number.isFinite(weightShare) && weightShare > 0 && weightShare <= 1)
  )
    throw kit.invalid(
      `weightShare must be a number above 0 and at most 1 (e.g. 0.8), got ${describeValue(weightShare)}`,
      'weightShare',
    );
  if (weightLimit !== undefined) kit.integer(weightLimit, 'weightLimit', { min: 1 });
  const { maxResponseBytes } = options;
  if (maxResponseBytes !== undefined)
    kit.integer(maxResponseBytes, 'maxResponseBytes', { min: 1, max: 2 ** 32 });
  if (dispatcher !== undefined && proxy !== undefined)
    throw kit.invalid(
      'pass either `dispatcher` or `proxy`, not both (build the ProxyAgent into your dispatcher instead)',
      'proxy',
    );
  if (dispatcher !== undefined && !(dispatcher && isFn((dispatcher as Dispatcher).dispatch)))
    throw kit.invalid('dispatcher must be an undici Dispatcher (Agent, Pool, ProxyAgent…)', 'dispatcher');
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
    throw kit.invalid('proxy must be a URL string or { uri, token?, tunnel? }', 'proxy');
  kit.known(opts, ['uri', 'token', 'tunnel'], 'proxy');
  let url: URL;
  try {
    url = new URL(opts.uri);
  } catch {
    throw kit.invalid('proxy.uri is not a valid URL; use http://host:port or https://host:port', 'proxy.uri');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw kit.invalid(`proxy.uri must be http: or https:, got ${url.protocol}`, 'proxy.uri');
  if (
    opts.token !== undefined &&
    !(typeof opts.token === 'string' && /^[\x20-\x7e]{1,4096}$/.test(opts.token))
  )
    throw kit.invalid('proxy.token must be a printable header value (e.g. "Bearer …")', 'proxy.token');
  if (opts.tunnel !== undefined && typeof opts.tunnel !== 'boolean')
    throw kit.invalid('proxy.tunnel must be true or false', 'proxy.tunnel');
  const secrets: string[] = [];
  if (opts.token) secrets.push(opts.token, opts.token.replace(/^\S+\s+/, ''));
  if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  if (url.username && url.password) secrets.push(`${url.username}:${url.password}`);
  return { uri: url.href, token: opts.token, tunnel: opts.tunnel ?? true, secrets };
}
