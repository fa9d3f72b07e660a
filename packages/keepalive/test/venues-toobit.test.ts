/**
 * Issue #13 item 4, Toobit spot end to end through openUserDataStream against the simulator.
 * The Toobit-only parts on the way: the signed POST with X-BB-APIKEY, JSON-array frames typed in
 * the toobit dialect, `{"ping"}`/`{"pong"}` keeping the connection inside Toobit's 5 silent
 * minutes, and `listenKeyWillExpire` (pushed every minute in a key's last 5 minutes) renewing the
 * key at once. Faults: a dropped stream, a bad frame, a keepalive answered -1125, a lapsed key; the
 * mirror equals the simulator's book after each.
 * Docs (checked 2026-12-03): https://api-docs.toobit.com/api/spot-websocket-account.html,
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html (listenKeyWillExpire),
 * https://api-docs.toobit.com/api/spot-websocket-market-data.html (heartbeat).
 */
import { ErrorCode, type VenueProfile, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  AccountMirror,
  createScheduler,
  leaseRegistryOf,
  type MirrorReconciled,
  type Scheduler,
  type UserDataStreamHandle,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, liveSteps, MIN, until } from './helpers.js';
import { BHEX, converged, type Market, trader } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const cleanups: (() => unknown)[] = [];
// Steps shorter than the client's 1 min ping, so each ping reaches the simulator before the next
// step (Toobit drops a connection silent for 5 minutes).
const pass = (ms: number) => liveSteps(clock, scheduler, ms, 20_000);
const id = 'toobit-spot';
const path = '/api/v1/userDataStream';

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  // No jitter: the renewal times below are exact.
  scheduler = createScheduler({ clock, jitter: 0 });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scheduler.close();
  await sim.close();
});

async function open(venue: VenueProfile, lease?: { renewIntervalMs: number }): Promise<UserDataStreamHandle> {
  const account = sim.accounts[0]!;
  const stream = await openUserDataStream({
    venue,
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
    ...(lease ? { lease } : {}),
    rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
    stream: {
      heartbeat: { pingIntervalMs: MIN, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR },
      reconnect: { baseDelayMs: 10_000, maxDelayMs: 10 * MIN },
      requestTimeoutMs: 5 * MIN,
      openTimeoutMs: 5 * MIN,
    },
  });
  cleanups.push(() => stream.close());
  return stream;
}

it('toobit-spot: the mirror equals the exchange across a drop, a bad frame, a -1125 keepalive and a lapsed key', async () => {
  const market: Market = { ...BHEX, venue: id };
  const account = sim.accounts[0]!;
  const venue = sim.venue(id);
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
    'X-BB-APIKEY',
    path,
    true,
  ]);
  const stream = await open(venue);
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
  // Typed in the toobit dialect: every array frame's events, the fills' ticketInfo too.
  expect([...seen].sort()).toEqual(['executionReport', 'outboundAccountInfo', 'ticketInfo']);

  // Quiet for 10 minutes: the client's {"ping"} keeps the connection (no reconnect, no gap).
  const before = reconciled.length;
  await pass(10 * MIN);
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

  // Fault 3: the next keepalive is answered -1125; the key is re-created with POST.
  sim.faults.failKeepalives({ mode: '-1125', accountId: account.id, venue: id });
  await pass(35 * MIN);
  expect(sim.record.requestCount('PUT', path)).toBeGreaterThanOrEqual(1);
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 4: the key lapses on the venue (Toobit just closes), a new key, a gap, a reconciliation.
  const gapsBefore = reconciled.length;
  sim.faults.expire({ accountId: account.id, venue: id });
  for (let i = 0; i < 20 && reconciled.length === gapsBefore; i++) await pass(MIN);
  expect(reconciled.length).toBeGreaterThan(gapsBefore);
  expect(sim.record.requestCount('POST', path)).toBe(3);
  for (let i = 0; i < 30; i++) await step();
  await converged(sim, mirror, market, account.id);
  expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
  expect([...seen].filter((t) => t.startsWith('unknown'))).toEqual([]);

  await stream.close();
  expect(sim.record.requestCount('DELETE', path)).toBe(1);
  await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
  expect(scheduler.stats.scheduled).toBe(0);
  expect(leaseRegistryOf(scheduler).size).toBe(0);
});

it('toobit-spot: listenKeyWillExpire renews the key at once (a client on the futures page advice of 60 min keeps its key)', async () => {
  // Renewing every 60 minutes races the key's 60 min validity; Toobit's notice at 55 min saves it.
  const stream = await open(sim.venue(id), { renewIntervalMs: 60 * MIN });
  const notices: number[] = [];
  const renewed: number[] = [];
  stream.on('event', (e) => {
    if (e.e === 'listenKeyWillExpire') notices.push(clock.now());
  });
  stream.lease.on('renewed', (r) => renewed.push(r.at));
  const start = clock.now();
  await until(() => stream.lease.state().status === 'active', 5_000, 'the stream open');
  await pass(54 * MIN);
  expect(sim.record.requestCount('PUT', path)).toBe(0);
  await pass(2 * MIN);
  // The notice at 55 min: one PUT right then, and no more notices for this key's new hour.
  expect(notices).toEqual([start + 55 * MIN]);
  expect(sim.record.requestCount('PUT', path)).toBe(1);
  expect(renewed[0]! - start).toBeGreaterThanOrEqual(55 * MIN);
  expect(renewed[0]! - start).toBeLessThan(56 * MIN);
  // The key lives on (never re-created): still one POST after two more hours.
  await pass(2 * HOUR);
  expect(sim.record.requestCount('POST', path)).toBe(1);
  expect(stream.lease.state().status).toBe('active');
});
