import { createFleetWorker, createRedisEventSink, type FleetWorker, GAP_MARKER } from '@userstream/redis';
import { FIRST_BAN_MS } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { Canaries, OutputCapture } from './capture.js';
import {
  balancesView,
  checkDelivery,
  checkFleetDelivery,
  differences,
  explainOrders,
  ordersView,
  type SentEvent,
  StreamObserver,
} from './checks.js';
import {
  ChaosDriver,
  CountingClock,
  type Exchange,
  resources,
  sleep,
  startExchange,
  timelineOf,
  waitFor,
  writeArtifacts,
} from './harness.js';
import { CHAOS_STREAM_OPTIONS, type RunReport } from './in-process.js';
import type { Plan, StreamPlan } from './plan.js';
import { startRedis } from './redis-server.js';

interface Member {
  id: string;
  worker: FleetWorker;
  redis: Redis;
}

/**
 * What a variant of the fleet run adds (the partition runs, partition-run.ts): each worker's own
 * links, something to do during the chaos phase, extra audits, artifacts and clean-up.
 */
export interface FleetHooks {
  /** Worker `id`'s Redis client and accounts (venue profiles as it reaches them), and its REST options. */
  links(
    id: string,
    accounts: readonly FleetAccountOf[],
  ): Promise<{ redis: Redis; accounts: FleetAccountOf[]; rest?: Record<string, unknown> }>;
  /** The leases' listenKey keepalive interval (protocol ms). @default FLEET_RENEW_INTERVAL_MS */
  renewIntervalMs?: number;
  /** Real ms the fleet must stay whole before the final checks (default 0: whole once is enough). */
  settleHoldMs?: number;
  /** Called once per worker, before it starts. */
  onWorker?(id: string, worker: FleetWorker): void;
  /** The chaos phase starts (`live`: the live workers' ids, in join order, at any moment). */
  start?(live: () => readonly string[]): void;
  /** The chaos phase ended: undo what `start` did before the fleet settles. */
  stop?(): void;
  /** Violations found once the run settled and every worker closed. */
  audit?(): string[];
  /** After every worker closed, before the socket count: close what `links` opened. */
  close(): Promise<void>;
  /** Extra files for a failing run's artifacts (never raw secrets). */
  artifacts?(): Record<string, string>;
  /** Extra figures for the run's report. */
  figures?(): Record<string, unknown>;
}

/** Each lease's listenKey keepalive interval (protocol ms). */
export const FLEET_RENEW_INTERVAL_MS = 10_000;

type FleetAccountOf = Parameters<typeof createFleetWorker>[0]['accounts'][number];

/** Every key and value in Redis as text (to prove no secret is stored). */
async function dumpRedis(redis: Redis): Promise<string[]> {
  const out: string[] = [];
  for (const k of await redis.keys('*')) {
    out.push(`redis key ${k}`);
    const type = await redis.type(k);
    if (type === 'hash') out.push(`redis ${k} ${JSON.stringify(await redis.hgetall(k))}`);
    else if (type === 'string') out.push(`redis ${k} ${String(await redis.get(k))}`);
    else if (type === 'zset')
      out.push(`redis ${k} ${JSON.stringify(await redis.zrange(k, 0, -1, 'WITHSCORES'))}`);
    else if (type === 'set') out.push(`redis ${k} ${JSON.stringify(await redis.smembers(k))}`);
    else if (type === 'list') out.push(`redis ${k} ${JSON.stringify(await redis.lrange(k, 0, -1))}`);
    else if (type === 'stream') out.push(`redis ${k} ${JSON.stringify(await redis.xrange(k, '-', '+'))}`);
  }
  return out;
}

/** The account's Redis Stream read back as a stream: its events, and its gap markers as gaps. */
async function redisObserver(redis: Redis, accountId: string): Promise<StreamObserver> {
  const observer = new StreamObserver(`${accountId} in Redis`);
  for (const [, fields] of await redis.xrange(
    createRedisEventSink({ redis }).streamKey(accountId),
    '-',
    '+',
  )) {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
    if (f.e === GAP_MARKER) {
      observer.gap({ reason: f.reason ?? 'gap' });
      continue;
    }
    try {
      observer.event(JSON.parse(f.event ?? '{}') as Record<string, unknown>);
    } catch {
      observer.event({ e: f.e, E: Number(f.E) });
    }
  }
  return observer;
}

/**
 * One fleet run: FleetWorkers in this process share the accounts through a real redis-server;
 * the plan's faults hit their streams while a worker is killed (closed without releasing, as a
 * crashed process) and replaced. Checked: each account's events reach its Redis Stream once, in
 * order, or inside a gap; each worker emits them once and in order, and the workers together emit
 * every one or announce a gap around it (a planned move's overlap is emitted by both owners); the
 * owner's mirror equals the exchange; no secret in any log, diagnostic or Redis value; nothing
 * left after close().
 */
export async function runFleet(
  plan: Plan,
  extend?: (context: {
    sim: Exchange['sim'];
    redisUrl: string;
    canaries: Canaries;
    /** The run's protocol clock (the simulator's record and the workers' events use it). */
    now: () => number;
  }) => FleetHooks,
): Promise<RunReport> {
  const canaries = new Canaries();
  const capture = new OutputCapture();
  const violations: string[] = [];
  const refusedFaults: string[] = [];
  const figures: Record<string, unknown> = {};
  const redis = await startRedis();
  const control = redis.client();
  const exchange = await startExchange(plan, canaries);
  const { sim } = exchange;
  const hooks = extend?.({ sim, redisUrl: redis.url, canaries, now: () => exchange.clock.now() });
  const clock = new CountingClock(exchange.clock);
  await sleep(50);
  const baseline = resources();
  const observers = new Map(
    plan.streams.map((s) => [s.accountId, new StreamObserver(`${s.accountId} (fleet)`)]),
  );
  /** Each worker's own view of each account: a worker is one consumer (see checkFleetDelivery). */
  const views = new Map(plan.streams.map((s) => [s.accountId, new Map<string, StreamObserver>()]));
  const viewOf = (worker: string, account: string): StreamObserver | undefined => {
    const of = views.get(account);
    if (!of) return undefined;
    const v = of.get(worker) ?? new StreamObserver(`${account} on ${worker}`);
    of.set(worker, v);
    return v;
  };
  const accounts = plan.streams.map((s) => ({
    id: s.accountId,
    venue: exchange.venue(s.venue),
    credentials: exchange.credentials(s),
  }));
  const members: Member[] = [];
  const gone: Member[] = [];
  let nextWorker = 0;
  const startWorker = async (): Promise<void> => {
    const id = `worker-${nextWorker++}`;
    const links = hooks ? await hooks.links(id, accounts) : undefined;
    const client = links?.redis ?? redis.client();
    const worker = createFleetWorker({
      redis: client,
      workerId: id,
      accounts: links?.accounts ?? accounts,
      clock,
      logger: capture.logger(id),
      mirror: { retry: { baseDelayMs: 500, maxDelayMs: 5_000 } },
      lease: { renewIntervalMs: hooks?.renewIntervalMs ?? FLEET_RENEW_INTERVAL_MS, validityMs: 60_000 },
      stream: CHAOS_STREAM_OPTIONS as unknown as Record<string, unknown>,
      rest: { recvWindow: 60_000, ...links?.rest },
    });
    hooks?.onWorker?.(id, worker);
    worker.on('event', ({ account, event }) => {
      observers.get(account)?.event(event as unknown as Record<string, unknown>);
      viewOf(id, account)?.event(event as unknown as Record<string, unknown>);
    });
    worker.on('gap', ({ account, reason }) => {
      observers.get(account)?.gap({ reason });
      viewOf(id, account)?.gap({ reason });
    });
    worker.on('warning', ({ error }) => capture.error(`${id} warning`, error));
    members.push({ id, worker, redis: client });
    await worker.start();
  };
  const sentOf = (s: StreamPlan): readonly SentEvent[] =>
    sim.record.events({ accountId: s.accountId, venue: s.venue });
  /**
   * Every account open on exactly one live worker, its mirror live, and no move in flight (a
   * moved stream stays open on its old owner until the new owner's is: seed 16 under load was
   * "settled" while the new owner was still rate-limited, then found open on both).
   */
  const owned = () =>
    members.every((m) => m.worker.stats.moving === 0) &&
    plan.streams.every((s) => {
      const holders = members.filter((m) => m.worker.stream(s.accountId)?.state === 'open');
      return holders.length === 1 && holders[0]?.worker.mirror(s.accountId)?.phase === 'live';
    });
  const ownerOf = (accountId: string) => members.find((m) => m.worker.stream(accountId)?.state === 'open');
  const mirrorDiff = (s: StreamPlan): string[] => {
    const mirror = ownerOf(s.accountId)?.worker.mirror(s.accountId);
    if (!mirror) return ['no live owner'];
    if (mirror.phase !== 'live') return [`mirror is ${mirror.phase}`];
    return differences(
      { balances: balancesView(mirror.balances), orders: ordersView(mirror.openOrders) },
      {
        balances: balancesView(sim.exchange.balances(s.accountId, s.venue)),
        orders: ordersView(
          sim.exchange.orders(s.accountId, s.venue) as {
            symbol: unknown;
            orderId: unknown;
            status: unknown;
          }[],
        ),
      },
    );
  };
  try {
    const workers = plan.fleet?.workers ?? 2;
    for (let i = 0; i < workers; i++) await startWorker();
    if (!(await waitFor(owned, 30_000, 50)))
      throw new Error('the fleet did not open every account within 30 s');
    sim.record.clear();
    for (const o of observers.values()) o.reset();
    for (const of of views.values()) for (const v of of.values()) v.reset();
    await control.flushall();

    const kills = [...(plan.fleet?.kills ?? [])];
    const driver = new ChaosDriver(sim, plan, capture);
    let killed = 0;
    hooks?.start?.(() => members.map((m) => m.id));
    await driver.run(async (elapsed) => {
      if (kills.length === 0 || elapsed < (kills[0] as number)) return;
      kills.shift();
      // A crash: the victim stops without releasing anything; a replacement joins.
      const victim = members.splice(plan.seed % members.length, 1)[0] as Member;
      gone.push(victim);
      killed++;
      await victim.worker.close({ release: false });
      await startWorker();
    });
    hooks?.stop?.();
    for (const a of driver.applied) {
      if (a.error) refusedFaults.push(`#${a.step.id} ${JSON.stringify(a.step.spec)}: ${a.error}`);
    }
    const settled = () =>
      owned() &&
      plan.streams.every(
        (s) =>
          mirrorDiff(s).length === 0 &&
          checkDelivery(observers.get(s.accountId) as StreamObserver, sentOf(s)).lost.length === 0,
      );
    const settleStarted = Date.now();
    // A worker that earned a 418 ban honours it (at this clock's speed Binance's shortest ban is
    // 30 s of real time): the fleet must be whole again once it ends, not before.
    // A run's hooks may ask for the fleet to stay whole for a while (after a partition heals, a
    // worker may still find out it lost what it held, up to an ownership TTL later).
    const holdMs = hooks?.settleHoldMs ?? 0;
    let wholeSince: number | undefined;
    const stayedSettled = () => {
      if (!settled()) {
        wholeSince = undefined;
        return false;
      }
      wholeSince ??= Date.now();
      return Date.now() - wholeSince >= holdMs;
    };
    await waitFor(stayedSettled, 15_000 + FIRST_BAN_MS / plan.speed + holdMs, 100);
    figures.settleMs = Date.now() - settleStarted;
    for (const m of members) await m.worker.flushed(5_000);
    await sleep(300);
    const streams: unknown[] = [];
    for (const s of plan.streams) {
      const observer = observers.get(s.accountId) as StreamObserver;
      const result = checkFleetDelivery(observer, [...(views.get(s.accountId)?.values() ?? [])], sentOf(s));
      violations.push(...result.violations);
      const inRedis = await redisObserver(control, s.accountId);
      const stored = checkDelivery(inRedis, sentOf(s));
      violations.push(...stored.violations);
      const holders = members.filter((m) => m.worker.stream(s.accountId)?.state === 'open').map((m) => m.id);
      if (holders.length !== 1)
        violations.push(
          `${s.accountId}: open on ${holders.length} workers (${holders.join(', ')}) after the faults stopped`,
        );
      const diff = mirrorDiff(s);
      if (diff.length > 0) {
        violations.push(
          `${s.accountId}: mirror differs from the exchange: ${diff.slice(0, 6).join('; ')}${explainOrders(diff, observer, sentOf(s))}`,
        );
      }
      streams.push({
        name: s.accountId,
        sent: sentOf(s).length,
        delivered: observer.keys.length,
        matched: result.matched,
        gaps: observer.gaps,
        lostInGaps: result.lostInGaps,
        inRedis: inRedis.keys.length,
        redisGaps: inRedis.gaps,
        owner: holders.join(','),
      });
    }
    figures.streams = streams;
    figures.killed = killed;
    figures.workers = members.map((m) => ({
      id: m.id,
      owned: m.worker.owned().length,
      stats: m.worker.stats,
    }));
    figures.trades = driver.trades;
    figures.faults = driver.applied.length;
  } catch (error) {
    violations.push(
      `run failed: ${String((error as Error)?.stack ?? error)
        .split('\n')
        .slice(0, 4)
        .join(' | ')}`,
    );
  } finally {
    const closing = Promise.allSettled(members.map((m) => m.worker.close()));
    const closeStarted = Date.now();
    const closed = await Promise.race([closing.then(() => true), sleep(15_000).then(() => false)]);
    figures.closeMs = Date.now() - closeStarted;
    if (!closed) violations.push('FleetWorker.close() did not finish within 15 s');
    // After close: the DELETEs of the final releases are audited too.
    violations.push(...(hooks?.audit?.() ?? []));
    let dump: string[] = [];
    try {
      dump = await dumpRedis(control);
    } catch (error) {
      violations.push(`could not read Redis back: ${String(error)}`);
    }
    capture.lines.push(...dump);
    // The workers' Redis connections are the caller's to close (the worker does not own them).
    for (const m of [...members, ...gone]) m.redis.disconnect();
    await hooks
      ?.close()
      .catch((error) => violations.push(`closing the run's links failed: ${String(error)}`));
    if (!(await waitFor(() => clock.live === 0, 3_000))) {
      violations.push(`${clock.live} client clock timer(s) left after close()`);
    }
    const sockets = () => (resources().TCPSocketWrap ?? 0) - (baseline.TCPSocketWrap ?? 0);
    if (!(await waitFor(() => sockets() <= 0, 3_000))) {
      violations.push(
        `${sockets()} socket(s) left after close() (${JSON.stringify(resources())} vs ${JSON.stringify(baseline)})`,
      );
    }
    await exchange.close();
    await redis.stop();
    capture.stop();
  }
  violations.push(...canaries.find(capture.lines));
  if (violations.length > 0) {
    figures.artifacts = writeArtifacts(plan.seed, {
      'output.log': capture.lines.join('\n'),
      ...Object.fromEntries(
        plan.streams.map((s) => [
          `${s.accountId}.timeline`,
          timelineOf(observers.get(s.accountId) as StreamObserver, sentOf(s)),
        ]),
      ),
      ...hooks?.artifacts?.(),
    });
  }
  Object.assign(figures, hooks?.figures?.());
  figures.canaries = canaries.kinds();
  figures.outputLines = capture.lines.length;
  return { seed: plan.seed, kind: plan.kind, violations, figures, refusedFaults };
}
