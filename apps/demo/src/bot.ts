import {
  type Clock,
  createScaledClock,
  eventIdentity,
  type KeyMaterial,
  systemClock,
  type VenueId,
  type VenueProfile,
} from '@userstream/core';
import {
  AccountMirror,
  createScheduler,
  type MirrorReconciled,
  type OpenUserDataStreamOptions,
  openUserDataStream,
  type Scheduler,
  type UserDataStreamHandle,
} from '@userstream/keepalive';
import { createRestClient, type RestClient } from '@userstream/rest';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { type AccountView, balancesView, differences, ordersView } from './comparison.js';
import type { DemoConfig } from './config.js';
import { FaultInjector, type InjectedFault } from './faults.js';
import { Ladder, type LadderSpec } from './ladder.js';
import type { Logger } from './logger.js';
import type { StreamGaugeSource } from './metrics.js';

/** The account the embedded simulator gives the demo. */
export const DEMO_ACCOUNT_ID = 'demo';

export type Protocol = 'wsApi' | 'listenToken' | 'listenKey';

/** One line of the dashboard's "recent events". */
export interface Note {
  /** Real time (epoch ms). */
  at: number;
  stream: string | undefined;
  level: 'info' | 'warn' | 'fault' | 'ok';
  text: string;
}

export interface StreamSpec {
  /** Short name: spot, margin, usdm, bhex (or the venue id for a real venue). */
  name: string;
  /** How the stream is carried, for people. */
  label: string;
  venue: VenueProfile;
  symbol?: string;
  ladder?: LadderSpec;
}

/** Streams on the embedded exchange: one per credential generation. */
export const SIMULATOR_STREAMS: readonly (Omit<StreamSpec, 'venue'> & { venueId: VenueId })[] = [
  {
    name: 'spot',
    venueId: 'binance-spot',
    label: 'WebSocket API, session.logon (Ed25519)',
    ladder: { symbol: 'BTCUSDT', quantity: '0.001', step: '25', tick: '0.01', levels: 3 },
  },
  {
    name: 'margin',
    venueId: 'binance-margin',
    label: 'listenToken on the WebSocket API',
    ladder: { symbol: 'ETHUSDT', quantity: '0.01', step: '1.5', tick: '0.01', levels: 3 },
  },
  {
    name: 'usdm',
    venueId: 'binance-usdm',
    label: 'listenKey, /private stream',
    ladder: { symbol: 'BTCUSDT', quantity: '0.002', step: '25', tick: '0.1', levels: 3 },
  },
  {
    name: 'bhex',
    venueId: 'bhex',
    label: 'signed listenKey (BHEX-style)',
    ladder: { symbol: 'ETHUSDT', quantity: '0.01', step: '1.5', tick: '0.01', levels: 3 },
  },
];

/** Ladders on testnets (`--trade`): BTCUSDT with sizes the venues accept. */
const TESTNET_LADDERS: Partial<Record<string, LadderSpec>> = {
  spot: { symbol: 'BTCUSDT', quantity: '0.001', step: '50', tick: '0.01', levels: 2 },
  usdm: { symbol: 'BTCUSDT', quantity: '0.002', step: '50', tick: '0.1', levels: 2 },
};

const TICKER_PATHS: Partial<Record<string, string>> = {
  spot: '/api/v3/ticker/price',
  margin: '/api/v3/ticker/price',
  isolatedMargin: '/api/v3/ticker/price',
  usdm: '/fapi/v1/ticker/price',
  coinm: '/dapi/v1/ticker/price',
  bhex: '/openapi/quote/v1/ticker/price',
  coins: '/openapi/quote/v1/ticker/price',
};

/** The live state of one stream: what the dashboard, /healthz, /metrics and the summary read. */
export class StreamRuntime implements StreamGaugeSource {
  readonly spec: StreamSpec;
  readonly handle: UserDataStreamHandle;
  readonly mirror: AccountMirror;
  readonly protocol: Protocol;
  ladder: Ladder | undefined;
  events = 0;
  reconnects = 0;
  gaps = 0;
  credentialExpirations = 0;
  lastLagMs: number | undefined;
  maxLagMs = 0;
  lastEventAt: number | undefined;
  lastDifferences = 0;
  /** Open orders on the exchange at the last comparison. */
  exchangeOpenOrders: number | undefined;
  /** Real ms since which the stream is not open (undefined while open). */
  downSince: number | undefined;
  /**
   * The identity (type, `E` and content: one matching step yields several events in one
   * millisecond) of every event delivered, with how often (duplicates show as > 1).
   */
  readonly received = new Map<string, number>();
  /**
   * Stretches of `E` the stream said it may have lost (a `gap`): from the last event before it
   * to the first event after it. A lost event inside one was announced; outside, it was not.
   */
  readonly gapWindows: { from: number; to: number }[] = [];
  readonly #clock: Clock;

  constructor(spec: StreamSpec, handle: UserDataStreamHandle, mirror: AccountMirror, clock: Clock) {
    this.spec = spec;
    this.handle = handle;
    this.mirror = mirror;
    this.protocol = spec.venue.protocol as Protocol;
    this.#clock = clock;
  }

  get name(): string {
    return this.spec.name;
  }

  get venue(): string {
    return this.spec.venue.id;
  }

  get state(): string {
    return this.handle.state;
  }

  get up(): boolean {
    return this.handle.state === 'open';
  }

  get openOrders(): number {
    return this.mirror.openOrders.length;
  }

  get credentialAgeMs(): number | undefined {
    const s = this.handle.lease.state();
    return s.credentialCreatedAt === undefined ? undefined : this.#clock.now() - s.credentialCreatedAt;
  }

  get msToNextRenewal(): number | undefined {
    const s = this.handle.lease.state();
    return s.nextRenewalAt === undefined ? undefined : s.nextRenewalAt - this.#clock.now();
  }

  get duplicates(): number {
    let n = 0;
    for (const count of this.received.values()) if (count > 1) n += count - 1;
    return n;
  }
}

export interface StreamSummary {
  name: string;
  venue: string;
  protocol: Protocol;
  events: number;
  reconnects: number;
  gaps: number;
  reconciliations: number;
  credentialRenewals: number;
  credentialRecreations: number;
  mirrorMatches: boolean;
  /** Where the mirror and the exchange differ (empty when they match). */
  mismatches: string[];
  /** Events the simulator recorded sending that never arrived (null on a real venue). */
  lostEvents: number | null;
  /** Lost events no `gap` announced (the guarantee: always 0). */
  unannouncedLostEvents: number | null;
  /** Events delivered more than once. */
  duplicateEvents: number;
  maxEventLagMs: number;
  ordersPlaced: number;
  fills: number;
  ordersCanceled: number;
  /** Open orders the exchange lists for the account at the end (after ours were canceled). */
  openOrdersAtEnd: number | null;
}

export interface Summary {
  mode: 'simulator' | 'venue';
  durationMs: number;
  speed: number;
  faultsInjected: number;
  faults: Record<string, number>;
  streams: StreamSummary[];
  events: number;
  reconnects: number;
  gaps: number;
  reconciliations: number;
  lostEvents: number | null;
  unannouncedLostEvents: number | null;
  duplicateEvents: number;
  mirrorMatches: boolean;
}

export interface HealthReport {
  ok: boolean;
  status: 'starting' | 'ok' | 'degraded' | 'down' | 'stopping';
  streams: {
    name: string;
    venue: string;
    state: string;
    downForMs: number;
    credentialAgeMs: number | undefined;
    nextRenewalInMs: number | undefined;
    reconnects: number;
    gaps: number;
    reconciliations: number;
    events: number;
    eventLagMs: number | undefined;
    mirror: string;
  }[];
}

export interface BotOptions {
  config: DemoConfig;
  logger: Logger;
  /** How streams are opened. @default openUserDataStream from @userstream/keepalive */
  open?: (options: OpenUserDataStreamOptions) => Promise<UserDataStreamHandle>;
  /** Called for every note (fills, faults, recoveries). */
  onNote?: (note: Note) => void;
}

const MAX_NOTES = 200;

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

/** Stream reliability options on the embedded exchange (wall-clock ms). */
export const DEMO_STREAM_OPTIONS = Object.freeze({
  heartbeat: { pingIntervalMs: 1_000, pongTimeoutMs: 1_000, inactivityTimeoutMs: 3_000 },
  reconnect: { baseDelayMs: 100, maxDelayMs: 2_000 },
});

/**
 * The demo bot: an embedded exchange (or a real venue), one kept-alive stream and AccountMirror
 * per market, a ladder strategy, faults on demand, and the numbers everything else shows.
 */
export class Bot {
  readonly config: DemoConfig;
  readonly clock: Clock;
  readonly sim: Simulator | undefined;
  readonly streams: StreamRuntime[] = [];
  readonly notes: Note[] = [];
  readonly startedAt = Date.now();
  readonly faults: FaultInjector | undefined;
  phase: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  readonly #logger: Logger;
  readonly #scheduler: Scheduler;
  readonly #onNote: ((note: Note) => void) | undefined;
  readonly #restClients: RestClient[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #pendingFaults = new Map<string, { fault: InjectedFault; at: number }>();
  #runStartedAt = Date.now();
  #stopping: Promise<void> | undefined;

  private constructor(options: BotOptions, clock: Clock, sim: Simulator | undefined) {
    this.config = options.config;
    this.#logger = options.logger;
    this.#onNote = options.onNote;
    this.clock = clock;
    this.sim = sim;
    this.#scheduler = createScheduler({ clock, logger: options.logger.child({ component: 'scheduler' }) });
    if (sim) {
      this.faults = new FaultInjector(
        sim,
        DEMO_ACCOUNT_ID,
        SIMULATOR_STREAMS.map((s) => ({
          name: s.name,
          venue: s.venueId,
          protocol: sim.venue(s.venueId).protocol as Protocol,
        })),
        options.config.speed,
      );
    }
  }

  /** Starts the exchange (or connects to the venue), opens every stream and its mirror. */
  static async start(options: BotOptions): Promise<Bot> {
    const { config } = options;
    const target = config.target;
    let bot: Bot;
    let specs: StreamSpec[];
    let credentials: { apiKey: string } & KeyMaterial;
    if (target.kind === 'simulator') {
      const clock = config.speed === 1 ? systemClock : createScaledClock({ speed: config.speed });
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
      bot = new Bot(options, systemClock, undefined);
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
    const speed = this.sim ? this.config.speed : 1;
    // A compressed clock stretches network latency too: give signed requests the widest window.
    const restOptions = speed > 1 ? { recvWindow: 60_000 } : {};
    // On the embedded exchange, detect silence and come back faster than the defaults (15 s pings,
    // 10 s pong timeout, 30 s backoff cap) so every recovery shows within a second or two. These
    // are wall-clock values: the stream scales them to the compressed clock.
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
        this.#watch(runtime);
        this.streams.push(runtime); // closed by stop() even if another stream fails to open
        await readyWithin(mirror, spec.name, 30_000);
        return { runtime, spec, logger };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const opened = settled.map(
      (r) =>
        (r as PromiseFulfilledResult<{ runtime: StreamRuntime; spec: StreamSpec; logger: Logger }>).value,
    );
    // Show them in the order they were specified, not the order they opened in.
    this.streams.sort((a, b) => specs.indexOf(a.spec) - specs.indexOf(b.spec));
    for (const { runtime, spec, logger } of opened) {
      if (!spec.ladder || !spec.venue.endpoints.order) continue;
      const client = createRestClient({
        venue: spec.venue,
        credentials,
        clock: this.clock,
        logger,
        ...restOptions,
      });
      this.#restClients.push(client);
      const ladder = new Ladder({
        name: spec.name,
        venue: spec.venue,
        spec: spec.ladder,
        client,
        price: this.#priceSource(spec, client),
        openOrders: () => runtime.mirror.openOrders,
        now: Date.now,
        note: (text, level) => this.note(spec.name, level, text),
        runId: `ud${(this.startedAt % 1e6).toString(36)}`,
      });
      runtime.ladder = ladder;
      runtime.mirror.on('change', (change) => ladder.onChange(change));
    }
    const names = this.streams.map((s) => s.name).join(', ');
    this.note(undefined, 'ok', `streams open and mirrors in sync: ${names}`);
  }

  #priceSource(spec: StreamSpec, client: RestClient): () => Promise<string> | string {
    const symbol = spec.ladder?.symbol as string;
    const sim = this.sim;
    if (sim) return () => sim.exchange.price(symbol);
    const path = TICKER_PATHS[spec.venue.market] ?? '/api/v3/ticker/price';
    return async () => {
      const body = await client.request<{ price?: unknown }>({ method: 'GET', path, params: { symbol } });
      if (typeof body?.price !== 'string') throw new Error(`no price for ${symbol} at ${path}`);
      return body.price;
    };
  }

  #watch(s: StreamRuntime): void {
    const { handle, mirror } = s;
    handle.on('event', (event) => {
      const e = event as unknown as { e?: unknown; E?: unknown };
      const E = Number(e.E);
      s.events++;
      s.lastEventAt = Date.now();
      if (Number.isFinite(E)) {
        const lag = this.clock.now() - E;
        s.lastLagMs = lag;
        if (lag > s.maxLagMs) s.maxLagMs = lag;
        const key = eventIdentity(event);
        s.received.set(key, (s.received.get(key) ?? 0) + 1);
        const open = s.gapWindows[s.gapWindows.length - 1];
        if (open && open.to === Number.POSITIVE_INFINITY) open.to = E;
      }
    });
    handle.on('open', () => {
      s.downSince = undefined;
    });
    handle.on('reconnecting', (info) => {
      s.downSince ??= Date.now();
      this.note(s.name, 'warn', `reconnecting (${info?.reason ?? 'connection lost'})`);
    });
    handle.on('reconnected', () => {
      s.reconnects++;
      s.downSince = undefined;
      this.#recovered(s, 'reconnected');
    });
    handle.on('gap', (info) => {
      s.gaps++;
      const last = s.gapWindows[s.gapWindows.length - 1];
      if (!last || last.to !== Number.POSITIVE_INFINITY) {
        s.gapWindows.push({
          from: info.lastEventTime ?? Number.NEGATIVE_INFINITY,
          to: Number.POSITIVE_INFINITY,
        });
      }
      this.note(s.name, 'warn', `gap (${info.reason}): continuity not proven, the mirror resyncs`);
    });
    handle.on('credentialExpired', (info) => {
      s.credentialExpirations++;
      this.note(s.name, 'warn', `credential expired (${info.reason})`);
    });
    handle.on('error', (error) => {
      this.#logger.warn({ stream: s.name, code: error.code }, error.message);
    });
    handle.on('closed', (info) => {
      if (this.phase === 'running') {
        s.downSince ??= Date.now();
        this.note(s.name, 'warn', `stream closed (${info.reason})`);
      }
    });
    handle.lease.on('renewed', () => this.note(s.name, 'info', `${handle.lease.kind} renewed`));
    handle.lease.on('recreated', (info) => {
      this.#recovered(s, `new ${handle.lease.kind} (${info.reason})`);
    });
    handle.lease.on('renewFailed', (info) =>
      this.note(s.name, 'warn', `renewal failed (${info.error.code}); retrying`),
    );
    mirror.on('reconciled', (r: MirrorReconciled) => {
      s.lastDifferences = r.differences.length;
      if (r.reason === 'start') return;
      this.#recovered(
        s,
        `mirror reconciled (${r.reason}): ${r.differences.length} difference(s) fixed, ${r.replayed} replayed`,
      );
    });
    mirror.on('error', (error) => this.#logger.warn({ stream: s.name, code: error.code }, error.message));
  }

  #recovered(s: StreamRuntime, what: string): void {
    const pending = this.#pendingFaults.get(s.name);
    if (pending) {
      this.#pendingFaults.delete(s.name);
      this.note(
        s.name,
        'ok',
        `${what}: recovered from ${pending.fault.type} in ${Date.now() - pending.at} ms`,
      );
    } else {
      this.note(s.name, 'ok', what);
    }
  }

  /** Adds a line to the recent events (and the log). */
  note(stream: string | undefined, level: Note['level'], text: string): void {
    const note: Note = { at: Date.now(), stream, level, text };
    this.notes.push(note);
    if (this.notes.length > MAX_NOTES) this.notes.splice(0, this.notes.length - MAX_NOTES);
    this.#logger[level === 'warn' ? 'warn' : 'info']({ stream, kind: level }, text);
    this.#onNote?.(note);
  }

  #every(ms: number, fn: () => unknown): void {
    const timer = setInterval(() => {
      try {
        const result = fn() as Promise<unknown> | undefined;
        if (result && typeof result.catch === 'function') {
          result.catch((error: unknown) =>
            this.#logger.warn({ err: String(error) }, 'background step failed'),
          );
        }
      } catch (error) {
        this.#logger.warn({ err: String(error) }, 'background step failed');
      }
    }, ms);
    this.#timers.push(timer);
  }

  #run(): void {
    this.phase = 'running';
    this.#runStartedAt = Date.now();
    // From here on, everything the exchange sends must reach us: start counting.
    this.sim?.record.clear();
    for (const s of this.streams) s.received.clear();
    const sim = this.sim;
    if (sim) this.#every(400, () => sim.exchange.tick());
    for (const s of this.streams) {
      const ladder = s.ladder;
      // Trade only on what the stream currently proves: open, and the mirror live.
      if (ladder) {
        this.#every(300, () => (s.state === 'open' && s.mirror.phase === 'live' ? ladder.step() : undefined));
      }
    }
    if (this.faults && this.config.faults) {
      const quietAfter =
        this.config.durationMs === undefined ? Number.POSITIVE_INFINITY : this.config.durationMs * 0.7;
      this.#every(this.config.faultEveryMs, () => {
        if (Date.now() - this.#runStartedAt >= quietAfter) return;
        // One fault at a time: the next waits until every stream has recovered from the last
        // (unless --fault-overlap asks for the harsher schedule).
        if (this.config.faultOverlap || this.#healthy()) this.injectFault();
      });
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
    if (!this.faults || this.phase !== 'running') return undefined;
    const fault = this.faults.next();
    this.#pendingFaults.set(fault.stream, { fault, at: Date.now() });
    this.note(fault.stream, 'fault', `FAULT ${fault.description}`);
    return fault;
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
    if (this.phase !== 'running') {
      return { ok: false, status: this.phase === 'starting' ? 'starting' : 'stopping', streams };
    }
    const down = streams.filter((s) => s.state !== 'open');
    const beyond = down.filter((s) => s.downForMs > this.config.healthBoundMs);
    return {
      ok: beyond.length === 0,
      status: beyond.length > 0 ? 'down' : down.length > 0 ? 'degraded' : 'ok',
      streams,
    };
  }

  /** The account as the exchange holds it (simulator: the engine; real venue: a fresh snapshot). */
  async #exchangeView(s: StreamRuntime): Promise<AccountView> {
    if (this.sim) {
      const venue = s.spec.venue.id as VenueId;
      return {
        balances: balancesView(this.sim.exchange.balances(DEMO_ACCOUNT_ID, venue)),
        orders: ordersView(
          this.sim.exchange.orders(DEMO_ACCOUNT_ID, venue) as {
            symbol: unknown;
            orderId: unknown;
            status: unknown;
          }[],
        ),
      };
    }
    const rest = s.handle.rest;
    const options = s.spec.symbol === undefined ? {} : { symbol: s.spec.symbol };
    const snapshot = await rest.accountSnapshot(options);
    const orders = await rest.openOrders(options);
    return { balances: balancesView(snapshot.balances), orders: ordersView(orders) };
  }

  #mirrorView(s: StreamRuntime): AccountView {
    return { balances: balancesView(s.mirror.balances), orders: ordersView(s.mirror.openOrders) };
  }

  async #compare(s: StreamRuntime): Promise<string[]> {
    const exchange = await this.#exchangeView(s);
    s.exchangeOpenOrders = exchange.orders.length;
    if (s.mirror.phase !== 'live') return [`mirror is ${s.mirror.phase}`];
    return differences(this.#mirrorView(s), exchange);
  }

  /** Events the simulator sent into this stream's book that never arrived, and how many of them no gap announced. */
  #lost(s: StreamRuntime): { lost: number; unannounced: number } | null {
    if (!this.sim) return null;
    const recorded = this.sim.record.events({
      accountId: DEMO_ACCOUNT_ID,
      venue: s.spec.venue.id as VenueId,
    });
    // Engine events are recorded with their payload and matched by identity; load events only
    // by type and E, so those are matched against the copies of each (e, E) delivered.
    const byTime = new Map<string, number>();
    for (const [key, n] of s.received) {
      const short = key.slice(0, key.indexOf('|', key.indexOf('|') + 1));
      byTime.set(short, (byTime.get(short) ?? 0) + n);
    }
    let lost = 0;
    let unannounced = 0;
    for (const r of recorded) {
      if (r.source !== 'engine' && r.source !== 'load') continue;
      const E = Number(r.E);
      const short = `${r.e}|${E}`;
      const copies = byTime.get(short) ?? 0;
      if ((r.event ? s.received.has(eventIdentity(r.event)) : true) && copies > 0) {
        byTime.set(short, copies - 1);
        continue;
      }
      lost++;
      if (!s.gapWindows.some((w) => w.from < E && E < w.to)) unannounced++;
    }
    return { lost, unannounced };
  }

  /**
   * Stops trading and faults, cancels the bot's own orders, waits (up to `settleMs`) for every
   * mirror to equal the exchange and every recorded event to arrive, and sums up the run.
   */
  async finish(settleMs = 10_000): Promise<Summary> {
    this.#quiesce();
    await this.#cancelOrders();
    // Settled: every mirror equals the exchange and no event arrived for a while (the last
    // events of the cancellations are in).
    const deadline = Date.now() + settleMs;
    let mismatches: string[][] = [];
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      mismatches = await Promise.all(this.streams.map((s) => this.#compare(s).catch((e) => [String(e)])));
      const quietFor = Date.now() - Math.max(0, ...this.streams.map((s) => s.lastEventAt ?? 0));
      if ((mismatches.every((m) => m.length === 0) && quietFor > 500) || Date.now() > deadline) break;
    }
    const streams: StreamSummary[] = this.streams.map((s, i) => {
      const lease = s.handle.lease.state();
      return {
        name: s.name,
        venue: s.venue,
        protocol: s.protocol,
        events: s.events,
        reconnects: s.reconnects,
        gaps: s.gaps,
        reconciliations: s.mirror.stats.reconciliations,
        credentialRenewals: lease.renewals,
        credentialRecreations: lease.recreations,
        mirrorMatches: (mismatches[i] ?? []).length === 0,
        mismatches: (mismatches[i] ?? []).slice(0, 10),
        lostEvents: this.#lost(s)?.lost ?? null,
        unannouncedLostEvents: this.#lost(s)?.unannounced ?? null,
        duplicateEvents: s.duplicates,
        maxEventLagMs: s.maxLagMs,
        ordersPlaced: s.ladder?.placed ?? 0,
        fills: s.ladder?.filled ?? 0,
        ordersCanceled: s.ladder?.canceled ?? 0,
        openOrdersAtEnd: s.exchangeOpenOrders ?? null,
      };
    });
    const sum = (f: (s: StreamSummary) => number) => streams.reduce((n, s) => n + f(s), 0);
    return {
      mode: this.sim ? 'simulator' : 'venue',
      durationMs: Date.now() - this.#runStartedAt,
      speed: this.sim ? this.config.speed : 1,
      faultsInjected: this.faults?.injected ?? 0,
      faults: { ...(this.faults?.counts ?? {}) },
      streams,
      events: sum((s) => s.events),
      reconnects: sum((s) => s.reconnects),
      gaps: sum((s) => s.gaps),
      reconciliations: sum((s) => s.reconciliations),
      lostEvents: this.sim ? sum((s) => s.lostEvents ?? 0) : null,
      unannouncedLostEvents: this.sim ? sum((s) => s.unannouncedLostEvents ?? 0) : null,
      duplicateEvents: sum((s) => s.duplicateEvents),
      mirrorMatches: streams.length > 0 && streams.every((s) => s.mirrorMatches),
    };
  }

  #quiesce(): void {
    for (const t of this.#timers.splice(0)) clearInterval(t);
    for (const s of this.streams) s.ladder?.stop();
    this.faults?.releaseAll();
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
