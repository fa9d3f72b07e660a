/**
 * Issue #13 venues end to end through openUserDataStream against the simulator, with faults: a
 * dropped stream, a keepalive answered -1125, a lapsed key. The mirror equals the simulator's
 * book afterwards.
 * coins.xyz and Coins TH (item 6), Coins.ph's protocol on their own hosts:
 *   https://coins-docs.github.io/xyz/user-data-stream (checked 2026-12-03)
 *   https://docs.coins.co.th/user-data-stream (checked 2026-12-03)
 * Aster futures and spot (item 2), v1 listenKeys with the API key only (X-MBX-APIKEY):
 *   https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-futures-api.md and
 *   …/aster-finance-spot-api.md (commit 265e024, checked 2026-12-03)
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
import { COINS, converged, FUTURES, type Market, SPOT, trader } from './trading.js';

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

/** Per venue: the market traded, the documented header and path, and what the stream carries. */
const CASES = [
  {
    id: 'coins-xyz',
    base: COINS,
    header: 'X-COINS-APIKEY',
    path: '/openapi/v1/userDataStream',
    signed: true,
    types: ['executionReport', 'outboundAccountPosition'],
    // Coins' pages document no listenKeyExpired: a lapse just closes the socket, and no event
    // arrives untyped (the simulator used to send Binance's notice, key included).
    untyped: [],
  },
  {
    id: 'coins-th',
    base: COINS,
    header: 'X-COINS-APIKEY',
    path: '/openapi/v1/userDataStream',
    signed: true,
    types: ['executionReport', 'outboundAccountPosition'],
    untyped: [],
  },
  {
    id: 'aster-futures',
    base: FUTURES,
    header: 'X-MBX-APIKEY',
    path: '/fapi/v1/listenKey',
    signed: false,
    types: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired'],
    untyped: [],
  },
  {
    id: 'aster-spot',
    base: { ...SPOT, symbols: SPOT.symbols.slice(0, 1) },
    header: 'X-MBX-APIKEY',
    path: '/api/v1/listenKey',
    signed: false,
    types: ['executionReport', 'outboundAccountPosition'],
    // Aster's spot page documents no listenKeyExpired: a lapse just closes the socket.
    untyped: [],
  },
] as const;

describe.each(CASES)('$id through openUserDataStream', (c) => {
  it('keeps the mirror equal to the exchange across a drop, a -1125 keepalive and a lapsed key', async () => {
    const id = c.id;
    const market: Market = { ...c.base, venue: id };
    const account = sim.accounts[0]!;
    const venue = sim.venue(id);
    expect(venue.apiKeyHeader).toBe(c.header);
    const path = venue.listenKey!.create.path;
    expect(path).toBe(c.path);
    expect(venue.listenKey!.create.signed).toBe(c.signed);
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
    // Typed in the venue's dialect.
    for (const type of c.types.filter((t) => t !== 'listenKeyExpired')) expect(seen).toContain(type);

    // Fault 1: the socket dies; trades while it is down are lost to the stream by design.
    sim.faults.drop({ mode: 'terminate', connections: 'stream', venue: id });
    sim.exchange.deposit(account.id, id, market.deposit[0], '0.25');
    for (let i = 0; i < 10; i++) await step();
    await until(() => reconciled.some((r) => r.reason.startsWith('gap')), 5_000, 'a gap reconciliation');
    for (let i = 0; i < 20 && stream.lease.state().status !== 'active'; i++) await pass(10_000);
    await converged(sim, mirror, market, account.id);
    // The reconciliation found what the dead socket missed (the deposit at least).
    const afterDrop = reconciled.filter((r) => r.reason.startsWith('gap')).flatMap((r) => r.differences);
    expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

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
    if (c.types.includes('listenKeyExpired' as never)) expect(seen).toContain('listenKeyExpired');
    expect(unknownTypes).toEqual(c.untyped);

    await stream.close();
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
    await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
    expect(scheduler.stats.scheduled).toBe(0);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });
});
