import { ErrorCode, InvalidInputError } from '@userstream/core';
import type { FleetDemo } from './fleet.js';
import type { HealthReport, HealthRow } from './health.js';

/** One fleet worker as the ops page shows it (killed ones stay listed). */
export interface OpsWorker {
  id: string;
  alive: boolean;
  owned: number;
  acquired: number;
  takeovers: number;
  released: number;
  lost: number;
}

/** A killed worker and how long the survivors took to own its streams again. */
export interface OpsTakeover {
  worker: string;
  accounts: number;
  /** Real ms (epoch) of the kill. */
  at: number;
  /** Protocol-clock ms until every one of its streams was open again; null while it is not. */
  takeoverMs: number | null;
}

/** What the fleet adds to the health report: workers, kills and who owns which account. */
export interface FleetOpsView {
  workers: OpsWorker[];
  takeovers: OpsTakeover[];
  ownerOf(account: string): string | undefined;
}

/** The fleet demo's view for the ops page (everything in it is already on its dashboard). */
export function fleetOpsView(demo: FleetDemo): FleetOpsView {
  return {
    workers: demo.workers.map((w) => ({
      id: w.id,
      alive: w.alive,
      owned: w.alive ? w.worker.owned().length : 0,
      acquired: w.acquired,
      takeovers: w.takeovers,
      released: w.released,
      lost: w.lost,
    })),
    takeovers: demo.kills.map((k) => ({
      worker: k.worker,
      accounts: k.accounts.length,
      at: k.realAt,
      takeoverMs: k.takeoverMs ?? null,
    })),
    ownerOf: (account) => demo.ownerOf(account)?.id,
  };
}

/** Totals of one moment, the points of the page's chart. */
export interface OpsSample {
  /** Real ms (epoch). */
  at: number;
  streams: number;
  down: number;
  reconnects: number;
  gaps: number;
  events: number;
}

/** What `/ops/summary` answers: totals, a bounded history, and the fleet's workers. No row lists. */
export interface OpsSummary {
  mode: 'bot' | 'fleet';
  ok: boolean;
  status: HealthReport['status'];
  at: number;
  streams: {
    total: number;
    /** By the first word of the state (`open on w2` counts as `open`). */
    byState: Record<string, number>;
    down: number;
    reconnects: number;
    gaps: number;
    reconciliations: number;
    events: number;
  };
  history: OpsSample[];
  fleet: { workers: OpsWorker[]; takeovers: OpsTakeover[] } | null;
}

/** A stream row of `/ops/streams`: the health row plus its owner in a fleet. */
export interface OpsStreamRow extends HealthRow {
  owner: string | null;
}

export interface OpsStreamPage {
  q: string;
  page: number;
  size: number;
  pages: number;
  /** Streams in the run, and those the search matched. */
  total: number;
  matched: number;
  rows: OpsStreamRow[];
}

export const OPS_PAGE_SIZE = { default: 50, max: 200 } as const;
const MAX_QUERY = 100;

const stateWord = (state: string): string => state.split(' ')[0] || state;
/** What counts as down for the page: the bot's streams not open, the fleet's accounts unowned. */
const isDown = (row: HealthRow): boolean => {
  const word = stateWord(row.state);
  return word !== 'open';
};

function totals(report: HealthReport, at: number): OpsSample {
  let down = 0;
  let reconnects = 0;
  let gaps = 0;
  let events = 0;
  for (const s of report.streams) {
    if (isDown(s)) down++;
    reconnects += s.reconnects;
    gaps += s.gaps;
    events += s.events;
  }
  return { at, streams: report.streams.length, down, reconnects, gaps, events };
}

/**
 * The page's data: the health report it already has (the same rows as /healthz) summed up, with
 * a bounded history of samples (`sample()` on a timer) for the reconnects and gaps chart.
 */
export class OpsData {
  readonly #history: OpsSample[] = [];
  readonly #limit: number;

  constructor(
    private readonly source: { health: () => HealthReport; fleet?: () => FleetOpsView | undefined },
    options: { historyLimit?: number; now?: () => number } = {},
  ) {
    this.#limit = options.historyLimit ?? 720;
    this.#now = options.now ?? Date.now;
  }

  readonly #now: () => number;

  /** Records one point of the chart (oldest dropped past the limit, so memory stays bounded). */
  sample(): void {
    this.#history.push(totals(this.source.health(), this.#now()));
    if (this.#history.length > this.#limit) this.#history.splice(0, this.#history.length - this.#limit);
  }

  summary(): OpsSummary {
    const report = this.source.health();
    const fleet = this.source.fleet?.();
    const now = this.#now();
    const t = totals(report, now);
    const byState: Record<string, number> = {};
    let reconciliations = 0;
    for (const s of report.streams) {
      const word = stateWord(s.state);
      byState[word] = (byState[word] ?? 0) + 1;
      reconciliations += s.reconciliations;
    }
    return {
      mode: fleet ? 'fleet' : 'bot',
      ok: report.ok,
      status: report.status,
      at: now,
      streams: {
        total: t.streams,
        byState,
        down: t.down,
        reconnects: t.reconnects,
        gaps: t.gaps,
        reconciliations,
        events: t.events,
      },
      // The current totals end the series, so the chart is never empty.
      history: [...this.#history, t],
      fleet: fleet ? { workers: fleet.workers, takeovers: fleet.takeovers } : null,
    };
  }

  /**
   * One page of streams matching `q` (case-insensitive, in name, venue, state or owner): the page
   * asks for one page at a time, so 10,000 accounts never travel at once. Bad parameters throw an
   * InvalidInputError naming the parameter.
   */
  streams(params: URLSearchParams): OpsStreamPage {
    const q = (params.get('q') ?? '').trim();
    if (q.length > MAX_QUERY) throw badParam('q', `at most ${MAX_QUERY} characters`);
    const size = intParam(params, 'size', OPS_PAGE_SIZE.default, 1, OPS_PAGE_SIZE.max);
    const page = intParam(params, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
    const report = this.source.health();
    const fleet = this.source.fleet?.();
    const needle = q.toLowerCase();
    const matched: OpsStreamRow[] = [];
    for (const row of report.streams) {
      const owner = fleet?.ownerOf(row.name) ?? null;
      if (
        needle === '' ||
        row.name.toLowerCase().includes(needle) ||
        row.venue.toLowerCase().includes(needle) ||
        row.state.toLowerCase().includes(needle) ||
        owner?.toLowerCase().includes(needle) === true
      ) {
        matched.push({ ...row, owner });
      }
    }
    const pages = Math.max(1, Math.ceil(matched.length / size));
    const shown = Math.min(page, pages);
    return {
      q,
      page: shown,
      size,
      pages,
      total: report.streams.length,
      matched: matched.length,
      rows: matched.slice((shown - 1) * size, shown * size),
    };
  }
}

function badParam(name: string, rule: string): InvalidInputError {
  return new InvalidInputError(`userstream demo ops: ?${name}= must be ${rule}`, {
    field: name,
    code: ErrorCode.InvalidInput,
  });
}

function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = params.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d{1,16}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw badParam(
      name,
      `a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'the last page' : max}`,
    );
  }
  return Number(text);
}
