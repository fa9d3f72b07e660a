import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ErrorCode, type VenueId, type VenueProfile, VirtualClock } from '@userstream/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, expect } from 'vitest';
import {
  AccountMirror,
  createScheduler,
  DIAGNOSTICS_CHANNELS,
  type Logger,
  leaseRegistryOf,
  type MirrorReconciled,
  type OpenUserDataStreamOptions,
  type Scheduler,
  type UserDataStreamHandle,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { converged, type Market, trader } from './trading.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Lets real I/O (HTTP round trips on loopback) happen: resolves after a real macrotask turn. */
export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (real time, bounded) until `predicate` holds. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}

/**
 * Lives through `ms` of virtual time: advances the clock from one scheduled job to the next and
 * lets each job's real HTTP round trip finish before moving on. While a request is in flight
 * (e.g. a keepalive the simulator never answers), time moves in `stepMs` steps so client timeouts fire.
 */
export async function live(
  clock: VirtualClock,
  scheduler: Scheduler,
  ms: number,
  stepMs = 1_000,
): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    await settle(scheduler);
    const now = clock.now();
    const due = scheduler.stats.nextDueAt;
    const target =
      scheduler.stats.inFlight > 0
        ? now + stepMs
        : Math.min(end, due === undefined ? end : Math.max(due, now));
    await clock.advance(Math.max(0, Math.min(end, target) - now));
    await settle(scheduler);
  }
}

/**
 * Gives in-flight jobs up to ~60 ms of real time to finish (a loopback round trip takes a
 * few ms; a request the simulator holds on purpose stays in flight, and `live` moves time on).
 */
export async function settle(scheduler: Scheduler): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await tick(0);
    if (scheduler.stats.inFlight === 0) {
      // One more turn for continuations (events, store writes).
      await tick(0);
      if (scheduler.stats.inFlight === 0) return;
    }
    if (i > 10) await tick(2);
  }
}

/** Everything this package publishes or logs, to prove no secret appears in it. */
export function captureOutput(): {
  logger: Logger;
  text: () => string;
  stop: () => void;
  messages: unknown[];
} {
  const messages: unknown[] = [];
  const handlers = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
    const h = (message: unknown) => messages.push({ channel: name, message });
    subscribe(name, h);
    return [name, h] as const;
  });
  const log =
    (level: string) =>
    (obj: Record<string, unknown>, msg: string): void => {
      messages.push({ level, obj, msg });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    logger,
    messages,
    text: () =>
      JSON.stringify(messages, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
    stop: () => {
      for (const [name, h] of handlers) unsubscribe(name, h);
    },
  };
}

/** A deterministic random source for jitter. */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Lives through `ms` of virtual time in fixed steps, letting real I/O (requests, socket frames,
 * reconnects) happen between steps. For end-to-end runs where streams and the simulator have
 * their own timers besides the scheduler's.
 */
export async function liveSteps(
  clock: VirtualClock,
  scheduler: Scheduler,
  ms: number,
  stepMs = 10 * MIN,
): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    await clock.advance(Math.min(stepMs, end - clock.now()));
    await settle(scheduler);
    await tick(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Venue end-to-end runs (issue #13): one simulator, a stream through openUserDataStream with an
// AccountMirror on it, and the fault sequence every venue test puts it through (a dropped socket,
// a bad frame, a keepalive on a key the venue lost, a lapsed key), the mirror compared with the
// simulator's book after each. Each venue test keeps its own assertions on top.
// ---------------------------------------------------------------------------------------------

/** One virtual clock, simulator and scheduler per test (made before it, torn down after it). */
export interface VenueHarness {
  readonly clock: VirtualClock;
  readonly sim: Simulator;
  readonly scheduler: Scheduler;
  /** Runs `fn` after the test (last registered first), before the scheduler and simulator close. */
  cleanup(fn: () => unknown): void;
  /** Lives through `ms` of virtual time in steps of at most the harness's `stepMs`. */
  pass(ms: number): Promise<void>;
}

/**
 * Registers beforeEach/afterEach hooks that start a simulator on port 0 with the server's
 * heartbeat hourly and a silent client dropped after 4 h (tests raise or lower these per venue),
 * and returns the harness whose fields are live inside each test.
 */
export function useVenueHarness(
  options: {
    simulator?: Omit<SimulatorOptions, 'clock'>;
    /** The scheduler's jitter (0 where a test pins renewal times). */
    jitter?: number;
    /**
     * `pass` steps: shorter than any client ping that must reach the simulator between clock
     * steps (MEXC's 60 s data bound, Toobit's 5 silent minutes). @default 5 min
     */
    stepMs?: number;
  } = {},
): VenueHarness {
  const cleanups: (() => unknown)[] = [];
  let state: { clock: VirtualClock; sim: Simulator; scheduler: Scheduler } | undefined;
  const live = () => {
    if (!state) throw new Error('the venue harness is only live inside a test');
    return state;
  };
  beforeEach(async () => {
    const clock = new VirtualClock();
    const sim = await startSimulator({
      pingIntervalMs: HOUR,
      pongTimeoutMs: 4 * HOUR,
      ...options.simulator,
      clock,
    });
    const scheduler = createScheduler({
      clock,
      ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
    });
    state = { clock, sim, scheduler };
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    const s = state;
    state = undefined;
    s?.scheduler.close();
    await s?.sim.close();
  });
  return {
    get clock() {
      return live().clock;
    },
    get sim() {
      return live().sim;
    },
    get scheduler() {
      return live().scheduler;
    },
    cleanup: (fn) => void cleanups.push(fn),
    pass: (ms) => liveSteps(live().clock, live().scheduler, ms, options.stepMs ?? 5 * MIN),
  };
}

/** What a venue test opens: the venue, and where it differs from the common run, its keys and timings. */
export interface VenueStreamOptions {
  venue: VenueProfile;
  /** @default the simulator's first account's API key and HMAC secret */
  credentials?: OpenUserDataStreamOptions['credentials'];
  /** @default ping hourly, pong within 2 h, inactive after 6 h (the server's heartbeat keeps it) */
  heartbeat?: { pingIntervalMs: number; pongTimeoutMs: number; inactivityTimeoutMs: number };
  lease?: OpenUserDataStreamOptions['lease'];
}

/** Opens the stream with the timings every venue run uses (minutes-long timeouts and backoffs). */
export async function openVenueStream(
  h: VenueHarness,
  options: VenueStreamOptions,
): Promise<UserDataStreamHandle> {
  const account = h.sim.accounts[0]!;
  const stream = await openUserDataStream({
    venue: options.venue,
    credentials: options.credentials ?? { apiKey: account.apiKey, secret: account.secret! },
    scheduler: h.scheduler,
    ...(options.lease ? { lease: options.lease } : {}),
    rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
    stream: {
      heartbeat: options.heartbeat ?? {
        pingIntervalMs: HOUR,
        pongTimeoutMs: 2 * HOUR,
        inactivityTimeoutMs: 6 * HOUR,
      },
      reconnect: { baseDelayMs: 10_000, maxDelayMs: 10 * MIN },
      requestTimeoutMs: 5 * MIN,
      openTimeoutMs: 5 * MIN,
    },
  });
  h.cleanup(() => stream.close());
  return stream;
}

/** A stream, the mirror on it, and what both reported so far. */
export interface MirroredStream {
  stream: UserDataStreamHandle;
  mirror: AccountMirror;
  reconciled: MirrorReconciled[];
  /** Every delivered event's type in order; an untyped one as `unknown:<type>`. */
  seen: string[];
  /** Every delivered event, as delivered. */
  events: unknown[];
  /** Every `error` the stream emitted. */
  errors: { code?: unknown }[];
}

/** Opens the stream, puts an AccountMirror on it and waits for the mirror's first snapshot. */
export async function openMirroredStream(
  h: VenueHarness,
  options: VenueStreamOptions,
): Promise<MirroredStream> {
  const stream = await openVenueStream(h, options);
  const mirror = new AccountMirror({
    stream,
    rest: stream.rest,
    clock: h.clock,
    retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN },
  });
  h.cleanup(() => mirror.close());
  const m: MirroredStream = { stream, mirror, reconciled: [], seen: [], events: [], errors: [] };
  mirror.on('reconciled', (r) => m.reconciled.push(r));
  stream.on('event', (e) => {
    m.events.push(e);
    m.seen.push(e.e === 'unknown' ? `unknown:${(e as { type: string }).type}` : e.e);
  });
  stream.on('error', (e) => m.errors.push(e as { code?: unknown }));
  await mirror.ready();
  return m;
}

/**
 * The faults every venue run goes through, each followed by trading and the mirror compared with
 * the simulator's book. `path` counts the credential requests (`POST` creates, `PUT` keepalives)
 * unless `keepAlives` counts them where the key is in the path (Bitrue).
 */
export function faultSequence(
  h: VenueHarness,
  m: MirroredStream,
  options: { market: Market; seed: number; path: string; keepAlives?: () => number; accountId?: string },
) {
  const { market } = options;
  const accountId = options.accountId ?? h.sim.accounts[0]!.id;
  const step = trader(h.sim, market, accountId, options.seed);
  const creates = () => h.sim.record.requestCount('POST', options.path);
  const keepAlives = options.keepAlives ?? (() => h.sim.record.requestCount('PUT', options.path));
  const gapsSince = (n: number) => m.reconciled.slice(n).filter((r) => r.reason.startsWith('gap'));
  const trade = async (steps: number) => {
    for (let i = 0; i < steps; i++) await step();
    await converged(h.sim, m.mirror, market, accountId);
  };
  return {
    accountId,
    /** `steps` random trades, then the mirror must equal the simulator. */
    trade,
    /** `ms` without trading: the heartbeats keep the connection (no reconnect, no gap). */
    async quiet(ms: number) {
      const n = m.reconciled.length;
      await h.pass(ms);
      expect(m.reconciled.length).toBe(n);
      expect(m.stream.lease.state().status).toBe('active');
    },
    /**
     * The socket dies and a deposit and trades happen while it is down (lost to the stream by
     * design): a gap, a reconciliation, the mirror equal again. Returns what the reconciliations
     * found (the deposit at least, where the venue's snapshot shows balances).
     */
    async drop(
      fault: {
        connections?: 'stream' | 'wsApi';
        venue?: VenueId;
        /** What else happens on the exchange while the socket is down (after the deposit and trades). */
        whileDown?: () => void;
      } = {},
    ) {
      const n = m.reconciled.length;
      const connections = fault.connections ?? 'stream';
      h.sim.faults.drop({
        mode: 'terminate',
        connections,
        ...(connections === 'stream' ? { venue: fault.venue ?? market.venue } : {}),
      });
      h.sim.exchange.deposit(accountId, market.venue, market.deposit[0], '0.25');
      for (let i = 0; i < 10; i++) await step();
      fault.whileDown?.();
      await until(() => gapsSince(n).length > 0, 5_000, 'a gap reconciliation');
      for (let i = 0; i < 20 && m.stream.lease.state().status !== 'active'; i++) await h.pass(10_000);
      await converged(h.sim, m.mirror, market, accountId);
      return gapsSince(n).flatMap((r) => r.differences);
    },
    /** A frame that does not decode is reported (malformed); the stream and the mirror carry on. */
    async malformedFrame(
      target: { accountId?: string; venue?: VenueId } = { accountId, venue: market.venue },
    ) {
      const n = m.errors.length;
      expect(h.sim.faults.malformedFrame(target)).toBe(1);
      await until(
        () => m.errors.slice(n).some((e) => e.code === ErrorCode.MalformedFrame),
        5_000,
        'the bad frame reported',
      );
      await trade(10);
    },
    /**
     * The venue lost the key: the next keepalive is refused (`-1125`, or the venue's own answer to
     * it) and the key is re-created with one POST. `venue` names the venue the key belongs to.
     */
    async lostKey(venue: VenueId = market.venue) {
      const posts = creates();
      const puts = keepAlives();
      h.sim.faults.failKeepalives({ mode: '-1125', accountId, venue });
      await h.pass(35 * MIN);
      expect(keepAlives()).toBeGreaterThan(puts);
      expect(creates()).toBe(posts + 1);
    },
    /**
     * The credential lapses on the venue: a new one (one POST), a gap, a reconciliation, the mirror
     * equal again after trading. Returns how many credentials the fault expired and the reasons of
     * the reconciliations it caused.
     */
    async expire(venue: VenueId = market.venue) {
      const n = m.reconciled.length;
      const posts = creates();
      const expired = h.sim.faults.expire({ accountId, venue });
      for (let i = 0; i < 20 && m.reconciled.length === n; i++) await h.pass(MIN);
      expect(m.reconciled.length).toBeGreaterThan(n);
      const reasons = m.reconciled.slice(n).map((r) => r.reason);
      expect(creates()).toBe(posts + 1);
      await trade(30);
      return { expired, reasons };
    },
  };
}

/** Closes the stream and checks it released everything: no socket, no scheduled job, no lease. */
export async function closeReleasesAll(h: VenueHarness, stream: UserDataStreamHandle): Promise<void> {
  await stream.close();
  await until(() => h.sim.record.connections === 0, 2_000, 'the socket closed');
  expect(h.scheduler.stats.scheduled).toBe(0);
  expect(leaseRegistryOf(h.scheduler).size).toBe(0);
}
