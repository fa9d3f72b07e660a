import { type Clock, createScaledClock, ErrorCode, InvalidInputError, systemClock } from '@userstream/core';
import { createFleetWorker, type FleetAccount, type FleetWorker, GAP_MARKER } from '@userstream/redis';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { Redis } from 'ioredis';
import type { HealthReport, Note } from './bot.js';
import { balancesView, differences, ordersView } from './comparison.js';
import { type DemoConfig, type FleetConfig, redactRedisUrl } from './config.js';
import type { Logger } from './logger.js';

/** The market every fleet account streams: USD-M futures over a listenKey. */
export const FLEET_VENUE = 'binance-usdm';

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

export interface FleetAccountSummary {
  id: string;
  owner: string | null;
  /** Events the simulator sent into the account's stream (engine events, from its record). */
  sent: number;
  inRedis: number;
  duplicatesInRedis: number;
  /** Sent events not in Redis, and of those the ones no `@gap` marker announced (must be 0). */
  lost: number;
  lostWithoutGap: number;
  gapMarkers: number;
  mirrorMatches: boolean;
  mismatches: string[];
}

type AccountAudit = Omit<FleetAccountSummary, 'owner' | 'mirrorMatches' | 'mismatches'>;

export interface FleetSummary {
  mode: 'fleet';
  durationMs: number;
  speed: number;
  /** Workers asked for (--workers), and alive at the end. */
  workers: number;
  workersAtEnd: number;
  accounts: number;
  kills: number;
  replacements: number;
  takeovers: { worker: string; accounts: number; takeoverMs: number | null; takeoverRealMs: number | null }[];
  /** Protocol-clock ms (the bound the fleet promises is ~5-6 s of it); null without kills. */
  maxTakeoverMs: number | null;
  eventsSent: number;
  eventsInRedis: number;
  duplicatesInRedis: number;
  lostEvents: number;
  lostWithoutGap: number;
  gapMarkers: number;
  /** Every account's stream open on a live worker at the end. */
  allOwned: boolean;
  mirrorMatches: boolean;
  perWorker: {
    id: string;
    alive: boolean;
    owned: number;
    acquired: number;
    takeovers: number;
    released: number;
    lost: number;
    appended: number;
  }[];
  perAccount: FleetAccountSummary[];
  /** Every check held: no duplicate, no unannounced loss, mirrors equal, every stream owned, every kill taken over. */
  ok: boolean;
}

export interface FleetDemoOptions {
  config: DemoConfig;
  fleet: FleetConfig;
  logger: Logger;
  onNote?: (note: Note) => void;
}

const MAX_NOTES = 200;
const STREAM_OPTIONS = {
  heartbeat: { pingIntervalMs: 1_000, pongTimeoutMs: 1_000, inactivityTimeoutMs: 3_000 },
  reconnect: { baseDelayMs: 100, maxDelayMs: 2_000 },
};

function configError(message: string): InvalidInputError {
  return new InvalidInputError(`userstream demo: ${message}`, {
    field: '--fleet',
    code: ErrorCode.InvalidConfig,
  });
}

/** A client of the run's Redis: commands fail fast during an outage (the workers decide what to do). */
function redisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 200,
    connectTimeout: 3_000,
  });
  redis.on('error', (error: Error & { code?: string }) =>
    logger.debug({ code: error.code }, 'redis connection error'),
  );
  return redis;
}

/** Connects once and PINGs; a one-line config error (exit 2) when Redis is not there. */
export async function checkRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: (Error & { code?: string }) | undefined;
  probe.on('error', (error: Error & { code?: string }) => {
    lastError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const e = (lastError ?? error) as Error & { code?: string };
    const why = e.code ?? (e.message.split('\n')[0] ?? '').replace(url, redactRedisUrl(url)).slice(0, 80);
    throw configError(
      `cannot reach Redis at ${redactRedisUrl(url)} (${why}); start redis-server or pass another --fleet URL`,
    );
  } finally {
    probe.disconnect();
  }
}

/**
 * Compares an account's Redis Stream entries (fields as an object, in stream order) with the
 * events the exchange sent (`e`, `E`). Duplicates: entries whose event JSON was stored before.
 * Lost: sent events not stored. A `@gap` marker announces a loss from the last event stored
 * before it up to the first event stored after it, or up to the marker's own time if later (the
 * new owner's mirror resyncs from there); a loss outside every such window is unannounced.
 */
export function auditStream(
  entries: readonly Readonly<Record<string, string>>[],
  sent: readonly { readonly e: string; readonly E: number }[],
): Omit<AccountAudit, 'id'> {
  const inRedis = new Map<string, number>();
  const seenJson = new Set<string>();
  let duplicates = 0;
  let events = 0;
  let gapMarkers = 0;
  const windows: { from: number; to: number }[] = [];
  let lastE = Number.NEGATIVE_INFINITY;
  let open: { from: number; at: number } | undefined;
  for (const f of entries) {
    const E = Number(f.E);
    if (f.e === GAP_MARKER) {
      gapMarkers++;
      if (open) windows.push({ from: open.from, to: open.at });
      open = { from: lastE, at: E };
      continue;
    }
    events++;
    const json = f.event ?? '';
    if (seenJson.has(json)) duplicates++;
    seenJson.add(json);
    const key = `${f.e}:${E}`;
    inRedis.set(key, (inRedis.get(key) ?? 0) + 1);
    if (open) {
      windows.push({ from: open.from, to: Math.max(open.at, E) });
      open = undefined;
    }
    lastE = E;
  }
  if (open) windows.push({ from: open.from, to: Number.POSITIVE_INFINITY });
  let lost = 0;
  let lostWithoutGap = 0;
  for (const r of sent) {
    const key = `${r.e}:${r.E}`;
    const n = inRedis.get(key) ?? 0;
    if (n > 0) {
      inRedis.set(key, n - 1);
      continue;
    }
    lost++;
    if (!windows.some((w) => w.from < r.E && r.E <= w.to)) lostWithoutGap++;
  }
  return {
    sent: sent.length,
    inRedis: events,
    duplicatesInRedis: duplicates,
    lost,
    lostWithoutGap,
    gapMarkers,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Fleet mode: the embedded exchange with M USD-M accounts, N fleet workers in this process
 * (each its own Redis connection and worker id) sharing them by rendezvous hashing, every event
 * appended to the accounts' Redis Streams; with faults, a worker is killed now and then (nothing
 * released, like kill -9) and replaced later. Counts what landed in Redis against what the
 * simulator sent.
 */
export class FleetDemo {
  readonly config: DemoConfig;
  readonly fleet: FleetConfig;
  readonly clock: Clock;
  readonly sim: Simulator;
  readonly prefix: string;
  readonly accounts: readonly FleetAccount[];
  readonly workers: FleetWorkerRuntime[] = [];
  readonly kills: KillRecord[] = [];
  readonly notes: Note[] = [];
  readonly startedAt = Date.now();
  replacements = 0;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  readonly #logger: Logger;
  readonly #onNote: ((note: Note) => void) | undefined;
  readonly #reader: Redis;
  readonly #timers: NodeJS.Timeout[] = [];
  /** Account → the worker that acquired it last. */
  readonly #lastOwner = new Map<string, string>();
  /** Real ms since which an account has no open stream on a live worker. */
  readonly #downSince = new Map<string, number>();
  #seq = 0;
  #runStartedAt = Date.now();
  #lastFaultAt = 0;
  #replaceAt: number | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(options: FleetDemoOptions, clock: Clock, sim: Simulator, reader: Redis) {
    this.config = options.config;
    this.fleet = options.fleet;
    this.#logger = options.logger;
    this.#onNote = options.onNote;
    this.clock = clock;
    this.sim = sim;
    this.#reader = reader;
    this.prefix = `userstream-demo:${process.pid}-${Date.now().toString(36)}:`;
    this.accounts = sim.accounts.map((a) => ({
      id: a.id,
      venue: sim.venue(FLEET_VENUE),
      credentials: { apiKey: a.apiKey, secret: a.secret! },
    }));
  }

  /** Checks Redis, starts the exchange and the workers, waits until every account streams. */
  static async start(options: FleetDemoOptions): Promise<FleetDemo> {
    const { config, fleet } = options;
    await checkRedis(fleet.redisUrl);
    const clock = config.speed === 1 ? systemClock : createScaledClock({ speed: config.speed });
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
      for (let i = 0; i < fleet.workers; i++) demo.#startWorker();
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

  get live(): FleetWorkerRuntime[] {
    return this.workers.filter((w) => w.alive);
  }

  /** The live worker whose stream of the account is open, if any. */
  ownerOf(accountId: string): FleetWorkerRuntime | undefined {
    return this.live.find((w) => w.worker.stream(accountId)?.state === 'open');
  }

  #startWorker(): FleetWorkerRuntime {
    const id = `w${++this.#seq}`;
    const logger = this.#logger.child({ worker: id });
    const redis = redisClient(this.fleet.redisUrl, logger);
    const worker = createFleetWorker({
      redis,
      workerId: id,
      accounts: this.accounts,
      prefix: this.prefix,
      clock: this.clock,
      mirror: true,
      logger,
      rest: this.config.speed > 1 ? { recvWindow: 60_000 } : {},
      stream: STREAM_OPTIONS,
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
      if (this.phase === 'running') {
        this.note(id, fromDead ? 'ok' : 'info', `${fromDead ? 'took over' : 'acquired'} ${account}`);
      }
    });
    worker.on('released', ({ account, reason }) => {
      // A killed worker's streams just stop (nothing is released in Redis): not a release.
      if (!runtime.alive) return;
      runtime.released++;
      if (this.phase === 'running') this.note(id, 'info', `released ${account} (${reason})`);
    });
    worker.on('lost', ({ account }) => {
      runtime.lost++;
      this.note(id, 'warn', `lost ${account} to another worker`);
    });
    worker.on('warning', ({ account, error }) =>
      logger.warn({ account, code: (error as { code?: unknown }).code }, error.message),
    );
    this.workers.push(runtime);
    worker.start().catch((error: Error) => logger.warn({ err: error.message }, 'worker start failed'));
    return runtime;
  }

  /** Every account open on a live worker, every live worker owning exactly what rendezvous gives it. */
  #whole(): boolean {
    const live = this.live;
    if (live.length !== this.fleet.workers) return false;
    if (!live.every((w) => w.worker.membership.members.length === live.length)) return false;
    for (const w of live) {
      const assigned = w.worker.assigned();
      if (assigned.length !== w.worker.owned().length) return false;
      if (!assigned.every((a) => w.worker.stream(a)?.state === 'open')) return false;
    }
    return this.accounts.every((a) => this.ownerOf(a.id) !== undefined);
  }

  async #until(predicate: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await sleep(50);
    }
  }

  #every(ms: number, fn: () => unknown): void {
    const timer = setInterval(() => {
      try {
        const result = fn() as Promise<unknown> | undefined;
        if (result && typeof result.catch === 'function') {
          result.catch((error: unknown) => this.#logger.warn({ err: String(error) }, 'fleet step failed'));
        }
      } catch (error) {
        this.#logger.warn({ err: String(error) }, 'fleet step failed');
      }
    }, ms);
    this.#timers.push(timer);
  }

  #run(): void {
    this.phase = 'running';
    this.#runStartedAt = Date.now();
    // From here on every event the exchange sends must reach Redis once (or be announced lost).
    this.sim.record.clear();
    let round = 0;
    this.#every(250, () => {
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
    this.#every(50, () => this.#monitor());
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
    const record: KillRecord = {
      worker: victim.id,
      accounts: victim.worker.owned(),
      at: this.clock.now(),
      realAt: Date.now(),
      takeoverMs: undefined,
      takeoverRealMs: undefined,
    };
    victim.alive = false;
    victim.diedAt = Date.now();
    this.kills.push(record);
    this.note(
      victim.id,
      'fault',
      `KILLED (nothing released) while owning ${record.accounts.length}: ${record.accounts.join(' ')}`,
    );
    void victim.worker
      .close({ release: false })
      .catch(() => {})
      .finally(() => victim.redis.disconnect());
    return record;
  }

  /** Starts a worker to replace a killed one; rendezvous moves about 1/N of the streams to it. */
  replace(): FleetWorkerRuntime | undefined {
    if (this.phase !== 'running' || this.live.length >= this.fleet.workers) return undefined;
    const w = this.#startWorker();
    this.replacements++;
    this.note(w.id, 'ok', 'started (replacement): joins, settles, takes its share');
    return w;
  }

  note(stream: string | undefined, level: Note['level'], text: string): void {
    const note: Note = { at: Date.now(), stream, level, text };
    this.notes.push(note);
    if (this.notes.length > MAX_NOTES) this.notes.splice(0, this.notes.length - MAX_NOTES);
    this.#logger[level === 'warn' ? 'warn' : 'info']({ worker: stream, kind: level }, text);
    this.#onNote?.(note);
  }

  health(): HealthReport {
    const now = Date.now();
    const streams = this.accounts.map((a) => {
      const owner = this.ownerOf(a.id);
      const handle = owner?.worker.stream(a.id);
      const mirror = owner?.worker.mirror(a.id);
      const since = this.#downSince.get(a.id);
      return {
        name: a.id,
        venue: FLEET_VENUE,
        state: handle ? `${handle.state} on ${owner!.id}` : 'unowned',
        downForMs: since === undefined ? 0 : now - since,
        credentialAgeMs: undefined,
        nextRenewalInMs: undefined,
        reconnects: 0,
        gaps: 0,
        reconciliations: mirror?.stats.reconciliations ?? 0,
        events: 0,
        eventLagMs: undefined,
        mirror: mirror?.phase ?? 'none',
      };
    });
    if (this.phase !== 'running') {
      return { ok: false, status: this.phase === 'starting' ? 'starting' : 'stopping', streams };
    }
    const down = streams.filter((s) => s.state === 'unowned');
    const beyond = down.filter((s) => s.downForMs > this.config.healthBoundMs);
    return {
      ok: beyond.length === 0,
      status: beyond.length > 0 ? 'down' : down.length > 0 ? 'degraded' : 'ok',
      streams,
    };
  }

  async #entries(accountId: string): Promise<Record<string, string>[]> {
    const key = `${this.prefix}events:${encodeURIComponent(accountId)}`;
    const raw = await this.#reader.xrange(key, '-', '+');
    return raw.map(([, fields]) => {
      const out: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
      return out;
    });
  }

  #sent(accountId: string) {
    return this.sim.record
      .events({ accountId, venue: FLEET_VENUE })
      .filter((r) => r.source === 'engine' || r.source === 'load');
  }

  /** What Redis holds for an account compared with what the simulator sent into its stream. */
  async #audit(accountId: string): Promise<AccountAudit> {
    return { id: accountId, ...auditStream(await this.#entries(accountId), this.#sent(accountId)) };
  }

  #compare(accountId: string): string[] {
    const owner = this.ownerOf(accountId);
    const mirror = owner?.worker.mirror(accountId);
    if (!mirror) return ['no live owner'];
    if (mirror.phase !== 'live') return [`mirror is ${mirror.phase}`];
    const exchange = {
      balances: balancesView(this.sim.exchange.balances(accountId, FLEET_VENUE)),
      orders: ordersView(
        this.sim.exchange.orders(accountId, FLEET_VENUE) as {
          symbol: unknown;
          orderId: unknown;
          status: unknown;
        }[],
      ),
    };
    return differences(
      { balances: balancesView(mirror.balances), orders: ordersView(mirror.openOrders) },
      exchange,
    );
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
    const sum = (f: (a: FleetAccountSummary) => number) => perAccount.reduce((n, a) => n + f(a), 0);
    const takeoverTimes = this.kills.map((k) => k.takeoverMs).filter((t): t is number => t !== undefined);
    const summary: FleetSummary = {
      mode: 'fleet',
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
      maxTakeoverMs: takeoverTimes.length === 0 ? null : Math.max(...takeoverTimes),
      eventsSent: sum((a) => a.sent),
      eventsInRedis: sum((a) => a.inRedis),
      duplicatesInRedis: sum((a) => a.duplicatesInRedis),
      lostEvents: sum((a) => a.lost),
      lostWithoutGap: sum((a) => a.lostWithoutGap),
      gapMarkers: sum((a) => a.gapMarkers),
      allOwned: perAccount.every((a) => a.owner !== null),
      mirrorMatches: perAccount.every((a) => a.mirrorMatches),
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
      ok: false,
    };
    summary.ok =
      summary.duplicatesInRedis === 0 &&
      summary.lostWithoutGap === 0 &&
      summary.mirrorMatches &&
      summary.allOwned &&
      this.kills.every((k) => k.takeoverMs !== undefined);
    return summary;
  }

  #quiesce(): void {
    for (const t of this.#timers.splice(0)) clearInterval(t);
    this.#replaceAt = undefined;
  }

  /** Closes the live workers (releasing everything), deletes the run's Redis keys, stops the exchange. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#quiesce();
      this.phase = 'stopping';
      await Promise.allSettled(this.live.map((w) => w.worker.close()));
      for (const w of this.workers) {
        w.alive = false;
        w.redis.disconnect();
      }
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
