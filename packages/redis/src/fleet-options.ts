import {
  type Clock,
  getVenue,
  type InvalidInputError,
  type KeyMaterial,
  systemClock,
  type VenueProfile,
} from '@userstream/core';
import {
  type AccountMirrorOptions,
  createLeaseKey,
  type LeaseOptions,
  type LeaseStore,
  type Logger,
  type OpenUserDataStreamOptions,
  type Scheduler,
  silentLogger,
  type UserDataStreamHandle,
} from '@userstream/keepalive';
import type { RedisClient as Redis } from './client.js';
import { checkPrefix, leaseKeyId } from './keys.js';
import { configKit } from './option-kits.js';
import { venueOpenRate } from './takeover-bound.js';

/** Ownership of a stream lapses 5 s after its owner's last renewal: the takeover bound's main term. */
export const DEFAULT_FLEET_OWNERSHIP_TTL_MS = 5_000;
/** Owners renew every 1.5 s (three chances before the TTL). */
export const DEFAULT_FLEET_OWNERSHIP_RENEW_MS = 1_500;
/** Stream opens per second per venue host, fleet-wide, where the venue profile cannot say (no listenKey create). */
export const DEFAULT_OPEN_RATE_PER_SECOND = 30;
/** Each worker compares what it owns with what rendezvous gives it every second (and on every member change). */
export const DEFAULT_RECONCILE_MS = 1_000;

/** One account (and market) the fleet follows. Its credentials stay in each worker's memory, never in Redis. */
export interface FleetAccount {
  /** Your id of the account: the rendezvous key and the name of its Redis Stream. Unique in the fleet. */
  readonly id: string;
  /** A venue id of core's `venues` (`binance-usdm`, …) or a full profile (the simulator's, your own). */
  readonly venue: string | VenueProfile;
  /** The API key and its signing material (`secret`, `privateKey`, or a `signer`); kept in memory only. */
  readonly credentials: {
    /** The venue API key; never logged, never written to Redis. */
    apiKey: string;
  } & KeyMaterial;
  /** Isolated margin symbol. */
  readonly symbol?: string;
}

/**
 * Options of {@link createFleetWorker}. Checked at creation: a missing or bad field throws an
 * `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`) naming it, duplicate account ids included.
 */
export interface FleetWorkerOptions {
  /** An ioredis client; the worker never closes it. */
  redis: Redis;
  /** This worker's id, unique in the fleet (e.g. host name and pid). */
  workerId: string;
  /** Every account of the fleet (the same list on every worker): each worker opens those rendezvous gives it. */
  accounts: readonly FleetAccount[];
  /** @default 'userstream:' */
  prefix?: string;
  /** Protocol time for membership, ownership and streams. @default systemClock */
  clock?: Clock;
  /** The scheduler renewing this worker's leases. @default a new one on `clock` (closed by close()) */
  scheduler?: Scheduler;
  /** Where the worker and its streams log (pino-compatible). @default silent */
  logger?: Logger;
  /** How streams are opened. @default keepalive's openUserDataStream */
  openStream?: (options: OpenUserDataStreamOptions) => Promise<UserDataStreamHandle>;
  /** Where leases live. @default createRedisLeaseStore({ redis, prefix, clock }) */
  store?: LeaseStore;
  /** Membership heartbeat. @default 1000 */
  heartbeatMs?: number;
  /** A worker that stops heartbeating is dead after this long. @default 3000 */
  memberTtlMs?: number;
  /** @default 5000 */
  ownershipTtlMs?: number;
  /** @default 1500 */
  ownershipRenewMs?: number;
  /** @default 1000 */
  reconcileMs?: number;
  /**
   * After joining, and whenever Redis comes back (or forgot this worker), take no new streams for
   * this long: current owners re-assert their ownership first. @default ownershipRenewMs + 2 × heartbeatMs
   */
  settleMs?: number;
  /** Streams opened at once by this worker. @default 16 */
  openConcurrency?: number;
  /**
   * Event-loop lag (protocol ms) above which this worker opens fewer streams at once: halved on
   * each open that saw more lag, down to one at a time, and up by one per open that saw less (no
   * open starts either while a renewal is in flight or due within this long). Ownership renewals lapse when the loop lags more than
   * `ownershipTtlMs − ownershipRenewMs`, so keep it well below that.
   * @default a quarter of `ownershipTtlMs − ownershipRenewMs`, at most 250
   */
  openLagTargetMs?: number;
  /**
   * The worst event-loop lag (ms of real time) since the previous call; the worker reads it after
   * each open. Inject one for tests or to share your own monitor.
   * @default a 20 ms timer (unref'd) measuring its own lateness
   */
  eventLoopLag?: () => number;
  /**
   * Stream opens per second per venue host, for the WHOLE fleet (paced through Redis): the
   * workers usually share an egress IP and so one request-weight budget.
   * @default from the venue profile: 0.9 × weightLimitPerMinute ÷ 60 ÷ the listenKey create
   * weight (36/s on Binance USD-M, 18/s on BHEX; see takeoverBound()); 30 without a listenKey create
   */
  openRatePerSecond?: number;
  /** Keep an `AccountMirror` per stream (reconciled from REST at start and on every gap). @default false */
  mirror?: boolean | Pick<AccountMirrorOptions, 'retry' | 'random'>;
  /** Append every event to the account's Redis Stream, exactly once. `false` to skip. @default true */
  sink?:
    | boolean
    | {
        /** Approximate length cap of each account's Redis Stream. @default 100_000 */
        maxLen?: number;
        /** How long an event's idempotency key is kept (ms). @default 24 h */
        dedupeTtlMs?: number;
      };
  /** Events held per account while Redis is unavailable; the oldest are dropped beyond (with a diagnostic). @default 10_000 */
  maxPendingEvents?: number;
  /** Passed to openUserDataStream. */
  rest?: OpenUserDataStreamOptions['rest'];
  /** Passed to openUserDataStream as its `stream` options (timeouts, reconnect, proxy, …). */
  stream?: OpenUserDataStreamOptions['stream'];
  /** Lease options besides ownership (renewIntervalMs, validityMs, retry, …). */
  lease?: Omit<LeaseOptions, 'ownershipTtlMs' | 'ownershipRenewMs'>;
  /** Allow plain `http:`/`ws:` venue URLs beyond loopback (test rigs only: keys travel in clear). @default false */
  allowInsecure?: boolean;
}

/** A worker's options, checked, with defaults filled in. */
export interface ResolvedFleetOptions {
  readonly accounts: ReadonlyMap<string, FleetAccount>;
  /** Account id → REST origin of its venue (the host whose request weight its opens use). */
  readonly origins: ReadonlyMap<string, string>;
  /** REST origin → fleet-wide opens per second its profiles' weight allows (the slowest profile on that host). */
  readonly originRates: ReadonlyMap<string, number>;
  /** Account id → the id part of its lease's Redis keys (to peek at its owner before opening). */
  readonly leaseKeys: ReadonlyMap<string, string>;
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly heartbeatMs: number;
  readonly ownershipTtlMs: number;
  readonly ownershipRenewMs: number;
  readonly reconcileMs: number;
  readonly settleMs: number;
  readonly openConcurrency: number;
  /** Lag (protocol ms) above which opens back off. */
  readonly openLagTargetMs: number;
  /** Fleet-wide ms between two opens on a REST origin. */
  readonly openIntervalMs: (origin: string) => number;
  readonly maxPending: number;
}

/** The default `openLagTargetMs` at most: lag beyond it delays every stream's events as well. */
const MAX_OPEN_LAG_TARGET_MS = 250;

/** Refusals say which factory they come from: `@userstream/redis: createFleetWorker: …`. */
function invalid(message: string, field: string): InvalidInputError {
  return configKit.invalid(`createFleetWorker: ${message}`, field);
}

function positive(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : configKit.positive(value, field);
}

function duration(value: unknown, field: string, fallback: number): number {
  // Node fires a timer above 2^31-1 ms after 1 ms.
  return value === undefined ? fallback : configKit.duration(value, field);
}

function checkAccounts(
  list: unknown,
): Pick<ResolvedFleetOptions, 'accounts' | 'origins' | 'leaseKeys' | 'originRates'> {
  if (!Array.isArray(list))
    throw invalid('accounts must be an array of { id, venue, credentials }', 'accounts');
  const accounts = new Map<string, FleetAccount>();
  const origins = new Map<string, string>();
  const originRates = new Map<string, number>();
  const leaseKeys = new Map<string, string>();
  for (const a of list as FleetAccount[]) {
    if (typeof a?.id !== 'string' || a.id.length === 0 || a.id.length > 200) {
      throw invalid('each account needs an id (a non-empty string of at most 200 characters)', 'accounts.id');
    }
    if (accounts.has(a.id))
      throw invalid(`account id ${a.id} appears twice; ids must be unique`, 'accounts.id');
    const venue = typeof a.venue === 'string' ? getVenue(a.venue) : a.venue;
    if (typeof venue?.restBaseUrl !== 'string') {
      throw invalid(`account ${a.id} needs a venue id or profile`, 'accounts.venue');
    }
    const origin = new URL(venue.restBaseUrl).origin;
    origins.set(a.id, origin);
    const rate = venueOpenRate(venue) ?? DEFAULT_OPEN_RATE_PER_SECOND;
    originRates.set(origin, Math.min(rate, originRates.get(origin) ?? rate));
    if (typeof a.credentials?.apiKey !== 'string' || a.credentials.apiKey.length === 0) {
      throw invalid(
        `account ${a.id} needs credentials { apiKey, secret | privateKey | signer }`,
        'accounts.credentials',
      );
    }
    // The same key keepalive's lease uses (the API key only as a fingerprint).
    leaseKeys.set(
      a.id,
      leaseKeyId(createLeaseKey({ venue, apiKey: a.credentials.apiKey, symbol: a.symbol })),
    );
    accounts.set(a.id, a);
  }
  return { accounts, origins, leaseKeys, originRates };
}

/** An explicit rate applies to every host; without one, each host's rate comes from its venue profiles. */
function openIntervals(rate: unknown, originRates: ReadonlyMap<string, number>): (origin: string) => number {
  if (rate !== undefined) {
    const ms = 1000 / configKit.positive(rate, 'openRatePerSecond');
    return () => ms;
  }
  return (origin) => 1000 / (originRates.get(origin) ?? DEFAULT_OPEN_RATE_PER_SECOND);
}

/** Checks a worker's options (failing fast, naming the field) and fills in the defaults. */
export function resolveFleetOptions(options: FleetWorkerOptions): ResolvedFleetOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options are required', 'options');
  if (typeof options.redis?.evalsha !== 'function') {
    throw invalid('redis must be an ioredis client, e.g. new Redis("redis://127.0.0.1:6379")', 'redis');
  }
  const checked = checkAccounts(options.accounts);
  const heartbeatMs = duration(options.heartbeatMs, 'heartbeatMs', 1_000);
  const ownershipTtlMs = duration(options.ownershipTtlMs, 'ownershipTtlMs', DEFAULT_FLEET_OWNERSHIP_TTL_MS);
  const ownershipRenewMs = duration(
    options.ownershipRenewMs,
    'ownershipRenewMs',
    DEFAULT_FLEET_OWNERSHIP_RENEW_MS,
  );
  if (options.eventLoopLag !== undefined && typeof options.eventLoopLag !== 'function') {
    throw invalid('eventLoopLag must be a function returning the lag in ms', 'eventLoopLag');
  }
  if (ownershipRenewMs >= ownershipTtlMs) {
    throw invalid(
      'ownershipRenewMs must be shorter than ownershipTtlMs (e.g. 1500 and 5000)',
      'ownershipRenewMs',
    );
  }
  return {
    ...checked,
    prefix: checkPrefix(options.prefix, 'createFleetWorker'),
    clock: options.clock ?? options.scheduler?.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    heartbeatMs,
    ownershipTtlMs,
    ownershipRenewMs,
    reconcileMs: duration(options.reconcileMs, 'reconcileMs', DEFAULT_RECONCILE_MS),
    settleMs:
      options.settleMs === 0 ? 0 : duration(options.settleMs, 'settleMs', ownershipRenewMs + 2 * heartbeatMs),
    openConcurrency: positive(options.openConcurrency, 'openConcurrency', 16),
    openLagTargetMs: duration(
      options.openLagTargetMs,
      'openLagTargetMs',
      Math.min(MAX_OPEN_LAG_TARGET_MS, (ownershipTtlMs - ownershipRenewMs) / 4),
    ),
    openIntervalMs: openIntervals(options.openRatePerSecond, checked.originRates),
    maxPending: positive(options.maxPendingEvents, 'maxPendingEvents', 10_000),
  };
}

/** What a worker passes to `openStream` for one of its accounts. */
export function streamOptions(
  account: FleetAccount,
  o: FleetWorkerOptions,
  resolved: ResolvedFleetOptions,
  own: Pick<OpenUserDataStreamOptions, 'scheduler' | 'store' | 'owner'>,
): OpenUserDataStreamOptions {
  return {
    venue: account.venue,
    credentials: account.credentials,
    ...(account.symbol === undefined ? {} : { symbol: account.symbol }),
    clock: resolved.clock,
    logger: resolved.logger,
    ...own,
    ...(o.rest === undefined ? {} : { rest: o.rest }),
    ...(o.stream === undefined ? {} : { stream: o.stream }),
    ...(o.allowInsecure === undefined ? {} : { allowInsecure: o.allowInsecure }),
    lease: {
      ...o.lease,
      ownershipTtlMs: resolved.ownershipTtlMs,
      ownershipRenewMs: resolved.ownershipRenewMs,
    },
    waitForOpen: false,
  };
}
