import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ErrorCode, VirtualClock } from '@userstream/core';
import { DIAGNOSTICS_CHANNELS as REST_CHANNELS } from '@userstream/rest';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLeaseKey,
  createMemoryLeaseStore,
  createScheduler,
  type LeaseEvents,
  ListenTokenLease,
  type Scheduler,
} from '../src/index.js';
import { DAY, HOUR, live, MIN, seededRandom, until } from './helpers.js';
import { type PlainRest, restClient } from './rest-client.js';

const PATH = '/sapi/v1/userListenToken';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const clients: PlainRest[] = [];

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
  scheduler = createScheduler({ clock, random: seededRandom() });
});

afterEach(async () => {
  scheduler.close();
  for (const c of clients.splice(0)) await c.close();
  await sim.close();
});

function makeLease(options: { validityMs?: number; symbol?: string; renewAt?: number } = {}) {
  const venue = sim.venue(options.symbol ? 'binance-isolated-margin' : 'binance-margin');
  const account = sim.accounts[0]!;
  const rest = restClient(venue, account, clock);
  clients.push(rest);
  const events: { type: keyof LeaseEvents; info: unknown }[] = [];
  const handed: string[] = [];
  const lease = new ListenTokenLease({
    key: createLeaseKey({ venue, apiKey: account.apiKey, symbol: options.symbol }),
    scheduler,
    store: createMemoryLeaseStore({ clock }),
    owner: 'w',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    group: new URL(venue.restBaseUrl).origin,
    rest,
    ...(options.symbol ? { symbol: options.symbol } : {}),
    ...(options.validityMs ? { validityMs: options.validityMs } : {}),
    ...(options.renewAt ? { renewAt: options.renewAt } : {}),
    retry: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
    random: seededRandom(3),
  });
  lease.attach({ replaceCredential: async (t) => void handed.push(t) });
  for (const type of ['renewed', 'renewFailed', 'recreated', 'expired', 'closed'] as const) {
    lease.on(type, (info: unknown) => events.push({ type, info }));
  }
  return { lease, events, handed };
}

describe('ListenTokenLease against the simulator', () => {
  it('fetches a new token before each one expires, for days, and hands it to the stream', async () => {
    const { lease, events, handed } = makeLease({ validityMs: 6 * HOUR });
    await lease.start();
    const expiries: number[] = [lease.state().expiresAt!];
    lease.on('renewed', () => expiries.push(lease.state().expiresAt!));
    await live(clock, scheduler, 2 * DAY);
    // A 6 h token renewed at 80 % (minus jitter): every 4.3 to 4.8 h.
    const created = sim.record.requestCount('POST', PATH);
    expect(created).toBeGreaterThanOrEqual(1 + 10);
    expect(created).toBeLessThanOrEqual(1 + 12);
    expect(handed).toHaveLength(created - 1);
    expect(new Set(handed).size).toBe(handed.length);
    expect(events.filter((e) => e.type !== 'renewed')).toEqual([]);
    // Each new token came while the previous was still valid.
    const renewedAt = events.map((e) => (e.info as { at: number }).at);
    for (let i = 0; i < renewedAt.length; i++) expect(renewedAt[i]!).toBeLessThan(expiries[i]!);
    expect(lease.state()).toMatchObject({ kind: 'listenToken', status: 'active', failures: 0 });
    expect(JSON.stringify(lease.state())).not.toContain(lease.credential!);
    await lease.close();
  });

  it('recovers from eventStreamTerminated with a new token at once', async () => {
    const { lease, events, handed } = makeLease();
    await lease.start();
    const first = lease.credential!;
    lease.recreate('eventStreamTerminated');
    await live(clock, scheduler, 1_000);
    expect(lease.credential).not.toBe(first);
    expect(handed).toEqual([lease.credential]);
    expect(events.map((e) => e.type)).toEqual(['recreated']);
    expect(events[0]!.info).toMatchObject({ reason: 'eventStreamTerminated' });
  });

  it('retries a failed token request with backoff before the token lapses', async () => {
    const { lease, events } = makeLease({ validityMs: HOUR });
    await lease.start();
    // 429 from 40 to 55 min: the first renewal (~43-48 min) fails and waits the hold out.
    await live(clock, scheduler, 40 * MIN);
    sim.faults.rateLimit({ venue: 'binance-margin', retryAfterMs: 15 * MIN });
    await live(clock, scheduler, 30 * MIN);
    expect(events.some((e) => e.type === 'renewFailed')).toBe(true);
    expect(events.some((e) => e.type === 'renewed')).toBe(true);
    expect(lease.state().status).toBe('active');
    expect(lease.state().expiresAt!).toBeGreaterThan(clock.now());
  });

  it('close() aborts a token renewal the venue never answers (a token cannot be revoked: nothing to wait for)', async () => {
    const { lease, handed } = makeLease({ validityMs: HOUR });
    await lease.start();
    const failed: { method?: string; code?: unknown }[] = [];
    const onError = (message: unknown) => failed.push(message as { method?: string; code?: unknown });
    subscribe(REST_CHANNELS.error, onError);
    let safety: NodeJS.Timeout | undefined;
    try {
      sim.faults.hangRequests({ method: 'POST', path: PATH });
      await clock.advance((scheduler.stats.nextDueAt as number) - clock.now());
      await until(() => sim.record.requestCount('POST', PATH) === 2, 5_000, 'the renewal on the wire');
      expect(scheduler.stats.inFlight).toBe(1);
      // The clock stands still: the client's REST timeout never fires, only close() ends the
      // request. The real-time limit only keeps a regression from hanging the suite.
      const closed = await Promise.race([
        lease.close().then(() => 'closed'),
        new Promise((resolve) => {
          safety = setTimeout(() => resolve('still waiting on the token request'), 10_000);
        }),
      ]);
      expect(closed).toBe('closed');
      expect(failed).toContainEqual(expect.objectContaining({ method: 'POST', code: ErrorCode.Aborted }));
      expect(handed).toEqual([]);
      expect(scheduler.stats).toMatchObject({ inFlight: 0, scheduled: 0 });
    } finally {
      clearTimeout(safety);
      unsubscribe(REST_CHANNELS.error, onError);
    }
  });

  it('asks for isolated-margin tokens per symbol', async () => {
    const { lease } = makeLease({ symbol: 'BTCUSDT' });
    await lease.start();
    expect(lease.key.symbol).toBe('BTCUSDT');
    expect(lease.credential).toMatch(/^[A-Za-z0-9+/=]{8,}$/);
    expect(sim.record.requestCount('POST', PATH)).toBe(1);
    await lease.close();
  });

  it('checks renewAt', () => {
    expect(() => makeLease({ renewAt: 1.5 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/keepalive: renewAt is a share of the token's validity in (0, 1), got 1.5]`,
    );
  });
});
