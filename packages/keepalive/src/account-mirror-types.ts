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
  /** Subscribes to events (`event`), gaps (`gap`: the mirror reconciles) and (re)openings. */
  on(type: 'event', listener: (event: UserDataEvent) => void): unknown;
  /** A gap: the mirror takes a snapshot and reconciles. */
  on(type: 'gap', listener: (info: GapInfo) => void): unknown;
  /** The stream (re)opened: a snapshot waiting for it proceeds. */
  on(type: 'open' | 'reconnected', listener: () => void): unknown;
  /** Unsubscribes (the mirror's `close()` removes every listener it added). */
  off(type: 'event', listener: (event: UserDataEvent) => void): unknown;
  /** Removes a `gap` listener. */
  off(type: 'gap', listener: (info: GapInfo) => void): unknown;
  /** Removes an `open`/`reconnected` listener. */
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
  /** Balances now (`RestClient.accountSnapshot`). A rejection is retried with backoff and counted in `snapshotFailures`. */
  accountSnapshot(options?: { symbol?: string }): Promise<{
    /** The venue's time of the last account change the snapshot reflects (ms). */
    updateTime: number;
    /** Asset → amounts, as decimal strings. */
    balances: Record<
      string,
      {
        /** Available amount, a decimal string. */
        free: string;
        /** Amount held by open orders, a decimal string. */
        locked: string;
      }
    >;
    /** The venue's body as received (portfolio margin: its /papi/v1/balance rows, read per ledger). */
    raw?: unknown;
  }>;
  /** Open orders now (`RestClient.openOrders`), asked for after the account snapshot. */
  openOrders(options?: { symbol?: string }): Promise<MirrorSnapshot['openOrders']>;
  /**
   * Futures positions; called on every reconciliation when the client's venue declares a
   * `positions` endpoint (USDⓈ-M, COIN-M, portfolio margin).
   */
  positionSnapshot?(): Promise<NonNullable<MirrorSnapshot['positions']>>;
  /** Open conditional orders; called when the venue declares an `openAlgoOrders` endpoint. */
  openAlgoOrders?(): Promise<NonNullable<MirrorSnapshot['algoOrders']>>;
  /**
   * Any other signed request (`RestClient.request`): portfolio margin's CM and margin open orders
   * (GET /papi/v1/cm/openOrders, /papi/v1/margin/openOrders). Without it those ledgers' orders
   * stay as their events told.
   */
  request?(req: {
    /** Always `GET` here. */
    method: 'GET';
    /** The path, e.g. `/papi/v1/margin/openOrders`. */
    path: string;
    /** Signed (`timestamp`, `signature`). */
    signed: boolean;
    /** The request's weight. */
    weight: number;
    /** Safe to retry. */
    idempotent: boolean;
  }): Promise<unknown>;
  /** The client's venue profile: which of the optional snapshots it offers. */
  readonly venue?: {
    /** The profile's REST endpoints by name (`positions`, `openAlgoOrders`, …). */
    readonly endpoints: Readonly<Record<string, unknown>>;
    /**
     * The venue's event dialect: `portfolioMargin` (the `/pm` stream, whose spot-shaped events are
     * the margin account's) makes the mirror keep the PM ledgers apart. Portfolio Margin Pro's
     * `pm-classic` stream speaks `futures` and carries no margin events.
     */
    readonly dialect?: string;
  };
}

/**
 * Options of `new AccountMirror(...)`: a stream and either `rest` or `snapshot`. A missing source or a bad
 * retry throws `InvalidInputError` (`USERSTREAM_INVALID_CONFIG`) naming the field.
 */
export interface AccountMirrorOptions {
  /** The account's event stream. */
  stream: MirrorEventSource;
  /** Where snapshots come from: a REST client (account snapshot, then open orders)… */
  rest?: MirrorRestSource;
  /** …or your own function returning balances, open orders and the snapshot's update time. */
  snapshot?: () => Promise<MirrorSnapshot>;
  /** Isolated-margin symbol passed to the REST calls. */
  symbol?: string;
  /**
   * A portfolio-margin account: the PM stream's spot-shaped events (executionReport,
   * outboundAccountPosition, balanceUpdate) are its margin account's, kept in the `MARGIN` ledger
   * (`mirror.book('MARGIN')`) apart from the UM wallet. @default true when `rest` is a
   * portfolio-margin venue's client (its dialect is `portfolioMargin`), else false
   */
  portfolioMargin?: boolean;
  /** Timers for snapshot retries. @default systemClock */
  clock?: Clock;
  /** Retry of failed snapshots: capped exponential backoff with full jitter. */
  retry?: {
    /** First retry delay, ms. @default 500 */
    baseDelayMs?: number;
    /** Longest retry delay, ms. @default 30_000 */
    maxDelayMs?: number;
  };
  /** Random source in [0, 1) for the retry jitter. @default Math.random */
  random?: () => number;
  /** Where reconciliations and snapshot failures are logged (pino-compatible). @default silent */
  logger?: Logger;
}

/** The `reconciled` event: a snapshot was taken and the buffered events replayed on it. */
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
  /** Buffered events replayed on top of the snapshot. */
  readonly replayed: number;
  /** Buffered events skipped because the snapshot already reflected them (`E` at or before its time). */
  readonly skipped: number;
}

/** Counters of a mirror, read with `mirror.stats` (a snapshot). */
export interface MirrorStats {
  /** Snapshots applied (the first at start, then one per gap or `reconcile()`). */
  reconciliations: number;
  /** Events that changed the mirror. */
  applied: number;
  /** Events that did not (already reflected, older than the state, or not about balances/orders). */
  skipped: number;
  /** Events waiting for a snapshot right now. */
  buffered: number;
  /** Differences found by all reconciliations after the first. */
  differences: number;
  /** Snapshot attempts that failed (each retried with backoff). */
  snapshotFailures: number;
  /** Clock ms of the last reconciliation. */
  lastReconciledAt: number | undefined;
}

/** What an `AccountMirror` emits. */
export interface AccountMirrorEvents {
  /** A balance, order, position or conditional order changed (from an event or a reconciliation). */
  change: [change: FoldChange];
  /** A snapshot was applied; `differences` says what the stream alone had missed. */
  reconciled: [info: MirrorReconciled];
  /** A snapshot failed (it is retried) or a listener threw; typed, with a stable `code`. */
  error: [error: UserstreamError];
}
