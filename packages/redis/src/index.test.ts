import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_DEDUPE_TTL_MS",
        "DEFAULT_FLEET_OWNERSHIP_RENEW_MS",
        "DEFAULT_FLEET_OWNERSHIP_TTL_MS",
        "DEFAULT_HEARTBEAT_MS",
        "DEFAULT_MEMBER_TTL_MS",
        "DEFAULT_OPEN_RATE_PER_SECOND",
        "DEFAULT_OPEN_WEIGHT_SHARE",
        "DEFAULT_PREFIX",
        "DEFAULT_RECONCILE_MS",
        "DEFAULT_STREAM_MAX_LEN",
        "DIAGNOSTICS_CHANNELS",
        "FleetWorker",
        "GAP_MARKER",
        "Membership",
        "RedisErrorCode",
        "RedisUnavailableError",
        "createFleetWorker",
        "createMembership",
        "createRedisEventSink",
        "createRedisLeaseStore",
        "eventIdempotencyKey",
        "listMembers",
        "rendezvousAssign",
        "rendezvousOwner",
        "serializeEvent",
        "takeoverBound",
        "venueOpenRate",
      ]
    `);
  });

  it('error codes are stable', () => {
    expect(api.RedisErrorCode).toEqual({ Unavailable: 'USERSTREAM_REDIS_UNAVAILABLE' });
    const error = new api.RedisUnavailableError('x');
    expect(error).toMatchObject({ code: 'USERSTREAM_REDIS_UNAVAILABLE', isRetryable: true });
  });
});
