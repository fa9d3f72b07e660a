import type { Logger } from './logger.js';

/**
 * The background steps of a run (exchange ticks, trading, faults, monitoring): each on its own
 * interval, a failing or rejecting step logged and retried next time (a demo that dies on one
 * failed order shows nothing), all cleared at once when the run winds down.
 */
export class Intervals {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #logger: Logger;
  readonly #failed: string;

  /** `failed` is the log message of a step that threw or rejected. */
  constructor(logger: Logger, failed: string) {
    this.#logger = logger;
    this.#failed = failed;
  }

  every(ms: number, fn: () => unknown): void {
    const timer = setInterval(() => {
      try {
        const result = fn() as Promise<unknown> | undefined;
        if (result && typeof result.catch === 'function') {
          result.catch((error: unknown) => this.#logger.warn({ err: String(error) }, this.#failed));
        }
      } catch (error) {
        this.#logger.warn({ err: String(error) }, this.#failed);
      }
    }, ms);
    this.#timers.push(timer);
  }

  clear(): void {
    for (const t of this.#timers.splice(0)) clearInterval(t);
  }
}
