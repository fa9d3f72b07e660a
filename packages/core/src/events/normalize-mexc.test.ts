/**
 * Issue #13 item 1: MEXC's documented pushes in the common model, so AccountMirror can fold them.
 * Fixtures: test/fixtures/mexc (MEXC's samples, decoded as the stream decodes the protobuf frame);
 * enums from https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams/spot-account-orders
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeEvent, parseFrame } from './index.js';
import { mexcOrderStatus } from './normalize-mexc.js';

type Loose = { raw: unknown } & Record<string, unknown>;

function normalized(name: string) {
  const text = readFileSync(new URL(`../../test/fixtures/mexc/${name}.json`, import.meta.url), 'utf8');
  const parsed = parseFrame(text, 'mexc');
  if (!parsed.ok) throw parsed.error;
  return normalizeEvent(parsed.events[0] as never, 'mexc');
}

describe('MEXC events normalize into the common model', () => {
  it('privateOrders is an order update with REST names for type, side and status', () => {
    const { raw: _raw, ...order } = normalized('privateOrders') as unknown as Loose;
    expect(order).toEqual({
      kind: 'order',
      eventType: 'privateOrders',
      venueEventTime: 1736417034281,
      symbol: 'MXUSDT',
      // The documented sample sends no id (proto3 default): the order is named by clientId there.
      orderId: '',
      clientOrderId: 'C02__505979017439002624115',
      side: 'SELL',
      type: 'MARKET',
      timeInForce: 'GTC',
      status: 'FILLED',
      executionType: undefined,
      price: '3.5121',
      quantity: '1',
      filledQuantity: '1',
      lastFilledQuantity: '1',
      lastFilledPrice: '3.6962',
      quoteFilledQuantity: '3.6962',
      commission: '0',
      commissionAsset: null,
      isMaker: false,
      transactionTime: 1736417034281,
    });
  });

  it('privateAccount is a one-asset balance snapshot (available = free, frozen = locked)', () => {
    expect(normalized('privateAccount')).toMatchObject({
      kind: 'balances',
      eventType: 'privateAccount',
      venueEventTime: 1736417034307,
      lastUpdateTime: 1736416910000,
      balances: [{ asset: 'USDT', free: '21.94210356004384', locked: '0' }],
    });
  });

  it('privateDeals (a fill the order and account pushes already carry) is other', () => {
    expect(normalized('privateDeals')).toMatchObject({ kind: 'other', eventType: 'privateDeals' });
  });

  it('every documented status has its REST name; an undocumented one is named, not guessed', () => {
    expect([1, 2, 3, 4, 5, 9].map(mexcOrderStatus)).toEqual([
      'NEW',
      'FILLED',
      'PARTIALLY_FILLED',
      'CANCELED',
      'PARTIALLY_CANCELED',
      'UNKNOWN_9',
    ]);
  });
});
