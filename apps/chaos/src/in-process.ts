import {
  AccountMirror,
  createScheduler,
  openUserDataStream,
  type UserDataStreamHandle,
} from '@userstream/keepalive';
import { Canaries, OutputCapture } from './capture.js';
import { checkDelivery, differences, explainOrders, type SentEvent, StreamObserver } from './checks.js';
import { exchangeView, mirrorView } from './exchange-view.js';
import {
  ChaosDriver,
  CountingClock,
  resources,
  sleep,
  startExchange,
  timelineOf,
  waitFor,
  writeArtifacts,
} from './harness.js';
import type { Plan, StreamPlan } from './plan.js';

/** What a run found: every broken guarantee as a line, and the figures that show the run did something. */
export interface RunReport {
  seed: number;
  kind: Plan['kind'];
  violations: string[];
  figures: Record<string, unknown>;
  /** Faults the simulator refused (a plan bug or a simulator bug, never silently skipped). */
  refusedFaults: string[];
}

/** Options every stream of the suite gets: fast liveness and backoff (wall-clock values, scaled by the stream). */
export const CHAOS_STREAM_OPTIONS = Object.freeze({
  heartbeat: { pingIntervalMs: 500, pongTimeoutMs: 500, inactivityTimeoutMs: 2_000 },
  reconnect: { baseDelayMs: 50, maxDelayMs: 500 },
});

/** Protocol-time lease options: keepalives, token renewals and ownership renewals happen within a run. */
export const CHAOS_LEASE_OPTIONS = Object.freeze({
  renewIntervalMs: 60_000,
  tokenValidityMs: 120_000,
  retry: { baseDelayMs: 1_000, maxDelayMs: 20_000 },
});

function pick(value: unknown, keys: readonly string[]): Record<string, unknown> {
  const o = (value ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

interface Live {
  plan: StreamPlan;
  handle: UserDataStreamHandle;
  mirror: AccountMirror;
  observer: StreamObserver;
}

/** Non-zero balances and open orders: the mirror's and the exchange's, and where they differ. */
function mirrorDifferences(live: Live, sim: import('@userstream/simulator').Simulator): string[] {
  if (live.mirror.phase !== 'live') return [`mirror is ${live.mirror.phase}`];
  const exchange = exchangeView(sim, live.plan);
  if (!exchange) return [];
  const mirror = mirrorView(
    {
      balances: live.mirror.balances,
      openOrders: live.mirror.openOrders,
      margin: live.mirror.book('MARGIN'),
    },
    live.plan,
  );
  return differences(mirror, exchange);
}

/**
 * One in-process run: the simulator and every planned stream (with its AccountMirror) in this
 * process on one scaled clock, the plan's faults while the engine trades, then every check.
 */
export async function runInProcess(plan: Plan): Promise<RunReport> {
  const canaries = new Canaries();
  const capture = new OutputCapture();
  const violations: string[] = [];
  const refusedFaults: string[] = [];
  const exchange = await startExchange(plan, canaries);
  const { sim } = exchange;
  const clock = new CountingClock(exchange.clock);
  const baseline = resources();
  const scheduler = createScheduler({ clock, logger: capture.logger('scheduler') });
  const streams: Live[] = [];
  const sentOf = (s: StreamPlan): readonly SentEvent[] =>
    sim.record.events({ accountId: s.accountId, venue: s.venue });
  const figures: Record<string, unknown> = {};
  try {
    await Promise.all(
      plan.streams.map(async (s) => {
        const observer = new StreamObserver(s.name);
        const handle = await openUserDataStream({
          venue: exchange.venue(s.venue),
          credentials: exchange.credentials(s),
          ...(s.symbol ? { symbol: s.symbol } : {}),
          clock,
          scheduler,
          logger: capture.logger(s.name),
          rest: { recvWindow: 60_000 },
          stream: CHAOS_STREAM_OPTIONS,
          lease: CHAOS_LEASE_OPTIONS,
          signal: AbortSignal.timeout(20_000),
        });
        handle.on('event', (event) => observer.event(event as unknown as Record<string, unknown>));
        handle.on('gap', (info) => observer.gap(info));
        handle.on('error', (error) => capture.error(`${s.name} error`, error));
        const mirror = new AccountMirror({
          stream: handle,
          rest: handle.rest,
          clock,
          logger: capture.logger(`${s.name}:mirror`),
          retry: { baseDelayMs: 500, maxDelayMs: 5_000 },
          ...(s.symbol ? { symbol: s.symbol } : {}),
        });
        mirror.on('error', (error) => capture.error(`${s.name} mirror error`, error));
        streams.push({ plan: s, handle, mirror, observer });
        await mirror.ready();
      }),
    );
    // Count from here: what the exchange sends from now on must arrive (or be announced lost).
    sim.record.clear();
    for (const s of streams) s.observer.reset();

    const driver = new ChaosDriver(sim, plan, capture);
    await driver.run();
    for (const a of driver.applied) {
      if (a.error) refusedFaults.push(`#${a.step.id} ${JSON.stringify(a.step.spec)}: ${a.error}`);
    }

    // Settle: faults are gone; every stream must come back, every mirror match, every event arrive.
    const settled = () =>
      streams.every((s) => {
        if (s.handle.state !== 'open' || mirrorDifferences(s, sim).length > 0) return false;
        // Lost events may still be on their way; duplicates and order cannot heal, so not waited for.
        return checkDelivery(s.observer, sentOf(s.plan)).lost.length === 0;
      });
    const settleStarted = Date.now();
    const ok = await waitFor(settled, 12_000, 50);
    figures.settleMs = Date.now() - settleStarted;
    if (ok) await sleep(300);

    const streamFigures: unknown[] = [];
    for (const s of streams) {
      if (s.handle.state !== 'open')
        violations.push(`${s.plan.name}: stream ${s.handle.state} after the faults stopped`);
      const result = checkDelivery(s.observer, sentOf(s.plan));
      const outOfOrder = Number((s.handle.stats as { outOfOrder?: unknown } | undefined)?.outOfOrder ?? 0);
      violations.push(
        ...result.violations.map((v) =>
          v.includes('E went backwards') && outOfOrder > 0
            ? `${v} (the stream counted ${outOfOrder} in stats.outOfOrder: delivered at once, past its reorder window)`
            : v,
        ),
      );
      const diff = mirrorDifferences(s, sim);
      if (diff.length > 0) {
        violations.push(
          `${s.plan.name}: mirror differs from the exchange: ${diff.slice(0, 6).join('; ')}${explainOrders(diff, s.observer, sentOf(s.plan))}`,
        );
      }
      const lease = s.handle.lease.state();
      streamFigures.push({
        name: s.plan.name,
        sent: sentOf(s.plan).length,
        delivered: s.observer.keys.length,
        matched: result.matched,
        gaps: s.observer.gaps,
        lostInGaps: result.lostInGaps,
        reconciliations: s.mirror.stats.reconciliations,
        renewals: lease.renewals,
        recreations: lease.recreations,
        // The stream's own counters: outOfOrder says it delivered an event after a later one.
        stream: pick(s.handle.stats, [
          'duplicates',
          'outOfOrder',
          'reordered',
          'malformed',
          'unknown',
          'reconnects',
        ]),
      });
    }
    figures.streams = streamFigures;
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
    // close() releases everything: no clock timer of a client, no socket beyond the baseline.
    const closing = Promise.allSettled(
      streams.map(async (s) => {
        s.mirror.close();
        await s.handle.close();
      }),
    );
    // close() may wait for a request in flight (an unanswered keepalive) up to the REST timeout.
    const closeStarted = Date.now();
    const closed = await Promise.race([closing.then(() => true), sleep(15_000).then(() => false)]);
    figures.closeMs = Date.now() - closeStarted;
    if (!closed) violations.push('close() did not finish within 15 s');
    scheduler.close();
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
    capture.stop();
  }
  violations.push(...canaries.find(capture.lines));
  if (violations.length > 0) {
    figures.artifacts = writeArtifacts(plan.seed, {
      'output.log': capture.lines.join('\n'),
      ...Object.fromEntries(
        streams.map((s) => [`${s.plan.name}.timeline`, timelineOf(s.observer, sentOf(s.plan))]),
      ),
    });
  }
  figures.canaries = canaries.kinds();
  figures.outputLines = capture.lines.length;
  return { seed: plan.seed, kind: plan.kind, violations, figures, refusedFaults };
}
