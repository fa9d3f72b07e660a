import type { AccountMirror, UserDataStreamHandle } from '@userstream/keepalive';
import type { RedisEventSink } from './event-sink.js';
import type { FleetAccount } from './fleet-options.js';
import type { Holdback } from './handoff.js';
import { SinkQueue } from './sink-queue.js';

/** What a FleetWorker keeps per stream it owns (moved out of fleet-worker.ts to keep that file under 500 lines). */
export interface Owned {
  readonly account: FleetAccount;
  readonly handle: UserDataStreamHandle;
  readonly mirror: AccountMirror | undefined;
  /** Events (and gap markers) on their way to the account's Redis Stream; none without a sink. */
  readonly queue: SinkQueue | undefined;
  releasing: boolean;
  /** Being handed to another worker (make-before-break): open here until the new owner's stream is. */
  moving: boolean;
  /** False once the stream had a gap while moving: nothing more of it goes to Redis (the new owner's marker and events take over). */
  appending: boolean;
  /** When the stream last reported a gap (a move is lossless only if none came during it). */
  lastGapAt: number;
  /** Deliveries held until continuity with the previous owner is known (the gap marker, if any, goes first). */
  readonly held: Holdback;
}

/** Events still on their way to Redis and streams being moved away, over the owned streams. */
export function ownedCounts(owned: Iterable<Owned>): { pending: number; moving: number } {
  let pending = 0;
  let moving = 0;
  for (const o of owned) {
    pending += o.queue?.pending ?? 0;
    if (o.moving) moving++;
  }
  return { pending, moving };
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

/** The queue of an owned stream's account: its appends carry the lease's fencing token. */
export function sinkQueueFor(
  accountId: string,
  handle: UserDataStreamHandle,
  sink: RedisEventSink,
  options: Omit<ConstructorParameters<typeof SinkQueue>[0], 'sink' | 'target'>,
): SinkQueue {
  return new SinkQueue({
    sink,
    // Fenced: once another worker owns the account, this one's late appends are refused.
    target: { accountId, venue: handle.lease.key.venue, fencingToken: () => handle.lease.fencingToken },
    ...options,
  });
}

/**
 * What the old owner of a planned move that started at `startedAt` proves coverage with (the
 * arguments of `Handoffs.giveAway` after the lease id). Lossless only if its stream stayed open
 * without a gap until the new one was open, showed life after that (a frame, ping or pong: not
 * silently stalled, chaos partition seed 432), and its events reached Redis (a fenced-off queue
 * dropped some: the new owner must mark the hole).
 */
export function moveCover(
  owned: Owned,
  startedAt: number,
): [covered: () => boolean, idle: () => boolean, activity: () => number | undefined] {
  return [
    () => owned.handle.state === 'open' && owned.lastGapAt < startedAt && owned.queue?.fenced !== true,
    () => owned.queue?.idle ?? true,
    () => owned.handle.lastActivityAt,
  ];
}
