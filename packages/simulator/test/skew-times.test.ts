/**
 * skewClock moves the venue's clock as clients see it (serverTime, timestamp checks), but a
 * venue's own timeline never runs backwards: an order's later events never carry an earlier
 * transaction time than its earlier ones. (Found by the chaos suite: a negative skew, or the
 * `clear` after a positive one, stamped a cancel before the order's creation, and a mirror that
 * orders changes by the venue's time kept the canceled order forever.)
 */
import { VirtualClock } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';

const clock = new VirtualClock(Date.UTC(2026, 2, 1));
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'a', keyType: 'hmac' }] });
});
afterAll(() => sim.close());

const times = (e: Readonly<Record<string, unknown>> | undefined) => ({
  T: Number(e?.T),
  O: Number(e?.O),
});

test('a clock skewed backwards (or cleared after a forward skew) never stamps events before earlier ones', async () => {
  for (const [first, then] of [
    [0, -60_000],
    [45_000, 0],
  ] as const) {
    sim.record.clear();
    sim.faults.skewClock(first);
    const placed = sim.exchange.placeOrder('a', 'binance-spot', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.001',
      price: '50000',
    }) as { orderId: number; transactTime: number };
    await clock.advance(1_000);
    sim.faults.skewClock(then);
    sim.exchange.cancelOrder('a', 'binance-spot', { symbol: 'BTCUSDT', orderId: String(placed.orderId) });
    const reports = sim.record
      .events({ accountId: 'a', venue: 'binance-spot' })
      .filter((r) => r.e === 'executionReport')
      .map((r) => ({ status: r.event?.X, E: r.E, ...times(r.event) }));
    expect(reports.map((r) => r.status)).toEqual(['NEW', 'CANCELED']);
    const [created, canceled] = reports as [(typeof reports)[0], (typeof reports)[0]];
    expect(canceled.E).toBeGreaterThanOrEqual(created.E);
    expect(canceled.T).toBeGreaterThanOrEqual(created.T);
    // The timeline runs on (it does not stand still until the skewed time catches up).
    expect(canceled.T).toBeGreaterThanOrEqual(created.T + 1_000);
    // The order's REST answer agrees with the events' timeline too.
    expect(placed.transactTime).toBe(created.T);
  }
  sim.faults.clear();
});

test('serverTime and timestamp checks still follow the skew', async () => {
  sim.faults.skewClock(-60_000);
  const res = await fetch(`${sim.urls.rest}/api/v3/time`);
  const { serverTime } = (await res.json()) as { serverTime: number };
  expect(serverTime).toBe(clock.now() - 60_000);
  sim.faults.clear();
});
