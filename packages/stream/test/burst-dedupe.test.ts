// Issue 17: dedupe under bursts where many events share one millisecond `E` (a taker filling
// against many makers), also while a make-before-break rotation has two connections delivering
// the same events, interleaved. The simulator stamps `E` like the exchange (one matching step,
// one millisecond; a virtual clock that stands still puts a whole burst in one millisecond), so a
// distinct event with a repeated `E` must be delivered and a repeated event dropped.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNELS } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openListenKeyStream, openWsApiStream, type UserDataStream } from '../src/index.js';
import { MIN, type Rig, record, rig, sent, until } from './helpers.js';

let r: Rig;
let closers: { close(): Promise<void> }[];

beforeEach(async () => {
  r = await rig();
  closers = [];
});

afterEach(async () => {
  await Promise.all(closers.map((s) => s.close()));
  await r.close();
});

/** Every delivered event's content: distinct load events differ in ids or balances. */
const contents = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e));

/**
 * Runs `burst` as soon as the simulator has attached a second stream or subscription for the
 * account (a rotation's new connection), in the same turn: the old connection is still attached,
 * so every event of that burst goes out on both connections.
 */
function onSecondConnection(channel: 'connection' | 'subscription', burst: () => void): () => void {
  const name = DIAGNOSTICS_CHANNELS[channel];
  let opened = 0;
  const handler = (message: unknown) => {
    const m = message as { event: string };
    if (m.event !== 'open' && m.event !== 'subscribe') return;
    opened++;
    if (opened === 1) queueMicrotask(burst);
  };
  subscribe(name, handler);
  return () => unsubscribe(name, handler);
}

/** Asserts the stream delivered each event the simulator emitted once, in `E` order. */
async function exactlyOnce(
  stream: UserDataStream,
  log: ReturnType<typeof record>,
  venue: 'binance-usdm' | 'binance-spot',
) {
  const expected = sent(r.sim, r.account.id, venue);
  await until(
    () => log.events.length >= expected.length,
    `${expected.length} events (got ${log.events.length}, ${JSON.stringify(stream.stats)})`,
    10_000,
  );
  const got = log.events.map((e) => `${e.e}@${(e as { E: number }).E}`);
  expect(got).toEqual(expected);
  expect(new Set(contents(log.events)).size).toBe(log.events.length);
  expect(stream.stats.outOfOrder).toBe(0);
}

describe('dedupe under same-E bursts', () => {
  it('listenKey (USD-M): a burst in one millisecond during a rotation overlap is delivered once, none lost', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    const stream = openListenKeyStream({
      venue: r.sim.venue('binance-usdm'),
      listenKey,
      clock: r.clock,
      // Rotate 10 minutes after opening (lifetime 24 h minus a margin of 23 h 50 min).
      rotation: { marginMs: 24 * 60 * MIN - 10 * MIN, jitterMs: 0 },
    });
    closers.push(stream);
    const log = record(stream);
    await stream.opened();
    // Before: 3 steps of 8 fills (TRADE_LITE + ORDER_TRADE_UPDATE each) + ACCOUNT_UPDATE, one E.
    await r.sim.load.burst({ accountId: r.account.id, venue: 'binance-usdm', count: 51, fills: 8 });
    const overlap = 340; // 20 steps of 17 events, all sharing the clock's millisecond
    const stop = onSecondConnection('connection', () => {
      void r.sim.load.burst({ accountId: r.account.id, venue: 'binance-usdm', count: overlap, fills: 8 });
    });
    try {
      await r.clock.advance(10 * MIN);
      await until(() => stream.stats.rotations === 1, 'rotation');
    } finally {
      stop();
    }
    // After: the new connection alone.
    await r.sim.load.burst({ accountId: r.account.id, venue: 'binance-usdm', count: 170, fills: 8 });
    await exactlyOnce(stream, log, 'binance-usdm');
    expect(log.events).toHaveLength(51 + overlap + 170);
    // Every overlap event came twice (once per connection) and was dropped the second time.
    expect(stream.stats.duplicates).toBe(overlap);
    // The burst shared milliseconds: far fewer distinct E than events.
    expect(new Set(log.Es()).size).toBeLessThanOrEqual(3);
    expect(log.count('gap')).toBe(0);
  });

  it('WebSocket API (spot): a same-E burst while the new subscription overlaps the old one is delivered once', async () => {
    const account = r.account;
    const stream = openWsApiStream({
      venue: r.sim.venue('binance-spot'),
      auth: { type: 'signature', apiKey: account.apiKey, signer: r.signer(account) },
      clock: r.clock,
    });
    closers.push(stream);
    const log = record(stream);
    await stream.opened();
    await r.sim.load.burst({ accountId: account.id, venue: 'binance-spot', count: 50, fills: 4 });
    const overlap = 500;
    let overlapFrames = 0;
    const stop = onSecondConnection('subscription', () => {
      void r.sim.load
        .burst({ accountId: account.id, venue: 'binance-spot', count: overlap, fills: 4 })
        .then((result) => {
          overlapFrames = result.frames;
        });
    });
    try {
      expect(r.sim.faults.serverShutdown({ accountId: account.id })).toBe(1);
      await until(() => stream.stats.rotations === 1, 'rotation on serverShutdown');
    } finally {
      stop();
    }
    await r.sim.load.burst({ accountId: account.id, venue: 'binance-spot', count: 50, fills: 4 });
    await exactlyOnce(stream, log, 'binance-spot');
    expect(log.events).toHaveLength(50 + overlap + 50);
    // The overlap burst went out on both subscriptions. The new one is routed from its subscribe
    // response on (the events right behind the response share its socket read: they used to be
    // dropped as belonging to no subscription); the old one's copies are dropped by routing once
    // the new subscription is promoted, or by dedupe before that.
    expect(overlapFrames).toBe(2 * overlap);
    expect(log.count('gap')).toBe(0);
  });

  it('a repeated same-E step is dropped and a distinct one with that E delivered (duplicate fault)', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    const stream = openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock });
    closers.push(stream);
    const log = record(stream);
    await stream.opened();
    // Two engine orders in the same millisecond, each sent twice on the wire.
    r.sim.faults.duplicate({ accountId: r.account.id, count: 2 });
    for (const price of ['50000', '50001']) {
      r.sim.exchange.placeOrder(r.account.id, 'binance-usdm', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.010',
        price,
      });
    }
    await exactlyOnce(stream, log, 'binance-usdm');
    expect(new Set(log.Es()).size).toBe(1);
    expect(log.events.length).toBeGreaterThanOrEqual(2);
    expect(stream.stats.duplicates).toBe(2);
  });
});
