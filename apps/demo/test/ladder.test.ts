import { createRestClient } from '@userstream/rest';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { Ladder } from '../src/ladder.js';

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
