/** The public types of a stream's events, state and counters (what listeners and dashboards see). */
import type { UnknownEvent, UserDataEvent, UserstreamError } from '@userstream/core';

/** `connecting` until first open (subscribed), `open`, `reconnecting` while down, `closed`. */
export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Why continuity could not be proven. `out-of-order`: the venue sent an event after a later one,
 * beyond the reorder window; it is delivered right after this gap (never dropped), and a mirror
 * resyncs rather than trust the order.
 */
export type GapReason = 'reconnect' | 'credential-changed' | 'resubscribed' | 'overflow' | 'out-of-order';

export interface GapInfo {
  reason: GapReason;
  /**
   * `E` of the last account event delivered before the gap (a `listenKeyExpired` notice does not
   * count: the venue sends it outside the account's event order). Events after it may be missing.
   */
  lastEventTime: number | undefined;
  /** When the gap was detected (clock ms). */
  at: number;
}

export type CredentialExpiredReason = 'listenKeyExpired' | 'eventStreamTerminated' | 'invalid-credential';

export interface CredentialExpiredInfo {
  reason: CredentialExpiredReason;
  /** The venue's error code (-1125, -1209, …) when there was one. */
  code?: number;
}

export interface ReconnectingInfo {
  attempt: number;
  delayMs: number;
  reason: string;
  /** Why the connection could not be made (`connect ECONNREFUSED 127.0.0.1:9`), when known. */
  cause?: string;
}

/** Every event type a venue sends (`executionReport`, `ORDER_TRADE_UPDATE`, …), with its payload type. */
export type UserDataEventsByType = {
  [K in Exclude<UserDataEvent['e'], 'unknown'>]: [event: Extract<UserDataEvent, { e: K }>];
};

/** Events of a {@link UserDataStream}. */
export type StreamEvents = UserDataEventsByType & {
  /** Every event, in `E` order, once. */
  event: [event: UserDataEvent];
  /** An event type this library does not know (yet), passed through untouched. */
  unknown: [event: UnknownEvent];
  /** First subscribed. */
  open: [info: { at: number }];
  reconnecting: [info: ReconnectingInfo];
  /** Subscribed again after being down (a `gap` follows). */
  reconnected: [info: { at: number; downForMs: number }];
  /** Continuity could not be proven: resync from a snapshot. */
  gap: [info: GapInfo];
  /** The credential no longer works: replace it (`replaceListenKey` / `replaceListenToken`). */
  credentialExpired: [info: CredentialExpiredInfo];
  /** Connection failures, refused subscriptions, malformed frames. Never thrown when unhandled. */
  error: [error: UserstreamError];
  slowConsumer: [info: { buffered: number; limit: number }];
  closed: [info: { reason: string }];
};

/** Counters for dashboards. */
export interface StreamStats {
  /** Events parsed off the wire (duplicates included). */
  eventsReceived: number;
  /** Events handed to listeners. */
  eventsDelivered: number;
  duplicates: number;
  outOfOrder: number;
  reordered: number;
  malformed: number;
  unknown: number;
  reconnects: number;
  gaps: number;
  rotations: number;
  credentialExpirations: number;
  slowConsumerWarnings: number;
  /** Events discarded from a slow iterator's buffer under the `gap` policy (each announced by a gap). */
  droppedByOverflow: number;
  /** Clock ms of the current subscription's start. */
  connectedSince: number | undefined;
  /** Clock ms of the last delivered event. */
  lastEventAt: number | undefined;
  /** `E` of the last delivered account event (`listenKeyExpired` notices aside). */
  lastEventTime: number | undefined;
}
