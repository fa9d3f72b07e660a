import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './normalize.js';
import { bitrueOrderStatus } from './normalize-bitrue.js';
import { parseFrame } from './parse.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../test/fixtures/bitrue/${name}.json`, import.meta.url)), 'utf8');

function normalized(text: string) {
  const parsed = parseFrame(text, 'bitrue');
  if (!parsed.ok) throw parsed.error;
  return normalizeEvent(parsed.events[0]!, 'bitrue');
}

/**
 * Issue #13 item 5: Bitrue's numeric enums in the common model's strings. The table:
 * https://github.com/Bitrue-exchange/Spot-official-api-docs "ENUM definitions" (checked
 * 2026-12-03); the live ORDER sample and status 7 from ccxt's bitrue pro client.
 */
describe('bitrue dialect', () => {
  it('reads the live ORDER sample: side 2 SELL, type 1 LIMIT, status 0 PENDING_NEW, event 1 NEW; symbol upper-cased', () => {
    expect(normalized(fixture('ORDER'))).toMatchObject({
      kind: 'order',
      eventType: 'ORDER',
      symbol: 'BTCUSDT',
      orderId: '16122802798',
      side: 'SELL',
      type: 'LIMIT',
      status: 'PENDING_NEW',
      executionType: 'NEW',
      price: '60000',
      quantity: '0.0005',
      commissionAsset: 'USDT',
      tradeId: undefined,
    });
  });

  it("reads the page's executionReport example: side 1 BUY, status 1 NEW, the canceled order's own id", () => {
    expect(normalized(fixture('executionReport'))).toMatchObject({
      eventType: 'executionReport',
      symbol: 'ETHBTC',
      clientOrderId: 'mUvoqJxFIILMdfAW5iGSOW',
      originalClientOrderId: 'test',
      side: 'BUY',
      status: 'NEW',
      quoteFilledQuantity: '0.00000000',
    });
  });

  it('maps every documented status and event number, and names an unknown one', () => {
    expect([0, 1, 2, 3, 4, 7, 9].map(bitrueOrderStatus)).toEqual([
      'PENDING_NEW',
      'NEW',
      'FILLED',
      'PARTIALLY_FILLED',
      'CANCELED',
      'NEW',
      'UNKNOWN_9',
    ]);
    const base = JSON.parse(fixture('ORDER')) as Record<string, unknown>;
    const kinds = [1, 2, 3, 4, 5].map(
      (x) => (normalized(JSON.stringify({ ...base, x })) as { executionType?: string }).executionType,
    );
    expect(kinds).toEqual(['NEW', 'CANCELED', 'TRADE', 'EXPIRED', 'UNKNOWN_5']);
    expect((normalized(JSON.stringify({ ...base, o: 2, S: 1 })) as { type: string }).type).toBe('MARKET');
  });

  it('BALANCE: a snapshot of the assets whose free and locked balances it carries, decimals kept', () => {
    expect(normalized(fixture('BALANCE'))).toMatchObject({
      kind: 'balances',
      balances: [
        { asset: 'BTR', free: '9999999.9658620755200000', locked: '0.0000000000000000' },
        { asset: 'USDT', free: '10000008.8000000000000000', locked: '0.0000000000000000' },
      ],
    });
    // The live sample's partial entries (only the free side of btc changed): left out of the
    // snapshot, still in raw.
    const partial = JSON.stringify({
      e: 'BALANCE',
      x: 'OutboundAccountPositionTradeEvent',
      E: 1657799510175,
      B: [{ a: 'btc', F: '0.0006', T: 1657799510000, f: '0.0006', t: 0 }],
    });
    const n = normalized(partial);
    expect(n).toMatchObject({ kind: 'balances', balances: [] });
  });

  it('refuses an enum sent as a string (a changed wire format is reported, not guessed)', () => {
    const base = JSON.parse(fixture('ORDER')) as Record<string, unknown>;
    expect(parseFrame(JSON.stringify({ ...base, S: 'SELL' }), 'bitrue').ok).toBe(false);
  });
});
