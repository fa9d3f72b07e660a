import type { Clock } from '@userstream/core';
import type { AccountMirror, MirrorReconciled, UserDataStreamHandle } from '@userstream/keepalive';
import { EventTally } from './event-audit.js';
import type { Ladder } from './ladder.js';
import type { Logger } from './logger.js';
import type { StreamGaugeSource } from './metrics.js';
import type { Note, NoteOptions } from './notes.js';
import type { Protocol, StreamSpec } from './stream-specs.js';

/** What a stream's runtime reports to the bot while it watches the stream. */
export interface StreamWatchHooks {
  clock: Clock;
  logger: Logger;
  note(stream: string, level: Note['level'], text: string, options?: NoteOptions): void;
  /** A recovery (reconnect, new credential, reconciliation): the fault driver times it. */
  recovered(stream: string, what: string): void;
  /** True while the bot runs (a close then is news; a close while stopping is not). */
  running(): boolean;
}

/** The live state of one stream: what the dashboard, /healthz, /metrics and the summary read. */
export class StreamRuntime implements StreamGaugeSource {
  readonly spec: StreamSpec;
  readonly handle: UserDataStreamHandle;
  readonly mirror: AccountMirror;
  readonly protocol: Protocol;
  ladder: Ladder | undefined;
  events = 0;
  reconnects = 0;
  gaps = 0;
  credentialExpirations = 0;
  lastLagMs: number | undefined;
  maxLagMs = 0;
  lastEventAt: number | undefined;
  lastDifferences = 0;
  /** Open orders on the exchange at the last comparison. */
  exchangeOpenOrders: number | undefined;
  /** Real ms since which the stream is not open (undefined while open). */
  downSince: number | undefined;
  /** Every event delivered, by identity, with how often (duplicates show as > 1). */
  readonly delivered = new EventTally();
  /**
   * Stretches of `E` the stream said it may have lost (a `gap`): from the last event before it
   * to the first event after it. A lost event inside one was announced; outside, it was not.
   */
  readonly gapWindows: { from: number; to: number }[] = [];
  readonly #clock: Clock;

  constructor(spec: StreamSpec, handle: UserDataStreamHandle, mirror: AccountMirror, clock: Clock) {
    this.spec = spec;
    this.handle = handle;
    this.mirror = mirror;
    this.protocol = spec.venue.protocol as Protocol;
    this.#clock = clock;
  }

  get name(): string {
    return this.spec.name;
  }

  get venue(): string {
    return this.spec.venue.id;
  }

  get state(): string {
    return this.handle.state;
  }

  get up(): boolean {
    return this.handle.state === 'open';
  }

  get openOrders(): number {
    return this.mirror.openOrders.length;
  }

  get credentialAgeMs(): number | undefined {
    const s = this.handle.lease.state();
    return s.credentialCreatedAt === undefined ? undefined : this.#clock.now() - s.credentialCreatedAt;
  }

  get msToNextRenewal(): number | undefined {
    const s = this.handle.lease.state();
    return s.nextRenewalAt === undefined ? undefined : s.nextRenewalAt - this.#clock.now();
  }

  get duplicates(): number {
    return this.delivered.duplicates;
  }

  /** A lost event at `E` that a `gap` announced (strictly inside one of the gap windows). */
  announced(E: number): boolean {
    return this.gapWindows.some((w) => w.from < E && E < w.to);
  }

  /** Counts what the stream, its credential and its mirror do, and notes what people should see. */
  watch(hooks: StreamWatchHooks): void {
    const { handle, mirror, name } = this;
    const { clock, logger, note, recovered } = hooks;
    handle.on('event', (event) => {
      // Not every event has an `E` (Aster's announcement): such an event counts, without a lag.
      const E = Number((event as { E?: unknown }).E);
      this.events++;
      this.lastEventAt = Date.now();
      if (Number.isFinite(E)) {
        const lag = clock.now() - E;
        this.lastLagMs = lag;
        if (lag > this.maxLagMs) this.maxLagMs = lag;
        this.delivered.add(event, E);
        const open = this.gapWindows[this.gapWindows.length - 1];
        if (open && open.to === Number.POSITIVE_INFINITY) open.to = E;
      }
    });
    handle.on('open', () => {
      this.downSince = undefined;
    });
    handle.on('reconnecting', (info) => {
      this.downSince ??= Date.now();
      note(name, 'warn', `reconnecting (${info?.reason ?? 'connection lost'})`);
    });
    handle.on('reconnected', (info) => {
      this.reconnects++;
      this.downSince = undefined;
      // The stream logs this reconnect with `downForMs` (protocol time): the line shows that same
      // number and is not logged again. A pending fault's recovery time goes on the next recovery
      // line (new credential or reconciliation), so no line carries two clocks.
      note(name, 'ok', `reconnected after ${info.downForMs} ms down (protocol time)`, { logged: true });
    });
    handle.on('gap', (info) => {
      this.gaps++;
      const last = this.gapWindows[this.gapWindows.length - 1];
      if (!last || last.to !== Number.POSITIVE_INFINITY) {
        this.gapWindows.push({
          from: info.lastEventTime ?? Number.NEGATIVE_INFINITY,
          to: Number.POSITIVE_INFINITY,
        });
      }
      // Logged by the stream ('gap: resync needed', with the reason).
      note(name, 'warn', `gap (${info.reason}): continuity not proven, the mirror resyncs`, { logged: true });
    });
    handle.on('credentialExpired', (info) => {
      this.credentialExpirations++;
      note(name, 'warn', `credential expired (${info.reason})`, { logged: true });
    });
    handle.on('error', (error) => {
      logger.warn({ stream: name, code: error.code }, error.message);
    });
    handle.on('closed', (info) => {
      if (hooks.running()) {
        this.downSince ??= Date.now();
        note(name, 'warn', `stream closed (${info.reason})`);
      }
    });
    handle.lease.on('renewed', () => note(name, 'info', `${handle.lease.kind} renewed`));
    handle.lease.on('recreated', (info) => {
      recovered(name, `new ${handle.lease.kind} (${info.reason})`);
    });
    handle.lease.on('renewFailed', (info) =>
      note(name, 'warn', `renewal failed (${info.error.code}); retrying`),
    );
    mirror.on('reconciled', (r: MirrorReconciled) => {
      this.lastDifferences = r.differences.length;
      if (r.reason === 'start') return;
      recovered(
        name,
        `mirror reconciled (${r.reason}): ${r.differences.length} difference(s) fixed, ${r.replayed} replayed`,
      );
    });
    mirror.on('error', (error) => logger.warn({ stream: name, code: error.code }, error.message));
    // Futures: every position change the mirror folds (a fill, a resync) is an event line.
    mirror.on('change', (change) => {
      if (change.type !== 'position') return;
      const p = change.position;
      const side = p.positionSide === 'BOTH' ? '' : ` ${p.positionSide}`;
      note(
        name,
        'info',
        change.removed
          ? `position ${p.symbol}${side} closed`
          : `position ${p.symbol}${side} ${p.positionAmount} @ ${p.entryPrice}`,
      );
    });
  }
}
