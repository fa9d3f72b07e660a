import { type Clock, type KeyMaterial, type VenueId, venues } from '@userstream/core';
import {
  AccountMirror,
  createScheduler,
  type OpenUserDataStreamOptions,
  openUserDataStream,
  type Scheduler,
  type UserDataStreamHandle,
} from '@userstream/keepalive';
import type { RestClient } from '@userstream/rest';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { type Summary, settleAndSummarize } from './bot-summary.js';
import type { DemoConfig } from './config.js';
import { FaultDriver } from './fault-driver.js';
import { FaultInjector, type InjectedFault } from './faults.js';
import { type HealthReport, healthReport } from './health.js';
import { Intervals } from './intervals.js';
import type { Logger } from './logger.js';
import { type Note, NoteLog, type NoteOptions } from './notes.js';
import { DEMO_STREAM_OPTIONS, demoClock, demoRestOptions } from './run-options.js';
import { StreamRuntime } from './stream-runtime.js';
import {
  DEMO_ACCOUNT_ID,
  type Protocol,
  SIMULATOR_STREAMS,
  type StreamSpec,
  simulatedVenueStream,
  TESTNET_LADDERS,
} from './stream-specs.js';
import { startTrading } from './trading.js';

export type { StreamSummary, Summary } from './bot-summary.js';
export { DEMO_ACCOUNT_ID } from './stream-specs.js';

export interface BotOptions {
  config: DemoConfig;
  logger: Logger;
  /** How streams are opened. @default openUserDataStream from @userstream/keepalive */
  open?: (options: OpenUserDataStreamOptions) => Promise<UserDataStreamHandle>;
  /** Called for every note (fills, faults, recoveries). */
  onNote?: (note: Note) => void;
}

/** Waits for the mirror's first snapshot, or fails saying which stream could not get one. */
async function readyWithin(mirror: AccountMirror, name: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${name}: no account snapshot within ${ms / 1000} s (${mirror.stats.snapshotFailures} failed); check the key's permissions`,
          ),
        ),
      ms,
    );
  });
  try {
    await Promise.race([mirror.ready(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The demo bot: an embedded exchange (or a real venue), one kept-alive stream and AccountMirror
 * per market, a ladder strategy, faults on demand, and the numbers everything else shows. The
 * parts live beside it: each stream's runtime and counters (stream-runtime), the trading
 * (trading), the fault driver (fault-driver) and the settle-and-summary audit (bot-summary).
 */
export class Bot {
  readonly config: DemoConfig;
  readonly clock: Clock;
  readonly sim: Simulator | undefined;
  readonly streams: StreamRuntime[] = [];
  readonly startedAt = Date.now();
  readonly faults: FaultInjector | undefined;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  readonly #logger: Logger;
  readonly #notes: NoteLog;
  readonly #scheduler: Scheduler;
  readonly #restClients: RestClient[] = [];
  readonly #intervals: Intervals;
  readonly #faultDriver: FaultDriver | undefined;
  #runStartedAt = Date.now();
  #stopping: Promise<void> | undefined;

  private constructor(
    options: BotOptions,
    clock: Clock,
    sim: Simulator | undefined,
    faultStreams: readonly { name: string; venueId: VenueId }[] = SIMULATOR_STREAMS,
  ) {
    this.config = options.config;
    this.#logger = options.logger;
    this.#notes = new NoteLog(options.logger, 'stream', options.onNote);
    this.#intervals = new Intervals(options.logger, 'background step failed');
    this.clock = clock;
    this.sim = sim;
    this.#scheduler = createScheduler({ clock, logger: options.logger.child({ component: 'scheduler' }) });
    if (sim) {
      this.faults = new FaultInjector(
        sim,
        DEMO_ACCOUNT_ID,
        faultStreams.map((s) => ({
          name: s.name,
          venue: s.venueId,
          protocol: sim.venue(s.venueId).protocol as Protocol,
        })),
        options.config.speed,
      );
      this.#faultDriver = new FaultDriver(
        this.faults,
        (stream, level, text) => this.note(stream, level, text),
        () => this.phase === 'running',
      );
    }
  }

  /** Recent events (fills, faults, recoveries), oldest first. */
  get notes(): Note[] {
    return this.#notes.notes;
  }

  /** Starts the exchange (or connects to the venue), opens every stream and its mirror. */
  static async start(options: BotOptions): Promise<Bot> {
    const { config } = options;
    const target = config.target;
    let bot: Bot;
    let specs: StreamSpec[];
    let credentials: { apiKey: string } & KeyMaterial;
    if (target.kind === 'simulator' && target.venue !== undefined) {
      // `--venue <id> --simulate`: that venue alone, on an HMAC account (every venue signs HMAC
      // but Aster v3, whose API wallets sign EIP-712: the simulator makes such an account).
      const clock = demoClock(config.speed);
      const eip712 = (venues[target.venue] as { signing?: string }).signing === 'aster-eip712';
      const sim = await startSimulator({
        clock,
        seed: config.seed,
        accounts: [{ id: DEMO_ACCOUNT_ID, keyType: eip712 ? ('eip712' as never) : 'hmac' }],
        logger: options.logger.child({ component: 'simulator' }),
      });
      const spec = simulatedVenueStream(sim.venue(target.venue));
      bot = new Bot(options, clock, sim, [{ name: spec.name, venueId: target.venue }]);
      const account = sim.accounts[0] as (typeof sim.accounts)[number] & {
        privateKeyHex?: string;
        user?: string;
      };
      credentials = eip712
        ? ({
            keyType: 'eip712',
            apiKey: account.apiKey,
            privateKey: account.privateKeyHex,
            user: account.user,
          } as never)
        : { apiKey: account.apiKey, secret: account.secret! };
      specs = [spec];
    } else if (target.kind === 'simulator') {
      const clock = demoClock(config.speed);
      const sim = await startSimulator({
        clock,
        seed: config.seed,
        accounts: [{ id: DEMO_ACCOUNT_ID, keyType: 'ed25519' }],
        logger: options.logger.child({ component: 'simulator' }),
      });
      bot = new Bot(options, clock, sim);
      const account = sim.accounts[0]!;
      credentials = { apiKey: account.apiKey, privateKey: account.privateKeyPem! };
      specs = SIMULATOR_STREAMS.map(({ venueId, ...rest }) => ({ ...rest, venue: sim.venue(venueId) }));
    } else {
      bot = new Bot(options, demoClock(1), undefined);
      credentials = target.credentials;
      const ladder = target.trade
        ? TESTNET_LADDERS[target.venue.market === 'usdm' ? 'usdm' : 'spot']
        : undefined;
      specs = [
        {
          name: target.venue.id,
          label: `${target.venue.protocol}${target.trade ? ', trading' : ', read-only'}`,
          venue: target.venue,
          ...(target.symbol === undefined ? {} : { symbol: target.symbol }),
          ...(ladder === undefined ? {} : { ladder }),
        },
      ];
    }
    try {
      await bot.#open(specs, credentials, options.open ?? openUserDataStream);
      bot.#run();
    } catch (error) {
      await bot.stop({ cancelOrders: false }).catch(() => {});
      throw error;
    }
    return bot;
  }

  async #open(
    specs: StreamSpec[],
    credentials: { apiKey: string } & KeyMaterial,
    open: NonNullable<BotOptions['open']>,
  ): Promise<void> {
    const restOptions = demoRestOptions(this.sim ? this.config.speed : 1);
    const streamOptions = this.sim ? DEMO_STREAM_OPTIONS : {};
    const settled = await Promise.allSettled(
      specs.map(async (spec) => {
        const logger = this.#logger.child({ stream: spec.name });
        const handle = await open({
          venue: spec.venue,
          credentials,
          scheduler: this.#scheduler,
          logger,
          rest: restOptions,
          stream: streamOptions,
          ...(spec.symbol === undefined ? {} : { symbol: spec.symbol }),
          signal: AbortSignal.timeout(30_000),
        });
        const mirror = new AccountMirror({
          stream: handle,
          rest: handle.rest,
          clock: this.clock,
          logger,
          ...(spec.symbol === undefined ? {} : { symbol: spec.symbol }),
        });
        const runtime = new StreamRuntime(spec, handle, mirror, this.clock);
        runtime.watch({
          clock: this.clock,
          logger: this.#logger,
          note: (stream, level, text, options) => this.note(stream, level, text, options),
          recovered: (stream, what) =>
            this.#faultDriver ? this.#faultDriver.recovered(stream, what) : this.note(stream, 'ok', what),
          running: () => this.phase === 'running',
        });
        this.streams.push(runtime); // closed by stop() even if another stream fails to open
        await readyWithin(mirror, spec.name, 30_000);
        return { runtime, logger };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const opened = settled.map(
      (r) => (r as PromiseFulfilledResult<{ runtime: StreamRuntime; logger: Logger }>).value,
    );
    // Show them in the order they were specified, not the order they opened in.
    this.streams.sort((a, b) => specs.indexOf(a.spec) - specs.indexOf(b.spec));
    for (const { runtime, logger } of opened) {
      const client = startTrading(runtime, logger, {
        credentials,
        clock: this.clock,
        restOptions,
        sim: this.sim,
        runId: `ud${(this.startedAt % 1e6).toString(36)}`,
        note: (stream, level, text) => this.note(stream, level, text),
      });
      if (client) this.#restClients.push(client);
    }
    const names = this.streams.map((s) => s.name).join(', ');
    this.note(undefined, 'ok', `streams open and mirrors in sync: ${names}`);
  }

  /** Adds a line to the recent events (and the log). */
  note(stream: string | undefined, level: Note['level'], text: string, options?: NoteOptions): void {
    this.#notes.add(stream, level, text, options);
  }

  #run(): void {
    this.phase = 'running';
    this.#runStartedAt = Date.now();
    // From here on, everything the exchange sends must reach us: start counting.
    this.sim?.record.clear();
    for (const s of this.streams) s.delivered.clear();
    const sim = this.sim;
    if (sim) this.#intervals.every(400, () => sim.exchange.tick());
    for (const s of this.streams) {
      const ladder = s.ladder;
      // Trade only on what the stream currently proves: open, and the mirror live.
      if (ladder) {
        this.#intervals.every(300, () =>
          s.state === 'open' && s.mirror.phase === 'live' ? ladder.step() : undefined,
        );
      }
    }
    if (this.#faultDriver && this.config.faults) {
      this.#faultDriver.schedule(
        this.#intervals,
        {
          everyMs: this.config.faultEveryMs,
          quietAfterMs:
            this.config.durationMs === undefined ? Number.POSITIVE_INFINITY : this.config.durationMs * 0.7,
          overlap: this.config.faultOverlap,
          runStartedAt: this.#runStartedAt,
        },
        () => this.#healthy(),
      );
    }
  }

  /** Every stream open, every mirror live, every credential settled. */
  #healthy(): boolean {
    return this.streams.every(
      (s) => s.state === 'open' && s.mirror.phase === 'live' && s.handle.lease.state().status === 'active',
    );
  }

  /** Injects the next fault of the rotation (the `f` key, and `--faults`). */
  injectFault(): InjectedFault | undefined {
    return this.#faultDriver?.inject();
  }

  health(): HealthReport {
    const now = Date.now();
    const streams = this.streams.map((s) => ({
      name: s.name,
      venue: s.venue,
      state: s.state,
      downForMs: s.downSince === undefined ? 0 : now - s.downSince,
      credentialAgeMs: s.credentialAgeMs,
      nextRenewalInMs: s.msToNextRenewal,
      reconnects: s.reconnects,
      gaps: s.gaps,
      reconciliations: s.mirror.stats.reconciliations,
      events: s.events,
      eventLagMs: s.lastLagMs,
      mirror: s.mirror.phase,
    }));
    return healthReport(this.phase, streams, (s) => s.state !== 'open', this.config.healthBoundMs);
  }

  /**
   * Stops trading and faults, cancels the bot's own orders, waits (up to `settleMs`) for every
   * mirror to equal the exchange and every recorded event to arrive, and sums up the run.
   */
  async finish(settleMs = 10_000): Promise<Summary> {
    this.#quiesce();
    await this.#cancelOrders();
    return settleAndSummarize(
      {
        streams: this.streams,
        sim: this.sim,
        speed: this.sim ? this.config.speed : 1,
        runStartedAt: this.#runStartedAt,
        faults: this.faults,
      },
      settleMs,
    );
  }

  #quiesce(): void {
    this.#intervals.clear();
    for (const s of this.streams) s.ladder?.stop();
    this.#faultDriver?.releaseAll();
  }

  async #cancelOrders(): Promise<void> {
    let canceled = 0;
    for (const s of this.streams) if (s.ladder) canceled += await s.ladder.cancelAll();
    if (canceled > 0) this.note(undefined, 'ok', `canceled ${canceled} open order(s) of ours`);
  }

  /**
   * Shuts down: trading and faults stop, our orders are canceled (unless told not to), mirrors
   * and streams close (listenKeys deleted, subscriptions ended), the exchange stops.
   */
  stop(options: { cancelOrders?: boolean } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      this.#quiesce();
      if (options.cancelOrders !== false && this.phase === 'running') await this.#cancelOrders();
      this.phase = 'stopping';
      for (const s of this.streams) s.mirror.close();
      await Promise.allSettled(this.streams.map((s) => s.handle.close()));
      await Promise.allSettled(this.#restClients.map((c) => c.close()));
      this.#scheduler.close();
      await this.sim?.close();
      this.phase = 'stopped';
    })();
    return this.#stopping;
  }
}
