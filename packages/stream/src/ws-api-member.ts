/** The WebSocket API session's state per connection and per subscribed stream. */
import type { ClockTimer } from '@userstream/core';
import type { Link } from './link.js';
import type { StreamSink } from './stream-contract.js';
import type { CredentialExpiredReason, GapReason } from './stream-events.js';
import type { LinkAuth, WsApiAuth } from './ws-api-auth.js';
import type { WsApiStream } from './ws-api-stream.js';

/** What the session keeps per connection: its subscriptions' routes, and whether it logged on. */
export interface LinkState extends LinkAuth {
  readonly routes: Map<number, Member>;
}

export type SessionLink = Link<LinkState>;

export interface Member {
  auth: WsApiAuth;
  readonly stream: WsApiStream;
  readonly sink: StreamSink;
  /** Subscription id per link. */
  readonly ids: Map<SessionLink, number>;
  live: boolean;
  pendingGap: GapReason | undefined;
  /** Waiting for a new credential, and why (token lapsed or refused). */
  needsCredential: CredentialExpiredReason | undefined;
  /** A refusal retrying cannot fix (bad key or signature): wait for a reconnect. */
  refused: boolean;
  retryTimer: ClockTimer | undefined;
  retryAttempt: number;
  /** Subscribing in progress, per link. */
  readonly inFlight: Map<SessionLink, Promise<void>>;
}
