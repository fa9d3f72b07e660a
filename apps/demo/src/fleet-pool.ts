import type { Clock } from '@userstream/core';
import { createFleetWorker, type FleetAccount, type FleetWorker } from '@userstream/redis';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { Note } from './notes.js';
import { redisClient } from './redis-client.js';
import { DEMO_STREAM_OPTIONS, demoRestOptions } from './run-options.js';

/** One worker of the demo's fleet (killed ones stay listed). */
export interface FleetWorkerRuntime {
  readonly id: string;
  readonly worker: FleetWorker;
  readonly redis: Redis;
  alive: boolean;
  /** Real ms. */
  readonly startedAt: number;
  diedAt: number | undefined;
  /** Streams acquired / of them taken over from a killed worker / released / lost to another worker. */
  acquired: number;
  takeovers: number;
  released: number;
  lost: number;
}

/** A kill and how long the survivors took to have every stream of the victim open again. */
export interface KillRecord {
  worker: string;
  accounts: string[];
  /** Protocol-clock ms at the kill. */
  at: number;
  /** Real ms at the kill. */
  realAt: number;
  /** Protocol-clock ms from the kill until every one of its streams was open on a live worker. */
  takeoverMs: number | undefined;
  takeoverRealMs: number | undefined;
}

/**
 * An account's stream as the ops page counts it, across every worker that owned it (a takeover
 * does not reset the counts). During a move both owners' streams are open, so `events` may count
 * an event twice there; Redis holds it once.
 */
export interface AccountTally {
  /** Events the owners delivered. */
  events: number;
  /** Reconnects of the owners' streams (same credential, new connection). */
  reconnects: number;
  /** Gaps the owners announced, acquisitions without a covering handoff included. */
  gaps: number;
  /** `E` of the last event delivered (protocol ms). */
  lastEventTime: number | undefined;
}

export interface WorkerPoolOptions {
  redisUrl: string;
  accounts: readonly FleetAccount[];
  prefix: string;
  clock: Clock;
  speed: number;
  logger: Logger;
  note(worker: string | undefined, level: Note['level'], text: string): void;
  /** True while the demo runs (acquisitions and releases while starting or stopping are not news). */
  running(): boolean;
}

/**
 * The fleet's workers in this process: each its own Redis connection and worker id, sharing
 * the accounts by rendezvous hashing; counts what each acquires, takes over, releases and loses.
 */
export class WorkerPool {
  readonly workers: FleetWorkerRuntime[] = [];
  readonly #o: WorkerPoolOptions;
  /** Account → the worker that acquired it last. */
  readonly #lastOwner = new Map<string, string>();
  readonly #tallies = new Map<string, AccountTally>();
  #seq = 0;

  constructor(options: WorkerPoolOptions) {
    this.#o = options;
  }

  get live(): FleetWorkerRuntime[] {
    return this.workers.filter((w) => w.alive);
  }

  /** What the account's owners counted so far (undefined before its first acquisition). */
  tally(accountId: string): AccountTally | undefined {
    return this.#tallies.get(accountId);
  }

  #tally(accountId: string): AccountTally {
    let t = this.#tallies.get(accountId);
    if (!t) {
      t = { events: 0, reconnects: 0, gaps: 0, lastEventTime: undefined };
      this.#tallies.set(accountId, t);
    }
    return t;
  }

  /** The live worker whose stream of the account is open, if any. */
  ownerOf(accountId: string): FleetWorkerRuntime | undefined {
    return this.live.find((w) => w.worker.stream(accountId)?.state === 'open');
  }

  /** Starts one more worker: it joins, settles and takes its share. */
  start(): FleetWorkerRuntime {
    const o = this.#o;
    const id = `w${++this.#seq}`;
    const logger = o.logger.child({ worker: id });
    const redis = redisClient(o.redisUrl, logger);
    const worker = createFleetWorker({
      redis,
      workerId: id,
      accounts: o.accounts,
      prefix: o.prefix,
      clock: o.clock,
      mirror: true,
      logger,
      rest: demoRestOptions(o.speed),
      stream: DEMO_STREAM_OPTIONS,
    });
    const runtime: FleetWorkerRuntime = {
      id,
      worker,
      redis,
      alive: true,
      startedAt: Date.now(),
      diedAt: undefined,
      acquired: 0,
      takeovers: 0,
      released: 0,
      lost: 0,
    };
    worker.on('acquired', ({ account }) => {
      runtime.acquired++;
      const previous = this.#lastOwner.get(account);
      const fromDead = previous !== undefined && this.workers.some((w) => w.id === previous && !w.alive);
      if (fromDead) runtime.takeovers++;
      this.#lastOwner.set(account, id);
      // Each acquisition opens a new stream: one listener per stream, gone with it.
      worker.stream(account)?.on('reconnected', () => this.#tally(account).reconnects++);
      if (o.running()) {
        o.note(id, fromDead ? 'ok' : 'info', `${fromDead ? 'took over' : 'acquired'} ${account}`);
      }
    });
    worker.on('released', ({ account, reason }) => {
      // A killed worker's streams just stop (nothing is released in Redis): not a release.
      if (!runtime.alive) return;
      runtime.released++;
      if (o.running()) o.note(id, 'info', `released ${account} (${reason})`);
    });
    worker.on('event', ({ account, event }) => {
      const t = this.#tally(account);
      t.events++;
      // Not every event has an `E` (Aster's announcement): those leave the lag as it was.
      const E = Number((event as { E?: unknown }).E);
      if (Number.isFinite(E)) t.lastEventTime = E;
    });
    worker.on('gap', ({ account }) => {
      this.#tally(account).gaps++;
    });
    worker.on('lost', ({ account }) => {
      runtime.lost++;
      o.note(id, 'warn', `lost ${account} to another worker`);
    });
    worker.on('warning', ({ account, error }) =>
      logger.warn({ account, code: 'code' in error ? error.code : undefined }, error.message),
    );
    this.workers.push(runtime);
    worker.start().catch((error: Error) => logger.warn({ err: error.message }, 'worker start failed'));
    return runtime;
  }

  /**
   * `size` live workers agreeing on the membership, each owning exactly what rendezvous gives
   * it with every assigned stream open, and every account open on a live worker.
   */
  whole(size: number): boolean {
    const live = this.live;
    if (live.length !== size) return false;
    if (!live.every((w) => w.worker.membership.members.length === live.length)) return false;
    for (const w of live) {
      const assigned = w.worker.assigned();
      if (assigned.length !== w.worker.owned().length) return false;
      if (!assigned.every((a) => w.worker.stream(a)?.state === 'open')) return false;
    }
    return this.#o.accounts.every((a) => this.ownerOf(a.id) !== undefined);
  }

  /** Kills a worker abruptly (`close({ release: false })`: nothing released, like kill -9). */
  kill(victim: FleetWorkerRuntime): KillRecord {
    const record: KillRecord = {
      worker: victim.id,
      accounts: victim.worker.owned(),
      at: this.#o.clock.now(),
      realAt: Date.now(),
      takeoverMs: undefined,
      takeoverRealMs: undefined,
    };
    victim.alive = false;
    victim.diedAt = Date.now();
    void victim.worker
      .close({ release: false })
      .catch(() => {})
      .finally(() => victim.redis.disconnect());
    return record;
  }

  /** Closes the live workers (releasing everything) and every connection. */
  async close(): Promise<void> {
    await Promise.allSettled(this.live.map((w) => w.worker.close()));
    for (const w of this.workers) {
      w.alive = false;
      w.redis.disconnect();
    }
  }
}
