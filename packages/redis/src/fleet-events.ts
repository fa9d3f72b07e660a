import type { UserDataEvent, UserstreamError } from '@userstream/core';
import type { MembershipChange } from './membership.js';

/** What a fleet worker emits (the worker's class lives in fleet-worker.ts). */
export interface FleetWorkerEvents {
  /** This worker now owns the account's stream (open). */
  acquired: [info: { account: string; at: number }];
  /** This worker gave the stream up (rendezvous moved it, or close()). */
  released: [info: { account: string; reason: string; at: number }];
  /** Another worker took the stream over (this worker's ownership lapsed): it was closed here without releasing. */
  lost: [info: { account: string; at: number }];
  /** Every exchange event of an owned stream. */
  event: [info: { account: string; event: UserDataEvent }];
  /** A stream could not prove continuity (its mirror, if any, reconciles). */
  gap: [info: { account: string; reason: string; at: number }];
  /** The live members changed. */
  members: [change: MembershipChange];
  /** Something failed that the worker retries by itself (an open, a sink write, a stream error). Not named `error`: nothing here should crash a process without a listener. */
  warning: [info: { account: string | undefined; error: UserstreamError | Error }];
}

export interface FleetWorkerStats {
  /** Streams open here. */
  owned: number;
  /** Streams being opened. */
  opening: number;
  /** Events appended to Redis / found there already / waiting for Redis / dropped (queue full). */
  appended: number;
  duplicates: number;
  pending: number;
  dropped: number;
  /** Events the sink could never append (no numeric `E`, not serializable), put in the account's dead-letter stream instead. */
  quarantined: number;
  /** Events dropped because this worker had lost the account and a newer owner writes its stream (fenced appends). */
  fenced: number;
  /** Claims refused because another worker still owned the stream. */
  refusedClaims: number;
}
