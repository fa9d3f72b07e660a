import { ErrorCode } from '@userstream/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetWorkerOptions } from './fleet-options.js';
import { createFleetWorker } from './fleet-worker.js';

// Never connected: option checks happen before any I/O.
const redis = new Redis({ lazyConnect: true });
afterAll(() => redis.disconnect());

const account = { id: 'a1', venue: 'binance-usdm', credentials: { apiKey: 'k'.repeat(64), secret: 's' } };
const make = (o: Partial<FleetWorkerOptions>) =>
  createFleetWorker({ redis, workerId: 'w1', accounts: [account], ...o } as FleetWorkerOptions);

describe('createFleetWorker options', () => {
  it('refuses bad options with USERSTREAM_INVALID_CONFIG and says what to do', () => {
    expect(() => make({ redis: {} as Redis })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/redis: createFleetWorker: redis must be an ioredis client, e.g. new Redis("redis://127.0.0.1:6379")]`,
    );
    expect(() => make({ accounts: [account, account] })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/redis: createFleetWorker: account id a1 appears twice; ids must be unique]`,
    );
    expect(() =>
      make({ accounts: [{ ...account, credentials: {} as never }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/redis: createFleetWorker: account a1 needs credentials { apiKey, secret | privateKey | signer }]`,
    );
    expect(() => make({ ownershipTtlMs: 1000, ownershipRenewMs: 2000 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/redis: createFleetWorker: ownershipRenewMs must be shorter than ownershipTtlMs (e.g. 1500 and 5000)]`,
    );
    expect(() => make({ openRatePerSecond: -1 })).toThrow(/openRatePerSecond must be a positive number/);
    expect(() => make({ workerId: 'has space' })).toThrow(/workerId must be/);
    expect(() => make({ accounts: [{ ...account, venue: 'nope' }] })).toThrow(/nope/);
    // Node would fire a timer above 2^31-1 ms after 1 ms: a reconcile storm.
    for (const field of ['heartbeatMs', 'reconcileMs', 'settleMs', 'ownershipTtlMs'] as const) {
      expect(() => make({ [field]: 2 ** 31 })).toThrow(
        new RegExp(`${field} must be .* no greater than 2147483647`),
      );
    }
    try {
      make({ accounts: [account, account] });
    } catch (error) {
      expect(error).toMatchObject({ code: ErrorCode.InvalidConfig });
      // No credential in any message.
      expect(String(error)).not.toContain(account.credentials.apiKey);
    }
  });

  it('assigns nothing before it has joined', () => {
    const w = make({});
    expect(w.assigned()).toEqual([]);
    expect(w.owned()).toEqual([]);
    expect(w.stats).toMatchObject({ owned: 0, opening: 0, appended: 0, pending: 0 });
  });
});
