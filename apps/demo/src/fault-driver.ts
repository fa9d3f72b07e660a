import type { FaultInjector, InjectedFault } from './faults.js';
import type { Intervals } from './intervals.js';
import type { Note } from './notes.js';

/**
 * Drives the fault rotation on the embedded exchange and times each recovery: a fault is pending
 * on its stream until the stream next recovers (reconnect, new credential, reconciliation).
 */
export class FaultDriver {
  readonly injector: FaultInjector;
  readonly #pending = new Map<string, { fault: InjectedFault; at: number }>();
  readonly #note: (stream: string | undefined, level: Note['level'], text: string) => void;
  readonly #running: () => boolean;

  /** `running`: faults are injected only while the run is (not while it starts or winds down). */
  constructor(
    injector: FaultInjector,
    note: (stream: string | undefined, level: Note['level'], text: string) => void,
    running: () => boolean,
  ) {
    this.injector = injector;
    this.#note = note;
    this.#running = running;
  }

  /** Injects the next fault of the rotation (undefined when the run is not running). */
  inject(): InjectedFault | undefined {
    if (!this.#running()) return undefined;
    const fault = this.injector.next();
    this.#pending.set(fault.stream, { fault, at: Date.now() });
    this.#note(fault.stream, 'fault', `FAULT ${fault.description}`);
    return fault;
  }

  /** Notes a recovery of `stream`, with the time since the fault it recovered from, if one. */
  recovered(stream: string, what: string): void {
    const pending = this.#pending.get(stream);
    if (pending) {
      this.#pending.delete(stream);
      this.#note(
        stream,
        'ok',
        `${what}: recovered from ${pending.fault.type} in ${Date.now() - pending.at} ms`,
      );
    } else {
      this.#note(stream, 'ok', what);
    }
  }

  /**
   * Injects a fault every `everyMs` until `quietAfterMs` into the run (the rest of the run
   * settles): one at a time, the next waiting until every stream has recovered from the last
   * (`healthy`), unless `overlap` asks for the harsher schedule.
   */
  schedule(
    intervals: Intervals,
    o: { everyMs: number; quietAfterMs: number; overlap: boolean; runStartedAt: number },
    healthy: () => boolean,
  ): void {
    intervals.every(o.everyMs, () => {
      if (Date.now() - o.runStartedAt >= o.quietAfterMs) return;
      if (o.overlap || healthy()) this.inject();
    });
  }

  /** Ends every lasting fault (the run is winding down). */
  releaseAll(): void {
    this.injector.releaseAll();
  }
}
