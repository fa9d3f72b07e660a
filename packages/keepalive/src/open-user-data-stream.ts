import { randomUUID } from 'node:crypto';
import {
  type Clock,
  ClosedError,
  createSigner,
  defineVenue,
  describeValue,
  ErrorCode,
  getVenue,
  InvalidInputError,
  type KeyMaterial,
  type Signer,
  systemClock,
  TransportError,
  UserstreamError,
  type VenueProfile,
  type VenueProfileInput,
  validateApiKey,
  validateDuration,
  validateSymbol,
} from '@userstream/core';
import * as restPackage from '@userstream/rest';
import * as streamPackage from '@userstream/stream';
import type { MirrorRestSource } from './account-mirror.js';
import type { BaseLease, LeaseRetryOptions } from './lease.js';
import { createLeaseKey, type LeaseKey } from './lease-key.js';
import { leaseRegistryOf } from './lease-registry.js';
import { createMemoryLeaseStore, type LeaseStore } from './lease-store.js';
import { ListenKeyLease, type ListenKeyRestClient } from './listen-key-lease.js';
import { ListenTokenLease, type ListenTokenRestClient } from './listen-token-lease.js';
import { isLogger, type Logger, silentLogger } from './logger.js';
import { type InnerStream, type LeaseView, ManagedStream } from './managed-stream.js';
import { createScheduler, type RateLimitView, type Scheduler } from './scheduler.js';
import { WsApiLease } from './ws-api-lease.js';

/** Options of the underlying `@userstream/stream` stream (reliability knobs: heartbeat, reconnect, buffer…). */
export type StreamPassThroughOptions = Record<string, unknown>;

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

export interface OpenUserDataStreamOptions {
  /** A built-in venue id (`binance-usdm`, `binance-spot`, …) or a profile (`defineVenue`, `sim.venue(id)`). */
  venue: string | VenueProfile;
  /** The account's API key and exactly one of `secret` (HMAC), `privateKey` (RSA/Ed25519) or `signer`. */
  credentials: { apiKey: string } & KeyMaterial;
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
  logger?: Logger;
  /** Options for the REST client (`timeoutMs`, `retry`, `recvWindow`, `proxy`, …). The first opener's options win for a shared lease. */
  rest?: Partial<Omit<RestClientOptions, 'venue' | 'credentials' | 'clock' | 'logger'>>;
  /** Options for the stream (`heartbeat`, `reconnect`, `buffer`, `reorderWindowMs`, …). */
  stream?: StreamPassThroughOptions;
  lease?: LeaseOptions;
  /** Accept plain http:/ws: off loopback. @default false */
  allowInsecure?: boolean;
  /** Resolve only once the stream is open (subscribed). @default true */
  waitForOpen?: boolean;
  /** Aborts opening (e.g. `AbortSignal.timeout(10_000)`); everything opened so far is released. */
  signal?: AbortSignal;
}

/** A user data stream kept alive by a lease; `stream.lease.state()` for dashboards. */
export type UserDataStreamHandle = ManagedStream<RestClient>;

const KNOWN = new Set([
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
  'allowInsecure',
  'waitForOpen',
  'signal',
]);
const LEASE_KNOWN = new Set([
  'renewIntervalMs',
  'validityMs',
  'tokenValidityMs',
  'renewAt',
  'retry',
  'ownershipTtlMs',
  'ownershipRenewMs',
]);

function invalid(message: string, field: string): InvalidInputError {
  return new InvalidInputError(`@userstream/keepalive: ${message}`, { field });
}

function invalidVenue(error: unknown): InvalidInputError {
  return new InvalidInputError(
    `@userstream/keepalive: ${(error as Error).message.replace(/^@userstream\/core: /, '')}`,
    { field: 'venue', code: ErrorCode.InvalidConfig },
  );
}

function resolveVenue(venue: unknown): VenueProfile {
  if (typeof venue === 'string') {
    try {
      return getVenue(venue);
    } catch (error) {
      throw invalidVenue(error);
    }
  }
  if (typeof venue === 'object' && venue !== null && typeof (venue as VenueProfile).protocol === 'string') {
    // A hand-made profile is checked before the first request (a path naming another host would
    // otherwise be found only once a listenKey exists). The plaintext rule is rest's and stream's,
    // with their `allowInsecure`. The caller's object is kept.
    try {
      defineVenue(venue as VenueProfileInput, { allowInsecure: true });
    } catch (error) {
      throw invalidVenue(error);
    }
    return venue as VenueProfile;
  }
  throw invalid(
    'venue must be a venue id such as "binance-usdm" or a profile from defineVenue() / sim.venue()',
    'venue',
  );
}

function positive(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${field} must be a positive number of milliseconds, got ${describeValue(value)}`, field);
  }
  // Node fires a timer above 2^31-1 ms after 1 ms.
  return validateDuration(value, field, { prefix: '@userstream/keepalive' });
}

interface Checked {
  venue: VenueProfile;
  apiKey: string;
  credentials: { apiKey: string } & KeyMaterial;
  signer: Signer;
  symbol: string | undefined;
  clock: Clock;
  scheduler: Scheduler;
  ownScheduler: boolean;
  store: LeaseStore;
  owner: string;
  logger: Logger;
  lease: LeaseOptions;
  key: LeaseKey;
}

function check(options: OpenUserDataStreamOptions): Checked {
  if (typeof options !== 'object' || options === null) {
    throw invalid('openUserDataStream() takes an options object: { venue, credentials, ... }', 'options');
  }
  for (const k of Object.keys(options)) {
    if (!KNOWN.has(k)) throw invalid(`unknown option '${k}'; known options: ${[...KNOWN].join(', ')}`, k);
  }
  const venue = resolveVenue(options.venue);
  const credentials = options.credentials;
  if (typeof credentials !== 'object' || credentials === null) {
    throw invalid('credentials must be { apiKey, secret } (or privateKey, or signer)', 'credentials');
  }
  let apiKey: string;
  try {
    apiKey = validateApiKey(credentials.apiKey, 'credentials.apiKey');
  } catch (error) {
    throw invalid((error as Error).message, 'credentials.apiKey');
  }
  let signer: Signer;
  try {
    signer = createSigner(credentials);
  } catch (error) {
    throw invalid((error as Error).message.replace(/^@userstream\/core: /, ''), 'credentials');
  }
  const isolated =
    (venue.protocol === 'listenToken' && venue.listenToken?.isolated === true) ||
    (venue.protocol === 'listenKey' && venue.listenKey?.requiresSymbol === true);
  let symbol: string | undefined;
  if (isolated) {
    if (options.symbol === undefined) {
      throw invalid(`venue '${venue.id}' is isolated margin: pass symbol (e.g. symbol: 'BTCUSDT')`, 'symbol');
    }
    try {
      symbol = validateSymbol(options.symbol);
    } catch (error) {
      throw invalid((error as Error).message, 'symbol');
    }
  } else if (options.symbol !== undefined) {
    throw invalid(
      `symbol is only for isolated margin; venue '${venue.id}' streams the whole account`,
      'symbol',
    );
  }
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw invalid('logger must have debug, info, warn and error methods (pino works)', 'logger');
  }
  const logger = options.logger ?? silentLogger;
  if (options.scheduler !== undefined && typeof options.scheduler?.add !== 'function') {
    throw invalid('scheduler must come from createScheduler()', 'scheduler');
  }
  if (options.scheduler && options.clock && options.scheduler.clock !== options.clock) {
    throw invalid(
      'clock and scheduler disagree: create the scheduler with the same clock (createScheduler({ clock }))',
      'clock',
    );
  }
  const clock = options.clock ?? options.scheduler?.clock ?? systemClock;
  const scheduler = options.scheduler ?? createScheduler({ clock, logger });
  if (scheduler.closed) throw invalid('the scheduler is closed; create a new one', 'scheduler');
  const lease = options.lease ?? {};
  if (typeof lease !== 'object' || lease === null) throw invalid('lease must be an object', 'lease');
  for (const k of Object.keys(lease)) {
    if (!LEASE_KNOWN.has(k))
      throw invalid(`unknown lease option '${k}'; known: ${[...LEASE_KNOWN].join(', ')}`, `lease.${k}`);
  }
  positive(lease.renewIntervalMs, 'lease.renewIntervalMs');
  positive(lease.validityMs, 'lease.validityMs');
  positive(lease.tokenValidityMs, 'lease.tokenValidityMs');
  positive(lease.ownershipTtlMs, 'lease.ownershipTtlMs');
  positive(lease.ownershipRenewMs, 'lease.ownershipRenewMs');
  if (
    lease.tokenValidityMs !== undefined &&
    venue.listenToken &&
    lease.tokenValidityMs > venue.listenToken.maxValidityMs
  ) {
    throw invalid(
      `lease.tokenValidityMs may be at most ${venue.listenToken.maxValidityMs} ms on ${venue.id}, got ${lease.tokenValidityMs}`,
      'lease.tokenValidityMs',
    );
  }
  if (options.owner !== undefined && (typeof options.owner !== 'string' || options.owner.length === 0)) {
    throw invalid('owner must be a non-empty string naming this worker', 'owner');
  }
  if (options.waitForOpen !== undefined && typeof options.waitForOpen !== 'boolean') {
    throw invalid('waitForOpen must be a boolean', 'waitForOpen');
  }
  // Checked here: a non-signal failed later inside opening with a TypeError (removeEventListener).
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalid('signal must be an AbortSignal (e.g. AbortSignal.timeout(10_000))', 'signal');
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

/**
 * What keepalive needs of `@userstream/rest`'s client, stated structurally so any compatible
 * version of the package (or a user's own client) fits.
 */
export type RestClient = ListenKeyRestClient &
  ListenTokenRestClient &
  MirrorRestSource & {
    readonly rateLimit?: RateLimitView;
    close(): Promise<void>;
  };

/** The options keepalive passes to `createRestClient` (see `@userstream/rest`). */
export interface RestClientOptions {
  venue: VenueProfile;
  credentials: { apiKey: string } & KeyMaterial;
  clock?: Clock;
  logger?: Logger;
  allowInsecure?: boolean;
  [option: string]: unknown;
}

/** Where REST clients and streams come from: `@userstream/rest` and `@userstream/stream`. */
export interface Factories {
  createRestClient: (options: RestClientOptions) => RestClient;
  openListenKeyStream: (options: Record<string, unknown>) => unknown;
  openWsApiStream: (options: Record<string, unknown>) => unknown;
}

/**
 * The REST and stream factories of the sibling packages, looked up when first needed, so an
 * incompatible install fails with a message that says what to do (not a link error at import).
 */
function siblings(): Factories {
  const { createRestClient } = restPackage as unknown as Partial<Factories>;
  const { openListenKeyStream, openWsApiStream } = streamPackage as unknown as Partial<Factories>;
  if (
    typeof createRestClient !== 'function' ||
    typeof openListenKeyStream !== 'function' ||
    typeof openWsApiStream !== 'function'
  ) {
    throw new InvalidInputError(
      '@userstream/keepalive: @userstream/rest (createRestClient) and @userstream/stream (openListenKeyStream, openWsApiStream) are required; install matching versions',
      { field: 'dependencies' },
    );
  }
  return { createRestClient, openListenKeyStream, openWsApiStream };
}

function ownershipOptions(lease: LeaseOptions): { ownershipTtlMs?: number; ownershipRenewMs?: number } {
  return {
    ...(lease.ownershipTtlMs === undefined ? {} : { ownershipTtlMs: lease.ownershipTtlMs }),
    ...(lease.ownershipRenewMs === undefined ? {} : { ownershipRenewMs: lease.ownershipRenewMs }),
  };
}

function viewOf(lease: BaseLease): LeaseView {
  const view: LeaseView = {
    kind: lease.kind,
    key: lease.key,
    state: () => lease.state(),
    on: (type, listener) => {
      lease.on(type, listener as never);
      return view;
    },
    off: (type, listener) => {
      lease.off(type, listener as never);
      return view;
    },
    once: (type, listener) => {
      lease.once(type, listener as never);
      return view;
    },
  };
  return view;
}

/**
 * Opens one account's user data stream on any supported venue and keeps it alive until you
 * close it: spot over the WebSocket API (`session.logon` with an Ed25519 key, else
 * `userDataStream.subscribe.signature`), cross and isolated margin over listenTokens, futures,
 * portfolio margin, BHEX, Coins.ph and legacy venues over listenKeys — each with the right lease
 * on the scheduler. `close()` releases everything (the last stream of a listenKey deletes it).
 */
export async function openUserDataStream(options: OpenUserDataStreamOptions): Promise<UserDataStreamHandle> {
  const c = check(options);
  return openChecked(siblings(), c, options);
}

/**
 * `openUserDataStream` with the REST client and stream factories given (internal: lets the
 * package's own tests run against the simulator with any implementation of the two siblings).
 */
export async function openUserDataStreamWith(
  factories: Factories,
  options: OpenUserDataStreamOptions,
): Promise<UserDataStreamHandle> {
  return openChecked(factories, check(options), options);
}

/** Longest interval Node accepts; the hold never does anything when it fires. */
const HOLD_INTERVAL_MS = 2 ** 31 - 1;

async function openChecked(
  factories: Factories,
  c: Checked,
  options: OpenUserDataStreamOptions,
): Promise<UserDataStreamHandle> {
  // Every timer below (REST retries, lease jobs, reconnects) is unref'd on purpose: this holds the
  // process until opening settles, so `await openUserDataStream()` resolves or rejects, and never
  // leaves an unsettled top-level await (exit 13, nothing printed) when the venue is unreachable.
  // Once open, the stream holds the process itself until close().
  const hold = setInterval(() => {}, HOLD_INTERVAL_MS);
  try {
    return await openHeld(factories, c, options);
  } finally {
    clearInterval(hold);
  }
}

async function openHeld(
  factories: Factories,
  c: Checked,
  options: OpenUserDataStreamOptions,
): Promise<UserDataStreamHandle> {
  const { createRestClient, openListenKeyStream, openWsApiStream } = factories;
  if (options.signal?.aborted)
    throw new ClosedError('@userstream/keepalive: opening was aborted', { aborted: true });
  const restOptions: RestClientOptions = {
    ...(options.rest as Partial<RestClientOptions>),
    venue: c.venue,
    credentials: c.credentials,
    clock: c.clock,
    logger: c.logger,
    ...(options.allowInsecure ? { allowInsecure: true } : {}),
  } as RestClientOptions;
  const streamBase = {
    ...(options.stream ?? {}),
    venue: c.venue,
    clock: c.clock,
    logger: c.logger,
    ...(options.allowInsecure ? { allowInsecure: true } : {}),
  };
  const group = new URL(c.venue.restBaseUrl).origin;
  const retry = c.lease.retry;
  const closeScheduler = () => {
    if (c.ownScheduler) c.scheduler.close();
  };

  let handle: UserDataStreamHandle;
  if (c.venue.protocol === 'wsApi') {
    handle = await openWsApi(factories, c, restOptions, streamBase, group, closeScheduler);
  } else {
    const registry = leaseRegistryOf(c.scheduler);
    let lease: ListenKeyLease | ListenTokenLease;
    try {
      lease = await registry.acquire<ListenKeyLease | ListenTokenLease>(
        c.key,
        () => {
          const rest = createRestClient(restOptions);
          const base = {
            key: c.key,
            scheduler: c.scheduler,
            store: c.store,
            owner: c.owner,
            logger: c.logger,
            group,
            ...(retry ? { retry } : {}),
            ...ownershipOptions(c.lease),
            ...(c.symbol === undefined ? {} : { symbol: c.symbol }),
            dispose: () => rest.close(),
          };
          const made =
            c.venue.protocol === 'listenKey'
              ? new ListenKeyLease({
                  ...base,
                  rest,
                  renewIntervalMs: c.lease.renewIntervalMs ?? c.venue.timing.renewIntervalMs,
                  validityMs: c.lease.validityMs ?? c.venue.timing.keyValidityMs,
                })
              : new ListenTokenLease({
                  ...base,
                  rest,
                  ...(c.lease.tokenValidityMs === undefined ? {} : { validityMs: c.lease.tokenValidityMs }),
                  ...(c.lease.renewAt === undefined ? {} : { renewAt: c.lease.renewAt }),
                });
          return made;
        },
        (l) => l.start(),
      );
    } catch (error) {
      closeScheduler();
      throw error;
    }
    const rest = lease.client as RestClient;
    const credential = lease.credential as string;
    let inner: InnerStream & {
      replaceListenKey?: (k: string) => Promise<void>;
      replaceListenToken?: (t: string) => Promise<void>;
    };
    try {
      inner =
        lease instanceof ListenKeyLease
          ? (openListenKeyStream({
              ...streamBase,
              listenKey: credential,
            } as never) as unknown as typeof inner)
          : (openWsApiStream({
              ...streamBase,
              auth: { type: 'listenToken', token: credential },
            } as never) as unknown as typeof inner);
    } catch (error) {
      await registry.release(c.key, lease);
      closeScheduler();
      throw error;
    }
    const consumer = {
      replaceCredential: (credential: string) =>
        lease instanceof ListenKeyLease
          ? (inner.replaceListenKey as (k: string) => Promise<void>)(credential)
          : (inner.replaceListenToken as (t: string) => Promise<void>)(credential),
    };
    lease.attach(consumer);
    inner.on('credentialExpired', ((info: { reason?: string }) => {
      lease.recreate(info?.reason ?? 'credential-expired');
    }) as (...args: never[]) => void);
    handle = new ManagedStream<RestClient>({
      inner,
      lease: viewOf(lease),
      rest,
      replaceable: false,
      hooks: {
        clock: c.clock,
        logger: c.logger,
        release: async () => {
          lease.detach(consumer);
          await registry.release(c.key, lease);
          closeScheduler();
        },
      },
    });
  }
  if (options.waitForOpen !== false) await waitOpen(handle, options.signal, openTimeoutOf(options));
  return handle;
}

async function openWsApi(
  factories: Factories,
  c: Checked,
  restOptions: RestClientOptions,
  streamBase: Record<string, unknown>,
  group: string,
  closeScheduler: () => void,
): Promise<UserDataStreamHandle> {
  const { createRestClient, openWsApiStream } = factories;
  const rest = createRestClient(restOptions);
  const auth =
    c.signer.keyType === 'ed25519'
      ? { type: 'logon', apiKey: c.apiKey, signer: c.signer }
      : { type: 'signature', apiKey: c.apiKey, signer: c.signer };
  const openInner = () => openWsApiStream({ ...streamBase, auth } as never) as unknown as InnerStream;
  let handle: UserDataStreamHandle | undefined;
  const watch = (inner: InnerStream) => {
    inner.on('open', (() => lease.noteSubscribed()) as (...args: never[]) => void);
    inner.on('reconnected', (() => lease.noteSubscribed()) as (...args: never[]) => void);
    inner.on('error', ((error: UserstreamError) => {
      // Subscription and connection failures count against the lease; a bad frame does not.
      if (error?.code !== ErrorCode.MalformedFrame && error?.code !== ErrorCode.Protocol)
        lease.noteFailure(error);
    }) as (...args: never[]) => void);
    inner.on('credentialExpired', ((info: { reason?: string }) => {
      lease.recreate(info?.reason ?? 'invalid-credential');
    }) as (...args: never[]) => void);
  };
  const lease: WsApiLease = new WsApiLease({
    key: c.key,
    scheduler: c.scheduler,
    store: c.store,
    owner: c.owner,
    logger: c.logger,
    group,
    rateLimit: () => rest.rateLimit,
    ...(c.lease.retry ? { retry: c.lease.retry } : {}),
    ...ownershipOptions(c.lease),
    lifetimeMs: c.venue.timing.connectionLifetimeMs,
    recreate: async () => {
      if (!handle || handle.closed) return;
      const next = openInner();
      watch(next);
      await handle.replaceInner(next);
    },
    dispose: () => rest.close(),
  });
  try {
    await lease.start();
  } catch (error) {
    await lease.close().catch(() => {});
    closeScheduler();
    throw error;
  }
  let inner: InnerStream;
  try {
    inner = openInner();
  } catch (error) {
    await lease.close().catch(() => {});
    closeScheduler();
    throw error;
  }
  watch(inner);
  handle = new ManagedStream<RestClient>({
    inner,
    lease: viewOf(lease),
    rest,
    replaceable: true,
    hooks: {
      clock: c.clock,
      logger: c.logger,
      release: async () => {
        await lease.close();
        closeScheduler();
      },
    },
  });
  return handle;
}

/** The first open's deadline: the stream's `openTimeoutMs` (real milliseconds), as it would use. */
function openTimeoutOf(options: OpenUserDataStreamOptions): number {
  const value = (options.stream as { openTimeoutMs?: unknown } | undefined)?.openTimeoutMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : streamPackage.DEFAULT_OPEN_TIMEOUT_MS;
}

/**
 * Waits for the first `open`. Fails (and releases everything) when the signal aborts, when the
 * venue rejects the subscription in a way retrying cannot fix (a bad key or signature), or when
 * the stream has not opened within `timeoutMs` of real time (an unreachable or refusing venue:
 * a typed USERSTREAM_TIMEOUT saying what was tried, rather than a caller waiting forever).
 */
async function waitOpen(
  handle: UserDataStreamHandle,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<void> {
  let onAbort: (() => void) | undefined;
  let onError: ((error: unknown) => void) | undefined;
  let onReconnecting: ((info: { attempt?: number; reason?: string }) => void) | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    let attempts = 0;
    let last: string | undefined;
    onReconnecting = (info) => {
      attempts++;
      last = info?.reason;
    };
    handle.on('reconnecting', onReconnecting);
    deadline = setTimeout(() => {
      reject(
        new TransportError(
          `@userstream/keepalive: the ${handle.lease.key.venue} stream did not open within ${timeoutMs} ms (${attempts} failed connection attempt${attempts === 1 ? '' : 's'}${last ? `, last: ${last}` : ''}); check the network and the venue's stream URL, raise stream.openTimeoutMs, or pass waitForOpen: false to keep trying in the background`,
          { timeout: true, retryable: true, details: { timeoutMs, attempts, reason: last } },
        ),
      );
    }, timeoutMs);
    onError = (error: unknown) => {
      const e = error as UserstreamError;
      if (e?.code === ErrorCode.Exchange && e.isRetryable === false) reject(e);
    };
    handle.on('error', onError);
    if (signal) {
      onAbort = () =>
        reject(new ClosedError('@userstream/keepalive: opening was aborted', { aborted: true }));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    await Promise.race([handle.opened(), failed]);
  } catch (error) {
    await handle.close().catch(() => {});
    throw UserstreamError.isInstance(error)
      ? error
      : new ClosedError('@userstream/keepalive: opening failed', { cause: error });
  } finally {
    clearTimeout(deadline);
    if (onError) handle.off('error', onError);
    if (onReconnecting) handle.off('reconnecting', onReconnecting);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
