import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './events/normalize.js';
import { parseFrame } from './events/parse.js';
import { streamUrl } from './venue-url.js';
import { getVenue } from './venues.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/toobit/', import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}.json`, 'utf8');
const K = 'k'.repeat(64);

/**
 * Issue #13 item 4. The facts the pages state (checked 2026-12-03):
 * https://api-docs.toobit.com/api/spot-websocket-account.html ;
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html ;
 * https://api-docs.toobit.com/api/spot-websocket-market-data.html (heartbeat)
 */
describe('toobit-spot profile', () => {
  it("speaks BHEX's signed listenKey protocol on Toobit's hosts and paths", () => {
    const v = getVenue('toobit-spot');
    expect(v.restBaseUrl).toBe('https://api.toobit.com');
    expect(streamUrl(v, K)).toBe(`wss://stream.toobit.com/api/v1/ws/${K}`);
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${e.path} ${e.weight} ${e.signed}`,
      ),
    ).toEqual([
      'POST /api/v1/userDataStream 1 true',
      'PUT /api/v1/userDataStream 1 true',
      'DELETE /api/v1/userDataStream 1 true',
    ]);
    expect(v.apiKeyHeader).toBe('X-BB-APIKEY');
    expect(v.timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
    expect(v.frames).toEqual({ encoding: 'json-array', heartbeat: 'json-ping' });
    expect(v.listenKey!.renewOn).toEqual(['listenKeyWillExpire']);
    expect(v.dialect).toBe('toobit');
    expect(v.endpoints.openOrders.path).toBe('/api/v1/spot/openOrders');
  });
});

describe('toobit dialect', () => {
  it('reads the documented array frames with BHEX letters, decimals kept as strings', () => {
    const parsed = parseFrame(fixture('executionReport'), 'toobit');
    if (!parsed.ok) throw parsed.error;
    const order = normalizeEvent(parsed.events[0]!, 'toobit');
    expect(order).toMatchObject({
      kind: 'order',
      symbol: 'ETHUSDT',
      orderId: '4293153',
      clientOrderId: '1000087761',
      status: 'NEW',
      price: '0.10264410',
      quantity: '1.00000000',
    });
    const account = parseFrame(fixture('outboundAccountInfo'), 'toobit');
    if (!account.ok) throw account.error;
    expect(normalizeEvent(account.events[0]!, 'toobit')).toMatchObject({
      kind: 'balances',
      balances: [{ asset: 'LTC', free: '17366.18538083', locked: '0.00000000' }],
      canTrade: true,
    });
  });

  it('reads listenKeyWillExpire (eventType/eventTime) as a typed event without the key', () => {
    const parsed = parseFrame(fixture('listenKeyWillExpire'), 'toobit');
    if (!parsed.ok) throw parsed.error;
    expect(parsed.events).toEqual([{ e: 'listenKeyWillExpire', E: 1767536100360 }]);
    expect(JSON.stringify(parsed.events)).not.toContain('zUeuthx');
    // Not an expiry: the key is still valid.
    expect(normalizeEvent(parsed.events[0]!, 'toobit').kind).toBe('other');
    // Other dialects keep refusing a frame without `e`.
    expect(parseFrame(fixture('listenKeyWillExpire'), 'bhex').ok).toBe(false);
  });

  it('types the USDT-M contract events (string E read as a number)', () => {
    const position = parseFrame(fixture('outboundContractPositionInfo'), 'toobit');
    if (!position.ok) throw position.error;
    expect(position.events[0]).toMatchObject({
      e: 'outboundContractPositionInfo',
      E: 1668693440976,
      P: '1291488620385157122',
    });
    const order = parseFrame(fixture('contractExecutionReport'), 'toobit');
    if (!order.ok) throw order.error;
    expect(normalizeEvent(order.events[0]!, 'toobit')).toMatchObject({
      kind: 'order',
      eventType: 'contractExecutionReport',
      symbol: 'BTC-SWAP-USDT',
      transactionTime: 1499405658658,
    });
  });
});
