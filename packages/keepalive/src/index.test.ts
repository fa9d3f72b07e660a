import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "AccountMirror",
        "DEFAULT_HOLD_SPREAD_MS",
        "DEFAULT_JITTER",
        "DEFAULT_LATE_THRESHOLD_MS",
        "DEFAULT_LEASE_RETRY_BASE_MS",
        "DEFAULT_LEASE_RETRY_MAX_MS",
        "DEFAULT_MAX_IN_FLIGHT",
        "DEFAULT_MIRROR_RETRY_BASE_MS",
        "DEFAULT_MIRROR_RETRY_MAX_MS",
        "DEFAULT_TOKEN_RENEW_AT",
        "DIAGNOSTICS_CHANNELS",
        "LeaseConflictError",
        "LeaseErrorCode",
        "LeaseKeyMap",
        "LeaseLostError",
        "LeaseRegistry",
        "ListenKeyLease",
        "ListenTokenLease",
        "MAX_BUFFERED_EVENTS",
        "ManagedStream",
        "WsApiLease",
        "createAccountMirror",
        "createLeaseKey",
        "createMemoryLeaseStore",
        "createScheduler",
        "fingerprint",
        "isTerminalStatus",
        "leaseRegistryOf",
        "openUserDataStream",
        "sameLeaseKey",
        "silentLogger",
      ]
    `);
  });
});
