import { createScaledClock } from '@userstream/core';
import { startSimulator } from '@userstream/simulator';
import { expect, it } from 'vitest';
import { createScheduler } from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { until } from './helpers.js';

// Found by the demo's fault mode: after a replacement key, a refusal of a connection attempt
// still carrying the OLD key was taken for the new key's expiry, and the next real expiry went
// unreported. Each expiry must be reported once and recovered, round after round.
it('a listenKey stream recovers from one expiry after another, each reported once', async () => {
  const clock = createScaledClock({ speed: 60 });
  const sim = await startSimulator({ clock });
  const account = sim.accounts[0]!;
  const scheduler = createScheduler({ clock });
  const stream = await openUserDataStream({
    venue: sim.venue('binance-usdm'),
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
  });
  let deposits = 0;
  stream.on('ACCOUNT_UPDATE', () => deposits++);
  const gaps: string[] = [];
  stream.on('gap', (g) => gaps.push(g.reason));
  try {
    for (let round = 1; round <= 4; round++) {
      const recreations = stream.lease.state().recreations;
      expect(sim.faults.expire({ accountId: account.id, venue: 'binance-usdm' })).toBe(1);
      await until(
        () => stream.lease.state().recreations === recreations + 1 && stream.state === 'open',
        8_000,
        `recovery from expiry ${round}`,
      );
      const before = deposits;
      sim.exchange.deposit(account.id, 'binance-usdm', 'USDT', '1');
      await until(() => deposits === before + 1, 3_000, `an event after expiry ${round}`);
    }
    expect(gaps).toHaveLength(4);
    expect(stream.lease.state()).toMatchObject({ recreations: 4, status: 'active' });
  } finally {
    await stream.close();
    scheduler.close();
    await sim.close();
  }
}, 40_000);
