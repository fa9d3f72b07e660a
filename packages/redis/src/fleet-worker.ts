import { EventEmitter } from 'node:events';
import {
  abortable,
  backoffDelay,
  type Clock,
  type ClockTimer,
  ErrorCode,
  type UserDataEvent,
} from '@userstream/core';
import {
  AccountMirror,
  createScheduler,
  LeaseErrorCode,
  type LeaseStore,
  type Logger,
  type OpenUserDataStreamOptions,
  openUserDataStream,
  type Scheduler,
  type UserDataStreamHandle,
} from '@userstream/keepalive';
import { channels } from './diagnostics.js';
import { createRedisEventSink, type RedisEventSink, type SinkEvent } from './event-sink.js';
import { fenceable } from './fenceable-store.js';
import type { FleetWorkerEvents, FleetWorkerStats } from './fleet-events.js';
import {
  type FleetAccount,
  type FleetWorkerOptions,
  type ResolvedFleetOptions,
  resolveFleetOptions,
  streamOptions,
} from './fleet-options.js';
import { flushed, moveCover, type Owned, ownedCounts, sinkQueueFor } from './fleet-owned.js';
import { Handoffs, Holdback } from './handoff.js';
import { redisKeys } from './keys.js';
import { createRedisLeaseStore } from './lease-store.js';
import { createMembership, type Membership } from './membership.js';
import { OpenPacer } from './open-pacer.js';
import { OpenThrottle } from './open-throttle.js';
import { rendezvousOwner } from './rendezvous.js';
import type { SinkQueueStats } from './sink-queue.js';

export type { FleetWorkerEvents, FleetWorkerStats };

/**
 * One worker of a fleet sharing accounts through Redis. It joins the members, opens the streams
 * rendezvous hashing gives it (claiming each in the lease store: one owner per stream, fencing
 * checked before every renewal and close), appends their events to per-account Redis Streams
 * exactly once, takes over streams of dead workers once their ownership lapses, releases streams
 * rendezvous moves elsewhere, and during a Redis outage keeps its streams and takes no new ones.
 */
export class FleetWorker extends EventEmitter<FleetWorkerEvents> {
  /** This worker's id, as given in the options (its name in the members set and in gap markers). */
  readonly workerId: string;
  /** The fleet's live members as this worker sees them (its heartbeat included). */
  readonly membership: Membership;
  /** Where events are appended, or undefined when `sink: false`. */
  readonly sink: RedisEventSink | undefined;
  readonly #o: ResolvedFleetOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pacer: OpenPacer;
  readonly #throttle: OpenThrottle;
  readonly #handoffs: Handoffs;
  readonly #scheduler: Scheduler;
  readonly #ownScheduler: boolean;
  readonly #openStream: (options: OpenUserDataStreamOptions) => Promise<UserDataStreamHandle>;
  readonly #store: LeaseStore;
  readonly #fence: () => void;
  readonly #options: FleetWorkerOptions;
  readonly #owned = new Map<string, Owned>();
  readonly #opening = new Set<string>();
  /** Per account: no open attempt before this time (backoff after failures). */
  readonly #retryAt = new Map<string, { at: number; failures: number }>();
  readonly #sinkStats: SinkQueueStats = { appended: 0, duplicates: 0, dropped: 0, quarantined: 0, fenced: 0 };
  #refusedClaims = 0;
  #settleUntil = 0;
  #timer: ClockTimer | undefined;
  #reconciling: Promise<void> | undefined;
  #again = false;
  #started = false;
  #closed = false;
  readonly #stopping = new Set<Promise<void>>();

  constructor(options: FleetWorkerOptions) {
    super();
    const o = resolveFleetOptions(options);
    this.#o = o;
    this.#options = options;
    this.#clock = o.clock;
    this.#logger = o.logger;
    this.membership = createMembership({
      redis: options.redis,
      workerId: options.workerId,
      prefix: o.prefix,
      clock: o.clock,
      heartbeatMs: o.heartbeatMs,
      ...(options.memberTtlMs === undefined ? {} : { ttlMs: options.memberTtlMs }),
      logger: o.logger,
    });
    this.workerId = this.membership.workerId;
    this.#pacer = new OpenPacer({
      redis: options.redis,
      keys: redisKeys(o.prefix),
      clock: o.clock,
      workerId: this.workerId,
      intervalMs: o.openIntervalMs,
    });
    this.#handoffs = new Handoffs({
      redis: options.redis,
      keys: redisKeys(o.prefix),
      clock: o.clock,
      workerId: this.workerId,
      // The new owner may be settling after its join, then opens within a reconcile round.
      timeoutMs: o.settleMs + 2 * o.ownershipTtlMs,
      pollMs: Math.max(20, Math.round(o.reconcileMs / 10)),
    });
    const fenced = fenceable(
      options.store ?? createRedisLeaseStore({ redis: options.redis, prefix: o.prefix, clock: o.clock }),
    );
    this.#throttle = OpenThrottle.of(o, this.workerId, options.eventLoopLag, () => this.#owned.size > 0);
    this.#store = this.#throttle.track(fenced.store); // opens wait for renewals (renewalsFirst)
    this.#fence = fenced.fence;
    this.#ownScheduler = options.scheduler === undefined;
    this.#scheduler = options.scheduler ?? createScheduler({ clock: o.clock, logger: o.logger });
    this.#openStream = options.openStream ?? openUserDataStream;
    this.sink =
      options.sink === false
        ? undefined
        : createRedisEventSink({
            redis: options.redis,
            prefix: o.prefix,
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

  /** Joins the fleet (the first heartbeat must reach Redis) and starts reconciling. A `signal` ends the wait only: the worker keeps joining until close(). */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    // Settle first: the first heartbeat may show only this worker (others joining right now).
    this.#settle();
    const joined = this.membership.start().then(() => {
      this.#settle();
      this.#schedule();
      this.#kick();
    });
    await abortable(joined, options.signal, '@userstream/redis: FleetWorker.start()');
  }

  /** Accounts whose streams are open here. */
  owned(): string[] {
    return [...this.#owned.keys()];
  }

  /** Accounts rendezvous gives this worker among the live members. */
  assigned(): string[] {
    const members = this.membership.members;
    return [...this.#o.accounts.keys()].filter((id) => rendezvousOwner(id, members) === this.workerId);
  }

  /** The open stream of an account, if this worker owns it. */
  stream(accountId: string): UserDataStreamHandle | undefined {
    return this.#owned.get(accountId)?.handle;
  }

  /** The mirror of an account, if this worker owns it and mirrors are on. */
  mirror(accountId: string): AccountMirror | undefined {
    return this.#owned.get(accountId)?.mirror;
  }

  /** The worker's counters right now (a fresh snapshot per read): see {@link FleetWorkerStats}. */
  get stats(): FleetWorkerStats {
    return {
      owned: this.#owned.size,
      opening: this.#opening.size,
      ...ownedCounts(this.#owned.values()),
      ...this.#sinkStats,
      refusedClaims: this.#refusedClaims,
    };
  }

  /** Resolves when every owned stream's events reached Redis (or `timeoutMs` of real time passed). */
  flushed(timeoutMs = 5_000): Promise<boolean> {
    return flushed(() => this.#owned.values(), timeoutMs);
  }

  #settle(): void {
    this.#settleUntil = Math.max(this.#settleUntil, this.#clock.now() + this.#o.settleMs);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
      this.#schedule();
    }, this.#o.reconcileMs);
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
      if (!mine.has(id) && !owned.releasing)
        this.#background(this.#handOff(id, rendezvousOwner(id, members), 'reassigned'));
    }
    if (now < this.#settleUntil) return;
    const toOpen: FleetAccount[] = [];
    for (const id of mine) {
      if (this.#owned.has(id) || this.#opening.has(id)) continue;
      const retry = this.#retryAt.get(id);
      if (retry && retry.at > now) continue;
      toOpen.push(this.#o.accounts.get(id)!);
    }
    if (toOpen.length === 0) return;
    // As many at once as the event loop affords (OpenThrottle), each after the renewals due.
    const go = () => !this.#closed && this.membership.healthy;
    await this.#throttle.run(toOpen, go, async (account) => {
      // Renewals before the slot, not between slot and open: slots held through a renewal
      // would all open at once after it, faster than the venue's pace (takeover.test).
      await this.#throttle.renewalsFirst();
      if (await this.#acquireOpen(account.id)) await this.#open(account);
    });
  }

  /**
   * Waits for a fleet-wide open slot on the account's venue host (see {@link OpenPacer}). False
   * when the wait would outlast this reconcile round (the account is tried again next round).
   */
  async #acquireOpen(accountId: string): Promise<boolean> {
    const slot = await this.#pacer.acquire(
      this.#o.origins.get(accountId)!,
      this.#o.leaseKeys.get(accountId)!,
      this.#clock.now() + this.#o.reconcileMs,
      () => this.#closed,
    );
    // Its owner's ownership has not lapsed yet: try next round, without spending a slot.
    if (slot === 'owned-elsewhere') this.#refusedClaims++;
    return slot === 'go';
  }

  #backoff(id: string): void {
    const failures = (this.#retryAt.get(id)?.failures ?? 0) + 1;
    // Deterministic (no jitter): re-opens are already spread by the reconcile ticks.
    const delay = backoffDelay(failures, {
      baseDelayMs: this.#o.reconcileMs,
      maxDelayMs: Math.min(30_000, this.#o.reconcileMs * 32),
    });
    this.#retryAt.set(id, { at: this.#clock.now() + delay, failures });
  }

  async #open(account: FleetAccount): Promise<void> {
    const id = account.id;
    this.#opening.add(id);
    let handle: UserDataStreamHandle;
    try {
      handle = await this.#openStream(
        streamOptions(account, this.#options, this.#o, {
          scheduler: this.#scheduler,
          store: this.#store,
          owner: this.workerId,
        }),
      );
    } catch (error) {
      this.#opening.delete(id);
      const code = (error as { code?: unknown })?.code;
      if (code === LeaseErrorCode.Lost) {
        // Another worker still owns it (its ownership has not lapsed yet): try again next round.
        this.#refusedClaims++;
        channels.ownership.publish({ type: 'claim-refused', worker: this.workerId, account: id });
        return;
      }
      if (code === ErrorCode.RateLimited || code === ErrorCode.Banned) {
        await this.#pacer.hold(this.#o.origins.get(id)!, error as { retryAfterMs?: unknown });
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
      queue:
        this.sink &&
        sinkQueueFor(id, handle, this.sink, {
          clock: this.#clock,
          workerId: this.workerId,
          maxPending: this.#o.maxPending,
          stats: this.#sinkStats,
          warn: (error) => this.emit('warning', { account: id, error }),
          stopped: () => this.#closed,
        }),
      releasing: false,
      moving: false,
      appending: true,
      lastGapAt: -1,
      held: new Holdback(this.#o.maxPending, () => this.#gap(owned, 'acquired')),
    };
    handle.on('event', (event) => this.#onEvent(owned, event));
    handle.on('gap', (info) => this.#gap(owned, info.reason));
    handle.on('error', (error) => this.emit('warning', { account: id, error }));
    handle.lease.on('expired', (info) => {
      if (info.reason === 'ownership-lost') this.#background(this.#release(id, 'lost'));
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
    const leaseId = this.#o.leaseKeys.get(id)!;
    const move = await this.#handoffs.state(leaseId).catch(() => undefined);
    // A planned move to this worker: the old owner's stream covers until ours is open, unless it
    // says it could not (or never answers). Until then our deliveries are held (Holdback).
    if (move?.to === this.workerId && !move.ready && !move.done)
      void this.#handoffs
        .receive(leaseId, handle, () => this.#closed || owned.releasing)
        .catch(() => false)
        .then((covered) => owned.held.release(!covered));
    // Whatever the previous owner (if any) saw last, continuity up to here is not proven.
    else owned.held.release(true);
    const at = this.#clock.now();
    channels.ownership.publish({ type: 'acquired', worker: this.workerId, account: id, at });
    this.#logger.info({ worker: this.workerId, account: id }, '@userstream/redis: stream acquired');
    this.emit('acquired', { account: id, at });
    if (this.#closed) await this.#release(id, 'closed');
  }

  #gap(owned: Owned, reason: string): void {
    if (owned.held.holding && owned.held.hold(() => this.#gap(owned, reason))) return;
    const at = this.#clock.now();
    owned.lastGapAt = at;
    // A hole while moving: the new owner's marker and held (older) events follow; ours would
    // precede them (seed 58). `out-of-order` is no hole: its late event is ours to append (seed 56).
    if (owned.moving && reason !== 'out-of-order') owned.appending = false;
    this.emit('gap', { account: owned.account.id, reason, at });
    if (owned.appending) owned.queue?.gap({ reason, worker: this.workerId, at });
  }

  #onEvent(owned: Owned, event: UserDataEvent): void {
    if (owned.held.holding && owned.held.hold(() => this.#onEvent(owned, event))) return;
    this.emit('event', { account: owned.account.id, event });
    if (typeof (event as { e?: unknown }).e !== 'string' || !owned.appending) return;
    owned.queue?.event(event as unknown as SinkEvent);
  }

  /** Gives a stream up: closes it, which (fence checked first) deletes its credential and releases ownership. */
  async #release(id: string, reason: string): Promise<void> {
    const owned = this.#owned.get(id);
    if (!owned || owned.releasing) return;
    owned.releasing = true;
    await this.#stop(id, owned, reason);
  }

  /**
   * Moves a stream to the live worker `to`, make-before-break (see handoff.ts): gives ownership
   * up, keeps the stream until `to`'s is open, then closes it (no DELETE: not the owner any
   * more). Without a new owner, or when the move cannot start, releases the usual way.
   */
  async #handOff(id: string, to: string | undefined, reason: string): Promise<void> {
    const owned = this.#owned.get(id);
    if (!owned || owned.releasing) return;
    if (to === undefined || to === this.workerId) return this.#release(id, reason);
    const leaseId = this.#o.leaseKeys.get(id)!;
    owned.releasing = true;
    const startedAt = this.#clock.now();
    if (!(await this.#handoffs.start(leaseId, to).catch(() => false))) {
      // Not the owner any more (lost meanwhile) or Redis unavailable: the close checks the fence.
      owned.releasing = false;
      return this.#release(id, reason);
    }
    channels.ownership.publish({ type: 'handoff', worker: this.workerId, account: id, to, at: startedAt });
    owned.moving = true;
    await this.#handoffs.giveAway(leaseId, ...moveCover(owned, startedAt));
    await this.#stop(id, owned, reason);
  }

  /** A move or a loss started by itself: close() waits for it (its socket must not outlive close()). */
  #background(stop: Promise<void>): void {
    const tracked: Promise<void> = stop.catch(() => {}).finally(() => this.#stopping.delete(tracked));
    this.#stopping.add(tracked);
  }

  /** Closes an owned stream here and says so (`lost`: another worker owns it now; the lease, knowing it, releases nothing). */
  async #stop(id: string, owned: Owned, reason: string | 'lost'): Promise<void> {
    owned.mirror?.close();
    await owned.handle.close().catch(() => {});
    this.#owned.delete(id);
    const at = this.#clock.now();
    if (reason !== 'lost') {
      channels.ownership.publish({ type: 'released', worker: this.workerId, account: id, reason, at });
      this.emit('released', { account: id, reason, at });
      return;
    }
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
    if (!release) {
      this.#fence();
      // A crash stops heartbeating at once: closing thousands of streams here takes a while,
      // and others must not keep seeing this worker alive (and leave its streams to it) meanwhile.
      await this.membership.close({ leave: false });
    }
    await this.#reconciling?.catch(() => {});
    if (release) {
      await this.flushed(2_000);
      // Leave first, so that the others reassign our streams, then hand each to its new owner
      // and keep it until that owner's stream is open (make-before-break).
      const others = this.membership.members.filter((m) => m !== this.workerId);
      await this.membership.close({ leave: true });
      if (others.length > 0) {
        await Promise.all(
          [...this.#owned.keys()].map((id) => this.#handOff(id, rendezvousOwner(id, others), 'closed')),
        );
      }
    }
    await Promise.all([...this.#owned.keys()].map((id) => this.#release(id, 'closed')));
    await Promise.all(this.#stopping);
    await this.membership.close({ leave: release });
    this.#throttle.close();
    if (this.#ownScheduler) this.#scheduler.close();
  }

  /** `await using worker = createFleetWorker(...)`: close() (releasing everything) at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Creates a {@link FleetWorker}; call `start()` to join the fleet. */
export function createFleetWorker(options: FleetWorkerOptions): FleetWorker {
  return new FleetWorker(options);
}
