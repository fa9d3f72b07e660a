import { describe, expect, it } from 'vitest';
import { streamUrl } from './venue-url.js';
import { getVenue } from './venues.js';

const K = 'ac3abbc8ac18f7977df42de27ab0c87c1f4ea3919983955d2fb5786468ccdb07';

/**
 * Issue #13 item 5. The facts the page states (checked 2026-12-03):
 * https://github.com/Bitrue-exchange/Spot-official-api-docs ("User Data Streams", "Order
 * Update", "balance update").
 */
describe('bitrue-spot profile', () => {
  it('keys in the path, subscriptions per channel, gzip frames', () => {
    const v = getVenue('bitrue-spot');
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${e.path} ${e.signed}`,
      ),
    ).toEqual([
      'POST /poseidon/api/v1/listenKey false',
      'PUT /poseidon/api/v1/listenKey/{listenKey} false',
      'DELETE /poseidon/api/v1/listenKey/{listenKey} false',
    ]);
    expect(v.apiKeyHeader).toBe('X-MBX-APIKEY');
    // Two hosts: the user data stream calls and the rest (the page's two base endpoints).
    expect([v.listenKeyBaseUrl, v.restBaseUrl]).toEqual([
      'https://open.bitrue.com',
      'https://openapi.bitrue.com',
    ]);
    expect(streamUrl(v, K)).toBe(`wss://wsapi.bitrue.com/stream?listenKey=${K}`);
    expect(v.frames).toEqual({
      encoding: 'gzip-json',
      heartbeat: 'json-ping',
      subscribe: [
        '{"event":"sub","params":{"channel":"user_order_update"}}',
        '{"event":"sub","params":{"channel":"user_balance_update"}}',
      ],
    });
    expect([v.restEnvelope, v.listenKey!.missingKeyCode, v.dialect]).toEqual([
      'code-data-200',
      -1150,
      'bitrue',
    ]);
    expect(v.timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
  });
});
