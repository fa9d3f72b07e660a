import { VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountMirror, type MirrorReconciled, type MirrorSnapshot } from '../src/index.js';
import { tick, until } from './helpers.js';
import { accountPart, engineSnapshot, orderOf, PlainStream } from './plain-stream.js';
import { type PlainRest, restClient } from './rest-client.js';
import { BHEX, COINS, converged, FUTURES, type Market, SPOT, trader } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await sim.close();
});

async function setup(market: Market, snapshot?: (base: () => MirrorSnapshot) => Promise<MirrorSnapshot>) {
  const venue = sim.venue(market.venue);
  const account = sim.accounts[0]!;
  const rest: PlainRest = restClient(venue, account, clock);
  cleanups.push(() => rest.close());
  const listenKey = await rest.createListenKey();
  const stream = new PlainStream(venue, listenKey);
  cleanups.push(() => stream.close());
  await stream.opened();
  const base = () => engineSnapshot(sim, account.id, market.venue);
  const mirror = new AccountMirror({
    stream,
    snapshot: snapshot ? () => snapshot(base) : async () => base(),
    clock,
  });
  cleanups.push(() => mirror.close());
  const reconciled: MirrorReconciled[] = [];
  mirror.on('reconciled', (r) => reconciled.push(r));
  await mirror.ready();
  return { venue, account, stream, mirror, reconciled };
}

describe('AccountMirror against the simulator', () => {
  for (const market of [SPOT, FUTURES, BHEX, COINS]) {
    it(`${market.venue}: folds a trading session into exactly the exchange's balances and open orders`, async () => {
      const { mirror, account, reconciled } = await setup(market);
      const step = trader(sim, market, account.id, 11, (ms) => clock.advance(ms));
      for (let i = 0; i < 120; i++) await step();
      await converged(sim, mirror, market, account.id);
      expect(mirror.stats.applied).toBeGreaterThan(50);
      expect(reconciled.map((r) => r.reason)).toEqual(['start']);
      expect(mirror.stats.differences).toBe(0);
    });
  }

  it('reconciles after a dropped connection (events lost in between) and reports what the stream missed', async () => {
    const { mirror, account, reconciled, stream } = await setup(SPOT);
    const step = trader(sim, SPOT, account.id, 5, (ms) => clock.advance(ms));
    for (let i = 0; i < 30; i++) await step();
    await converged(sim, mirror, SPOT, account.id);
    // Drop the stream and trade while it is down: those events are lost by design.
    const opens = stream.opens;
    sim.faults.drop({ mode: 'terminate', connections: 'stream' });
    sim.exchange.deposit(account.id, SPOT.venue, 'BTC', '0.5');
    for (let i = 0; i < 10; i++) await step();
    await until(() => stream.opens > opens, 5_000, 'the reconnect');
    for (let i = 0; i < 20; i++) await step();
    await converged(sim, mirror, SPOT, account.id);
    const after = reconciled.filter((r) => r.reason === 'gap:reconnect');
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.flatMap((r) => r.differences).some((d) => d.kind === 'balance' && d.asset === 'BTC')).toBe(
      true,
    );
  });

  it('never double-applies or misses events that happen while the snapshot is being read', async () => {
    const account = sim.accounts[0]!;
    const step = trader(sim, SPOT, account.id, 9, (ms) => clock.advance(ms));
    let snapshots = 0;
    const { mirror, reconciled } = await setup(SPOT, async () => {
      snapshots++;
      // Trade before, between and after the two reads: their events are buffered meanwhile.
      for (let i = 0; i < 5; i++) await step();
      const accountBody = sim.exchange.account(account.id, SPOT.venue, {}) as Record<string, unknown>;
      for (let i = 0; i < 5; i++) await step();
      await tick(5);
      const orders = (sim.exchange.openOrders(account.id, SPOT.venue, {}) as Record<string, unknown>[]).map(
        orderOf,
      );
      for (let i = 0; i < 5; i++) await step();
      return { ...accountPart(accountBody), openOrders: orders };
    });
    for (let i = 0; i < 20; i++) await step();
    await converged(sim, mirror, SPOT, account.id);
    // And again on a gap, with trading during the snapshot.
    sim.faults.drop({ mode: 'close', connections: 'stream' });
    await until(() => reconciled.length >= 2, 5_000, 'the second reconciliation');
    for (let i = 0; i < 20; i++) await step();
    await converged(sim, mirror, SPOT, account.id);
    expect(snapshots).toBeGreaterThanOrEqual(2);
    expect(mirror.stats.skipped).toBeGreaterThan(0);
  });

  it('stays exact with duplicated and reordered delivery (no dedupe upstream)', async () => {
    const { mirror, account } = await setup(SPOT);
    const step = trader(sim, SPOT, account.id, 21, (ms) => clock.advance(ms));
    sim.faults.duplicate({ count: 20 });
    for (let i = 0; i < 25; i++) await step();
    sim.faults.reorder({ window: 4, windows: 5 });
    for (let i = 0; i < 25; i++) await step();
    await clock.advance(2_000); // flushes held reorder windows
    await converged(sim, mirror, SPOT, account.id);
  });
});
