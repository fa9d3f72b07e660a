import { describe, expect, test } from 'vitest';
import { setup } from './test-helpers.js';

// Options ACCOUNT_UPDATE figures with an average entry that does not divide evenly
// (https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Account-data:
// b balance, m position value, u unrealized PnL, all decimal strings). Found by the chaos sweep
// from seed 500 (seeds 506, 515, 516): "internal: 0.0999999999 has more than 8 decimal places".

describe('options account figures', () => {
  test('an entry averaged over two fills (8 places) still gives an unrealized PnL of 8 places', () => {
    const { exchange, take } = setup();
    const buy = (quantity: string) =>
      exchange.options('alice', 'place', {
        symbol: 'BTC-261225-60000-C',
        side: 'BUY',
        type: 'MARKET',
        quantity,
      });
    buy('0.01'); // at the mark, 2500
    exchange.setOptionMark('BTC-261225-60000-C', '2505');
    take();
    // Entry (25 + 50.1) / 0.03 = 2503.33333333…: 0.03 × entry has 10 places before rounding.
    buy('0.02');
    const update = take().find((r) => r.event.e === 'ACCOUNT_UPDATE')?.event;
    expect(update).toMatchObject({ m: '75.15000000', u: '0.05000000' });
  });
});
