/**
 * The REST client reads how a venue wraps its answers from one profile field, `restEnvelope`
 * (issue #13 leftovers): Tokocrypto's `/open/v1` form is `restEnvelope: 'open-v1'`; the field it
 * had before, `restFormat: 'open-v1'`, is a deprecated alias a profile may still carry alone.
 * https://www.tokocrypto.com/apidocs/ (checked 2026-12-03; the store serves that page's change log
 * only: core's venues-tokocrypto.ts says how the rest was read).
 */
import type { VenueProfile } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { useSimulator } from './helpers.js';

const ctx = useSimulator();

/** The simulator's Tokocrypto profile as a caller's own object, with one of the two fields only. */
function profile(field: 'restEnvelope' | 'restFormat'): VenueProfile {
  const { restEnvelope: _e, restFormat: _f, ...rest } = ctx.sim.venue('tokocrypto');
  return { ...rest, [field]: 'open-v1' } as VenueProfile;
}

describe.each(['restEnvelope', 'restFormat'] as const)("a profile with only %s: 'open-v1'", (field) => {
  it('opens the /open/v1 envelopes: balances, open orders, a refusal', async () => {
    const rest = ctx.client('tokocrypto', { venue: profile(field) });
    const snapshot = await rest.accountSnapshot();
    expect(snapshot.balances.USDT?.free).toMatch(/^\d+\.\d{8}$/);
    const placed = await rest.request<{ orderId: number }>({
      method: 'POST',
      path: '/open/v1/orders',
      params: { symbol: 'BTC_USDT', side: 0, type: 1, timeInForce: 1, quantity: '0.001', price: '50000' },
      signed: true,
    });
    const orders = await rest.openOrders();
    expect(orders.find((o) => o.orderId === String(placed.orderId))).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'BUY',
      status: 'NEW',
    });
    // A refusal inside an HTTP 200 envelope is an exchange error, not a payload.
    await expect(
      rest.request({ method: 'POST', path: '/open/v1/orders', params: { symbol: 'BTC_USDT' }, signed: true }),
    ).rejects.toMatchObject({ name: 'ExchangeError' });
  });
});
