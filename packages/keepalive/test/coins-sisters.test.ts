/**
 * Issue #13 item 6: coins.xyz and Coins TH, Coins.ph's protocol on their own hosts, end to end
 * through openUserDataStream against the simulator, with faults: a dropped stream, a keepalive
 * answered -1125, a lapsed key. The mirror equals the simulator's book afterwards.
 * https://coins-docs.github.io/xyz/user-data-stream (checked 2026-12-03)
 * https://docs.coins.co.th/user-data-stream (checked 2026-12-03)
 */
import { VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import { COINS, converged, type Market, trader } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const cleanups: (() => unknown)[] = [];
const pass = (ms: number) => liveSteps(clock, scheduler, ms, Math.min(ms, 5 * MIN));

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

describe.each(['coins-xyz', 'coins-th'] as const)('%s through openUserDataStream', (id) => {
  it('keeps the mirror equal to the exchange across a drop, a -1125 keepalive and a lapsed key', async () => {
    const market: Market = { ...COINS, venue: id };
    const account = sim.accounts[0]!;
    const venue = sim.venue(id);
    expect(venue.apiKeyHeader).toBe('X-COINS-APIKEY');
    const path = venue.listenKey!.create.path;
    expect(path).toBe('/openapi/v1/userDataStream');
    const stream: UserDataStreamHandle = await openUserDataStream({
      venue,
      credentials: { apiKey: account.apiKey, secret: account.secret! },
      scheduler,
      rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
      stream: {
        heartbeat: { pingIntervalMs: HOUR, pongTimeoutMs: 2 * HOUR, inactivityTimeoutMs: 6 * HOUR },
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
    const seen: string[] = [];
    const unknownTypes: unknown[] = [];
    stream.on('event', (e) => {
      seen.push(e.e);
      if (e.e === 'unknown') unknownTypes.push((e as { type?: unknown }).type);
    });
    await mirror.ready();
    // The signed create (HMAC over timestamp) reached the venue's path once.
    expect(sim.record.requestCount('POST', path)).toBe(1);

    const step = trader(sim, market, account.id, 13);
    for (let i = 0; i < 40; i++) await step();
    await converged(sim, mirror, market, account.id);
    // The coins dialect: executionReport and outboundAccountPosition, typed (no 'unknown').
    expect(seen).toContain('executionReport');
    expect(seen).toContain('outboundAccountPosition');

    // Fault 1: the socket dies; trades while it is down are lost to the stream by design.
    sim.faults.drop({ mode: 'terminate', connections: 'stream', venue: id });
    sim.exchange.deposit(account.id, id, 'BTC', '0.25');
    for (let i = 0; i < 10; i++) await step();
    await until(() => reconciled.some((r) => r.reason.startsWith('gap')), 5_000, 'a gap reconciliation');
    for (let i = 0; i < 20 && stream.lease.state().status !== 'active'; i++) await pass(10_000);
    await converged(sim, mirror, market, account.id);
    // The reconciliation found what the dead socket missed (the BTC deposit at least).
    const afterDrop = reconciled.filter((r) => r.reason.startsWith('gap')).flatMap((r) => r.differences);
    expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === 'BTC')).toBe(true);

    // Fault 2: the next keepalive is answered -1125; the key is re-created with POST.
    sim.faults.failKeepalives({ mode: '-1125', accountId: account.id, venue: id });
    await pass(35 * MIN);
    expect(sim.record.requestCount('PUT', path)).toBeGreaterThanOrEqual(1);
    expect(sim.record.requestCount('POST', path)).toBe(2);

    // Fault 3: the key lapses on the venue (the stream closes), a new key, a gap, a reconciliation.
    const gapsBefore = reconciled.length;
    sim.faults.expire({ accountId: account.id, venue: id });
    for (let i = 0; i < 20 && reconciled.length === gapsBefore; i++) await pass(MIN);
    expect(reconciled.map((r) => r.reason).slice(-1)).toEqual(['gap:credential-changed']);
    expect(sim.record.requestCount('POST', path)).toBe(3);
    for (let i = 0; i < 30; i++) await step();
    await converged(sim, mirror, market, account.id);
    // Coins' pages document no listenKeyExpired (the coins dialect has no schema for it), yet the
    // simulator sends Binance's one on a lapse: it arrives untyped. Nothing else may.
    expect(unknownTypes).toEqual(['listenKeyExpired']);

    await stream.close();
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
    await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
    expect(scheduler.stats.scheduled).toBe(0);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });
});
