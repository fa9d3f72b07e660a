import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, validateListenKey, validateSymbol } from './validate.js';
import { defineVenue, getVenue, venues, withBaseUrls } from './venues.js';

describe('venue registry', () => {
  it('has every required profile with its protocol', () => {
    const summary = Object.values(venues).map(
      (v) => `${v.id}: ${v.protocol} ${v.dialect}${v.retired ? ' (retired)' : ''}`,
    );
    expect(summary).toMatchInlineSnapshot(`
      [
        "binance-spot: wsApi spot",
        "binance-spot-testnet: wsApi spot",
        "binance-margin: listenToken spot",
        "binance-isolated-margin: listenToken spot",
        "binance-spot-legacy: listenKey spot (retired)",
        "binance-margin-legacy: listenKey spot (retired)",
        "binance-isolated-margin-legacy: listenKey spot (retired)",
        "binance-usdm: listenKey futures",
        "binance-usdm-testnet: listenKey futures",
        "binance-coinm: listenKey futures",
        "binance-coinm-testnet: listenKey futures",
        "binance-portfolio-margin: listenKey portfolioMargin",
        "binance-pm-pro: listenKey futures",
        "binance-options: listenKey options",
        "binance-margin-risk: listenKey marginRisk",
        "bhex: listenKey bhex",
        "coins-ph: listenKey coins",
        "bingx-spot: listenKey bingxSpot",
        "bingx-swap: listenKey bingxSwap",
        "mexc: listenKey mexc",
        "coins-xyz: listenKey coins",
        "coins-th: listenKey coins",
        "aster-futures: listenKey futures",
        "aster-spot: listenKey aster",
        "aster-futures-v3: listenKey asterFutures",
        "aster-spot-v3: listenKey aster",
        "toobit-spot: listenKey toobit",
        "toobit-usdm: listenKey toobit",
        "bitrue-spot: listenKey bitrue",
        "tokocrypto: listenToken tokocrypto",
      ]
    `);
  });

  it('describes the legacy listenKey paths exactly', () => {
    const spot = venues['binance-spot-legacy'].listenKey!;
    expect([spot.create.method, spot.create.path, spot.create.weight, spot.create.signed]).toEqual([
      'POST',
      '/api/v3/userDataStream',
      2,
      false,
    ]);
    expect(venues['binance-margin-legacy'].listenKey!.keepAlive).toEqual({
      method: 'PUT',
      path: '/sapi/v1/userDataStream',
      weight: 1,
      signed: false,
    });
    const iso = venues['binance-isolated-margin-legacy'].listenKey!;
    expect([iso.close.method, iso.close.path, iso.close.weight, iso.requiresSymbol]).toEqual([
      'DELETE',
      '/sapi/v1/userDataStream/isolated',
      1,
      true,
    ]);
    expect(venues['binance-spot-legacy'].retired).toMatchObject({
      since: '2026-02-20T07:00:00Z',
      replacement: 'binance-spot',
    });
  });

  it('describes BHEX-style venues as signed with their own header and stream path', () => {
    for (const [id, header] of [
      ['bhex', 'X-BH-APIKEY'],
      ['coins-ph', 'X-COINS-APIKEY'],
    ] as const) {
      const v = venues[id];
      expect(v.apiKeyHeader).toBe(header);
      expect(v.listenKey!.create).toEqual({
        method: 'POST',
        path: '/openapi/v1/userDataStream',
        weight: 1,
        signed: true,
      });
      expect(v.listenKey!.streamPath).toBe('/openapi/ws/{listenKey}');
    }
    expect(venues['coins-ph'].streamBaseUrl).toBe('wss://wsapi.pro.coins.ph');
    expect(venues['binance-portfolio-margin'].streamBaseUrl).toBe('wss://fstream.binance.com/pm');
    expect(venues['binance-usdm'].timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
  });

  it('profiles are frozen', () => {
    expect(Object.isFrozen(venues['binance-usdm'].listenKey)).toBe(true);
  });

  it('lets users point a profile elsewhere and rejects invalid definitions clearly', () => {
    const local = withBaseUrls(venues['binance-spot-legacy'], {
      rest: 'http://127.0.0.1:9',
      stream: 'ws://127.0.0.1:9',
    });
    expect(local.restBaseUrl).toBe('http://127.0.0.1:9');
    expect(local.retired).toBeUndefined();
    expect(() =>
      withBaseUrls(venues['binance-usdm'], { rest: 'http://example.com' }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: venue.restBaseUrl uses plain http: to example.com: only loopback may be unencrypted; use https: or pass allowInsecure: true]`,
    );
    expect(() =>
      defineVenue({ ...venues['binance-usdm'], id: 'my-venue', listenKey: undefined } as never),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/core: venue 'my-venue' is invalid: a listenKey venue needs \`listenKey\` endpoints and \`streamBaseUrl\`]`,
    );
    expect(() => defineVenue({ id: 'Bad Id' } as never)).toThrow(/venue 'Bad Id' is invalid: id: /);
    expect(() => getVenue('nope')).toThrow(/unknown venue 'nope'; known venues: binance-spot, /);
  });
});

describe('input validation', () => {
  it('checks symbols and listenKeys without echoing keys', () => {
    expect(validateSymbol('BTCUSDT')).toBe('BTCUSDT');
    expect(() => validateSymbol('btc/usdt&x=1')).toThrow(/upper-case trading symbol/);
    expect(() => validateListenKey('abc/../../x')).toThrow(/8 to 128 letters/);
    expect(() => validateListenKey('secretkey?injected=1')).toThrow(
      expect.objectContaining({
        code: 'USERSTREAM_INVALID_INPUT',
        message: expect.not.stringContaining('secretkey'),
      }),
    );
    expect(isLoopbackUrl('ws://127.0.0.5:1')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:1')).toBe(true);
    expect(isLoopbackUrl('https://api.binance.com')).toBe(false);
  });
});
