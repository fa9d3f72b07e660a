import { describe, expect, it } from 'vitest';
import { ErrorCode, UserstreamError } from './errors.js';
import * as core from './index.js';
import { MAX_TIMER_MS, validateDuration } from './validate.js';
import { defineVenue, getVenue, type VenueProfileInput, venues, withBaseUrls } from './venues.js';

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): UserstreamError {
  try {
    fn();
  } catch (error) {
    expect(UserstreamError.isInstance(error)).toBe(true);
    return error as UserstreamError;
  }
  throw new Error('expected a throw');
}

describe('issue 16 item 8: prototype member names are not venue ids', () => {
  const names = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it.each(names)('getVenue(%j) is a typed USERSTREAM_INVALID_CONFIG listing the valid ids', (name) => {
    const error = thrown(() => getVenue(name));
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain('binance-usdm');
    expect(error.message).toContain('coins-ph');
  });

  it('refuses non-string ids with the same typed error', () => {
    for (const id of [undefined, null, 42, {}, Symbol('x')]) {
      expect(thrown(() => getVenue(id as never)).code).toBe(ErrorCode.InvalidConfig);
    }
  });

  it('isVenueId answers by own property only', () => {
    expect(core.isVenueId('binance-usdm')).toBe(true);
    for (const name of names) expect(core.isVenueId(name)).toBe(false);
  });
});

const SIM_BASE = 'ws://127.0.0.1:40000';

function listenKeyVenue(streamBaseUrl: string, streamPath: string, extra: Partial<VenueProfileInput> = {}) {
  const usdm = venues['binance-usdm'];
  const { retired: _r, ...rest } = usdm;
  return {
    ...(rest as VenueProfileInput),
    id: 'hostile',
    streamBaseUrl,
    listenKey: { ...(usdm.listenKey as NonNullable<VenueProfileInput['listenKey']>), streamPath },
    ...extra,
  } as VenueProfileInput;
}

describe('issue 16 item 7: a stream path is a path, and the final URL stays on the profile origin', () => {
  it.each([
    [SIM_BASE, '@127.0.0.2:40001/ws/{listenKey}'],
    ['ws://127.0.0.1', '.nip.io/ws/{listenKey}'],
    ['wss://fstream.binance.com', '@evil.example/ws/{listenKey}'],
    ['wss://fstream.binance.com', '//evil.example/ws/{listenKey}'],
    ['wss://fstream.binance.com', '/ws/{listenKey}@evil.example'],
    ['wss://fstream.binance.com', '/ws\\..\\{listenKey}'],
    ['wss://fstream.binance.com', ':9443/ws/{listenKey}'],
    ['wss://fstream.binance.com', 'ws/{listenKey}'],
    ['wss://fstream.binance.com', '/ws/{listenKey}#x'],
  ])('defineVenue refuses streamPath %s + %j', (base, path) => {
    const error = thrown(() => defineVenue(listenKeyVenue(base, path)));
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toMatch(/streamPath/);
  });

  it.each([
    ['restBaseUrl', 'https://fapi.binance.com@evil.example'],
    ['restBaseUrl', 'https://evil.example/?https://fapi.binance.com'],
    ['streamBaseUrl', 'wss://fstream.binance.com#'],
    ['wsApiUrl', 'wss://user:pw@ws-api.binance.com/ws-api/v3'],
  ])('refuses %s %j: a base URL is scheme, host, port and path', (field, url) => {
    const v = listenKeyVenue('wss://fstream.binance.com', '/ws/{listenKey}');
    const error = thrown(() => defineVenue({ ...v, [field]: url } as VenueProfileInput));
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain(field);
  });

  it('refuses the same in combinedStreamPath and in endpoint paths', () => {
    const base = listenKeyVenue('wss://fstream.binance.com', '/ws/{listenKey}');
    const combined = {
      ...base,
      listenKey: { ...base.listenKey!, combinedStreamPath: '@evil.example/stream?streams={listenKey}' },
    } as VenueProfileInput;
    expect(thrown(() => defineVenue(combined)).code).toBe(ErrorCode.InvalidConfig);
    const endpoint = {
      ...base,
      endpoints: { ...base.endpoints, account: { ...base.endpoints.account, path: '//evil.example/x' } },
    } as VenueProfileInput;
    expect(thrown(() => defineVenue(endpoint)).code).toBe(ErrorCode.InvalidConfig);
  });

  it('keeps every built-in path (queries such as ?streams= and ?listenKey=&events= included)', () => {
    for (const v of Object.values(venues)) expect(defineVenue(v as VenueProfileInput).id).toBe(v.id);
    const routed = listenKeyVenue(
      'wss://fstream.binance.com/private',
      '/ws?listenKey={listenKey}&events=ORDER_TRADE_UPDATE',
    );
    expect(defineVenue(routed).listenKey?.streamPath).toContain('events=');
  });

  it('streamUrl() builds the final URL and re-checks origin and the plaintext rule', () => {
    const v = withBaseUrls(venues['binance-usdm'], { stream: 'ws://127.0.0.1:40000/private' });
    expect(core.streamUrl(v, 'ABCDEFGH12345678')).toBe('ws://127.0.0.1:40000/private/ws/ABCDEFGH12345678');
    // A profile that skipped defineVenue (a hand-made object) is checked at the URL too.
    const raw = { ...v, listenKey: { ...v.listenKey!, streamPath: '@127.0.0.2:40001/ws/{listenKey}' } };
    expect(thrown(() => core.streamUrl(raw as never, 'ABCDEFGH12345678')).code).toBe(ErrorCode.InvalidConfig);
    const nip = {
      ...v,
      streamBaseUrl: 'ws://127.0.0.1',
      listenKey: { ...v.listenKey!, streamPath: '.nip.io/ws/{listenKey}' },
    };
    expect(thrown(() => core.streamUrl(nip as never, 'ABCDEFGH12345678')).code).toBe(ErrorCode.InvalidConfig);
    // The key is a key: it cannot carry a host either.
    expect(thrown(() => core.streamUrl(v, '@evil.example/x')).code).toBe(ErrorCode.InvalidInput);
  });
});

describe('issue 16 item 9: durations beyond the Node timer limit', () => {
  it('validateDuration accepts up to 2^31-1 ms and names the option beyond', () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
    expect(validateDuration(MAX_TIMER_MS, 'x.waitMs')).toBe(MAX_TIMER_MS);
    const error = thrown(() => validateDuration(2 ** 31, 'heartbeat.pingIntervalMs'));
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain('heartbeat.pingIntervalMs');
    expect(error.message).toContain('2147483647');
    expect((error as { field?: string }).field).toBe('heartbeat.pingIntervalMs');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1, '5', null, 2 ** 53]) {
      expect(thrown(() => validateDuration(bad, 'a')).code).toBe(ErrorCode.InvalidConfig);
    }
    expect(thrown(() => validateDuration(0, 'a')).code).toBe(ErrorCode.InvalidConfig);
    expect(validateDuration(0, 'a', { allowZero: true })).toBe(0);
  });

  it('a venue profile timing beyond the limit is refused', () => {
    const v = listenKeyVenue('wss://fstream.binance.com', '/ws/{listenKey}');
    const error = thrown(() =>
      defineVenue({ ...v, timing: { ...v.timing, connectionLifetimeMs: 2 ** 31 } } as VenueProfileInput),
    );
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.message).toContain('connectionLifetimeMs');
  });
});
