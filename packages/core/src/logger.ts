/**
 * A pino-compatible logger: any object with `debug`, `info`, `warn` and `error` taking a
 * context object and a message. userstream libraries never print; they log through the logger
 * you pass (or nothing) and publish to `node:diagnostics_channel`. Shared by every package.
 */
export interface Logger {
  /** Detail for debugging (each request, each renewal). `obj` is structured context, never a secret. */
  debug(obj: Record<string, unknown>, msg: string): void;
  /** Lifecycle news (a stream opened, a credential renewed, a fleet member joined). */
  info(obj: Record<string, unknown>, msg: string): void;
  /** Something failed and is being retried or worked around (a reconnect, a gap, a refused renewal). */
  warn(obj: Record<string, unknown>, msg: string): void;
  /** Something failed that needs a person (a listener threw, a credential cannot be replaced). */
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
