import { describe, expect, it } from 'vitest';
import { ErrorCode } from './errors.js';
import { streamUrl } from './venue-url.js';
import { getVenue, venues, withBaseUrls } from './venues.js';

const K1 = 'a'.repeat(60);
const K2 = 'b'.repeat(60);

describe('Binance derivatives profiles (issue #18)', () => {
  it('options: /eapi/v1/listenKey POST/PUT/DELETE, nbstream eoptions stream', () => {
    // https://developers.binance.com/docs/derivatives/option/user-data-streams
    // https://developers.binance.com/docs/derivatives/option/user-data-streams/Start-User-Data-Stream
    const v = getVenue('binance-options');
    expect(v.market).toBe('options');
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${e.path} ${e.weight}`,
      ),
    ).toEqual(['POST /eapi/v1/listenKey 1', 'PUT /eapi/v1/listenKey 1', 'DELETE /eapi/v1/listenKey 1']);
    expect(streamUrl(v, K1)).toBe(`wss://nbstream.binance.com/eoptions/ws/${K1}`);
    expect(v.timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
  });

  it('cross-margin risk data stream: /sapi/v1/margin/listen-key on margin-stream.binance.com, 60 min keys', () => {
    // https://developers.binance.com/docs/margin_trading/risk-data-stream
    const v = getVenue('binance-margin-risk');
    expect(v.listenKey!.create).toEqual({
      method: 'POST',
      path: '/sapi/v1/margin/listen-key',
      weight: 1,
      signed: false,
    });
    expect(v.listenKey!.keepAlive.method).toBe('PUT');
    expect(v.listenKey!.close.method).toBe('DELETE');
    expect(streamUrl(v, K1)).toBe(`wss://margin-stream.binance.com/ws/${K1}`);
    expect(v.timing.keyValidityMs).toBe(3_600_000);
  });

  it('PM Pro reads a /fapi key on the pm-classic route; COIN-M testnet has its own hosts', () => {
    const pro = getVenue('binance-pm-pro');
    expect(pro.listenKey!.create.path).toBe('/fapi/v1/listenKey');
    expect(streamUrl(pro, K1)).toBe(`wss://fstream.binance.com/pm-classic/ws/${K1}`);
    const t = getVenue('binance-coinm-testnet');
    expect([t.testnet, t.market, t.listenKey!.create.path]).toEqual([true, 'coinm', '/dapi/v1/listenKey']);
    expect(streamUrl(t, K1)).toBe(`wss://dstream.binancefuture.com/ws/${K1}`);
  });

  it("USD-M's routed /private forms: /ws/<key>, /ws?listenKey=&events=, several keys on /stream", () => {
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
    const v = venues['binance-usdm'];
    expect(streamUrl(v, K1)).toBe(`wss://fstream.binance.com/private/ws/${K1}`);
    expect(streamUrl(v, K1, { events: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE'] })).toBe(
      `wss://fstream.binance.com/private/ws?listenKey=${K1}&events=listenKeyExpired/ORDER_TRADE_UPDATE/ACCOUNT_UPDATE`,
    );
    expect(streamUrl(v, [K1, K2], { combined: true, events: ['ORDER_TRADE_UPDATE'] })).toBe(
      `wss://fstream.binance.com/private/stream?listenKey=${K1}&events=listenKeyExpired/ORDER_TRADE_UPDATE&listenKey=${K2}&events=listenKeyExpired/ORDER_TRADE_UPDATE`,
    );
    expect(streamUrl(v, [K1, K2], { combined: true })).toBe(
      `wss://fstream.binance.com/private/stream?listenKey=${K1}&listenKey=${K2}`,
    );
    // Pointed at the simulator, the same forms.
    const sim = withBaseUrls(v, { rest: 'http://127.0.0.1:1', stream: 'ws://127.0.0.1:1/private' });
    expect(streamUrl(sim, K1, { events: ['ALGO_UPDATE'] })).toBe(
      `ws://127.0.0.1:1/private/ws?listenKey=${K1}&events=listenKeyExpired/ALGO_UPDATE`,
    );
  });

  it('refuses unknown event names and filters on venues without one, naming what to do', () => {
    const v = venues['binance-usdm'];
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return [(error as { code: string }).code, (error as Error).message];
      }
      return undefined;
    };
    expect(refusal(() => streamUrl(v, K1, { events: ['ORDER_TRADE_UPDATE', 'x&listenKey=evil'] }))).toEqual([
      ErrorCode.InvalidConfig,
      expect.stringContaining(
        "events: 'x&listenKey=[REDACTED]' is not a binance-usdm event type; use one of listenKeyExpired, ACCOUNT_UPDATE",
      ),
    ]);
    expect(refusal(() => streamUrl(v, K1, { events: [] }))?.[1]).toContain('non-empty array');
    expect(
      refusal(() => streamUrl(venues['binance-coinm'], K1, { events: ['ORDER_TRADE_UPDATE'] }))?.[1],
    ).toContain("venue 'binance-coinm' has no events= filter");
  });
});
