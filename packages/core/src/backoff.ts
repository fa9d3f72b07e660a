/**
 * The one retry-delay formula of every package: capped exponential backoff with full jitter
 * ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015). Reconnects, renewals,
 * snapshot retries and fleet re-opens all use it, so they agree on what attempt 1 means and
 * a fleet of clients never retries in lockstep.
 */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** Largest ceiling. */
  maxDelayMs: number;
  /** Growth of the ceiling per attempt. @default 2 */
  factor?: number;
  /**
   * Random source in [0, 1): the delay is drawn uniformly below the ceiling (full jitter).
   * Without one the delay is the ceiling itself (deterministic, for schedules that are
   * already spread by something else).
   */
  random?: () => number;
  /** Least delay returned (so a jittered retry is never a hot loop). @default 0 */
  minDelayMs?: number;
}

/** Largest exponent used: 2^64 already exceeds any timer, and it keeps the power finite. */
const MAX_EXPONENT = 64;

/** The ceiling of the `attempt`-th retry (1-based): `min(maxDelayMs, baseDelayMs·factor^(attempt-1))`. */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(0, attempt - 1), MAX_EXPONENT);
  return Math.min(options.maxDelayMs, options.baseDelayMs * (options.factor ?? 2) ** exponent);
}

/**
 * Delay before the `attempt`-th retry (1-based), in whole milliseconds: uniform in
 * `[minDelayMs, ceiling)` with a random source, the ceiling without one.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = backoffCeiling(attempt, options);
  const delay = options.random ? Math.floor(options.random() * ceiling) : ceiling;
  return Math.max(options.minDelayMs ?? 0, delay);
}
