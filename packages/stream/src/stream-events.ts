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

/** The `gap` event: events may be missing here; a consumer that keeps state resyncs from a snapshot. */
export interface GapInfo {
  /** What broke continuity. */
  reason: GapReason;
  /**
   * `E` of the last account event delivered before the gap (a `listenKeyExpired` notice does not
   * count: the venue sends it outside the account's event order). Events after it may be missing.
   */
  lastEventTime: number | undefined;
  /** When the gap was detected (clock ms). */
  at: number;
}

/**
 * Why a credential stopped working: the venue's `listenKeyExpired` event, its `eventStreamTerminated`
 * (a listenToken lapsed), or a refusal of the credential (`-1125` unknown listenKey, `-1209` bad token).
 */
export type CredentialExpiredReason = 'listenKeyExpired' | 'eventStreamTerminated' | 'invalid-credential';

/** The `credentialExpired` event: replace the credential (`openUserDataStream` does it for you). */
export interface CredentialExpiredInfo {
  /** What the venue said. */
  reason: CredentialExpiredReason;
  /** The venue's error code (-1125, -1209, …) when there was one. */
  code?: number;
}

/** The `reconnecting` event: the connection is down and the next attempt is scheduled. */
export interface ReconnectingInfo {
  /** Attempts since the stream was last open (1 for the first). */
  attempt: number;
  /** Backoff before this attempt, ms (protocol clock). */
  delayMs: number;
  /** What ended the connection (`closed by venue 1006`, `pong timeout`, `serverShutdown`, …); never a credential. */
  reason: string;
  /** Why the connection could not be made (`connect ECONNREFUSED 127.0.0.1:9`), when known. */
  cause?: string;
}

/** Every event type a venue sends (`executionReport`, `ORDER_TRADE_UPDATE`, …), with its payload type. */
export type UserDataEventsByType = {
  [K in Exclude<UserDataEvent['e'], 'unknown'>]: [
    event: Extract<
      UserDataEvent,
      {
        /** The event type the listener is registered for. */
        e: K;
      }
    >,
  ];
};

/** Events of a {@link UserDataStream}. */
export type StreamEvents = UserDataEventsByType & {
  /** Every event, in `E` order, once. */
  event: [event: UserDataEvent];
  /** An event type this library does not know (yet), passed through untouched. */
  unknown: [event: UnknownEvent];
  /** First subscribed. */
  open: [
    info: {
      /** Clock ms of the subscription. */
      at: number;
    },
  ];
  /** The connection is down; the next attempt is scheduled with backoff. */
  reconnecting: [info: ReconnectingInfo];
  /** Subscribed again after being down (a `gap` follows). */
  reconnected: [
    info: {
      /** Clock ms of the new subscription. */
      at: number;
      /** How long the stream was down, clock ms. */
      downForMs: number;
    },
  ];
  /** Continuity could not be proven: resync from a snapshot. */
  gap: [info: GapInfo];
  /** The credential no longer works: replace it (`replaceListenKey` / `replaceListenToken`). */
  credentialExpired: [info: CredentialExpiredInfo];
  /** Connection failures, refused subscriptions, malformed frames. Never thrown when unhandled. */
  error: [error: UserstreamError];
  /** A `for await` consumer's buffer passed its `buffer.size` (the `warn` policy; once until it drains). */
  slowConsumer: [
    info: {
      /** Events waiting in that consumer's buffer. */
      buffered: number;
      /** The `buffer.size` it passed. */
      limit: number;
    },
  ];
  /** The stream was closed by `close()`; no more events follow. */
  closed: [
    info: {
      /** Why it ended (`closed` for `close()`). */
      reason: string;
    },
  ];
};

/** Counters for dashboards. */
export interface StreamStats {
  /** Events parsed off the wire (duplicates included). */
  eventsReceived: number;
  /** Events handed to listeners. */
  eventsDelivered: number;
  /** Events dropped as repeats (overlapping connections, venue resends). */
  duplicates: number;
  /** Events that arrived after a later one beyond the reorder window (each announced by a gap). */
  outOfOrder: number;
  /** Events put back in `E` order inside the reorder window. */
  reordered: number;
  /** Frames that could not be parsed or validated (reported as `error`, never delivered). */
  malformed: number;
  /** Events of a type this library does not know, passed through as `unknown`. */
  unknown: number;
  /** Times the stream was subscribed again after being down. */
  reconnects: number;
  /** `gap` events emitted. */
  gaps: number;
  /** Planned make-before-break connection replacements (before the venue's lifetime ends). */
  rotations: number;
  /** Times the venue said the credential stopped working. */
  credentialExpirations: number;
  /** `slowConsumer` warnings emitted. */
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
