import type { AccountAudit } from './fleet-audit.js';

export interface FleetAccountSummary extends AccountAudit {
  owner: string | null;
  mirrorMatches: boolean;
  mismatches: string[];
}

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

/** What the demo knows of the run besides the per-account audits. */
export type FleetRun = Pick<
  FleetSummary,
  | 'durationMs'
  | 'speed'
  | 'workers'
  | 'workersAtEnd'
  | 'accounts'
  | 'kills'
  | 'replacements'
  | 'takeovers'
  | 'perWorker'
  | 'perAccount'
>;

/** Sums the per-account audits up (totals and the verdict), fields in the order the JSON shows them. */
export function summarizeFleet(run: FleetRun): FleetSummary {
  const { perAccount, takeovers } = run;
  const sum = (f: (a: FleetAccountSummary) => number) => perAccount.reduce((n, a) => n + f(a), 0);
  const times = takeovers.map((k) => k.takeoverMs).filter((t): t is number => t !== null);
  const summary: FleetSummary = {
    mode: 'fleet',
    durationMs: run.durationMs,
    speed: run.speed,
    workers: run.workers,
    workersAtEnd: run.workersAtEnd,
    accounts: run.accounts,
    kills: run.kills,
    replacements: run.replacements,
    takeovers,
    maxTakeoverMs: times.length === 0 ? null : Math.max(...times),
    eventsSent: sum((a) => a.sent),
    eventsInRedis: sum((a) => a.inRedis),
    duplicatesInRedis: sum((a) => a.duplicatesInRedis),
    lostEvents: sum((a) => a.lost),
    lostWithoutGap: sum((a) => a.lostWithoutGap),
    gapMarkers: sum((a) => a.gapMarkers),
    allOwned: perAccount.every((a) => a.owner !== null),
    mirrorMatches: perAccount.every((a) => a.mirrorMatches),
    perWorker: run.perWorker,
    perAccount,
    ok: false,
  };
  summary.ok =
    summary.duplicatesInRedis === 0 &&
    summary.lostWithoutGap === 0 &&
    summary.mirrorMatches &&
    summary.allOwned &&
    takeovers.every((k) => k.takeoverMs !== null);
  return summary;
}
