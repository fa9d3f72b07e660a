/**
 * Issue #13 item 5, Bitrue spot end to end through openUserDataStream against the simulator.
 * The Bitrue-only parts on the way: the unsigned POST with X-MBX-APIKEY answered in a
 * `{code:200, data}` envelope, PUT/DELETE with the key in the path, a subscription per channel
 * (user_order_update, user_balance_update) on every connection and its acknowledgement taken out,
 * gzip frames, `{"ping"}`/`{"pong"}`, ORDER/BALANCE with numeric enums mapped into the mirror, and
 * -1150 for an unknown key. Faults: a dropped stream, a bad frame, a keepalive refused, a lapsed
 * key; the mirror equals the simulator's book after each.
 * Docs (checked 2026-12-03): https://github.com/Bitrue-exchange/Spot-official-api-docs
 * ("User Data Streams", "Order Update", "balance update"); the live ORDER/BALANCE names and the
 * {ping}/{pong} heartbeat from ccxt's bitrue pro client (https://github.com/ccxt/ccxt, ts/src/pro/bitrue.ts).
 */
import { ErrorCode, VirtualClock } from '@userstream/core';
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
// Steps shorter than the pings (the server's every 30 s, the client's every minute).
const pass = (ms: number) => liveSteps(clock, scheduler, ms, 20_000);
const id = 'bitrue-spot';
const path = '/poseidon/api/v1/listenKey';
/** PUT or DELETE requests on any key's path. */
const keyed = (method: string) =>
  Object.entries(sim.record.requests())
    .filter(([k]) => k.startsWith(`${method} ${path}/`))
    .reduce((n, [, c]) => n + c, 0);

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  scheduler = createScheduler({ clock, jitter: 0 });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scheduler.close();
  await sim.close();
});

it('bitrue-spot: the mirror equals the exchange across a drop, a bad frame, a -1150 keepalive and a lapsed key', async () => {
  const market: Market = { ...SPOT, venue: id, symbols: SPOT.symbols.slice(0, 1) };
  const account = sim.accounts[0]!;
  const venue = sim.venue(id);
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.keepAlive.path]).toEqual([
    'X-MBX-APIKEY',
    path,
    `${path}/{listenKey}`,
  ]);
  const stream = await openUserDataStream({
    venue,
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
    rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
    stream: {
      heartbeat: { pingIntervalMs: MIN, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR },
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
  const errors: { code?: unknown }[] = [];
  stream.on('event', (e) => seen.add(e.e === 'unknown' ? `unknown:${(e as { type: string }).type}` : e.e));
  stream.on('error', (e) => errors.push(e as { code?: unknown }));
  await mirror.ready();
  expect(sim.record.requestCount('POST', path)).toBe(1);

  const step = trader(sim, market, account.id, 13);
  for (let i = 0; i < 40; i++) await step();
  await converged(sim, mirror, market, account.id);
  // Typed in the bitrue dialect, both subscribed channels; the acks never reach the user.
  expect([...seen].sort()).toEqual(['BALANCE', 'ORDER']);

  // Quiet for 20 minutes: pings both ways keep the connection (no reconnect, no gap).
  const before = reconciled.length;
  await pass(20 * MIN);
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

  // Fault 2: a bad frame is reported (malformed), and the stream and the mirror carry on.
  expect(sim.faults.malformedFrame({ venue: id })).toBe(1);
  await until(() => errors.some((e) => e.code === ErrorCode.MalformedFrame), 5_000, 'the bad frame reported');
  for (let i = 0; i < 10; i++) await step();
  await converged(sim, mirror, market, account.id);

  // Fault 3: the next keepalive is answered -1150 (Bitrue's unknown key); the key is re-created with POST.
  sim.faults.failKeepalives({ mode: '-1125', accountId: account.id, venue: id });
  await pass(35 * MIN);
  expect(keyed('PUT')).toBeGreaterThanOrEqual(1);
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 4: the key lapses on the venue (Bitrue just closes), a new key, a gap, a reconciliation.
  const gapsBefore = reconciled.length;
  sim.faults.expire({ accountId: account.id, venue: id });
  for (let i = 0; i < 20 && reconciled.length === gapsBefore; i++) await pass(MIN);
  expect(reconciled.length).toBeGreaterThan(gapsBefore);
  expect(sim.record.requestCount('POST', path)).toBe(3);
  for (let i = 0; i < 30; i++) await step();
  await converged(sim, mirror, market, account.id);
  expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
  // The injected bad frame, and nothing else: the subscription acks of every connection were taken out.
  expect(errors.filter((e) => e.code === ErrorCode.MalformedFrame)).toHaveLength(1);
  expect([...seen].filter((t) => t.startsWith('unknown'))).toEqual([]);

  await stream.close();
  expect(keyed('DELETE')).toBe(1);
  await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
  expect(scheduler.stats.scheduled).toBe(0);
  expect(leaseRegistryOf(scheduler).size).toBe(0);
});
