import { describe, expect, it } from 'vitest';
import { streamUrl } from './venue-url.js';
import { getVenue } from './venues.js';

const K = 'k'.repeat(64);

// https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-futures-api.md (265e024,
// checked 2026-12-03): "User Data Streams", "Start/Keepalive/Close User Data Stream (USER_STREAM)".
describe('aster-futures profile', () => {
  it('v1 listenKeys on fapi.asterdex.com with the API key only, stream on fstream.asterdex.com/ws/', () => {
    const v = getVenue('aster-futures');
    expect(v.market).toBe('usdm');
    expect(v.dialect).toBe('futures');
    expect(v.apiKeyHeader).toBe('X-MBX-APIKEY');
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${v.restBaseUrl}${e.path} ${e.weight} ${e.signed ? 'signed' : 'key only'}`,
      ),
    ).toEqual([
      'POST https://fapi.asterdex.com/fapi/v1/listenKey 1 key only',
      'PUT https://fapi.asterdex.com/fapi/v1/listenKey 1 key only',
      'DELETE https://fapi.asterdex.com/fapi/v1/listenKey 1 key only',
    ]);
    expect(streamUrl(v, K)).toBe(`wss://fstream.asterdex.com/ws/${K}`);
    expect(v.listenKey!.combinedStreamPath).toBeUndefined();
    expect(v.timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
    expect(v.endpoints.account).toEqual({ method: 'GET', path: '/fapi/v4/account', weight: 5, signed: true });
    expect(v.weightLimitPerMinute).toBe(2400);
  });
});
