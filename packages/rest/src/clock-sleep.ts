import { type Clock, type ClockTimer, ClosedError, type UserstreamError } from '@userstream/core';

interface Sleeper {
  timer: ClockTimer;
  reject: (error: UserstreamError) => void;
}

function aborted(): ClosedError {
  return new ClosedError('@userstream/rest: request aborted', { aborted: true });
}

/**
 * The client's waits (retry backoff, weight-window holds) on its clock, so tests run them in
 * virtual time; each ends early when the caller aborts or the client closes, and none is left
 * behind a close().
 */
export class ClockSleep {
  readonly #clock: Clock;
  readonly #sleepers = new Set<Sleeper>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Waits `ms` on the clock; ends early with USERSTREAM_ABORTED or USERSTREAM_CLOSED. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted());
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        timer: this.#clock.setTimeout(() => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms),
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.#clock.clearTimeout(sleeper.timer);
        this.#sleepers.delete(sleeper);
        reject(aborted());
      };
      this.#sleepers.add(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends every pending wait with USERSTREAM_CLOSED. */
  close(): void {
    for (const sleeper of this.#sleepers) {
      this.#clock.clearTimeout(sleeper.timer);
      sleeper.reject(new ClosedError('@userstream/rest: client closed while a request was waiting'));
    }
    this.#sleepers.clear();
  }
}
