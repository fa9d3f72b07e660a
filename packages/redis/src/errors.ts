import { UserstreamError, type UserstreamErrorOptions } from '@userstream/core';

/** Error codes of this package (core's `ErrorCode` and keepalive's `LeaseErrorCode` have the rest). Stable across versions. */
export const RedisErrorCode = {
  /** Redis did not answer (down, restarting, network): retry later; current streams keep running. */
  Unavailable: 'USERSTREAM_REDIS_UNAVAILABLE',
} as const;
export type RedisErrorCode = (typeof RedisErrorCode)[keyof typeof RedisErrorCode];

/** A Redis command failed or Redis could not be reached. Retryable. */
export class RedisUnavailableError extends UserstreamError {
  /**
   * Always `'RedisUnavailableError'`; test `code` (`RedisErrorCode.Unavailable`) rather than the name, which
   * minifiers may rename in your bundle.
   */
  override readonly name: string = 'RedisUnavailableError';
  constructor(message: string, options: UserstreamErrorOptions = {}) {
    super(RedisErrorCode.Unavailable, message, { ...options, retryable: true });
  }
}

/** Runs a Redis call; any failure becomes a {@link RedisUnavailableError} saying what was attempted. */
export async function redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (UserstreamError.isInstance(error)) throw error;
    throw new RedisUnavailableError(
      `@userstream/redis: ${what} failed: Redis is unavailable (${(error as Error)?.message ?? 'unknown error'}); it is retried when Redis is back`,
      { cause: error },
    );
  }
}
