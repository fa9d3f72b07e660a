import type { Clock } from './clock.js';
import { describeValue } from './describe.js';
import { ErrorCode, InvalidInputError } from './errors.js';
import { validateDuration } from './validate.js';

/**
 * The option checks of every factory in every package, so they agree: each refusal is an
 * `InvalidInputError` with code `USERSTREAM_INVALID_CONFIG` (bad options are configuration;
 * `USERSTREAM_INVALID_INPUT` is for values passed to methods, such as a symbol or a key),
 * names the field, starts with the package (`@userstream/stream: …`) and says what to pass.
 */
export interface OptionKit {
  /** A refusal of `field`, prefixed with the package. */
  invalid(message: string, field: string): InvalidInputError;
  /**
   * Refuses names not in `known` (own names only: `'constructor' in {}` is true, and a prototype
   * name is no option). `section` names a nested object (`heartbeat`) in the message.
   */
  known(options: object, known: readonly string[], section?: string): void;
  /** A number of milliseconds for a timer: finite, above 0 (or 0 with `allowZero`), at most 2^31-1. */
  duration(value: unknown, field: string, options?: { allowZero?: boolean; integer?: boolean }): number;
  /** A whole number in `[min, max]`. */
  integer(value: unknown, field: string, options?: { min?: number; max?: number }): number;
  /** A finite number above 0. */
  positive(value: unknown, field: string): number;
  /** A share in `[0, 1)` (jitter). */
  share(value: unknown, field: string): number;
  /** A function (`random`, `signer`, …). */
  fn<T>(value: unknown, field: string, what: string): T;
  /** A `Clock`: now(), setTimeout() and clearTimeout(). */
  clock(value: unknown, field?: string): Clock;
}

/**
 * The checks of one package: `createOptionKit('@userstream/stream')`. The same checks for values
 * passed to methods (a fault's duration, a burst's count) refuse with USERSTREAM_INVALID_INPUT:
 * `createOptionKit('@userstream/simulator', { code: ErrorCode.InvalidInput })`.
 */
export function createOptionKit(prefix: string, options: { code?: ErrorCode } = {}): OptionKit {
  const code = options.code ?? ErrorCode.InvalidConfig;
  const invalid = (message: string, field: string) =>
    new InvalidInputError(`${prefix}: ${message}`, { field, code });
  return {
    invalid,
    known(options, known, section) {
      for (const key of Object.keys(options)) {
        if (!Object.hasOwn(options, key) || !known.includes(key)) {
          const name = section ? `${section}.${key.slice(0, 40)}` : key.slice(0, 40);
          throw invalid(`unknown option '${name}'; known: ${known.join(', ')}`, name);
        }
      }
    },
    duration(value, field, options = {}) {
      return validateDuration(value, field, { ...options, prefix, code });
    },
    integer(value, field, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        const range =
          max === Number.MAX_SAFE_INTEGER
            ? `>= ${min}`
            : min === Number.MIN_SAFE_INTEGER
              ? `<= ${max}`
              : `from ${min} to ${max}`;
        throw invalid(`${field} must be a whole number ${range}, got ${describeValue(value)}`, field);
      }
      return value;
    },
    positive(value, field) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        throw invalid(`${field} must be a positive number, got ${describeValue(value)}`, field);
      }
      return value;
    },
    share(value, field) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
        throw invalid(`${field} must be a share in [0, 1), got ${describeValue(value)}`, field);
      }
      return value;
    },
    fn<T>(value: unknown, field: string, what: string): T {
      if (typeof value !== 'function') throw invalid(`${field} must be ${what}`, field);
      return value as T;
    },
    clock(value, field = 'clock') {
      const c = value as Partial<Clock> | null | undefined;
      if (
        typeof c !== 'object' ||
        c === null ||
        typeof c.now !== 'function' ||
        typeof c.setTimeout !== 'function' ||
        typeof c.clearTimeout !== 'function'
      ) {
        throw invalid(
          `${field} must have now(), setTimeout() and clearTimeout() (see Clock in @userstream/core)`,
          field,
        );
      }
      return c as Clock;
    },
  };
}

/**
 * How many times faster than real time `clock` runs: its `speed` (a scaled clock's), else 1.
 * Network bounds (ping intervals, timeouts, recvWindow) are real-time quantities; a package
 * that reads them on a scaled clock multiplies by this, and every package uses this one rule.
 */
export function clockSpeed(clock: Clock): number {
  const speed: unknown = clock.speed;
  return typeof speed === 'number' && Number.isFinite(speed) && speed > 0 ? speed : 1;
}
