import type { UserDataEvent, UserstreamError } from '@userstream/core';
import type { MembershipChange } from './membership.js';

/** What a fleet worker emits (the worker's class lives in fleet-worker.ts). */
export interface FleetWorkerEvents {
  /** This worker now owns the account's stream (open). */
  acquired: [
    info: {
      /** Your id of the account (its `FleetAccount.id`). */
      account: string;
      /** Protocol-clock ms of the acquisition. */
      at: number;
    },
  ];
  /** This worker gave the stream up (rendezvous moved it, or close()). */
  released: [
    info: {
      /** Your id of the account. */
      account: string;
      /** Why: `reassigned` (rendezvous gave it to another member) or `closed` (`close()`). */
      reason: string;
      /** Protocol-clock ms of the release. */
      at: number;
    },
  ];
  /** Another worker took the stream over (this worker's ownership lapsed): it was closed here without releasing. */
  lost: [
    info: {
      /** Your id of the account. */
      account: string;
      /** Protocol-clock ms at which this worker noticed. */
      at: number;
    },
  ];
  /** Every exchange event of an owned stream. */
  event: [
    info: {
      /** Your id of the account whose stream carried the event. */
      account: string;
      /** The validated event, in `E` order, duplicates dropped. */
      event: UserDataEvent;
    },
  ];
  /** A stream could not prove continuity (its mirror, if any, reconciles). */
  gap: [
    info: {
      /** Your id of the account. */
      account: string;
      /** The stream's `GapReason` (`reconnect`, `credential-changed`, …), or `acquired` when this worker took the stream without a covering handoff. */
      reason: string;
      /** Protocol-clock ms of the gap (also the `E` of the gap marker in Redis). */
      at: number;
    },
  ];
  /** The live members changed. */
  members: [change: MembershipChange];
  /** Something failed that the worker retries by itself (an open, a sink write, a stream error). Not named `error`: nothing here should crash a process without a listener. */
  warning: [
    info: {
      /** The account concerned, or undefined for a worker-wide failure (membership, Redis). */
      account: string | undefined;
      /** What failed: a typed `UserstreamError` (read its `code`) or, rarely, a plain error. */
      error: UserstreamError | Error;
    },
  ];
}

/**
 * Counters of one worker, read with `worker.stats` (a fresh object per read; the counters only grow, except
 * `owned`, `opening` and `pending`).
 */
export interface FleetWorkerStats {
  /** Streams open here. */
  owned: number;
  /** Streams being opened. */
  opening: number;
  /**
   * Streams this worker is handing to another worker (a planned move, make-before-break): still
   * open here, and counted in `owned`, until the new owner's stream is open. While a move is in
   * flight two workers hold the account's stream open; a fleet is settled when no worker is moving any.
   */
  moving: number;
  /** Events appended to Redis by this worker. */
  appended: number;
  /** Events Redis already had (appended by an earlier owner or an overlapping stream): not written twice. */
  duplicates: number;
  /** Events waiting for Redis right now (Redis slow or unavailable). */
  pending: number;
  /** Events dropped because an account's queue was full (`maxPendingEvents`); each drop is followed by a gap marker. */
  dropped: number;
  /** Events the sink could never append (no numeric `E`, not serializable), put in the account's dead-letter stream instead. */
  quarantined: number;
  /** Events dropped because this worker had lost the account and a newer owner writes its stream (fenced appends). */
  fenced: number;
  /** Claims refused because another worker still owned the stream. */
  refusedClaims: number;
}
