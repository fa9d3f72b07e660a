import { EventEmitter } from 'node:events';
import {
  addWaiter,
  backoffDelay,
  type Clock,
  type ClockTimer,
  createOptionKit,
  systemClock,
  TransportError,
  type UserDataEvent,
  UserstreamError,
  type Waiter,
} from '@userstream/core';
import type { GapInfo } from '@userstream/stream';
import { diffStates } from './account-diff.js';
import {
  applyEvent,
  balancesView,
  type ChangeSink,
  emptyState,
  type FoldState,
  type Ledger,
  type MirrorBalance,
  type MirrorBook,
  type MirrorDifference,
  type MirrorLedgerView,
  type MirrorOrder,
  type MirrorSnapshot,
  ordersView,
  stateFromSnapshot,
} from './account-fold.js';
import {
  type AccountMirrorEvents,
  type AccountMirrorOptions,
  DEFAULT_MIRROR_RETRY_BASE_MS,
  DEFAULT_MIRROR_RETRY_MAX_MS,
  MAX_BUFFERED_EVENTS,
  type MirrorEventSource,
  type MirrorReconciled,
  type MirrorRestSource,
  type MirrorStats,
} from './account-mirror-types.js';
import { type AlgoOrderDifference, algoOrdersView, type MirrorAlgoOrder } from './algo-orders-fold.js';
import { channels } from './diagnostics.js';
import { isLogger, type Logger, silentLogger } from './logger.js';
import { restSnapshot } from './mirror-rest-snapshot.js';
import { type MirrorPosition, type PositionDifference, positionsView } from './positions-fold.js';

export {
  type AccountMirrorEvents,
  type AccountMirrorOptions,
  DEFAULT_MIRROR_RETRY_BASE_MS,
  DEFAULT_MIRROR_RETRY_MAX_MS,
  MAX_BUFFERED_EVENTS,
  type MirrorEventSource,
  type MirrorReconciled,
  type MirrorRestSource,
  type MirrorStats,
};

const kit = createOptionKit('@userstream/keepalive');

const KNOWN = [
  'stream',
  'rest',
  'snapshot',
  'symbol',
  'portfolioMargin',
  'clock',
  'retry',
  'random',
  'logger',
] as const satisfies readonly (keyof AccountMirrorOptions)[];

/**
 * Balances and open orders of one account, kept equal to the exchange's: it folds the stream's
 * events, and at start and after every `gap` it takes a REST snapshot and reconciles.
 *
 * Reconciliation without applying an event twice or missing one: from the moment a snapshot
 * is requested, incoming events are buffered. The snapshot replaces the state, every item
 * stamped with the snapshot's time (`updateTime` of the account; each open order's own
 * `updateTime`). Then the buffer is replayed: an event changes an item only if its time is
 * after the item's (ties broken by `E`), so an event the snapshot already contains is skipped
 * and one that happened after it is applied. Open orders are read after the account, so any
 * order missing from them that a buffered event mentions either finished before (its terminal
 * event is in the buffer too and removes it again) or began after (and is added). Finished
 * orders are remembered and never come back.
 */
export class AccountMirror extends EventEmitter<AccountMirrorEvents> {
  readonly #stream: MirrorEventSource;
  readonly #takeSnapshot: () => Promise<MirrorSnapshot>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retryBase: number;
  readonly #retryMax: number;
  readonly #random: () => number;
  readonly #portfolioMargin: boolean;
  #state: FoldState;
  #phase: 'syncing' | 'live' | 'closed' = 'syncing';
  #buffer: UserDataEvent[] = [];
  #pendingReason: string | undefined;
  #syncing = false;
  #initial = true;
  #retryTimer: ClockTimer | undefined;
  #wakeRetry: (() => void) | undefined;
  #ready: Promise<void>;
  #resolveReady!: () => void;
  #readyWaiters: Waiter[] = [];
  #isReady = false;
  #idleWaiters: (() => void)[] = [];
  readonly #stats: MirrorStats = {
    reconciliations: 0,
    applied: 0,
    skipped: 0,
    buffered: 0,
    differences: 0,
    snapshotFailures: 0,
    lastReconciledAt: undefined,
  };
  readonly #sink: ChangeSink = (change) => {
    this.emit('change', change);
  };

  readonly #onEvent = (event: UserDataEvent): void => {
    if (this.#phase === 'closed') return;
    if (this.#phase === 'syncing') {
      if (this.#buffer.length >= MAX_BUFFERED_EVENTS) {
        // Snapshots have been failing for long: the oldest buffered events are the ones the
        // next snapshot is surest to contain.
        this.#buffer.splice(0, this.#buffer.length >> 1);
      }
      this.#buffer.push(event);
      this.#stats.buffered = this.#buffer.length;
      return;
    }
    this.#apply(event);
  };

  readonly #onGap = (info: GapInfo): void => {
    // A hand-made source may emit `gap` without info.
    this.#requestSync(`gap:${info?.reason ?? 'unknown'}`);
  };

  constructor(options: AccountMirrorOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw kit.invalid('new AccountMirror() takes an options object', 'options');
    }
    kit.known(options, KNOWN);
    const { stream, rest, snapshot, symbol } = options;
    if (!stream || typeof stream.on !== 'function' || typeof stream.off !== 'function') {
      throw kit.invalid('AccountMirror needs `stream` (the user data stream to follow)', 'stream');
    }
    if ((rest === undefined) === (snapshot === undefined)) {
      throw kit.invalid(
        'AccountMirror needs exactly one of `rest` (a REST client) or `snapshot` (a function returning balances and open orders)',
        'rest',
      );
    }
    if (rest && (typeof rest.accountSnapshot !== 'function' || typeof rest.openOrders !== 'function')) {
      throw kit.invalid('`rest` must have accountSnapshot() and openOrders()', 'rest');
    }
    if (snapshot !== undefined) kit.fn(snapshot, 'snapshot', 'a function returning a promise');
    if (options.logger !== undefined && !isLogger(options.logger)) {
      throw kit.invalid('logger must have debug, info, warn and error methods', 'logger');
    }
    if (options.clock !== undefined) kit.clock(options.clock);
    if (options.random !== undefined) kit.fn(options.random, 'random', 'a function returning [0, 1)');
    if (options.portfolioMargin !== undefined && typeof options.portfolioMargin !== 'boolean') {
      throw kit.invalid('portfolioMargin must be a boolean', 'portfolioMargin');
    }
    this.#portfolioMargin = options.portfolioMargin ?? rest?.venue?.dialect === 'portfolioMargin';
    this.#state = emptyState(0, this.#portfolioMargin);
    this.#stream = stream;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#retryBase = options.retry?.baseDelayMs ?? DEFAULT_MIRROR_RETRY_BASE_MS;
    this.#retryMax = options.retry?.maxDelayMs ?? DEFAULT_MIRROR_RETRY_MAX_MS;
    this.#random = options.random ?? Math.random;
    if (!(this.#retryBase > 0 && this.#retryMax >= this.#retryBase)) {
      throw kit.invalid('retry needs 0 < baseDelayMs <= maxDelayMs', 'retry');
    }
    // Snapshot retries wait on Node timers: above 2^31-1 ms one fires after 1 ms.
    kit.duration(this.#retryBase, 'retry.baseDelayMs');
    kit.duration(this.#retryMax, 'retry.maxDelayMs');
    const opts = symbol === undefined ? undefined : { symbol };
    const pm = this.#portfolioMargin;
    this.#takeSnapshot = snapshot ? snapshot : () => restSnapshot(rest as MirrorRestSource, opts, pm);
    this.#ready = new Promise<void>((resolve) => {
      this.#resolveReady = () => {
        this.#isReady = true;
        resolve();
        for (const w of this.#readyWaiters.splice(0)) w.resolve();
      };
    });
    stream.on('event', this.#onEvent);
    stream.on('gap', this.#onGap);
    this.#requestSync('start');
  }

  /** Balances with a non-zero free or locked amount, by asset. */
  get balances(): Record<string, MirrorBalance> {
    return balancesView(this.#state);
  }

  /** Open orders, sorted by symbol then order id. */
  get openOrders(): MirrorOrder[] {
    return ordersView(this.#state);
  }

  /**
   * Open futures positions (amount not zero), sorted by book (portfolio margin's UM/CM, kept
   * apart), symbol and position side.
   */
  positions(): MirrorPosition[] {
    return positionsView(this.#state.positions);
  }

  /** Open conditional (algo) orders, sorted by book, symbol and algo id. */
  algoOrders(): MirrorAlgoOrder[] {
    return algoOrdersView(this.#state.algoOrders);
  }

  /**
   * One ledger of a portfolio-margin account: `UM` (the same as `balances` and `openOrders`),
   * `CM` (COIN-M wallets and orders) or `MARGIN` (the PM margin account). Empty for a ledger the
   * mirror has not seen.
   */
  book(name: MirrorBook): MirrorLedgerView {
    if (name !== 'UM' && name !== 'CM' && name !== 'MARGIN') {
      throw kit.invalid("book must be 'UM', 'CM' or 'MARGIN'", 'book');
    }
    const ledger: Ledger | undefined = name === 'UM' ? this.#state : this.#state.books.get(name);
    return ledger
      ? { balances: balancesView(ledger), openOrders: ordersView(ledger) }
      : { balances: {}, openOrders: [] };
  }

  /** One asset's balance (zero when unknown). */
  balance(asset: string): MirrorBalance {
    const b = this.#state.balances.get(asset);
    return b ? { free: b.free, locked: b.locked } : { free: '0', locked: '0' };
  }

  /** `syncing` while a snapshot is being taken (events are buffered), `live`, or `closed`. */
  get phase(): 'syncing' | 'live' | 'closed' {
    return this.#phase;
  }

  /** The counters right now (a fresh copy per read). */
  get stats(): Readonly<MirrorStats> {
    return { ...this.#stats };
  }

  /**
   * Resolves after the first snapshot has been reconciled (or on close()). A `signal` ends the
   * wait (ClosedError `{ aborted: true }`), not the mirror: close() it if it is not wanted.
   */
  ready(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal === undefined || this.#isReady) return this.#ready;
    return addWaiter(this.#readyWaiters, options.signal, '@userstream/keepalive: AccountMirror.ready()');
  }

  /** Resolves when no snapshot is pending (the mirror is live). */
  idle(): Promise<void> {
    if (this.#phase !== 'syncing') return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Takes a snapshot and reconciles now; resolves when the mirror is live again. */
  resync(): Promise<void> {
    this.#requestSync('manual');
    return this.idle();
  }

  /** Stops following the stream (the stream itself stays open) and cancels pending retries. */
  close(): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#stream.off('event', this.#onEvent);
    this.#stream.off('gap', this.#onGap);
    if (this.#retryTimer !== undefined) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#wakeRetry?.();
    this.#buffer = [];
    this.#resolveReady();
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  /** `await using mirror = new AccountMirror(...)`: `close()` at the end of the block (the stream stays open). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #isClosed(): boolean {
    return this.#phase === 'closed';
  }

  #apply(event: UserDataEvent): void {
    if (applyEvent(this.#state, event, this.listenerCount('change') > 0 ? this.#sink : undefined)) {
      this.#stats.applied++;
    } else {
      this.#stats.skipped++;
    }
  }

  #requestSync(reason: string): void {
    if (this.#phase === 'closed') return;
    this.#pendingReason = this.#pendingReason ?? reason;
    if (this.#syncing) return;
    this.#syncing = true;
    void this.#syncLoop();
  }

  async #syncLoop(): Promise<void> {
    let attempt = 0;
    while (this.#pendingReason !== undefined && this.#phase !== 'closed') {
      const reason = this.#pendingReason;
      this.#pendingReason = undefined;
      if (this.#phase === 'live') {
        // From here on, events wait in the buffer until the snapshot is in. The buffer is kept
        // across retries: replaying an event the snapshot already holds is a no-op.
        this.#phase = 'syncing';
        this.#buffer = [];
      }
      const reopened = this.#streamOpen();
      if (reopened) await reopened;
      if (this.#isClosed()) break;
      let snapshot: MirrorSnapshot;
      try {
        snapshot = await this.#takeSnapshot();
      } catch (error) {
        if (this.#isClosed()) break;
        this.#stats.snapshotFailures++;
        const err = UserstreamError.isInstance(error)
          ? error
          : new TransportError('@userstream/keepalive: the account snapshot failed', { cause: error });
        this.#logger.warn(
          { code: err.code, attempt },
          '@userstream/keepalive: account snapshot failed; retrying',
        );
        if (this.listenerCount('error') > 0) this.emit('error', err);
        this.#pendingReason = this.#pendingReason ?? reason;
        await this.#sleep(this.#retryDelay(attempt++, err));
        continue;
      }
      if (this.#isClosed()) break;
      attempt = 0;
      // A gap while the snapshot was in flight: the snapshot may predate what was lost, so take
      // another one (keep buffering) before going live.
      if (this.#pendingReason !== undefined) {
        this.#reconcile(snapshot, reason, false);
        this.#phase = 'syncing';
        this.#buffer = [];
        continue;
      }
      this.#reconcile(snapshot, reason, true);
    }
    this.#syncing = false;
  }

  #reconcile(snapshot: MirrorSnapshot, reason: string, goLive: boolean): void {
    const buffered = this.#buffer;
    this.#buffer = [];
    this.#stats.buffered = 0;
    const next = stateFromSnapshot(snapshot, this.#initial ? undefined : this.#state, this.#portfolioMargin);
    let differences: MirrorDifference[] = [];
    if (!this.#initial) {
      // What the stream alone says: the old state plus the buffered events.
      for (const event of buffered) applyEvent(this.#state, event);
    }
    let replayed = 0;
    let skipped = 0;
    for (const event of buffered) {
      if (applyEvent(next, event)) replayed++;
      else skipped++;
    }
    if (!this.#initial) differences = diffStates(this.#state, next);
    const hadListeners = this.listenerCount('change') > 0;
    this.#state = next;
    this.#stats.applied += replayed;
    this.#stats.skipped += skipped;
    this.#stats.reconciliations++;
    this.#stats.differences += differences.length;
    this.#stats.lastReconciledAt = this.#clock.now();
    const info: MirrorReconciled = { reason, differences, snapshotTime: next.asOf, replayed, skipped };
    this.#initial = false;
    if (goLive) this.#phase = 'live';
    if (channels.mirrorReconciled.hasSubscribers) {
      channels.mirrorReconciled.publish({ reason, differences: differences.length, replayed, skipped });
    }
    this.#logger.debug(
      { reason, differences: differences.length, replayed, skipped },
      '@userstream/keepalive: account mirror reconciled',
    );
    if (hadListeners) {
      for (const d of differences) {
        if (d.kind === 'position' || d.kind === 'algoOrder') {
          this.#emitItemDifference(d);
        } else if (d.kind === 'balance') {
          const balance = d.exchange ?? { free: '0', locked: '0' };
          this.emit('change', { type: 'balance', asset: d.asset, balance, ...bookTag(d.book) });
        } else if (d.exchange) {
          this.emit('change', { type: 'order', order: d.exchange, removed: false, ...bookTag(d.book) });
        } else if (d.mirror) {
          this.emit('change', { type: 'order', order: d.mirror, removed: true, ...bookTag(d.book) });
        }
      }
    }
    this.emit('reconciled', info);
    if (goLive) {
      this.#resolveReady();
      for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  /** A position or algo order the snapshot corrected, as the change it makes to the mirror. */
  #emitItemDifference(d: PositionDifference | AlgoOrderDifference): void {
    if (d.kind === 'position') {
      const position = d.exchange ?? d.mirror;
      if (position) this.emit('change', { type: 'position', position, removed: d.exchange === undefined });
    } else {
      const algoOrder = d.exchange ?? d.mirror;
      if (algoOrder) this.emit('change', { type: 'algoOrder', algoOrder, removed: d.exchange === undefined });
    }
  }

  #retryDelay(attempt: number, error: UserstreamError): number {
    const until = (error as { until?: unknown }).until;
    if (typeof until === 'number' && until > this.#clock.now()) return until - this.#clock.now();
    return backoffDelay(attempt + 1, {
      baseDelayMs: this.#retryBase,
      maxDelayMs: this.#retryMax,
      random: this.#random,
      minDelayMs: this.#retryBase / 2,
    });
  }

  /** A promise for the stream's next open while it is reconnecting; undefined when it is open (or does not say). */
  #streamOpen(): Promise<void> | undefined {
    const state = this.#stream.state;
    if (state === undefined || state === 'open') return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.#stream.off('open', done);
        this.#stream.off('reconnected', done);
        this.#wakeRetry = undefined;
        resolve();
      };
      this.#wakeRetry = done;
      this.#stream.on('open', done);
      this.#stream.on('reconnected', done);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wakeRetry = resolve;
      this.#retryTimer = this.#clock.setTimeout(() => {
        this.#retryTimer = undefined;
        this.#wakeRetry = undefined;
        resolve();
      }, ms);
    });
  }
}

/** A change's `book`, present only for portfolio margin's CM and MARGIN ledgers. */
const bookTag = (book: Exclude<MirrorBook, 'UM'> | undefined) => (book === undefined ? {} : { book });

/** Same as `new AccountMirror(options)`. */
export function createAccountMirror(options: AccountMirrorOptions): AccountMirror {
  return new AccountMirror(options);
}
