import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './events/normalize.js';
import { parseFrame } from './events/parse.js';
import { streamUrl } from './venue-url.js';
import { getVenue } from './venues.js';

const K = 'a'.repeat(64);

// https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html (listenKey: POST with the
// X-BX-APIKEY header only, PUT/DELETE ?listenKey=, 1 h validity, PUT every 30 min, 404 for an
// unknown key), https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account and
// https://bingx-api.github.io/docs/spot/socket-account.html (stream URLs, channels); checked
// 2026-12-03.
describe('bingx profiles', () => {
  it.each([
    ['bingx-spot', 'spot', 'bingxSpot', `wss://open-api-ws.bingx.com/market?listenKey=${K}`],
    ['bingx-swap', 'usdm', 'bingxSwap', `wss://open-api-swap.bingx.com/swap-market?listenKey=${K}`],
  ] as const)(
    '%s: unsigned listenKey calls with X-BX-APIKEY, gzip frames, Ping/Pong',
    (id, market, dialect, url) => {
      const v = getVenue(id);
      expect(v.market).toBe(market);
      expect(v.dialect).toBe(dialect);
      expect(v.apiKeyHeader).toBe('X-BX-APIKEY');
      expect(
        [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
          (e) => `${e.method} ${v.restBaseUrl}${e.path} ${e.signed ? 'signed' : 'key only'}`,
        ),
      ).toEqual([
        'POST https://open-api.bingx.com/openApi/user/auth/userDataStream key only',
        'PUT https://open-api.bingx.com/openApi/user/auth/userDataStream key only',
        'DELETE https://open-api.bingx.com/openApi/user/auth/userDataStream key only',
      ]);
      expect(v.listenKey!.missingKeyStatus).toBe(404);
      expect(streamUrl(v, K)).toBe(url);
      expect(v.frames).toMatchObject({ encoding: 'gzip-json', heartbeat: 'text-ping' });
      expect(v.restEnvelope).toBe('code-data');
      expect(v.timing).toEqual({
        keyValidityMs: 3_600_000,
        renewIntervalMs: 1_800_000,
        connectionLifetimeMs: 86_400_000,
      });
      expect(v.endpoints.account.signed).toBe(true);
    },
  );

  it('spot subscribes to its two channels on every connection', () => {
    expect(getVenue('bingx-spot').frames!.subscribe!.map((m) => JSON.parse(m))).toEqual([
      { id: 'userstream-1', reqType: 'sub', dataType: 'spot.executionReport' },
      { id: 'userstream-2', reqType: 'sub', dataType: 'ACCOUNT_UPDATE' },
    ]);
    expect(getVenue('bingx-swap').frames!.subscribe).toBeUndefined();
  });
});

describe('bingx dialects', () => {
  it('spot ACCOUNT_UPDATE: free is wb less lk, locked is lk (exact decimals)', () => {
    const text = JSON.stringify({
      data: {
        e: 'ACCOUNT_UPDATE',
        E: 3,
        T: 2,
        a: { m: 'ORDER', B: [{ a: 'USDT', wb: '11.5', cw: '11.5', bc: '-1', lk: '0.25' }] },
      },
      dataType: 'ACCOUNT_UPDATE',
    });
    const parsed = parseFrame(text, 'bingxSpot');
    if (!parsed.ok) throw parsed.error;
    expect(normalizeEvent(parsed.events[0]!, 'bingxSpot')).toMatchObject({
      kind: 'balances',
      lastUpdateTime: 2,
      balances: [{ asset: 'USDT', free: '11.25', locked: '0.25' }],
    });
  });

  it('swap ORDER_TRADE_UPDATE: T 0 is no transaction time, a missing client id is ""', () => {
    const event = {
      e: 'ORDER_TRADE_UPDATE',
      E: 5,
      o: { s: 'BTC-USDT', i: 7, S: 'BUY', o: 'LIMIT', x: 'NEW', X: 'NEW', T: 0 },
    };
    const parsed = parseFrame(JSON.stringify(event), 'bingxSwap');
    if (!parsed.ok) throw parsed.error;
    expect(normalizeEvent(parsed.events[0]!, 'bingxSwap')).toMatchObject({
      kind: 'order',
      orderId: '7',
      clientOrderId: '',
      transactionTime: undefined,
      filledQuantity: '0',
    });
  });

  it('a swap frame in the spot dialect is refused or unknown, never read as spot', () => {
    const parsed = parseFrame('{"e":"ORDER_TRADE_UPDATE","E":1,"o":{}}', 'bingxSpot');
    expect(parsed.ok && parsed.events[0]!.e).toBe('unknown');
  });
});
