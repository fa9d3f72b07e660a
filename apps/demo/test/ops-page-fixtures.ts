/** A synthetic fleet for the ops page tests: 10,000 accounts on four workers, one of them killed. */
import type { HealthReport, HealthRow } from '../src/health.js';
import type { FleetOpsView } from '../src/ops-summary.js';

export const SYNTHETIC_ACCOUNTS = 10_000;

export const accountName = (i: number): string => `acct-${String(i).padStart(5, '0')}`;

/**
 * Health rows as the fleet demo builds them (`open on wN`, or `unowned` while a takeover runs),
 * with counters that grow on each call so the chart has something to draw.
 */
export function syntheticFleet(): { health: () => HealthReport; fleet: () => FleetOpsView } {
  let tick = 0;
  const owner = (i: number) => (i % 7 === 3 ? undefined : `w${(i % 3) + 1}`);
  const health = (): HealthReport => {
    tick++;
    const streams: HealthRow[] = [];
    for (let i = 0; i < SYNTHETIC_ACCOUNTS; i++) {
      const w = owner(i);
      // One account in 700 is between owners at any moment.
      const unowned = w === undefined && i % 100 === 3;
      streams.push({
        name: accountName(i),
        venue: 'binance-usdm',
        state: unowned ? 'unowned' : `open on ${w ?? 'w4'}`,
        downForMs: unowned ? 1200 : 0,
        credentialAgeMs: ((i * 7919) % 3_600_000) + tick * 1000,
        nextRenewalInMs: 1_800_000 - ((i * 7919) % 1_800_000),
        reconnects: i % 97 === 0 ? Math.floor(tick / 8) : 0,
        gaps: i % 131 === 0 ? Math.floor(tick / 10) : 0,
        reconciliations: i % 131 === 0 ? Math.floor(tick / 10) + 1 : 1,
        events: 40 + (i % 50) + tick,
        eventLagMs: 20 + (i % 40),
        mirror: 'live',
      });
    }
    const down = streams.filter((s) => s.state === 'unowned').length;
    return { ok: true, status: down > 0 ? 'degraded' : 'ok', streams };
  };
  const fleet = (): FleetOpsView => ({
    workers: [
      { id: 'w1', alive: true, owned: 2858, acquired: 3300, takeovers: 420, released: 12, lost: 0 },
      { id: 'w2', alive: true, owned: 2857, acquired: 3290, takeovers: 433, released: 10, lost: 0 },
      { id: 'w3', alive: true, owned: 2857, acquired: 3310, takeovers: 441, released: 9, lost: 0 },
      { id: 'w0', alive: false, owned: 0, acquired: 4286, takeovers: 0, released: 0, lost: 0 },
      { id: 'w4', alive: true, owned: 1414, acquired: 1428, takeovers: 0, released: 0, lost: 0 },
    ],
    takeovers: [{ worker: 'w0', accounts: 1294, at: Date.UTC(2026, 11, 3, 12, 0, 5), takeoverMs: 5400 }],
    ownerOf: (account) => {
      const i = Number(account.slice(5));
      return owner(i) ?? (i % 100 === 3 ? undefined : 'w4');
    },
  });
  return { health, fleet };
}
