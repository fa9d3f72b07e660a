/**
 * Issue #13 item 3, BingX spot and perpetual swap end to end through openUserDataStream against
 * the simulator. The BingX-only parts on the way: the unsigned POST with X-BX-APIKEY, gzip binary
 * frames, the server's heartbeat answered (spot's {"ping"} JSON, swap's text Ping), spot's two
 * subscriptions and {data, dataType} pushes, REST answers in {code, msg, data}, and a keepalive on
 * a lost key answered with a bare 404 (read as -1125). Faults: a dropped stream, a corrupt gzip
 * frame, a keepalive on a key the venue lost, a lapsed key; the mirror equals the simulator's
 * book after each.
 * Docs (checked 2026-12-03): https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html
 * (listenKey), https://bingx-api.github.io/docs/spot/socket-account.html (spot pushes),
 * https://bingx-api.github.io/docs/swap/socket.html (gzip, Ping/Pong),
 * https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account (swap stream, events).
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
const path = '/openApi/user/auth/userDataStream';

beforeEach(async () => {
  clock = new VirtualClock();
  // The server's heartbeat hourly, a silent client dropped after 4 h (its 5 s cadence and drop
  // are pinned in the simulator's own test/bingx.test.ts).
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scheduler.close();
  await sim.close();
});

const CASES = [
  {
    id: 'bingx-spot',
    base: { ...SPOT, symbols: SPOT.symbols.slice(0, 1) },
    types: ['executionReport', 'ACCOUNT_UPDATE'],
  },
  { id: 'bingx-swap', base: FUTURES, types: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired'] },
] as const;

describe.each(CASES)('$id through openUserDataStream', (c) => {
  it('keeps the mirror equal to the exchange across a drop, a corrupt gzip frame, a lost key and a lapsed key', async () => {
    const id = c.id;
    const market: Market = { ...c.base, venue: id };
    const account = sim.accounts[0]!;
    const venue = sim.venue(id);
    expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
      'X-BX-APIKEY',
      path,
      false,
    ]);
    const stream = await openUserDataStream({
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
    const seen = new Set<string>();
    const errors: { code?: unknown }[] = [];
    stream.on('event', (e) => seen.add(e.e === 'unknown' ? `unknown:${(e as { type: string }).type}` : e.e));
    stream.on('error', (e) => errors.push(e as { code?: unknown }));
    await mirror.ready();
    expect(sim.record.requestCount('POST', path)).toBe(1);

    const step = trader(sim, market, account.id, 13);
    for (let i = 0; i < 40; i++) await step();
    await converged(sim, mirror, market, account.id);
    // Typed in the venue's dialect.
    for (const type of c.types.filter((t) => t !== 'listenKeyExpired')) expect(seen).toContain(type);

    // Five quiet hours, past the simulator's 4 h drop of a silent client: the server's heartbeat
    // is answered, so the connection stays (no reconnect, no gap).
    const quiet = reconciled.length;
    await pass(5 * HOUR);
    expect(reconciled.length).toBe(quiet);
    expect(sim.record.connections).toBe(1);

    // Fault 1: the socket dies; what happens while it is down is lost to the stream by design.
    sim.faults.drop({ mode: 'terminate', connections: 'stream', venue: id });
    sim.exchange.deposit(account.id, id, market.deposit[0], '0.25');
    for (let i = 0; i < 10; i++) await step();
    await until(() => reconciled.some((r) => r.reason.startsWith('gap')), 5_000, 'a gap reconciliation');
    for (let i = 0; i < 20 && stream.lease.state().status !== 'active'; i++) await pass(10_000);
    await converged(sim, mirror, market, account.id);
    const afterDrop = reconciled.filter((r) => r.reason.startsWith('gap')).flatMap((r) => r.differences);
    expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

    // Fault 2: a frame that does not inflate is reported (malformed); stream and mirror carry on.
    expect(sim.faults.malformedFrame({ accountId: account.id, venue: id })).toBe(1);
    await until(
      () => errors.some((e) => e.code === ErrorCode.MalformedFrame),
      5_000,
      'the bad frame reported',
    );
    for (let i = 0; i < 10; i++) await step();
    await converged(sim, mirror, market, account.id);

    // Fault 3: the venue lost the key: the next PUT gets BingX's bare 404, read as -1125, and the
    // key is re-created with POST. (The key is the account's: the fault names its key's venue.)
    sim.faults.failKeepalives({ mode: '-1125', accountId: account.id, venue: 'bingx-spot' });
    await pass(35 * MIN);
    expect(sim.record.requestCount('PUT', path)).toBeGreaterThanOrEqual(1);
    expect(sim.record.requestCount('POST', path)).toBe(2);

    // Fault 4: the key lapses on the venue (swap: listenKeyExpired; spot: a close), a new key, a
    // gap, a reconciliation.
    const gapsBefore = reconciled.length;
    sim.faults.expire({ accountId: account.id, venue: 'bingx-spot' });
    for (let i = 0; i < 20 && reconciled.length === gapsBefore; i++) await pass(MIN);
    expect(reconciled.length).toBeGreaterThan(gapsBefore);
    expect(sim.record.requestCount('POST', path)).toBe(3);
    for (let i = 0; i < 30; i++) await step();
    await converged(sim, mirror, market, account.id);
    if (c.types.includes('listenKeyExpired' as never)) expect(seen).toContain('listenKeyExpired');
    expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
    expect([...seen].filter((t) => t.startsWith('unknown'))).toEqual([]);

    await stream.close();
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
    await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
    expect(scheduler.stats.scheduled).toBe(0);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });
});
