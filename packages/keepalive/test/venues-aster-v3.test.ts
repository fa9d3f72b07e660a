/**
 * Aster futures and spot v3 end to end through openUserDataStream (issue #13 item 2): EIP-712 signed
 * listenKey requests (user, signer, µs nonce), the stream with faults (a drop, a bad frame, a
 * keepalive answered -1125, a lapsed key whose notice carries no key), an announcement (no `E`)
 * reaching the user, and the mirror equal to the simulator's book afterwards.
 * https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-futures-api-v3.md
 * (checked 2026-12-03).
 */
import { ErrorCode, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountMirror,
  createScheduler,
  leaseRegistryOf,
  type MirrorReconciled,
  type Scheduler,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, liveSteps, MIN, until } from './helpers.js';
import { converged, FUTURES, type Market, SPOT, trader } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const cleanups: (() => unknown)[] = [];
const pass = (ms: number) => liveSteps(clock, scheduler, ms, Math.min(ms, 5 * MIN));

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({
    clock,
    pingIntervalMs: HOUR,
    pongTimeoutMs: 4 * HOUR,
    accounts: [{ id: 'wallet', keyType: 'eip712' }],
  });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scheduler.close();
  await sim.close();
});

/**
 * Per venue: the book traded, the listenKey path, what the stream carries. Spot v3
 * (V3(Recommended)/EN/aster-finance-spot-api-v3.md) documents no expiry push and no announcement.
 */
const CASES = [
  {
    id: 'aster-futures-v3',
    base: FUTURES,
    path: '/fapi/v3/listenKey',
    types: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired'],
    announces: true,
  },
  {
    id: 'aster-spot-v3',
    base: { ...SPOT, symbols: SPOT.symbols.slice(0, 1) },
    path: '/api/v3/listenKey',
    types: ['executionReport', 'outboundAccountPosition'],
    announces: false,
  },
] as const;

describe.each(CASES)('$id through openUserDataStream', (c) => {
  it('signed v3 lifecycle, faults, an announcement, the mirror equal to the exchange', async () => {
    const id = c.id;
    const market: Market = { ...c.base, venue: id };
    const account = sim.accounts[0]!;
    const venue = sim.venue(id);
    const path = c.path;
    expect([venue.signing, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
      'aster-eip712',
      path,
      true,
    ]);
    const stream = await openUserDataStream({
      venue,
      credentials: {
        apiKey: account.apiKey,
        privateKey: account.privateKeyHex!,
        keyType: 'eip712',
        user: account.user!,
      },
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
    const delivered: string[] = [];
    const announcements: unknown[] = [];
    const errors: { code?: unknown }[] = [];
    stream.on('event', (e) => {
      seen.push(e.e === 'unknown' ? `unknown:${(e as { type: string }).type}` : e.e);
      delivered.push(JSON.stringify(e));
      if (e.e === 'announcement') announcements.push(e);
    });
    stream.on('error', (e) => errors.push(e as { code?: unknown }));
    await mirror.ready();
    expect(sim.record.requestCount('POST', path)).toBe(1);

    const step = trader(sim, market, account.id, 17);
    for (let i = 0; i < 40; i++) await step();
    await converged(sim, mirror, market, account.id);
    for (const type of c.types.filter((t) => t !== 'listenKeyExpired')) expect(seen).toContain(type);

    // An announcement has no E: it passes the sequencer untouched, typed, to the user.
    if (c.announces) {
      expect(sim.faults.announce({ category: 'DIRECT', accountId: account.id, title: 'welcome' })).toBe(1);
      await until(() => announcements.length === 1, 5_000, 'the announcement delivered');
      expect(announcements[0]).toMatchObject({ e: 'announcement', en: { c: 'DIRECT', t: 'welcome' } });
    } else expect(sim.faults.announce({ accountId: account.id })).toBe(0);

    // Fault 1: the socket dies; what happens while it is down is lost to the stream by design.
    sim.faults.drop({ mode: 'terminate', connections: 'stream', venue: id });
    sim.exchange.deposit(account.id, id, market.deposit[0], '0.25');
    for (let i = 0; i < 10; i++) await step();
    await until(() => reconciled.some((r) => r.reason.startsWith('gap')), 5_000, 'a gap reconciliation');
    for (let i = 0; i < 20 && stream.lease.state().status !== 'active'; i++) await pass(10_000);
    await converged(sim, mirror, market, account.id);

    // Fault 2: a bad frame is reported (malformed); stream and mirror carry on.
    expect(sim.faults.malformedFrame({ accountId: account.id, venue: id })).toBe(1);
    await until(
      () => errors.some((e) => e.code === ErrorCode.MalformedFrame),
      5_000,
      'the bad frame reported',
    );
    for (let i = 0; i < 10; i++) await step();
    await converged(sim, mirror, market, account.id);

    // Fault 3: the next (signed) keepalive is answered -1125; the key is re-created with POST.
    sim.faults.failKeepalives({ mode: '-1125', accountId: account.id, venue: id });
    await pass(35 * MIN);
    expect(sim.record.requestCount('PUT', path)).toBeGreaterThanOrEqual(1);
    expect(sim.record.requestCount('POST', path)).toBe(2);

    // Fault 4: the key lapses (futures: Aster's {e, E} notice without the key; spot: a close), a
    // new key, a gap, a reconciliation.
    const gapsBefore = reconciled.length;
    sim.faults.expire({ accountId: account.id, venue: id });
    for (let i = 0; i < 20 && reconciled.length === gapsBefore; i++) await pass(MIN);
    expect(reconciled.length).toBeGreaterThan(gapsBefore);
    expect(sim.record.requestCount('POST', path)).toBe(3);
    for (let i = 0; i < 30; i++) await step();
    await converged(sim, mirror, market, account.id);
    if (c.types.includes('listenKeyExpired' as never)) expect(seen).toContain('listenKeyExpired');
    else expect(seen).not.toContain('listenKeyExpired');
    expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);
    expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
    // No listenKey the venue handed out is in anything delivered.
    const keys = new Set(sim.record.credentialRequests().flatMap((r) => (r.listenKey ? [r.listenKey] : [])));
    // The -1125 fault leaves the key valid, so the POST after it returns the same key: two keys.
    expect(keys.size).toBe(2);
    for (const key of keys) expect(delivered.join('\n')).not.toContain(key);

    await stream.close();
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
    await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
    expect(scheduler.stats.scheduled).toBe(0);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });
});
