/**
 * `lastActivityAt` on openUserDataStream's handle: the underlying stream's connection's last
 * frame, ping or pong (issue 15, chaos fleet seed 432: a fleet worker moving a stream needs proof
 * that its connection was alive after the new owner's opened). It moves on a quiet account with
 * the heartbeat, stays put while the venue stalls the connection, and is undefined once closed.
 * Against the simulator on a virtual clock (its stall fault holds frames and pongs back).
 */
import { VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { until } from './helpers.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, accounts: [{ id: 'acct-0', keyType: 'hmac' }] });
  scheduler = createScheduler({ clock });
});
afterEach(async () => {
  scheduler.close();
  await sim.close();
});

it('moves with the heartbeat, stays put while the venue stalls the connection, undefined once closed', async () => {
  const account = sim.accounts[0]!;
  const handle = await openUserDataStream({
    venue: sim.venue('binance-usdm'),
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
  });
  try {
    await handle.opened();
    const t = clock.now();
    expect(handle.lastActivityAt).toBeLessThanOrEqual(t);
    await clock.advance(10_000); // the client's ping (every 10 s by default); the venue's pong
    await until(() => (handle.lastActivityAt ?? 0) > t, 5_000, 'the pong');
    const stall = sim.faults.stall({ accountId: account.id, venue: 'binance-usdm' });
    const frozen = handle.lastActivityAt;
    await clock.advance(10_000); // the next ping, unanswered (the pong timeout is 5 s after it)
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handle.state).toBe('open');
    expect(handle.lastActivityAt).toBe(frozen);
    stall.release();
  } finally {
    await handle.close();
  }
  expect(handle.lastActivityAt).toBeUndefined();
});
