import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './events/normalize.js';
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

// https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-spot-api.md (265e024, checked
// 2026-12-03): "WebSocket account information push", "Listen Key (spot account)".
describe('aster-spot profile', () => {
  it('v1 listenKeys on sapi.asterdex.com with the API key only, stream on sstream.asterdex.com/ws/', () => {
    const v = getVenue('aster-spot');
    expect(v.market).toBe('spot');
    expect(v.dialect).toBe('aster');
    expect(v.apiKeyHeader).toBe('X-MBX-APIKEY');
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${v.restBaseUrl}${e.path} ${e.weight} ${e.signed ? 'signed' : 'key only'}`,
      ),
    ).toEqual([
      'POST https://sapi.asterdex.com/api/v1/listenKey 1 key only',
      'PUT https://sapi.asterdex.com/api/v1/listenKey 1 key only',
      'DELETE https://sapi.asterdex.com/api/v1/listenKey 1 key only',
    ]);
    expect(streamUrl(v, K)).toBe(`wss://sstream.asterdex.com/ws/${K}`);
    expect(v.endpoints.account).toEqual({ method: 'GET', path: '/api/v1/account', weight: 5, signed: true });
    expect(v.weightLimitPerMinute).toBe(1200);
  });

  it("normalizes Aster's documented payloads: T is the balance snapshot's update time, ap/ot ride along", () => {
    const balances = normalizeEvent(
      { e: 'outboundAccountPosition', E: 2, T: 1, m: 'WITHDRAW', B: [{ a: 'X', f: '1.5', l: '0' }] },
      'aster',
    );
    expect(balances).toMatchObject({ kind: 'balances', lastUpdateTime: 1, venueEventTime: 2 });
  });
});

// https://github.com/asterdex/api-docs V3(Recommended)/EN/aster-finance-futures-api-v3.md (265e024,
// checked 2026-12-03): "User Data Streams", "Authentication signature payload", "Account
// Information v3", "Current All Open Orders".
describe('aster-futures-v3 profile', () => {
  it('EIP-712 signed v3 listenKeys on fapi.asterdex.com, stream on fstream.asterdex.com/ws/', () => {
    const v = getVenue('aster-futures-v3');
    expect([v.market, v.dialect, v.signing]).toEqual(['usdm', 'asterFutures', 'aster-eip712']);
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${v.restBaseUrl}${e.path} ${e.weight} ${e.signed ? 'signed' : 'key only'}`,
      ),
    ).toEqual([
      'POST https://fapi.asterdex.com/fapi/v3/listenKey 1 signed',
      'PUT https://fapi.asterdex.com/fapi/v3/listenKey 1 signed',
      'DELETE https://fapi.asterdex.com/fapi/v3/listenKey 1 signed',
    ]);
    expect(streamUrl(v, K)).toBe(`wss://fstream.asterdex.com/ws/${K}`);
    expect(v.endpoints).toEqual({
      serverTime: { method: 'GET', path: '/fapi/v3/time', weight: 1, signed: false },
      account: { method: 'GET', path: '/fapi/v3/accountWithJoinMargin', weight: 5, signed: true },
      openOrders: { method: 'GET', path: '/fapi/v3/openOrders', weight: 40, signed: true },
      order: { method: 'POST', path: '/fapi/v3/order', weight: 1, signed: true },
    });
    // The v1 profiles keep Binance's signing scheme (none for their listenKeys).
    expect(getVenue('aster-futures').signing).toBeUndefined();
  });
});

// https://github.com/asterdex/api-docs V3(Recommended)/EN/aster-finance-spot-api-v3.md (265e024,
// checked 2026-12-03): "WebSocket account information push", "Listen Key (spot account)".
describe('aster-spot-v3 profile', () => {
  it('EIP-712 signed v3 listenKeys on sapi.asterdex.com, stream on sstream.asterdex.com/ws/', () => {
    const v = getVenue('aster-spot-v3');
    expect([v.market, v.dialect, v.signing]).toEqual(['spot', 'aster', 'aster-eip712']);
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${v.restBaseUrl}${e.path} ${e.weight} ${e.signed ? 'signed' : 'key only'}`,
      ),
    ).toEqual([
      'POST https://sapi.asterdex.com/api/v3/listenKey 1 signed',
      'PUT https://sapi.asterdex.com/api/v3/listenKey 1 signed',
      'DELETE https://sapi.asterdex.com/api/v3/listenKey 1 signed',
    ]);
    expect(streamUrl(v, K)).toBe(`wss://sstream.asterdex.com/ws/${K}`);
    expect(v.endpoints.account).toEqual({ method: 'GET', path: '/api/v3/account', weight: 5, signed: true });
    expect(v.weightLimitPerMinute).toBe(1200);
  });
});
