/**
 * Tokocrypto (issue #13 item 7) end to end through openUserDataStream against the simulator: a
 * signed listen token from POST /open/v1/user-listen-token (its /open/v1 envelope), subscribed on
 * the WebSocket API with userDataStream.subscribe.listenToken, renewed before it ends, through a
 * dropped connection, a lapsed token (eventStreamTerminated) and a bad frame; the mirror equals
 * the simulator's book afterwards.
 * https://www.tokocrypto.com/apidocs/ (checked 2026-12-03; the search store serves that page's
 * change log only: core's venues-tokocrypto.ts says how its "User Data Streams" section was read).
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
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, liveSteps, MIN, until } from './helpers.js';
import { converged, type Market, SPOT, trader } from './trading.js';

const TOKEN_PATH = '/open/v1/user-listen-token';
const TOKOCRYPTO: Market = { ...SPOT, venue: 'tokocrypto' };

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const cleanups: (() => unknown)[] = [];
const pass = (ms: number) => liveSteps(clock, scheduler, ms, Math.min(ms, 10 * MIN));

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

describe('tokocrypto through openUserDataStream', () => {
  it('renews its token before it ends and keeps the mirror equal across a drop, a lapsed token and a bad frame', async () => {
    const account = sim.accounts.find((a) => a.keyType === 'hmac')!;
    const venue = sim.venue('tokocrypto');
    expect(venue.protocol).toBe('listenToken');
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
    const seen: string[] = [];
    stream.on('event', (e) => seen.push(e.e));
    const gaps: string[] = [];
    stream.on('gap', (g: { reason: string }) => gaps.push(g.reason));
    await mirror.ready();
    // One signed token request, its envelope read; the subscription on the WebSocket API.
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(1);
    expect(stream.lease.state()).toMatchObject({ kind: 'listenToken', status: 'active' });

    const step = trader(sim, TOKOCRYPTO, account.id, 7);
    for (let i = 0; i < 40; i++) await step();
    await converged(sim, mirror, TOKOCRYPTO, account.id);
    // Typed in the tokocrypto dialect: nothing arrived as `unknown`.
    expect(seen).toContain('executionReport');
    expect(seen).toContain('outboundAccountPosition');
    expect(seen).not.toContain('unknown');

    // Renewal: the token is fetched again before it ends (at 80% of its 24 h, the lease's default,
    // less the scheduler's jitter), subscribed again, no gap.
    const gapsBefore = gaps.length;
    const firstExpiry = stream.lease.state().expiresAt!;
    await pass(firstExpiry - 8 * HOUR - clock.now());
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(1);
    await pass(7 * HOUR);
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(2);
    expect(stream.lease.state().expiresAt!).toBeGreaterThan(firstExpiry);
    expect(gaps.length).toBe(gapsBefore);
    for (let i = 0; i < 10; i++) await step();
    await converged(sim, mirror, TOKOCRYPTO, account.id);

    // Fault 1: the WebSocket API connection dies; trades while it is down come back by reconciliation.
    sim.faults.drop({ mode: 'terminate', connections: 'wsApi' });
    sim.exchange.deposit(account.id, 'tokocrypto', 'USDT', '0.25');
    for (let i = 0; i < 10; i++) await step();
    await until(() => reconciled.some((r) => r.reason.startsWith('gap')), 5_000, 'a gap reconciliation');
    for (let i = 0; i < 20 && stream.lease.state().status !== 'active'; i++) await pass(10_000);
    await converged(sim, mirror, TOKOCRYPTO, account.id);

    // Fault 2: the token lapses on the venue (eventStreamTerminated): a new token, a gap, a reconciliation.
    const tokensBefore = sim.record.requestCount('POST', TOKEN_PATH);
    const reconciledBefore = reconciled.length;
    // Both tokens lapse: the one renewed away is still valid on the venue (tokens cannot be revoked).
    expect(sim.faults.expire({ accountId: account.id, venue: 'tokocrypto' })).toBe(2);
    for (let i = 0; i < 20 && reconciled.length === reconciledBefore; i++) await pass(MIN);
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(tokensBefore + 1);
    expect(reconciled.length).toBeGreaterThan(reconciledBefore);
    for (let i = 0; i < 20; i++) await step();
    await converged(sim, mirror, TOKOCRYPTO, account.id);

    // Fault 3: a bad frame on the subscription: reported, never a crash, the stream goes on.
    const errors: unknown[] = [];
    stream.on('error', (e) => errors.push(e));
    expect(sim.faults.malformedFrame({ venue: 'tokocrypto' })).toBe(1);
    for (let i = 0; i < 20; i++) await step();
    await pass(MIN);
    await converged(sim, mirror, TOKOCRYPTO, account.id);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['USERSTREAM_MALFORMED_FRAME']);
    expect(stream.lease.state().status).toBe('active');

    await stream.close();
    await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
    expect(scheduler.stats.scheduled).toBe(0);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });
});
