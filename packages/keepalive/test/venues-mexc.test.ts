/**
 * Issue #13 item 1, MEXC spot end to end through openUserDataStream against the simulator, with
 * faults: a dropped stream, a keepalive answered -1125, a lapsed key. The mirror equals the
 * simulator's book afterwards. The MEXC-only parts on the way: the signed POST with
 * X-MEXC-APIKEY, the SUBSCRIPTION sent on every connection, protobuf pushes decoded and typed in
 * the mexc dialect, `{"method":"PING"}` keeping the connection inside MEXC's 60 s data bound.
 * Docs (checked 2026-12-03): https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams
 */
import { VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  AccountMirror,
  createScheduler,
  leaseRegistryOf,
  type MirrorReconciled,
  type Scheduler,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, liveSteps, MIN, until } from './helpers.js';
import { converged, type Market, SPOT, trader } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const cleanups: (() => unknown)[] = [];
// Short steps: MEXC drops a connection after 60 s without data, so the client's 20 s PING must
// reach the simulator between clock steps (a 5 min step would skip past it).
const pass = (ms: number) => liveSteps(clock, scheduler, ms, 10_000);

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scheduler.close();
  await sim.close();
});

it('mexc: the mirror equals the exchange across a drop, a -1125 keepalive and a lapsed key', async () => {
  const id = 'mexc';
  const market: Market = { ...SPOT, venue: id, symbols: SPOT.symbols.slice(0, 1) };
  const account = sim.accounts[0]!;
  const venue = sim.venue(id);
  const path = '/api/v3/userDataStream';
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
    'X-MEXC-APIKEY',
    path,
    true,
  ]);
  const stream = await openUserDataStream({
    venue,
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
    rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
    stream: {
      // MEXC: the client pings ({"method":"PING"}) well inside the server's 60 s data bound.
      heartbeat: { pingIntervalMs: 20_000, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR },
      reconnect: { baseDelayMs: 10_000, maxDelayMs: 10 * MIN },
      requestTimeoutMs: 5 * MIN,
      openTimeoutMs: 5 * MIN,
    },
  });
  cleanups.push(() => stream.close());
  const mirror = new AccountMirror({
    stream,
    rest: stream.rest,
    clock,
    retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN },
  });
  cleanups.push(() => mirror.close());
  const reconciled: MirrorReconciled[] = [];
  mirror.on('reconciled', (r) => reconciled.push(r));
  const seen = new Set<string>();
  const errors: unknown[] = [];
  stream.on('event', (e) => seen.add(e.e === 'unknown' ? `unknown:${(e as { type: string }).type}` : e.e));
  stream.on('error', (e) => errors.push(e));
  await mirror.ready();
  expect(sim.record.requestCount('POST', path)).toBe(1);

  const step = trader(sim, market, account.id, 13);
  for (let i = 0; i < 40; i++) await step();
  await converged(sim, mirror, market, account.id);
  // Typed in the mexc dialect, every one of the three channels.
  expect([...seen].sort()).toEqual(['privateAccount', 'privateDeals', 'privateOrders']);

  // Quiet for 3 minutes: the client's PINGs keep the connection (no reconnect, no gap).
  const before = reconciled.length;
  await pass(3 * MIN);
  expect(reconciled.length).toBe(before);
  expect(stream.lease.state().status).toBe('active');

  // Fault 1: the socket dies; what happens while it is down is lost to the stream by design.
  sim.faults.drop({ mode: 'terminate', connections: 'stream', venue: id });
  sim.exchange.deposit(account.id, id, market.deposit[0], '0.25');
  for (let i = 0; i < 10; i++) await step();
  await until(() => reconciled.some((r) => r.reason.startsWith('gap')), 5_000, 'a gap reconciliation');
  for (let i = 0; i < 20 && stream.lease.state().status !== 'active'; i++) await pass(10_000);
  await converged(sim, mirror, market, account.id);
  const afterDrop = reconciled.filter((r) => r.reason.startsWith('gap')).flatMap((r) => r.differences);
  expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

  // Fault 2: the next keepalive is answered -1125; the key is re-created with POST.
  sim.faults.failKeepalives({ mode: '-1125', accountId: account.id, venue: id });
  await pass(35 * MIN);
  expect(sim.record.requestCount('PUT', path)).toBeGreaterThanOrEqual(1);
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 3: the key lapses on the venue (MEXC just closes), a new key, a gap, a reconciliation.
  const gapsBefore = reconciled.length;
  sim.faults.expire({ accountId: account.id, venue: id });
  for (let i = 0; i < 20 && reconciled.length === gapsBefore; i++) await pass(MIN);
  expect(reconciled.length).toBeGreaterThan(gapsBefore);
  expect(sim.record.requestCount('POST', path)).toBe(3);
  for (let i = 0; i < 30; i++) await step();
  await converged(sim, mirror, market, account.id);
  expect(errors).toEqual([]);

  await stream.close();
  expect(sim.record.requestCount('DELETE', path)).toBeGreaterThanOrEqual(1);
  await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
  expect(scheduler.stats.scheduled).toBe(0);
  expect(leaseRegistryOf(scheduler).size).toBe(0);
});
