import { type Clock, type ClockTimer, InvalidInputError } from '@userstream/core';
import { channels } from './diagnostics.js';
import type { Logger } from './logger.js';
import { type HeapItem, TimerHeap } from './timer-heap.js';

/** Renewals (REST calls) the scheduler lets run at once. @default 16 */
export const DEFAULT_MAX_IN_FLIGHT = 16;
/** Share of a delay removed at random so thousands of leases do not renew in the same instant. @default 0.1 */
export const DEFAULT_JITTER = 0.1;
/** After a rate-limit hold ends, due jobs are spread over up to this long. @default 5_000 */
export const DEFAULT_HOLD_SPREAD_MS = 5_000;
/** A job that starts later than this after its due time counts as late in `stats`. @default 1_000 */
export const DEFAULT_LATE_THRESHOLD_MS = 1_000;

/** The part of a REST client's rate-limit state the scheduler reads (`RestClient.rateLimit`). */
export interface RateLimitView {
  /** Epoch ms until which the venue asked us to wait (429 `Retry-After`). */
  readonly retryAfterUntil?: number | undefined;
  /** Epoch ms until which the IP is banned (418): nothing may be sent. */
  readonly bannedUntil?: number | undefined;
}

/**
 * Options of {@link createScheduler}. A bad value throws `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`)
 * naming the field.
 */
export interface SchedulerOptions {
  /** Time and timers. Share it with everything else in a test. @default systemClock */
  clock?: Clock;
  /** How many jobs may run at once; further due jobs wait their turn. @default 16 */
  maxInFlight?: number;
  /** Default jitter: the share (0..1) of each delay removed at random. @default 0.1 */
  jitter?: number;
  /** After a rate-limit hold, due jobs are spread over up to this many ms. @default 5_000 */
  holdSpreadMs?: number;
  /** Lateness above which a run counts as late in {@link SchedulerStats}. @default 1_000 */
  lateThresholdMs?: number;
  /** Random source in [0, 1) for jitter (inject for deterministic tests). @default Math.random */
  random?: () => number;
  /** Where failed runs and holds are logged (pino-compatible). @default silent */
  logger?: Logger;
}

/** The work a job runs, given to {@link Scheduler.add}. */
export interface ScheduledTask {
  /**
   * Does the work (a keepalive, a new credential). The job counts as in flight until the
   * returned promise settles. A rejection is logged and counted, never thrown further: tasks
   * handle their own failures (and reschedule themselves).
   */
  run(): void | Promise<void>;
  /** Rate-limit state to respect before running (usually `() => restClient.rateLimit`). */
  rateLimit?: () => RateLimitView | undefined;
  /**
   * Jobs that share a rate limit (usually the venue's REST origin): a hold placed with
   * {@link Scheduler.hold} delays every job of the group.
   */
  group?: string;
  /** Shown in logs and diagnostics; never a secret. */
  label?: string;
}

/** Per-call options of `Job.scheduleIn`. */
export interface ScheduleOptions {
  /** Share (0..1) of the delay removed at random; `false` for none. @default the scheduler's `jitter` */
  jitter?: number | false;
}

/** One task's place in the scheduler. */
export interface Job {
  /** When the job will run next (epoch ms of the clock), or undefined when not scheduled. */
  readonly dueAt: number | undefined;
  /** True while a run's promise is pending (a job never runs twice at once). */
  readonly running: boolean;
  /** Runs the job at `at` (no jitter). Replaces any earlier schedule. */
  scheduleAt(at: number): number;
  /** Runs the job `delayMs` from now, minus jitter. Returns the due time. */
  scheduleIn(delayMs: number, options?: ScheduleOptions): number;
  /** Unschedules the job and forgets it; a run in progress finishes but is not repeated. */
  cancel(): void;
}

/** Counters of a scheduler, read with `scheduler.stats` (for dashboards and tests). */
export interface SchedulerStats {
  /** Jobs added and not cancelled. */
  jobs: number;
  /** Jobs waiting in the heap. */
  scheduled: number;
  /** Runs in progress right now. */
  inFlight: number;
  /** The cap on runs in progress (the `maxInFlight` option). */
  maxInFlight: number;
  /** Runs started. */
  runs: number;
  /** Runs whose promise rejected. */
  failures: number;
  /** Runs that started more than `lateThresholdMs` after their due time. */
  late: number;
  /** The largest start delay seen, in ms. */
  maxLatenessMs: number;
  /** Times a due job was pushed back because of a 429/418 hold. */
  deferredByRateLimit: number;
  /** Times a due job had to wait for a free slot. */
  deferredByCap: number;
  /** Clock timers armed so far (one at a time, never one per job). */
  timersArmed: number;
  /** Due time of the earliest waiting job. */
  nextDueAt: number | undefined;
}

/**
 * One scheduler for every lease in a process: a binary heap keyed by due time and a single
 * clock timer armed for the earliest job. It caps the jobs in flight, adds jitter, and holds
 * jobs back while a venue rate-limits (429) or bans (418) us.
 */
export interface Scheduler {
  /** The clock jobs are timed by (protocol time: a `VirtualClock` in tests). */
  readonly clock: Clock;
  /**
   * Adds a task as a job, not yet scheduled: call `job.scheduleIn()` or `scheduleAt()`. Throws
   * `InvalidInputError` after `close()` (create a new scheduler).
   */
  add(task: ScheduledTask): Job;
  /**
   * Holds every job of `group` until `until` (epoch ms): a 429's `Retry-After` or a 418 ban.
   * Holds only ever extend.
   */
  hold(group: string, until: number, reason: 'rate-limited' | 'banned'): void;
  /** The end of the current hold of `group`, if any. */
  holdUntil(group: string): number | undefined;
  /** The counters right now (a snapshot). */
  readonly stats: Readonly<SchedulerStats>;
  /** Cancels every job and the timer. Jobs in flight finish; nothing new starts. */
  close(): void;
  /** True after `close()`. */
  readonly closed: boolean;
  /** `await using scheduler = createScheduler(...)`: `close()` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

class JobImpl implements Job, HeapItem {
  due = 0;
  seq = 0;
  heapIndex = -1;
  running = false;
  cancelled = false;
  scheduledFor: number | undefined = undefined;

  constructor(
    readonly owner: SchedulerImpl,
    readonly task: ScheduledTask,
  ) {}

  get dueAt(): number | undefined {
    return this.heapIndex >= 0 ? this.due : this.scheduledFor;
  }

  scheduleAt(at: number): number {
    return this.owner.scheduleJob(this, at);
  }

  scheduleIn(delayMs: number, options?: ScheduleOptions): number {
    return this.owner.scheduleJob(
      this,
      this.owner.clock.now() + this.owner.jittered(delayMs, options?.jitter),
    );
  }

  cancel(): void {
    this.owner.cancelJob(this);
  }
}

/** The scheduler behind `createScheduler()` (create-scheduler.ts checks its options). */
export class SchedulerImpl implements Scheduler {
  readonly clock: Clock;
  readonly #heap = new TimerHeap<JobImpl>();
  readonly #holds = new Map<string, number>();
  readonly #maxInFlight: number;
  readonly #jitter: number;
  readonly #holdSpreadMs: number;
  readonly #lateThresholdMs: number;
  readonly #random: () => number;
  readonly #logger: Logger;
  #timer: ClockTimer | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #seq = 0;
  #jobs = 0;
  #inFlight = 0;
  #closed = false;
  #pumping = false;
  readonly #stats = {
    runs: 0,
    failures: 0,
    late: 0,
    maxLatenessMs: 0,
    deferredByRateLimit: 0,
    deferredByCap: 0,
    timersArmed: 0,
  };
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#pump();
  };

  constructor(options: Required<Omit<SchedulerOptions, 'logger'>> & { logger: Logger }) {
    this.clock = options.clock;
    this.#maxInFlight = options.maxInFlight;
    this.#jitter = options.jitter;
    this.#holdSpreadMs = options.holdSpreadMs;
    this.#lateThresholdMs = options.lateThresholdMs;
    this.#random = options.random;
    this.#logger = options.logger;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): Readonly<SchedulerStats> {
    return {
      jobs: this.#jobs,
      scheduled: this.#heap.size,
      inFlight: this.#inFlight,
      maxInFlight: this.#maxInFlight,
      ...this.#stats,
      nextDueAt: this.#heap.peek()?.due,
    };
  }

  add(task: ScheduledTask): Job {
    if (this.#closed) {
      throw new InvalidInputError(
        '@userstream/keepalive: the scheduler is closed; create a new one with createScheduler()',
        {
          field: 'scheduler',
        },
      );
    }
    if (typeof task?.run !== 'function') {
      throw new InvalidInputError('@userstream/keepalive: a scheduled task needs a run() function', {
        field: 'task',
      });
    }
    this.#jobs++;
    return new JobImpl(this, task);
  }

  jittered(delayMs: number, jitter: number | false | undefined): number {
    const delay = Math.max(0, delayMs);
    const share = jitter === false ? 0 : (jitter ?? this.#jitter);
    if (share <= 0) return delay;
    return Math.round(delay - delay * Math.min(1, share) * this.#random());
  }

  scheduleJob(job: JobImpl, at: number): number {
    if (this.#closed || job.cancelled) return at;
    if (!Number.isFinite(at)) {
      throw new InvalidInputError(
        `@userstream/keepalive: a job's due time must be a finite epoch ms, got ${at}`,
        {
          field: 'at',
        },
      );
    }
    job.seq = this.#seq++;
    if (job.running) {
      // Never two runs of one job at once: remember the time and queue it when the run ends.
      job.scheduledFor = at;
      return at;
    }
    job.due = at;
    if (this.#heap.has(job)) this.#heap.update(job);
    else this.#heap.push(job);
    this.#arm();
    return at;
  }

  cancelJob(job: JobImpl): void {
    if (job.cancelled) return;
    job.cancelled = true;
    job.scheduledFor = undefined;
    this.#jobs--;
    this.#heap.remove(job);
    this.#arm();
  }

  hold(group: string, until: number, reason: 'rate-limited' | 'banned'): void {
    const current = this.#holds.get(group) ?? 0;
    if (until > current) {
      this.#holds.set(group, until);
      this.#logger.warn({ group, until, reason }, '@userstream/keepalive: holding renewals for a rate limit');
    }
  }

  holdUntil(group: string): number | undefined {
    const until = this.#holds.get(group);
    if (until === undefined) return undefined;
    if (until <= this.clock.now()) {
      this.#holds.delete(group);
      return undefined;
    }
    return until;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#heap.clear()) job.cancelled = true;
    this.#jobs = 0;
    this.#disarm();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #blockedUntil(task: ScheduledTask, now: number): number {
    let until = 0;
    if (task.group !== undefined) until = this.holdUntil(task.group) ?? 0;
    const state = task.rateLimit?.();
    if (state) {
      if ((state.bannedUntil ?? 0) > until) until = state.bannedUntil ?? 0;
      if ((state.retryAfterUntil ?? 0) > until) until = state.retryAfterUntil ?? 0;
    }
    return until > now ? until : 0;
  }

  #pump(): void {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    try {
      for (;;) {
        const top = this.#heap.peek();
        if (!top) break;
        const now = this.clock.now();
        if (top.due > now) break;
        if (this.#inFlight >= this.#maxInFlight) {
          this.#stats.deferredByCap++;
          break;
        }
        const blocked = this.#blockedUntil(top.task, now);
        if (blocked) {
          // Spread the held jobs after the hold so they do not all fire in the same instant.
          const at = blocked + Math.floor(this.#random() * this.#holdSpreadMs);
          this.#stats.deferredByRateLimit++;
          top.due = at;
          top.seq = this.#seq++;
          this.#heap.update(top);
          if (channels.schedulerDeferred.hasSubscribers) {
            channels.schedulerDeferred.publish({ label: top.task.label, group: top.task.group, until: at });
          }
          continue;
        }
        this.#heap.remove(top);
        this.#start(top, now);
      }
    } finally {
      this.#pumping = false;
    }
    this.#arm();
  }

  #start(job: JobImpl, now: number): void {
    const lateness = now - job.due;
    if (lateness > this.#stats.maxLatenessMs) this.#stats.maxLatenessMs = lateness;
    if (lateness > this.#lateThresholdMs) this.#stats.late++;
    this.#stats.runs++;
    this.#inFlight++;
    job.running = true;
    let result: void | Promise<void>;
    try {
      result = job.task.run();
    } catch (error) {
      this.#settle(job, error, true);
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).then(
        () => this.#settle(job, undefined, false),
        (error: unknown) => this.#settle(job, error, true),
      );
    } else {
      this.#settle(job, undefined, false);
    }
  }

  #settle(job: JobImpl, error: unknown, failed: boolean): void {
    this.#inFlight--;
    job.running = false;
    if (failed) {
      this.#stats.failures++;
      this.#logger.error(
        { label: job.task.label, code: (error as { code?: unknown })?.code },
        '@userstream/keepalive: a scheduled task failed',
      );
    }
    const again = job.scheduledFor;
    job.scheduledFor = undefined;
    if (again !== undefined && !job.cancelled && !this.#closed) this.scheduleJob(job, again);
    this.#pump();
  }

  #arm(): void {
    if (this.#closed) return;
    const top = this.#heap.peek();
    if (!top) {
      this.#disarm();
      return;
    }
    // Due already but every slot is taken: the next job to finish pumps, no timer needed.
    if (this.#inFlight >= this.#maxInFlight && top.due <= this.clock.now()) return;
    if (top.due >= this.#armedAt && this.#timer !== undefined) return;
    this.#disarm();
    this.#armedAt = top.due;
    this.#stats.timersArmed++;
    this.#timer = this.clock.setTimeout(this.#onTimer, Math.max(0, top.due - this.clock.now()));
  }

  #disarm(): void {
    if (this.#timer !== undefined) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#armedAt = Number.POSITIVE_INFINITY;
  }
}
