import { Redis } from 'ioredis';
import { redactRedisUrl } from './config.js';
import { configError } from './config-error.js';
import type { Logger } from './logger.js';

/** A client of the run's Redis: commands fail fast during an outage (the workers decide what to do). */
export function redisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 200,
    connectTimeout: 3_000,
  });
  redis.on('error', (error: Error & { code?: string }) =>
    logger.debug({ code: error.code }, 'redis connection error'),
  );
  return redis;
}

/** Connects once and PINGs; a one-line config error (exit 2) when Redis is not there. */
export async function checkRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: (Error & { code?: string }) | undefined;
  probe.on('error', (error: Error & { code?: string }) => {
    lastError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const e = (lastError ?? error) as Error & { code?: string };
    const why = e.code ?? (e.message.split('\n')[0] ?? '').replace(url, redactRedisUrl(url)).slice(0, 80);
    throw configError(
      `cannot reach Redis at ${redactRedisUrl(url)} (${why}); start redis-server or pass another --fleet URL`,
      '--fleet',
    );
  } finally {
    probe.disconnect();
  }
}
