import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createMembership, createRedisEventSink, createRedisLeaseStore } from '../src/index.js';

// A real client that never connects: the options are refused before any command.
const redis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0 });
afterAll(() => redis.disconnect());

describe('issue 16 item 9: membership durations beyond 2^31-1 ms', () => {
  it.each([
    ['heartbeatMs', { heartbeatMs: 2 ** 31, ttlMs: 2 ** 32 }],
    ['ttlMs', { heartbeatMs: 1_000, ttlMs: 2 ** 31 }],
  ])('%s is refused with a typed error naming it', (field, options) => {
    let got = 'no error';
    try {
      createMembership({ redis, workerId: 'w1', ...options });
    } catch (error) {
      got = `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
    expect(got).toMatch(new RegExp(`^USERSTREAM_INVALID_CONFIG: @userstream/redis: ${field} must be`));
    expect(got).toContain('2147483647');
  });
});

describe('issue 16 item 9: event sink and lease store durations beyond 2^31-1 ms', () => {
  it.each([
    ['dedupeTtlMs', () => createRedisEventSink({ redis, dedupeTtlMs: 2 ** 31 })],
    ['collectAfterMs', () => createRedisLeaseStore({ redis, collectAfterMs: 2 ** 31 })],
  ])('%s is refused with a typed error naming it', (field, make) => {
    let got = 'no error';
    try {
      make();
    } catch (error) {
      got = `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
    expect(got).toMatch(new RegExp(`^USERSTREAM_INVALID_CONFIG: @userstream/redis: ${field} must be`));
  });
});
