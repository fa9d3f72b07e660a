import { EventEmitter } from 'node:events';
import {
  backoffDelay,
  type Clock,
  type ClockTimer,
  ErrorCode,
  getVenue,
  InvalidInputError,
  type KeyMaterial,
  systemClock,
  type UserDataEvent,
  type UserstreamError,
  type VenueProfile,
} from '@userstream/core';
import {
  AccountMirror,
  type AccountMirrorOptions,
  createLeaseKey,
  createScheduler,
  LeaseErrorCode,
  type LeaseOptions,
  type LeaseStore,
  type Logger,
  type OpenUserDataStreamOptions,
  openUserDataStream,
  type Scheduler,
  silentLogger,
  type UserDataStreamHandle,
} from '@userstream/keepalive';
import type { Redis } from 'ioredis';
import { channels } from './diagnostics.js';
import { createRedisEventSink, type GapMarker, type RedisEventSink, type SinkEvent } from './event-sink.js';
import { checkPrefix, leaseKeyId } from './keys.js';
import { createRedisLeaseStore } from './lease-store.js';
import { createMembership, type Membership, type MembershipChange } from './membership.js';
import { rendezvousOwner } from './rendezvous.js';
import { LuaScript } from './script.js';

/** Ownership of a stream lapses 5 s after its owner's last renewal: the takeover bound's main term. */
export const DEFAULT_FLEET_OWNERSHIP_TTL_MS = 5_000;
/** Owners renew every 1.5 s (three chances before the TTL). */
export const DEFAULT_FLEET_OWNERSHIP_RENEW_MS = 1_500;
/** Stream opens per second per venue host, fleet-wide. */
export const DEFAULT_OPEN_RATE_PER_SECOND = 30;
/** Each worker compares what it owns with what rendezvous gives it every second (and on every member change). */
export const DEFAULT_RECONCILE_MS = 1_000;

/** One account (and market) the fleet follows. Its credentials stay in each worker's memory, never in Redis. */
export interface FleetAccount {
  /** Your id of the account: the rendezvous key and the name of its Redis Stream. Unique in the fleet. */
  readonly id: string;
  readonly venue: string | VenueProfile;
  readonly credentials: { apiKey: string } & KeyMaterial;
  /** Isolated margin symbol. */
  readonly symbol?: string;
}

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
   * Stream opens per second per venue host, for the WHOLE fleet (paced through Redis): the
   * workers usually share an egress IP and so one request-weight budget. @default 30
   */
  openRatePerSecond?: number;
  /** Keep an `AccountMirror` per stream (reconciled from REST at start and on every gap). @default false */
  mirror?: boolean | Pick<AccountMirrorOptions, 'retry' | 'random'>;
  /** Append every event to the account's Redis Stream, exactly once. `false` to skip. @default true */
  sink?: boolean | { maxLen?: number; dedupeTtlMs?: number };
  /** Events held per account while Redis is unavailable; the oldest are dropped beyond (with a diagnostic). @default 10_000 */
  maxPendingEvents?: number;
  /** Passed to openUserDataStream. */
  rest?: OpenUserDataStreamOptions['rest'];
  stream?: OpenUserDataStreamOptions['stream'];
  /** Lease options besides ownership (renewIntervalMs, validityMs, retry, …). */
  lease?: Omit<LeaseOptions, 'ownershipTtlMs' | 'ownershipRenewMs'>;
  allowInsecure?: boolean;
}

export interface FleetWorkerEvents {
  /** This worker now owns the account's stream (open). */
  acquired: [info: { account: string; at: number }];
  /** This worker gave the stream up (rendezvous moved it, or close()). */
  released: [info: { account: string; reason: string; at: number }];
  /** Another worker took the stream over (this worker's ownership lapsed): it was closed here without releasing. */
  lost: [info: { account: string; at: number }];
  /** Every exchange event of an owned stream. */
  event: [info: { account: string; event: UserDataEvent }];
  /** A stream could not prove continuity (its mirror, if any, reconciles). */
  gap: [info: { account: string; reason: string; at: number }];
  /** The live members changed. */
  members: [change: MembershipChange];
  /** Something failed that the worker retries by itself (an open, a sink write, a stream error). Not named `error`: nothing here should crash a process without a listener. */
  warning: [info: { account: string | undefined; error: UserstreamError | Error }];
}

export interface FleetWorkerStats {
  /** Streams open here. */
  owned: number;
  /** Streams being opened. */
  opening: number;
  /** Events appended to Redis / found there already / waiting for Redis / dropped (queue full). */
  appended: number;
  duplicates: number;
  pending: number;
  dropped: number;
  /** Claims refused because another worker still owned the stream. */
  refusedClaims: number;
}

/** A gap marker waiting in an account's queue (a class: no exchange event can pass for one). */
class GapItem {
  constructor(readonly gap: GapMarker) {}
}

interface Owned {
  readonly account: FleetAccount;
  readonly handle: UserDataStreamHandle;
  readonly mirror: AccountMirror | undefined;
  /** Events (and gap markers) waiting to be written to Redis, in order. */
  readonly pending: (SinkEvent | GapItem)[];
  flushing: boolean;
  releasing: boolean;
}

/**
 * A worker that fences itself off on demand: while `fenced`, renewOwnership answers "lost", so
 * its leases close without releasing the credential or the ownership (what a crashed worker
 * leaves behind), and claim refuses.
 */
function fenceable(store: LeaseStore): { store: LeaseStore; fence(): void } {
  let fenced = false;
  return {
    fence: () => {
      fenced = true;
    },
    store: {
      get: (k) => store.get(k),
      put: (k, r, o) => store.put(k, r, o),
      delete: (k, o) => store.delete(k, o),
      claim: async (k, owner, ttl) => (fenced ? undefined : store.claim?.(k, owner, ttl)),
      renewOwnership: async (k, o, ttl) => (fenced ? undefined : store.renewOwnership?.(k, o, ttl)),
      release: async (k, o) => {
        if (!fenced) await store.release?.(k, o);
      },
    },
  };
}

/**
 * acquire an open slot: KEYS[1] the host's hold (a 429/418 seen by any worker), KEYS[2] the
 * host's next free slot, KEYS[3] the stream's ownership; ARGV now, interval, housekeeping ttl,
 * this worker. Returns 0 (go), -1 (another worker owns the stream: no slot used), or the clock
 * time to wait for.
 */
const ACQUIRE_OPEN = new LuaScript(`
local now = tonumber(ARGV[1])
local o = redis.call('HMGET', KEYS[3], 'owner', 'exp')
if o[1] and o[1] ~= '' and o[1] ~= ARGV[4] and tonumber(o[2]) > now then return -1 end
local hold = tonumber(redis.call('GET', KEYS[1]) or '0')
if hold > now then return hold end
local free = tonumber(redis.call('GET', KEYS[2]) or '0')
if free > now then return free end
redis.call('SET', KEYS[2], string.format('%d', now + tonumber(ARGV[2])), 'PX', ARGV[3])
return 0
`);

function invalid(message: string, field: string): InvalidInputError {
  return new InvalidInputError(`@userstream/redis: createFleetWorker: ${message}`, { field });
}

function positive(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(`${field} must be a positive number of ms, got ${String(value)}`, field);
  }
  return value;
}

/**
 * One worker of a fleet sharing accounts through Redis. It joins the members, opens the streams
 * rendezvous hashing gives it (claiming each in the lease store: one owner per stream, fencing
 * checked before every renewal and close), appends their events to per-account Redis Streams
 * exactly once, takes over streams of dead workers once their ownership lapses, releases streams
 * rendezvous moves elsewhere, and during a Redis outage keeps its streams and takes no new ones.
 */
export class FleetWorker extends EventEmitter<FleetWorkerEvents> {
  readonly workerId: string;
  readonly membership: Membership;
  readonly sink: RedisEventSink | undefined;
  readonly #accounts: ReadonlyMap<string, FleetAccount>;
  /** Account id → REST origin of its venue (the host whose request weight its opens use). */
  readonly #origins: ReadonlyMap<string, string>;
  /** Account id → the id part of its lease's Redis keys (to peek at its owner before opening). */
  readonly #leaseKeys: ReadonlyMap<string, string>;
  readonly #prefix: string;
  readonly #redis: Redis;
  /** REST origin → clock time before which nobody in the fleet opens streams there (429/418). */
  readonly #holds = new Map<string, number>();
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #ownScheduler: boolean;
  readonly #logger: Logger;
  readonly #openStream: (options: OpenUserDataStreamOptions) => Promise<UserDataStreamHandle>;
  readonly #store: LeaseStore;
  readonly #fence: () => void;
  readonly #options: FleetWorkerOptions;
  readonly #ownershipTtlMs: number;
  readonly #ownershipRenewMs: number;
  readonly #reconcileMs: number;
  readonly #settleMs: number;
  readonly #openConcurrency: number;
  readonly #openIntervalMs: number;
  readonly #maxPending: number;
  readonly #owned = new Map<string, Owned>();
  readonly #opening = new Set<string>();
  /** Per account: no open attempt before this time (backoff after failures). */
  readonly #retryAt = new Map<string, { at: number; failures: number }>();
  readonly #stats = { appended: 0, duplicates: 0, dropped: 0, refusedClaims: 0 };
  #settleUntil = 0;
  #timer: ClockTimer | undefined;
  #reconciling: Promise<void> | undefined;
  #again = false;
  #started = false;
  #closed = false;

  constructor(options: FleetWorkerOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw invalid('options are required', 'options');
    if (typeof options.redis?.evalsha !== 'function') {
      throw invalid('redis must be an ioredis client, e.g. new Redis("redis://127.0.0.1:6379")', 'redis');
    }
    if (!Array.isArray(options.accounts))
      throw invalid('accounts must be an array of { id, venue, credentials }', 'accounts');
    const accounts = new Map<string, FleetAccount>();
    const origins = new Map<string, string>();
    const leaseKeys = new Map<string, string>();
    for (const a of options.accounts) {
      if (typeof a?.id !== 'string' || a.id.length === 0 || a.id.length > 200) {
        throw invalid(
          'each account needs an id (a non-empty string of at most 200 characters)',
          'accounts.id',
        );
      }
      if (accounts.has(a.id))
        throw invalid(`account id ${a.id} appears twice; ids must be unique`, 'accounts.id');
      const venue = typeof a.venue === 'string' ? getVenue(a.venue) : a.venue;
      if (typeof venue?.restBaseUrl !== 'string') {
        throw invalid(`account ${a.id} needs a venue id or profile`, 'accounts.venue');
      }
      origins.set(a.id, new URL(venue.restBaseUrl).origin);
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
    this.#accounts = accounts;
    this.#origins = origins;
    this.#leaseKeys = leaseKeys;
    this.#options = options;
    const prefix = checkPrefix(options.prefix, 'createFleetWorker');
    this.#prefix = prefix;
    this.#redis = options.redis;
    this.#clock = options.clock ?? options.scheduler?.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    const heartbeatMs = positive(options.heartbeatMs, 'heartbeatMs', 1_000);
    this.#ownershipTtlMs = positive(options.ownershipTtlMs, 'ownershipTtlMs', DEFAULT_FLEET_OWNERSHIP_TTL_MS);
    this.#ownershipRenewMs = positive(
      options.ownershipRenewMs,
      'ownershipRenewMs',
      DEFAULT_FLEET_OWNERSHIP_RENEW_MS,
    );
    if (this.#ownershipRenewMs >= this.#ownershipTtlMs) {
      throw invalid(
        'ownershipRenewMs must be shorter than ownershipTtlMs (e.g. 1500 and 5000)',
        'ownershipRenewMs',
      );
    }
    this.#reconcileMs = positive(options.reconcileMs, 'reconcileMs', DEFAULT_RECONCILE_MS);
    this.#settleMs =
      options.settleMs === 0
        ? 0
        : positive(options.settleMs, 'settleMs', this.#ownershipRenewMs + 2 * heartbeatMs);
    this.#openConcurrency = positive(options.openConcurrency, 'openConcurrency', 16);
    this.#openIntervalMs =
      1000 / positive(options.openRatePerSecond, 'openRatePerSecond', DEFAULT_OPEN_RATE_PER_SECOND);
    this.#maxPending = positive(options.maxPendingEvents, 'maxPendingEvents', 10_000);
    this.membership = createMembership({
      redis: options.redis,
      workerId: options.workerId,
      prefix,
      clock: this.#clock,
      heartbeatMs,
      ...(options.memberTtlMs === undefined ? {} : { ttlMs: options.memberTtlMs }),
      logger: this.#logger,
    });
    this.workerId = this.membership.workerId;
    const fenced = fenceable(
      options.store ?? createRedisLeaseStore({ redis: options.redis, prefix, clock: this.#clock }),
    );
    this.#store = fenced.store;
    this.#fence = fenced.fence;
    this.#ownScheduler = options.scheduler === undefined;
    this.#scheduler = options.scheduler ?? createScheduler({ clock: this.#clock, logger: this.#logger });
    this.#openStream = options.openStream ?? openUserDataStream;
    this.sink =
      options.sink === false
        ? undefined
        : createRedisEventSink({
            redis: options.redis,
            prefix,
            ...(typeof options.sink === 'object' ? options.sink : {}),
          });
    this.membership.on('change', (change) => {
      this.emit('members', change);
      this.#kick();
    });
    // Redis came back, or forgot us: let current owners re-assert before taking anything new.
    this.membership.on('available', () => this.#settle());
    this.membership.on('rejoined', () => this.#settle());
  }

  /** Joins the fleet (the first heartbeat must reach Redis) and starts reconciling. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    // Settle first: the first heartbeat may show only this worker (others joining right now).
    this.#settle();
    await this.membership.start();
    this.#settle();
    this.#schedule();
    this.#kick();
  }

  /** Accounts whose streams are open here. */
  owned(): string[] {
    return [...this.#owned.keys()];
  }

  /** Accounts rendezvous gives this worker among the live members. */
  assigned(): string[] {
    const members = this.membership.members;
    return [...this.#accounts.keys()].filter((id) => rendezvousOwner(id, members) === this.workerId);
  }

  /** The open stream of an account, if this worker owns it. */
  stream(accountId: string): UserDataStreamHandle | undefined {
    return this.#owned.get(accountId)?.handle;
  }

  /** The mirror of an account, if this worker owns it and mirrors are on. */
  mirror(accountId: string): AccountMirror | undefined {
    return this.#owned.get(accountId)?.mirror;
  }

  get stats(): FleetWorkerStats {
    let pending = 0;
    for (const o of this.#owned.values()) pending += o.pending.length;
    return {
      owned: this.#owned.size,
      opening: this.#opening.size,
      pending,
      ...this.#stats,
    };
  }

  /** Resolves when every owned stream's events reached Redis (or `timeoutMs` of real time passed). */
  async flushed(timeoutMs = 5_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if ([...this.#owned.values()].every((o) => o.pending.length === 0 && !o.flushing)) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return false;
  }

  #settle(): void {
    this.#settleUntil = Math.max(this.#settleUntil, this.#clock.now() + this.#settleMs);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
      this.#schedule();
    }, this.#reconcileMs);
  }

  #kick(): void {
    this.reconcile().catch((error) => this.emit('warning', { account: undefined, error }));
  }

  /** Compares what this worker owns with what rendezvous gives it, and acts. Runs by itself every `reconcileMs`. */
  reconcile(): Promise<void> {
    if (this.#closed || !this.#started) return Promise.resolve();
    if (this.#reconciling) {
      this.#again = true;
      return this.#reconciling;
    }
    const run = async () => {
      do {
        this.#again = false;
        await this.#reconcileOnce();
      } while (this.#again && !this.#closed);
    };
    const p = run().finally(() => {
      this.#reconciling = undefined;
    });
    this.#reconciling = p;
    return p;
  }

  async #reconcileOnce(): Promise<void> {
    const members = this.membership.members;
    // Without a current member list (Redis unavailable) keep what we have and take nothing.
    if (!this.membership.healthy || !members.includes(this.workerId)) return;
    const now = this.#clock.now();
    const mine = new Set(this.assigned());
    for (const [id, owned] of this.#owned) {
      if (!mine.has(id) && !owned.releasing) void this.#release(id, 'reassigned');
    }
    if (now < this.#settleUntil) return;
    const toOpen: FleetAccount[] = [];
    for (const id of mine) {
      if (this.#owned.has(id) || this.#opening.has(id)) continue;
      const retry = this.#retryAt.get(id);
      if (retry && retry.at > now) continue;
      toOpen.push(this.#accounts.get(id)!);
    }
    if (toOpen.length === 0) return;
    let next = 0;
    const lane = async () => {
      while (next < toOpen.length && !this.#closed && this.membership.healthy) {
        const account = toOpen[next++]!;
        if (!(await this.#acquireOpen(account.id))) continue;
        await this.#open(account);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#openConcurrency, toOpen.length) }, lane));
  }

  /**
   * Waits for a fleet-wide open slot on a venue host: at most `openRatePerSecond` opens per
   * second across the fleet, none while any worker's 429/418 hold lasts. False when the wait
   * would outlast this reconcile round (the account is tried again next round).
   */
  async #acquireOpen(accountId: string): Promise<boolean> {
    const origin = this.#origins.get(accountId)!;
    const deadline = this.#clock.now() + this.#reconcileMs;
    for (;;) {
      if (this.#closed) return false;
      const now = this.#clock.now();
      if ((this.#holds.get(origin) ?? 0) > now) return false;
      let waitUntil: number;
      try {
        const reply = await ACQUIRE_OPEN.run(
          this.#redis,
          [
            this.#holdKey(origin),
            `${this.#prefix}pace:${encodeURIComponent(origin)}`,
            `${this.#prefix}owner:${this.#leaseKeys.get(accountId)}`,
          ],
          [Math.floor(now), Math.max(1, Math.round(this.#openIntervalMs)), 60_000, this.workerId],
        );
        waitUntil = Number(reply);
      } catch {
        return false; // Redis unavailable: take nothing new
      }
      if (waitUntil === 0) return true;
      if (waitUntil === -1) {
        // Its owner's ownership has not lapsed yet: try next round, without spending a slot.
        this.#stats.refusedClaims++;
        return false;
      }
      if (waitUntil > deadline) return false;
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, waitUntil - now));
    }
  }

  #holdKey(origin: string): string {
    return `${this.#prefix}hold:${encodeURIComponent(origin)}`;
  }

  /** A 429/418 while opening: every worker of the fleet (one egress IP, one weight budget) waits it out. */
  async #hold(origin: string, error: { retryAfterMs?: unknown; until?: unknown }): Promise<void> {
    const waitMs = Math.max(1_000, Number(error.retryAfterMs) || 0);
    const until = this.#clock.now() + waitMs;
    if (until <= (this.#holds.get(origin) ?? 0)) return;
    this.#holds.set(origin, until);
    channels.ownership.publish({ type: 'rate-limited', worker: this.workerId, origin, until });
    // The value (clock time) decides; the Redis expiry only cleans up.
    await this.#redis
      .set(this.#holdKey(origin), String(until), 'PX', Math.ceil(waitMs) + 60_000)
      .catch(() => {});
  }

  #backoff(id: string): void {
    const failures = (this.#retryAt.get(id)?.failures ?? 0) + 1;
    // Deterministic (no jitter): re-opens are already spread by the reconcile ticks.
    const delay = backoffDelay(failures, {
      baseDelayMs: this.#reconcileMs,
      maxDelayMs: Math.min(30_000, this.#reconcileMs * 32),
    });
    this.#retryAt.set(id, { at: this.#clock.now() + delay, failures });
  }

  async #open(account: FleetAccount): Promise<void> {
    const id = account.id;
    this.#opening.add(id);
    let handle: UserDataStreamHandle;
    try {
      const o = this.#options;
      handle = await this.#openStream({
        venue: account.venue,
        credentials: account.credentials,
        ...(account.symbol === undefined ? {} : { symbol: account.symbol }),
        clock: this.#clock,
        scheduler: this.#scheduler,
        store: this.#store,
        owner: this.workerId,
        logger: this.#logger,
        ...(o.rest === undefined ? {} : { rest: o.rest }),
        ...(o.stream === undefined ? {} : { stream: o.stream }),
        ...(o.allowInsecure === undefined ? {} : { allowInsecure: o.allowInsecure }),
        lease: { ...o.lease, ownershipTtlMs: this.#ownershipTtlMs, ownershipRenewMs: this.#ownershipRenewMs },
        waitForOpen: false,
      });
    } catch (error) {
      this.#opening.delete(id);
      const code = (error as { code?: unknown })?.code;
      if (code === LeaseErrorCode.Lost) {
        // Another worker still owns it (its ownership has not lapsed yet): try again next round.
        this.#stats.refusedClaims++;
        channels.ownership.publish({ type: 'claim-refused', worker: this.workerId, account: id });
        return;
      }
      if (code === ErrorCode.RateLimited || code === ErrorCode.Banned) {
        await this.#hold(this.#origins.get(id)!, error as { retryAfterMs?: unknown });
      } else {
        this.#backoff(id);
      }
      channels.ownership.publish({ type: 'open-failed', worker: this.workerId, account: id, code });
      this.#logger.warn(
        { worker: this.workerId, account: id, code },
        '@userstream/redis: opening a stream failed; retrying',
      );
      this.emit('warning', { account: id, error: error as Error });
      return;
    }
    this.#opening.delete(id);
    this.#retryAt.delete(id);
    const owned: Owned = {
      account,
      handle,
      mirror: undefined,
      pending: [],
      flushing: false,
      releasing: false,
    };
    handle.on('event', (event) => this.#onEvent(owned, event));
    handle.on('gap', (info) => this.#gap(owned, info.reason));
    handle.on('error', (error) => this.emit('warning', { account: id, error }));
    handle.lease.on('expired', (info) => {
      if (info.reason === 'ownership-lost') void this.#lose(id);
    });
    if (this.#options.mirror) {
      const mirrorOptions = typeof this.#options.mirror === 'object' ? this.#options.mirror : {};
      (owned as { mirror: AccountMirror | undefined }).mirror = new AccountMirror({
        stream: handle,
        rest: handle.rest,
        clock: this.#clock,
        logger: this.#logger,
        ...(account.symbol === undefined ? {} : { symbol: account.symbol }),
        ...mirrorOptions,
      });
    }
    this.#owned.set(id, owned);
    // Whatever the previous owner (if any) saw last, continuity up to here is not proven.
    this.#gap(owned, 'acquired');
    const at = this.#clock.now();
    channels.ownership.publish({ type: 'acquired', worker: this.workerId, account: id, at });
    this.#logger.info({ worker: this.workerId, account: id }, '@userstream/redis: stream acquired');
    this.emit('acquired', { account: id, at });
    if (this.#closed) await this.#release(id, 'closed');
  }

  #gap(owned: Owned, reason: string): void {
    const at = this.#clock.now();
    this.emit('gap', { account: owned.account.id, reason, at });
    if (this.sink) this.#queue(owned, new GapItem({ reason, worker: this.workerId, at }));
  }

  #onEvent(owned: Owned, event: UserDataEvent): void {
    this.emit('event', { account: owned.account.id, event });
    if (!this.sink) return;
    if (typeof (event as { e?: unknown }).e !== 'string') return;
    this.#queue(owned, event as unknown as SinkEvent);
  }

  #queue(owned: Owned, item: SinkEvent | GapItem): void {
    owned.pending.push(item);
    if (owned.pending.length > this.#maxPending) {
      const n = owned.pending.length - this.#maxPending;
      owned.pending.splice(0, n);
      this.#stats.dropped += n;
      channels.sink.publish({
        type: 'overflow',
        worker: this.workerId,
        account: owned.account.id,
        dropped: n,
      });
    }
    if (!owned.flushing) void this.#flush(owned);
  }

  async #flush(owned: Owned): Promise<void> {
    const sink = this.sink;
    if (!sink || owned.flushing) return;
    owned.flushing = true;
    const target = { accountId: owned.account.id, venue: owned.handle.lease.key.venue };
    let failures = 0;
    try {
      while (owned.pending.length > 0) {
        const batch = owned.pending.slice(0, 256);
        try {
          // Sent back to back on one connection (pipelined); Redis runs them in this order.
          const ids = await Promise.all(
            batch.map((item) =>
              item instanceof GapItem ? sink.appendGap(target, item.gap) : sink.append(target, item),
            ),
          );
          owned.pending.splice(0, batch.length);
          for (let i = 0; i < ids.length; i++) {
            if (batch[i] instanceof GapItem) continue;
            if (ids[i] === undefined) this.#stats.duplicates++;
            else this.#stats.appended++;
          }
          failures = 0;
        } catch (error) {
          // Redis unavailable: keep the events (bounded) and try again; appends are idempotent,
          // so re-sending a batch that partly went through appends nothing twice.
          failures++;
          if (failures === 1) {
            channels.sink.publish({ type: 'retry', worker: this.workerId, account: owned.account.id });
            this.emit('warning', { account: owned.account.id, error: error as Error });
          }
          if (this.#closed) return;
          await new Promise<void>((resolve) =>
            this.#clock.setTimeout(
              resolve,
              backoffDelay(failures + 1, { baseDelayMs: 100, maxDelayMs: 5_000 }),
            ),
          );
          if (this.#closed && failures > 3) return;
        }
      }
    } finally {
      owned.flushing = false;
    }
  }

  /** Gives a stream up: closes it, which (fence checked first) deletes its credential and releases ownership. */
  async #release(id: string, reason: string): Promise<void> {
    const owned = this.#owned.get(id);
    if (!owned || owned.releasing) return;
    owned.releasing = true;
    owned.mirror?.close();
    await owned.handle.close().catch(() => {});
    this.#owned.delete(id);
    const at = this.#clock.now();
    channels.ownership.publish({ type: 'released', worker: this.workerId, account: id, reason, at });
    this.emit('released', { account: id, reason, at });
  }

  /** Another worker owns it now: close here; the lease, knowing it lost, releases nothing. */
  async #lose(id: string): Promise<void> {
    const owned = this.#owned.get(id);
    if (!owned || owned.releasing) return;
    owned.releasing = true;
    owned.mirror?.close();
    await owned.handle.close().catch(() => {});
    this.#owned.delete(id);
    const at = this.#clock.now();
    channels.ownership.publish({ type: 'lost', worker: this.workerId, account: id, at });
    this.#logger.warn(
      { worker: this.workerId, account: id },
      '@userstream/redis: stream ownership lost to another worker',
    );
    this.emit('lost', { account: id, at });
  }

  /**
   * Leaves the fleet. By default releases everything (streams closed, credentials deleted,
   * ownership released, membership left) so others take over at once. With `release: false`
   * it stops like a crashed worker: streams closed here but ownership and credentials left to
   * lapse, membership not left (for tests and drills).
   */
  async close(options: { release?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const release = options.release ?? true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!release) this.#fence();
    await this.#reconciling?.catch(() => {});
    if (release) await this.flushed(2_000);
    await Promise.all([...this.#owned.keys()].map((id) => this.#release(id, 'closed')));
    await this.membership.close({ leave: release });
    if (this.#ownScheduler) this.#scheduler.close();
  }
}

/** Creates a {@link FleetWorker}; call `start()` to join the fleet. */
export function createFleetWorker(options: FleetWorkerOptions): FleetWorker {
  return new FleetWorker(options);
}
