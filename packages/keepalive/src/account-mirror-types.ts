/**
 * The options, sources and events of `AccountMirror` (account-mirror.ts), and its defaults.
 */
import type { Clock, UserDataEvent, UserstreamError } from '@userstream/core';
import type { GapInfo } from '@userstream/stream';
import type { FoldChange, MirrorDifference, MirrorSnapshot } from './account-fold.js';
import type { Logger } from './logger.js';

/** First retry delay after a failed snapshot. @default 500 */
export const DEFAULT_MIRROR_RETRY_BASE_MS = 500;
/** Longest wait between snapshot attempts. @default 30_000 */
export const DEFAULT_MIRROR_RETRY_MAX_MS = 30_000;

/** Events kept while waiting for a snapshot; past it the oldest half is dropped. @default 100_000 */
export const MAX_BUFFERED_EVENTS = 100_000;

/**
 * Anything that emits the stream's `event` and `gap` (a `UserDataStream` from `openUserDataStream`),
 * typed as `@userstream/stream` emits them: the mirror folds parsed `UserDataEvent`s.
 */
export interface MirrorEventSource {
  on(type: 'event', listener: (event: UserDataEvent) => void): unknown;
  on(type: 'gap', listener: (info: GapInfo) => void): unknown;
  on(type: 'open' | 'reconnected', listener: () => void): unknown;
  off(type: 'event', listener: (event: UserDataEvent) => void): unknown;
  off(type: 'gap', listener: (info: GapInfo) => void): unknown;
  off(type: 'open' | 'reconnected', listener: () => void): unknown;
  /**
   * When present and not `'open'` (the stream is reconnecting), the mirror waits for the next
   * `open`/`reconnected` before taking a snapshot: a snapshot read while events cannot reach us
   * would miss the changes made before the stream is back.
   */
  readonly state?: string;
}

/** The part of `@userstream/rest`'s `RestClient` the mirror uses. */
export interface MirrorRestSource {
  accountSnapshot(options?: { symbol?: string }): Promise<{
    updateTime: number;
    balances: Record<string, { free: string; locked: string }>;
  }>;
  openOrders(options?: { symbol?: string }): Promise<MirrorSnapshot['openOrders']>;
  /**
   * Futures positions; called on every reconciliation when the client's venue declares a
   * `positions` endpoint (USDⓈ-M, COIN-M, portfolio margin).
   */
  positionSnapshot?(): Promise<NonNullable<MirrorSnapshot['positions']>>;
  /** Open conditional orders; called when the venue declares an `openAlgoOrders` endpoint. */
  openAlgoOrders?(): Promise<NonNullable<MirrorSnapshot['algoOrders']>>;
  /** The client's venue profile: which of the optional snapshots it offers. */
  readonly venue?: {
    readonly endpoints: Readonly<Record<string, unknown>>;
  };
}

export interface AccountMirrorOptions {
  /** The account's event stream. */
  stream: MirrorEventSource;
  /** Where snapshots come from: a REST client (account snapshot, then open orders)… */
  rest?: MirrorRestSource;
  /** …or your own function returning balances, open orders and the snapshot's update time. */
  snapshot?: () => Promise<MirrorSnapshot>;
  /** Isolated-margin symbol passed to the REST calls. */
  symbol?: string;
  /** Timers for snapshot retries. @default systemClock */
  clock?: Clock;
  /** Retry of failed snapshots: capped exponential backoff with full jitter. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Random source in [0, 1) for the retry jitter. @default Math.random */
  random?: () => number;
  logger?: Logger;
}

export interface MirrorReconciled {
  /** Why the mirror took a snapshot: `start`, the stream's gap reason, or `manual`. */
  readonly reason: string;
  /**
   * How the mirror (as the stream alone told it) differed from the exchange. Empty on a stream
   * that lost nothing; always empty for the first snapshot (`reason: 'start'`).
   */
  readonly differences: readonly MirrorDifference[];
  /** The snapshot's own time (the venue's update time it reflects). */
  readonly snapshotTime: number;
  /** Buffered events replayed on top of the snapshot / skipped as already in it. */
  readonly replayed: number;
  readonly skipped: number;
}

export interface MirrorStats {
  reconciliations: number;
  /** Events that changed the mirror. */
  applied: number;
  /** Events that did not (already reflected, older than the state, or not about balances/orders). */
  skipped: number;
  /** Events waiting for a snapshot right now. */
  buffered: number;
  /** Differences found by all reconciliations after the first. */
  differences: number;
  snapshotFailures: number;
  lastReconciledAt: number | undefined;
}

export interface AccountMirrorEvents {
  change: [change: FoldChange];
  reconciled: [info: MirrorReconciled];
  error: [error: UserstreamError];
}
