import type { VenueId } from '@userstream/core';
import { dialectOf, type Simulator } from '@userstream/simulator';
import {
  type AccountView,
  balancesView,
  differences,
  mirrorView,
  ordersView,
  positionsView,
  simulatorView,
} from './comparison.js';
import { streamedEvents } from './event-audit.js';
import type { FaultInjector } from './faults.js';
import { sleep } from './run-options.js';
import type { StreamRuntime } from './stream-runtime.js';
import { DEMO_ACCOUNT_ID, type Protocol } from './stream-specs.js';

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

/** What the settle-and-summary audit reads of a bot's run. */
export interface AuditedRun {
  streams: readonly StreamRuntime[];
  /** The embedded exchange, or undefined on a real venue (no record to count losses against). */
  sim: Simulator | undefined;
  speed: number;
  runStartedAt: number;
  faults: FaultInjector | undefined;
}

/** The account as the exchange holds it (simulator: the engine; real venue: a fresh snapshot). */
async function exchangeView(s: StreamRuntime, sim: Simulator | undefined): Promise<AccountView> {
  if (sim) return simulatorView(sim, DEMO_ACCOUNT_ID, s.spec.venue.id as VenueId);
  const rest = s.handle.rest;
  const options = s.spec.symbol === undefined ? {} : { symbol: s.spec.symbol };
  const snapshot = await rest.accountSnapshot(options);
  const orders = await rest.openOrders(options);
  const positions = rest.venue.endpoints.positions ? await rest.positionSnapshot() : [];
  return {
    balances: balancesView(snapshot.balances),
    orders: ordersView(orders),
    positions: positionsView(positions),
  };
}

async function compare(s: StreamRuntime, sim: Simulator | undefined): Promise<string[]> {
  const exchange = await exchangeView(s, sim);
  s.exchangeOpenOrders = exchange.orders.length;
  if (s.mirror.phase !== 'live') return [`mirror is ${s.mirror.phase}`];
  return differences(mirrorView(s.mirror), exchange);
}

/** The dialect the engine writes a venue's book in (options trade on a market of their own). */
function engineDialectOf(venue: VenueId): string | undefined {
  try {
    return dialectOf(venue);
  } catch {
    return undefined;
  }
}

/** Events the simulator sent into this stream's book that never arrived, and how many of them no gap announced. */
function lost(s: StreamRuntime, sim: Simulator | undefined): { lost: number; unannounced: number } | null {
  if (!sim) return null;
  // A venue whose streams carry the book in shapes of its own (MEXC's protobuf, Aster spot's,
  // BingX's, Tokocrypto's, …) cannot be matched event for event against the engine's record: not
  // counted (null) rather than counted wrong.
  if (engineDialectOf(s.spec.venue.id as VenueId) !== s.spec.venue.dialect) return null;
  const recorded = sim.record.events({ accountId: DEMO_ACCOUNT_ID, venue: s.spec.venue.id as VenueId });
  return s.delivered.losses(streamedEvents(recorded), (E) => s.announced(E));
}

/**
 * Waits (up to `settleMs`) until every mirror equals the exchange and no event arrived for a
 * while (the last events of the cancellations are in), then sums the run up.
 */
export async function settleAndSummarize(run: AuditedRun, settleMs: number): Promise<Summary> {
  const deadline = Date.now() + settleMs;
  let mismatches: string[][] = [];
  for (;;) {
    await sleep(100);
    mismatches = await Promise.all(run.streams.map((s) => compare(s, run.sim).catch((e) => [String(e)])));
    const quietFor = Date.now() - Math.max(0, ...run.streams.map((s) => s.lastEventAt ?? 0));
    if ((mismatches.every((m) => m.length === 0) && quietFor > 500) || Date.now() > deadline) break;
  }
  const streams: StreamSummary[] = run.streams.map((s, i) => {
    const lease = s.handle.lease.state();
    const losses = lost(s, run.sim);
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
      lostEvents: losses?.lost ?? null,
      unannouncedLostEvents: losses?.unannounced ?? null,
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
    mode: run.sim ? 'simulator' : 'venue',
    durationMs: Date.now() - run.runStartedAt,
    speed: run.speed,
    faultsInjected: run.faults?.injected ?? 0,
    faults: { ...(run.faults?.counts ?? {}) },
    streams,
    events: sum((s) => s.events),
    reconnects: sum((s) => s.reconnects),
    gaps: sum((s) => s.gaps),
    reconciliations: sum((s) => s.reconciliations),
    lostEvents: run.sim ? sum((s) => s.lostEvents ?? 0) : null,
    unannouncedLostEvents: run.sim ? sum((s) => s.unannouncedLostEvents ?? 0) : null,
    duplicateEvents: sum((s) => s.duplicateEvents),
    mirrorMatches: streams.length > 0 && streams.every((s) => s.mirrorMatches),
  };
}
