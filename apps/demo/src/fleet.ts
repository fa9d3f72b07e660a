import type { Clock } from '@userstream/core';
import { createRedisEventSink, type FleetAccount, type RedisEventSink } from '@userstream/redis';
import { type Simulator, startSimulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import type { DemoConfig, FleetConfig } from './config.js';
import { type AccountAudit, auditAccount, compareAccount, FLEET_VENUE } from './fleet-audit.js';
import type { FleetWorkerRuntime, KillRecord } from './fleet-pool.js';
import { WorkerPool } from './fleet-pool.js';
import { type FleetAccountSummary, type FleetSummary, summarizeFleet } from './fleet-summary.js';
import { type HealthReport, healthReport } from './health.js';
import { Intervals } from './intervals.js';
import type { Logger } from './logger.js';
import { type Note, NoteLog } from './notes.js';
import { checkRedis, redisClient } from './redis-client.js';
import { demoClock, sleep } from './run-options.js';

export { auditStream, FLEET_VENUE } from './fleet-audit.js';
export type { FleetWorkerRuntime, KillRecord } from './fleet-pool.js';
export type { FleetAccountSummary, FleetSummary } from './fleet-summary.js';
export { checkRedis } from './redis-client.js';

export interface FleetDemoOptions {
  config: DemoConfig;
  fleet: FleetConfig;
  logger: Logger;
  onNote?: (note: Note) => void;
}

/**
 * Fleet mode: the embedded exchange with M USD-M accounts, N fleet workers in this process
 * (fleet-pool) sharing them by rendezvous hashing, every event appended to the accounts' Redis
 * Streams; with faults, a worker is killed now and then (nothing released, like kill -9) and
 * replaced later. Counts what landed in Redis against what the simulator sent (fleet-audit) and
 * sums the run up (fleet-summary).
 */
export class FleetDemo {
  readonly config: DemoConfig;
  readonly fleet: FleetConfig;
  readonly clock: Clock;
  readonly sim: Simulator;
  readonly prefix: string;
  readonly accounts: readonly FleetAccount[];
  readonly kills: KillRecord[] = [];
  readonly startedAt = Date.now();
  replacements = 0;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  readonly #logger: Logger;
  readonly #notes: NoteLog;
  readonly #pool: WorkerPool;
  readonly #reader: Redis;
  /** Names the accounts' Redis Streams as the workers' sinks do (the keys are built in @userstream/redis only). */
  readonly #sink: RedisEventSink;
  readonly #intervals: Intervals;
  /** Real ms since which an account has no open stream on a live worker. */
  readonly #downSince = new Map<string, number>();
  #runStartedAt = Date.now();
  #lastFaultAt = 0;
  #replaceAt: number | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(options: FleetDemoOptions, clock: Clock, sim: Simulator, reader: Redis) {
    this.config = options.config;
    this.fleet = options.fleet;
    this.#logger = options.logger;
    this.#notes = new NoteLog(options.logger, 'worker', options.onNote);
    this.#intervals = new Intervals(options.logger, 'fleet step failed');
    this.clock = clock;
    this.sim = sim;
    this.#reader = reader;
    this.prefix = `userstream-demo:${process.pid}-${Date.now().toString(36)}:`;
    this.#sink = createRedisEventSink({ redis: reader, prefix: this.prefix });
    this.accounts = sim.accounts.map((a) => ({
      id: a.id,
      venue: sim.venue(FLEET_VENUE),
      credentials: { apiKey: a.apiKey, secret: a.secret! },
    }));
    this.#pool = new WorkerPool({
      redisUrl: options.fleet.redisUrl,
      accounts: this.accounts,
      prefix: this.prefix,
      clock,
      speed: options.config.speed,
      logger: options.logger,
      note: (worker, level, text) => this.note(worker, level, text),
      running: () => this.phase === 'running',
    });
  }

  /** Checks Redis, starts the exchange and the workers, waits until every account streams. */
  static async start(options: FleetDemoOptions): Promise<FleetDemo> {
    const { config, fleet } = options;
    await checkRedis(fleet.redisUrl);
    const clock = demoClock(config.speed);
    const width = String(fleet.accounts).length;
    const sim = await startSimulator({
      clock,
      seed: config.seed,
      accounts: Array.from({ length: fleet.accounts }, (_, i) => ({
        id: `acct-${String(i + 1).padStart(width, '0')}`,
        keyType: 'hmac' as const,
      })),
      logger: options.logger.child({ component: 'simulator' }),
    });
    const reader = redisClient(fleet.redisUrl, options.logger);
    const demo = new FleetDemo(options, clock, sim, reader);
    try {
      for (let i = 0; i < fleet.workers; i++) demo.#pool.start();
      await demo.#until(() => demo.#whole(), 60_000, 'every account streaming on its worker');
      demo.note(
        undefined,
        'ok',
        `${fleet.workers} worker(s) share ${fleet.accounts} account(s); Redis keys under ${demo.prefix}`,
      );
      demo.#run();
    } catch (error) {
      await demo.stop().catch(() => {});
      throw error;
    }
    return demo;
  }

  /** Every worker started, killed ones included. */
  get workers(): FleetWorkerRuntime[] {
    return this.#pool.workers;
  }

  get live(): FleetWorkerRuntime[] {
    return this.#pool.live;
  }

  /** Recent events (acquisitions, kills, takeovers), oldest first. */
  get notes(): Note[] {
    return this.#notes.notes;
  }

  /** The live worker whose stream of the account is open, if any. */
  ownerOf(accountId: string): FleetWorkerRuntime | undefined {
    return this.#pool.ownerOf(accountId);
  }

  /** Every account open on a live worker, every live worker owning exactly what rendezvous gives it. */
  #whole(): boolean {
    return this.#pool.whole(this.fleet.workers);
  }

  async #until(predicate: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await sleep(50);
    }
  }

  #run(): void {
    this.phase = 'running';
    this.#runStartedAt = Date.now();
    // From here on every event the exchange sends must reach Redis once (or be announced lost).
    this.sim.record.clear();
    let round = 0;
    this.#intervals.every(250, () => {
      round++;
      for (const [i, a] of this.accounts.entries()) {
        if ((round + i) % 2 === 0) {
          this.sim.exchange.deposit(
            a.id,
            FLEET_VENUE,
            'USDT',
            `${(round % 7) + 1}.${String(i % 100).padStart(2, '0')}`,
          );
        }
      }
    });
    this.#lastFaultAt = Date.now() - this.config.faultEveryMs / 2;
    this.#intervals.every(50, () => this.#monitor());
  }

  #monitor(): void {
    const now = Date.now();
    for (const a of this.accounts) {
      if (this.ownerOf(a.id)) this.#downSince.delete(a.id);
      else if (!this.#downSince.has(a.id)) this.#downSince.set(a.id, now);
    }
    if (this.#checkTakeovers(now)) this.#replaceAt = now + this.config.faultEveryMs / 2;
    if (this.#replaceAt !== undefined && now >= this.#replaceAt) {
      this.#replaceAt = undefined;
      this.replace();
    }
    if (!this.config.faults || this.config.durationMs === undefined) return;
    if (now - this.#runStartedAt >= this.config.durationMs * 0.7) return;
    if (
      now - this.#lastFaultAt >= this.config.faultEveryMs &&
      this.#replaceAt === undefined &&
      this.#whole()
    ) {
      this.kill();
    }
  }

  /** Notes the takeovers that completed; true when one did. */
  #checkTakeovers(now: number): boolean {
    let completed = false;
    for (const k of this.kills) {
      if (k.takeoverMs !== undefined) continue;
      if (k.accounts.every((id) => this.ownerOf(id) !== undefined)) {
        k.takeoverMs = this.clock.now() - k.at;
        k.takeoverRealMs = now - k.realAt;
        this.note(
          undefined,
          'ok',
          `takeover of ${k.worker}'s ${k.accounts.length} stream(s) complete in ${(k.takeoverMs / 1000).toFixed(1)} s (protocol time; ${(k.takeoverRealMs / 1000).toFixed(1)} s real)`,
        );
        completed = true;
      }
    }
    return completed;
  }

  /** Kills a worker abruptly (`close({ release: false })`: nothing released, like kill -9). */
  kill(): KillRecord | undefined {
    if (this.phase !== 'running') return undefined;
    const candidates = this.live.filter((w) => w.worker.owned().length > 0);
    if (candidates.length < 2 && this.live.length < 2) {
      this.note(undefined, 'warn', 'not killing the last worker');
      return undefined;
    }
    const victim = candidates[this.kills.length % candidates.length];
    if (!victim) return undefined;
    this.#lastFaultAt = Date.now();
    const record = this.#pool.kill(victim);
    this.kills.push(record);
    this.note(
      victim.id,
      'fault',
      `KILLED (nothing released) while owning ${record.accounts.length}: ${record.accounts.join(' ')}`,
    );
    return record;
  }

  /** Starts a worker to replace a killed one; rendezvous moves about 1/N of the streams to it. */
  replace(): FleetWorkerRuntime | undefined {
    if (this.phase !== 'running' || this.live.length >= this.fleet.workers) return undefined;
    const w = this.#pool.start();
    this.replacements++;
    this.note(w.id, 'ok', 'started (replacement): joins, settles, takes its share');
    return w;
  }

  note(stream: string | undefined, level: Note['level'], text: string): void {
    this.#notes.add(stream, level, text);
  }

  /**
   * One row per account: its owner's stream state and credential (age and next renewal, from the
   * owner's lease, protocol ms), and the counts of every owner it had (WorkerPool's tallies).
   */
  health(): HealthReport {
    const now = Date.now();
    const protocolNow = this.clock.now();
    const streams = this.accounts.map((a) => {
      const owner = this.ownerOf(a.id);
      const handle = owner?.worker.stream(a.id);
      const mirror = owner?.worker.mirror(a.id);
      const lease = handle?.lease.state();
      const tally = this.#pool.tally(a.id);
      const since = this.#downSince.get(a.id);
      return {
        name: a.id,
        venue: FLEET_VENUE,
        state: handle ? `${handle.state} on ${owner!.id}` : 'unowned',
        downForMs: since === undefined ? 0 : now - since,
        credentialAgeMs:
          lease?.credentialCreatedAt === undefined ? undefined : protocolNow - lease.credentialCreatedAt,
        nextRenewalInMs: lease?.nextRenewalAt === undefined ? undefined : lease.nextRenewalAt - protocolNow,
        reconnects: tally?.reconnects ?? 0,
        gaps: tally?.gaps ?? 0,
        reconciliations: mirror?.stats.reconciliations ?? 0,
        events: tally?.events ?? 0,
        eventLagMs: tally?.lastEventTime === undefined ? undefined : protocolNow - tally.lastEventTime,
        mirror: mirror?.phase ?? 'none',
      };
    });
    return healthReport(this.phase, streams, (s) => s.state === 'unowned', this.config.healthBoundMs);
  }

  /** What Redis holds for an account compared with what the simulator sent into its stream. */
  #audit(accountId: string): Promise<AccountAudit> {
    return auditAccount(this.#reader, this.#sink, this.sim, accountId);
  }

  #compare(accountId: string): string[] {
    return compareAccount(this.sim, accountId, this.ownerOf(accountId)?.worker.mirror(accountId));
  }

  /**
   * Stops traffic and kills, waits (bounded) until every account streams on a live worker, every
   * sent event is in Redis and every mirror equals the exchange, and sums the run up.
   */
  async finish(settleMs = 20_000): Promise<FleetSummary> {
    this.#quiesce();
    const deadline = Date.now() + settleMs;
    await this.#until(
      () => this.accounts.every((a) => this.ownerOf(a.id) !== undefined),
      Math.max(0, deadline - Date.now()),
      'owners',
    ).catch(() => {});
    // The last kill's takeover may complete while we settle.
    this.#checkTakeovers(Date.now());
    await Promise.all(this.live.map((w) => w.worker.flushed(Math.max(100, deadline - Date.now()))));
    let audits: AccountAudit[] = [];
    let mismatches: string[][] = [];
    let stored = -1;
    for (;;) {
      audits = await Promise.all(this.accounts.map((a) => this.#audit(a.id)));
      mismatches = this.accounts.map((a) => this.#compare(a.id));
      // Settled: every mirror equals the exchange and nothing more arrived in Redis for a round
      // (events sent while a stream had no owner never will: the gap markers announce them).
      const now = audits.reduce((n, a) => n + a.inRedis + a.gapMarkers, 0);
      const settled =
        (audits.every((a) => a.lost === 0) || now === stored) && mismatches.every((m) => m.length === 0);
      if (settled || Date.now() > deadline) break;
      stored = now;
      await sleep(300);
    }
    this.#checkTakeovers(Date.now());
    const perAccount: FleetAccountSummary[] = audits.map((a, i) => ({
      ...a,
      owner: this.ownerOf(a.id)?.id ?? null,
      mirrorMatches: (mismatches[i] ?? []).length === 0,
      mismatches: (mismatches[i] ?? []).slice(0, 5),
    }));
    return summarizeFleet({
      durationMs: Date.now() - this.#runStartedAt,
      speed: this.config.speed,
      workers: this.fleet.workers,
      workersAtEnd: this.live.length,
      accounts: this.accounts.length,
      kills: this.kills.length,
      replacements: this.replacements,
      takeovers: this.kills.map((k) => ({
        worker: k.worker,
        accounts: k.accounts.length,
        takeoverMs: k.takeoverMs ?? null,
        takeoverRealMs: k.takeoverRealMs ?? null,
      })),
      perWorker: this.workers.map((w) => ({
        id: w.id,
        alive: w.alive,
        owned: w.alive ? w.worker.owned().length : 0,
        acquired: w.acquired,
        takeovers: w.takeovers,
        released: w.released,
        lost: w.lost,
        appended: w.worker.stats.appended,
      })),
      perAccount,
    });
  }

  #quiesce(): void {
    this.#intervals.clear();
    this.#replaceAt = undefined;
  }

  /** Closes the live workers (releasing everything), deletes the run's Redis keys, stops the exchange. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#quiesce();
      this.phase = 'stopping';
      await this.#pool.close();
      await this.#cleanup().catch((error: Error) =>
        this.#logger.warn({ err: error.message }, 'could not delete the run’s Redis keys'),
      );
      this.#reader.disconnect();
      await this.sim.close();
      this.phase = 'stopped';
    })();
    return this.#stopping;
  }

  /** Deletes every key of this run (its prefix is unique to it). */
  async #cleanup(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.#reader.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.#reader.unlink(...keys);
    } while (cursor !== '0');
  }
}
