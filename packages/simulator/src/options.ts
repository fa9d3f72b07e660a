import { type Clock, describeValue, isLogger, type Logger, systemClock } from '@userstream/core';
import type { AccountSpec } from './accounts.js';
import { configKit } from './option-kits.js';
import {
  DEFAULT_MAX_ACTIVE_SUBSCRIPTIONS,
  DEFAULT_MAX_SUBSCRIPTION_IDS,
  type WsApiLimits,
} from './ws-api.js';

/** @default '127.0.0.1' */
export const DEFAULT_HOST = '127.0.0.1';
/** Binance's server ping cadence. */
export const DEFAULT_PING_INTERVAL_MS = 20_000;
/** Binance drops a client that has not answered a ping for a minute. */
export const DEFAULT_PONG_TIMEOUT_MS = 60_000;
/** One step of the synthetic price walk per second of clock time. */
export const DEFAULT_PRICE_WALK_INTERVAL_MS = 1000;
/** Seed of generated credentials, identifiers and the price walk. */
export const DEFAULT_SIM_SEED = 1;

/**
 * Options of {@link startSimulator}. A bad value throws `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`)
 * naming the field.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ clock: createScaledClock({ speed: 3600 }), seed: 7 });
 * const venue = sim.venue('binance-usdm'); // pass to openUserDataStream / createRestClient
 * ```
 */
export interface SimulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** All protocol time: key validity, token expiry, pings, 24 h connection life, event times. @default systemClock */
  clock?: Clock;
  /** @default three accounts: `hmac`, `ed25519` and `rsa` */
  accounts?: AccountSpec[];
  /** @default 1 */
  seed?: number;
  /** Server ping cadence. @default 20000 */
  pingIntervalMs?: number;
  /** A client that has not answered a ping this long is dropped. @default 60000 */
  pongTimeoutMs?: number;
  /** Behave like binance.com after 2026-02-20: HTTP 410 on the three legacy Binance listenKey paths. @default false */
  retiredLegacyPaths?: boolean;
  /** A synthetic price walk that fills resting orders. @default false */
  priceWalk?:
    | boolean
    | {
        /** Clock ms between price steps. @default 1000 */
        intervalMs?: number;
      };
  /** WebSocket API subscription limits (lower them to test -1191 and -2042 quickly). */
  wsApiLimits?: WsApiLimits;
  /** Keep every emitted event in `record` (turn off for very long load runs). @default true */
  recordEvents?: boolean;
  /** pino-compatible logger; the simulator never prints. */
  logger?: Logger;
  /** Admin API protections (it is always checked for its own Host names and refuses cross-origin pages). */
  admin?: AdminOptions;
}

/** Protections of the admin API (`/admin/…`: faults and state over HTTP). */
export interface AdminOptions {
  /**
   * Require `Authorization: Bearer <token>` on every admin request: 16 to 1024 visible ASCII
   * characters (e.g. `openssl rand -hex 16`). Compared in constant time; never logged.
   * @default undefined (no token: set one whenever the simulator listens off loopback)
   */
  token?: string;
  /** `Host` names to accept besides loopback names and the bound address (a container's service name). @default [] */
  allowedHosts?: string[];
}

export interface ResolvedOptions {
  port: number;
  host: string;
  clock: Clock;
  accounts: AccountSpec[] | undefined;
  seed: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  retiredLegacyPaths: boolean;
  priceWalkMs: number | undefined;
  wsApiLimits: Required<WsApiLimits>;
  recordEvents: boolean;
  logger: Logger | undefined;
  adminToken: string | undefined;
  adminAllowedHosts: string[];
}

function fail(message: string, field: string): never {
  throw configKit.invalid(message, field);
}

/** A timer period: Node fires a timer above 2^31-1 ms after 1 ms, so a 2^31 ms ping interval would be a ping storm. */
function duration(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : configKit.duration(value, field);
}

function count(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : configKit.integer(value, field, { min: 1 });
}

/** Checks simulator options and fills in defaults; throws `USERSTREAM_INVALID_CONFIG` saying what to fix. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object', 'options');
  const port = configKit.integer(options.port ?? 0, 'port', { min: 0, max: 65_535 });
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host.length === 0) fail('host must be a host name or IP address', 'host');
  const clock = configKit.clock(options.clock ?? systemClock);
  const seed = options.seed ?? DEFAULT_SIM_SEED;
  if (!Number.isSafeInteger(seed)) fail(`seed must be an integer, got ${describeValue(seed)}`, 'seed');
  if (options.accounts !== undefined && (!Array.isArray(options.accounts) || options.accounts.length === 0)) {
    fail(
      'accounts must be a non-empty array of account specs (or left out for the three defaults)',
      'accounts',
    );
  }
  const pingIntervalMs = duration(options.pingIntervalMs, 'pingIntervalMs', DEFAULT_PING_INTERVAL_MS);
  const pongTimeoutMs = duration(options.pongTimeoutMs, 'pongTimeoutMs', DEFAULT_PONG_TIMEOUT_MS);
  const retired = options.retiredLegacyPaths ?? false;
  if (typeof retired !== 'boolean') fail('retiredLegacyPaths must be true or false', 'retiredLegacyPaths');
  let priceWalkMs: number | undefined;
  const walk = options.priceWalk ?? false;
  if (walk === true) priceWalkMs = DEFAULT_PRICE_WALK_INTERVAL_MS;
  else if (typeof walk === 'object' && walk !== null) {
    priceWalkMs = duration(walk.intervalMs, 'priceWalk.intervalMs', DEFAULT_PRICE_WALK_INTERVAL_MS);
  } else if (walk !== false) fail('priceWalk must be a boolean or { intervalMs }', 'priceWalk');
  const limits = options.wsApiLimits ?? {};
  if (typeof limits !== 'object' || limits === null) fail('wsApiLimits must be an object', 'wsApiLimits');
  const wsApiLimits = {
    maxActiveSubscriptions: count(
      limits.maxActiveSubscriptions,
      'wsApiLimits.maxActiveSubscriptions',
      DEFAULT_MAX_ACTIVE_SUBSCRIPTIONS,
    ),
    maxSubscriptionIds: count(
      limits.maxSubscriptionIds,
      'wsApiLimits.maxSubscriptionIds',
      DEFAULT_MAX_SUBSCRIPTION_IDS,
    ),
  };
  const recordEvents = options.recordEvents ?? true;
  if (typeof recordEvents !== 'boolean') fail('recordEvents must be true or false', 'recordEvents');
  const logger = options.logger;
  if (logger !== undefined && !isLogger(logger))
    fail('logger must be pino-compatible: { debug, info, warn, error }', 'logger');
  const { adminToken, adminAllowedHosts } = resolveAdmin(options.admin);
  return {
    port,
    host,
    clock,
    accounts: options.accounts,
    seed,
    pingIntervalMs,
    pongTimeoutMs,
    retiredLegacyPaths: retired,
    priceWalkMs,
    wsApiLimits,
    recordEvents,
    logger,
    adminToken,
    adminAllowedHosts,
  };
}

const HOST_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$|^\[?[0-9a-f:.]+\]?$/i;

function resolveAdmin(admin: unknown): { adminToken: string | undefined; adminAllowedHosts: string[] } {
  if (admin === undefined) return { adminToken: undefined, adminAllowedHosts: [] };
  if (typeof admin !== 'object' || admin === null || Array.isArray(admin))
    fail('admin must be { token?, allowedHosts? }', 'admin');
  const { token, allowedHosts } = admin as AdminOptions;
  // The message never quotes the token: it is a secret even when it is a bad one.
  if (token !== undefined && !(typeof token === 'string' && /^[\x21-\x7e]{16,1024}$/.test(token)))
    fail(
      'admin.token must be 16 to 1024 visible ASCII characters without spaces (e.g. the output of `openssl rand -hex 16`)',
      'admin.token',
    );
  if (
    allowedHosts !== undefined &&
    !(
      Array.isArray(allowedHosts) &&
      allowedHosts.length <= 64 &&
      allowedHosts.every((h) => typeof h === 'string' && h.length <= 253 && HOST_NAME.test(h))
    )
  )
    fail(
      'admin.allowedHosts must be an array of host names or IP addresses, e.g. ["simulator"]',
      'admin.allowedHosts',
    );
  return { adminToken: token, adminAllowedHosts: [...(allowedHosts ?? [])] };
}
