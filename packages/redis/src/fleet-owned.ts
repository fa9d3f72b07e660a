import type { AccountMirror, UserDataStreamHandle } from '@userstream/keepalive';
import type { FleetAccount } from './fleet-options.js';
import type { Holdback } from './handoff.js';
import type { SinkQueue } from './sink-queue.js';

/** What a FleetWorker keeps per stream it owns (moved out of fleet-worker.ts to keep that file under 500 lines). */
export interface Owned {
  readonly account: FleetAccount;
  readonly handle: UserDataStreamHandle;
  readonly mirror: AccountMirror | undefined;
  /** Events (and gap markers) on their way to the account's Redis Stream; none without a sink. */
  readonly queue: SinkQueue | undefined;
  releasing: boolean;
  /** When the stream last reported a gap (a move is lossless only if none came during it). */
  lastGapAt: number;
  /** Deliveries held until continuity with the previous owner is known (the gap marker, if any, goes first). */
  readonly held: Holdback;
}

/** Resolves when every owned stream's events reached Redis (or `timeoutMs` of real time passed). */
export async function flushed(owned: () => Iterable<Owned>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    // Read afresh each turn: streams are opened and released meanwhile.
    if ([...owned()].every((o) => o.queue?.idle ?? true)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}
