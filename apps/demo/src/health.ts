/** What /healthz answers, for the bot (one row per stream) and the fleet (one per account). */
export interface HealthReport {
  ok: boolean;
  status: 'starting' | 'ok' | 'degraded' | 'down' | 'stopping';
  streams: HealthRow[];
}

export interface HealthRow {
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
}

/**
 * The one health rule of both modes: not running is not ok; while running, a stream down
 * longer than `boundMs` makes the run `down` (not ok), one down for less `degraded` (still ok).
 */
export function healthReport(
  phase: 'starting' | 'running' | 'stopping' | 'stopped',
  streams: HealthRow[],
  isDown: (row: HealthRow) => boolean,
  boundMs: number,
): HealthReport {
  if (phase !== 'running') {
    return { ok: false, status: phase === 'starting' ? 'starting' : 'stopping', streams };
  }
  const down = streams.filter(isDown);
  const beyond = down.filter((s) => s.downForMs > boundMs);
  return {
    ok: beyond.length === 0,
    status: beyond.length > 0 ? 'down' : down.length > 0 ? 'degraded' : 'ok',
    streams,
  };
}
