import { createRestClient } from '@userstream/rest';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { bookSides, compareDecimal, Ladder } from '../src/ladder.js';

describe('Ladder.cancelAll on shutdown', () => {
  let sim: Simulator | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await sim?.close();
  });

  it('cancels the orders it placed that the mirror has not shown yet (the stream behind REST)', async () => {
    sim = await startSimulator({ seed: 7, accounts: [{ id: 'a', keyType: 'ed25519' }] });
    const account = sim.accounts[0]!;
    const venue = sim.venue('binance-spot');
    const client = createRestClient({
      venue,
      credentials: { apiKey: account.apiKey, privateKey: account.privateKeyPem! },
    });
    close = () => client.close();
    const exchange = sim.exchange;
    const ladder = new Ladder({
      name: 'spot',
      venue,
      spec: { symbol: 'BTCUSDT', quantity: '0.001', step: '25', tick: '0.01', levels: 2 },
      client,
      price: () => exchange.price('BTCUSDT'),
      // The mirror is behind: none of the placements has arrived on the stream yet.
      openOrders: () => [],
      now: Date.now,
      note: () => {},
      runId: 'test',
    });
    await ladder.step();
    expect(ladder.placed).toBe(4);
    expect(exchange.orders('a', 'binance-spot')).toHaveLength(4);

    expect(await ladder.cancelAll()).toBe(4);
    expect(exchange.orders('a', 'binance-spot')).toEqual([]);
  });
});

describe('bookSides: resting prices as a trader reads a book', () => {
  it('bids from the highest down, asks from the lowest up, compared as decimals (not as text or floats)', () => {
    const orders = [
      { side: 'BUY', price: '59975.5' },
      { side: 'SELL', price: '100000' },
      { side: 'BUY', price: '60000' },
      { side: 'SELL', price: '60025.00000000' },
      { side: 'BUY', price: '9999.99' },
      { side: 'SELL', price: '60025.1' },
    ] as const;
    expect(bookSides(orders)).toEqual({
      bids: ['60000', '59975.5', '9999.99'],
      asks: ['60025.00000000', '60025.1', '100000'],
    });
    expect(compareDecimal('0.10', '0.1')).toBe(0);
    expect(compareDecimal('007', '7.0')).toBe(0);
    expect(Math.sign(compareDecimal('0.3', '0.25'))).toBe(1);
  });
});
