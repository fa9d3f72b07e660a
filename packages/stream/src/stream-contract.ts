/**
 * The contract between a stream and the connection that carries it, in both directions. Internal:
 * nothing here is exported from the package, so none of it reaches the published types.
 *
 * - A connection (a `Transport`) drives each of its streams through the stream's `StreamSink`
 *   (events, lifecycle), which it gets once from `sinkOf()` when the stream joins it.
 * - A stream asks its connection for what only the connection can do (leave it, take a new
 *   credential) through the `StreamCarrier` it was made with.
 */
import type { UserDataEvent, UserstreamError, VenueProfile } from '@userstream/core';
import type { CredentialExpiredInfo, GapReason, ReconnectingInfo } from './stream-events.js';

/** What a connection calls on each stream it carries. */
export interface StreamSink {
  readonly dialect: VenueProfile['dialect'];
  /**
   * `at`: clock ms the frame arrived (the link's reading, so the hot path reads the clock once).
   * `text` from `from` on identifies the event for dedupe; `part` is its index in a frame that
   * carries several (offsets instead of slices or joined strings: no string building per event).
   */
  ingest(event: UserDataEvent, text: string, at: number, from?: number, part?: number): void;
  malformed(error: UserstreamError): void;
  subscribed(reason: GapReason | undefined): void;
  down(info: ReconnectingInfo): void;
  credentialExpired(info: CredentialExpiredInfo): void;
  fail(error: UserstreamError): void;
  /** A transport error worth telling listeners about (retrying continues). */
  report(error: UserstreamError): void;
  rotated(): void;
  /** A second connection may deliver the same events (`true`), or no longer can (`false`): dedupe's cue. */
  overlap(active: boolean): void;
}

/** What a stream calls on the connection that carries it. */
export interface StreamCarrier<T> {
  /** `stream` is closing: unsubscribe it and let the connection go when it was the last one. */
  release(stream: T): Promise<void>;
  /** Clock ms of the last frame, ping or pong on the connection now carrying `stream` (undefined while none is open). */
  lastActivity(stream: T): number | undefined;
}

/** A listenKey connection: the stream's key can be replaced (make-before-break). */
export interface ListenKeyCarrier<T> extends StreamCarrier<T> {
  /** Throws an `InvalidInputError` when `key` is already streamed on the connection. */
  replaceKey(stream: T, key: string): void;
}

/** A WebSocket API session: the stream's listenToken can be replaced on the same connection. */
export interface WsApiCarrier<T> extends StreamCarrier<T> {
  replaceToken(stream: T, token: string): Promise<void>;
}
