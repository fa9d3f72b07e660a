import { randomUUID } from 'node:crypto';
import {
  type Clock,
  createOptionKit,
  createSigner,
  type KeyMaterial,
  resolveVenue,
  type Signer,
  systemClock,
  type VenueProfile,
  validateApiKey,
  validateSymbol,
} from '@userstream/core';
import type { RestClientOptions } from '@userstream/rest';
import type { ListenKeyStreamOptions, StreamOptions } from '@userstream/stream';
import { createScheduler } from './create-scheduler.js';
import { createLeaseKey, type LeaseKey } from './lease-key.js';
import { createMemoryLeaseStore, type LeaseStore } from './lease-store.js';
import type { LeaseRetryOptions } from './lease-types.js';
import { isLogger, type Logger, silentLogger } from './logger.js';
import type { Scheduler } from './scheduler.js';

const kit = createOptionKit('@userstream/keepalive');

/**
 * Options of the underlying `@userstream/stream` stream (heartbeat, reconnect, buffer…): its own
 * options less the ones `openUserDataStream` sets from its own (`venue`, `clock`, `logger`).
 */
export type StreamPassThroughOptions = Omit<StreamOptions, 'venue' | 'clock' | 'logger'> &
  Pick<ListenKeyStreamOptions, 'events'>;

/** Options of the `@userstream/rest` client, less the ones `openUserDataStream` sets itself. */
export type RestPassThroughOptions = Partial<
  Omit<RestClientOptions, 'venue' | 'credentials' | 'clock' | 'logger'>
>;

/**
 * Lease timing of {@link OpenUserDataStreamOptions}; each field defaults from the venue profile. A bad value
 * throws `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`) naming `lease.<field>`.
 */
export interface LeaseOptions {
  /** listenKey keepalive interval. @default the venue's `timing.renewIntervalMs` (30 min) */
  renewIntervalMs?: number;
  /** listenKey validity after a create/keepalive. @default the venue's `timing.keyValidityMs` (60 min) */
  validityMs?: number;
  /** listenToken validity to ask for. @default the venue's default (the request omits it) */
  tokenValidityMs?: number;
  /** Fetch the next listenToken after this share of its validity. @default 0.8 */
  renewAt?: number;
  /** Backoff of failed renewals. */
  retry?: LeaseRetryOptions;
  /**
   * Ownership in the store lasts this long without renewal; keep it short in a fleet so a dead
   * worker's streams are taken over quickly. @default the credential's validity
   */
  ownershipTtlMs?: number;
  /** Renew ownership this often (below `ownershipTtlMs`). @default with credential renewals only */
  ownershipRenewMs?: number;
}

/**
 * Options of {@link openUserDataStream}. Checked before anything is sent: a missing or bad field (or
 * an unknown one) throws `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`) naming it.
 */
export interface OpenUserDataStreamOptions {
  /** A built-in venue id (`binance-usdm`, `binance-spot`, …) or a profile (`defineVenue`, `sim.venue(id)`). */
  venue: string | VenueProfile;
  /** The account's API key and exactly one of `secret` (HMAC), `privateKey` (RSA/Ed25519) or `signer`. */
  credentials: {
    /** The venue API key (sent as the venue's API-key header; never logged). */
    apiKey: string;
  } & KeyMaterial;
  /** Isolated margin: the symbol whose account to stream (required there, refused elsewhere). */
  symbol?: string;
  /** Time and timers for everything below. @default the scheduler's clock, else systemClock */
  clock?: Clock;
  /**
   * The scheduler renewing leases. Streams opened with the SAME scheduler share leases: the same
   * account+market gets one listenKey and one keepalive loop however many streams use it.
   * @default a new scheduler for this call (nothing shared)
   */
  scheduler?: Scheduler;
  /** Where lease records and owners live. @default a new in-memory store */
  store?: LeaseStore;
  /** This worker's name in the store. @default a random UUID */
  owner?: string;
  /** Where the stream, lease and REST client log (pino-compatible; secrets never appear). @default silent */
  logger?: Logger;
  /** Options for the REST client (`timeoutMs`, `retry`, `recvWindow`, `proxy`, …). The first opener's options win for a shared lease. */
  rest?: RestPassThroughOptions;
  /** Options for the stream (`heartbeat`, `reconnect`, `buffer`, `reorderWindowMs`, …). */
  stream?: StreamPassThroughOptions;
  /** Lease timing: renewal interval, validity, token refresh share, retries, ownership. */
  lease?: LeaseOptions;
  /**
   * One proxy for REST and the stream (`http://[user:pass@]host:port` for CONNECT, `socks5://…`
   * for the stream, or `{ uri, token }`); `rest.proxy` / `stream.proxy` override it per side.
   */
  proxy?:
    | string
    | {
        /** The proxy URL (`http://host:port`, `socks5://host:port`). */
        uri: string;
        /** Sent as `Proxy-Authorization` (HTTP CONNECT); never logged. */
        token?: string;
      };
  /** Accept plain http:/ws: off loopback. @default false */
  allowInsecure?: boolean;
  /** Resolve only once the stream is open (subscribed). @default true */
  waitForOpen?: boolean;
  /** Aborts opening (e.g. `AbortSignal.timeout(10_000)`); everything opened so far is released. */
  signal?: AbortSignal;
}

const KNOWN = [
  'venue',
  'credentials',
  'symbol',
  'clock',
  'scheduler',
  'store',
  'owner',
  'logger',
  'rest',
  'stream',
  'lease',
  'proxy',
  'allowInsecure',
  'waitForOpen',
  'signal',
] as const satisfies readonly (keyof OpenUserDataStreamOptions)[];
const LEASE_KNOWN = [
  'renewIntervalMs',
  'validityMs',
  'tokenValidityMs',
  'renewAt',
  'retry',
  'ownershipTtlMs',
  'ownershipRenewMs',
] as const satisfies readonly (keyof LeaseOptions)[];

/** The options of one `openUserDataStream()` call, checked and with defaults filled in. */
export interface CheckedOpenOptions {
  venue: VenueProfile;
  apiKey: string;
  credentials: { apiKey: string } & KeyMaterial;
  signer: Signer;
  symbol: string | undefined;
  clock: Clock;
  scheduler: Scheduler;
  /** The scheduler was made for this call: closing the stream closes it. */
  ownScheduler: boolean;
  store: LeaseStore;
  owner: string;
  logger: Logger;
  lease: LeaseOptions;
  key: LeaseKey;
}

/** A core validator's message, re-prefixed as keepalive's refusal of `field`. */
function rethrow(error: unknown, field: string): never {
  throw kit.invalid((error as Error).message.replace(/^@userstream\/core: /, ''), field);
}

/** Checks `openUserDataStream()`'s options (fail fast, before any request). */
export function checkOpenOptions(options: OpenUserDataStreamOptions): CheckedOpenOptions {
  if (typeof options !== 'object' || options === null) {
    throw kit.invalid('openUserDataStream() takes an options object: { venue, credentials, ... }', 'options');
  }
  kit.known(options, KNOWN);
  // The plaintext rule is rest's and stream's, with their `allowInsecure`; the caller's object is kept.
  const venue = resolveVenue(options.venue, { prefix: '@userstream/keepalive', allowInsecure: true });
  const credentials = options.credentials;
  if (typeof credentials !== 'object' || credentials === null) {
    throw kit.invalid('credentials must be { apiKey, secret } (or privateKey, or signer)', 'credentials');
  }
  let apiKey: string;
  try {
    apiKey = validateApiKey(credentials.apiKey, 'credentials.apiKey');
  } catch (error) {
    rethrow(error, 'credentials.apiKey');
  }
  let signer: Signer;
  try {
    signer = createSigner(credentials);
  } catch (error) {
    rethrow(error, 'credentials');
  }
  const isolated =
    (venue.protocol === 'listenToken' && venue.listenToken?.isolated === true) ||
    (venue.protocol === 'listenKey' && venue.listenKey?.requiresSymbol === true);
  let symbol: string | undefined;
  if (isolated) {
    if (options.symbol === undefined) {
      throw kit.invalid(
        `venue '${venue.id}' is isolated margin: pass symbol (e.g. symbol: 'BTCUSDT')`,
        'symbol',
      );
    }
    try {
      symbol = validateSymbol(options.symbol);
    } catch (error) {
      rethrow(error, 'symbol');
    }
  } else if (options.symbol !== undefined) {
    throw kit.invalid(
      `symbol is only for isolated margin; venue '${venue.id}' streams the whole account`,
      'symbol',
    );
  }
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw kit.invalid('logger must have debug, info, warn and error methods (pino works)', 'logger');
  }
  const logger = options.logger ?? silentLogger;
  if (options.scheduler !== undefined && typeof options.scheduler?.add !== 'function') {
    throw kit.invalid('scheduler must come from createScheduler()', 'scheduler');
  }
  if (options.clock !== undefined) kit.clock(options.clock);
  if (options.scheduler && options.clock && options.scheduler.clock !== options.clock) {
    throw kit.invalid(
      'clock and scheduler disagree: create the scheduler with the same clock (createScheduler({ clock }))',
      'clock',
    );
  }
  const clock = options.clock ?? options.scheduler?.clock ?? systemClock;
  const scheduler = options.scheduler ?? createScheduler({ clock, logger });
  if (scheduler.closed) throw kit.invalid('the scheduler is closed; create a new one', 'scheduler');
  const lease = options.lease ?? {};
  if (typeof lease !== 'object' || lease === null) throw kit.invalid('lease must be an object', 'lease');
  kit.known(lease, LEASE_KNOWN, 'lease');
  for (const field of [
    'renewIntervalMs',
    'validityMs',
    'tokenValidityMs',
    'ownershipTtlMs',
    'ownershipRenewMs',
  ] as const) {
    // A Node timer above 2^31-1 ms fires after 1 ms: the kit refuses those too.
    if (lease[field] !== undefined) kit.duration(lease[field], `lease.${field}`);
  }
  if (
    lease.tokenValidityMs !== undefined &&
    venue.listenToken &&
    lease.tokenValidityMs > venue.listenToken.maxValidityMs
  ) {
    throw kit.invalid(
      `lease.tokenValidityMs may be at most ${venue.listenToken.maxValidityMs} ms on ${venue.id}, got ${lease.tokenValidityMs}`,
      'lease.tokenValidityMs',
    );
  }
  if (options.owner !== undefined && (typeof options.owner !== 'string' || options.owner.length === 0)) {
    throw kit.invalid('owner must be a non-empty string naming this worker', 'owner');
  }
  if (options.waitForOpen !== undefined && typeof options.waitForOpen !== 'boolean') {
    throw kit.invalid('waitForOpen must be a boolean', 'waitForOpen');
  }
  // Checked here: a non-signal failed later inside opening with a TypeError (removeEventListener).
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw kit.invalid('signal must be an AbortSignal (e.g. AbortSignal.timeout(10_000))', 'signal');
  }
  return {
    venue,
    apiKey,
    credentials,
    signer,
    symbol,
    clock,
    scheduler,
    ownScheduler: options.scheduler === undefined,
    store: options.store ?? createMemoryLeaseStore({ clock }),
    owner: options.owner ?? randomUUID(),
    logger,
    lease,
    key: createLeaseKey({ venue, apiKey, symbol }),
  };
}
