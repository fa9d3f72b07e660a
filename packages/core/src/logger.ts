/**
 * A pino-compatible logger: any object with `debug`, `info`, `warn` and `error` taking a
 * context object and a message. userstream libraries never print; they log through the logger
 * you pass (or nothing) and publish to `node:diagnostics_channel`. Shared by every package.
 */
export interface Logger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

const noop = (): void => {};

/** A logger that discards everything (the default). */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** Checks a user-supplied logger at a factory. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const l = value as Record<string, unknown>;
  return (
    typeof l.debug === 'function' &&
    typeof l.info === 'function' &&
    typeof l.warn === 'function' &&
    typeof l.error === 'function'
  );
}
