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
  type LeaseStore,
  ListenKeyLease,
  leaseRegistryOf,
  type Scheduler,
} from '../src/index.js';
import { captureOutput, DAY, HOUR, live, MIN, seededRandom, settle, until } from './helpers.js';
import { type PlainRest, restClient } from './rest-client.js';

const PATH = '/fapi/v1/listenKey';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
let store: ReturnType<typeof createMemoryLeaseStore>;
const clients: PlainRest[] = [];

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
  scheduler = createScheduler({ clock, random: seededRandom() });
  store = createMemoryLeaseStore({ clock });
});

afterEach(async () => {
  scheduler.close();
  for (const c of clients.splice(0)) await c.close();
  await sim.close();
});

function makeLease(
  options: {
    store?: LeaseStore;
    owner?: string;
    account?: number;
    logger?: ReturnType<typeof captureOutput>['logger'];
  } = {},
) {
  const venue = sim.venue('binance-usdm');
  const account = sim.accounts[options.account ?? 0]!;
  const rest = restClient(venue, account, clock, { timeoutMs: 5_000 });
  clients.push(rest);
  const events: { type: keyof LeaseEvents; info: unknown }[] = [];
  const lease = new ListenKeyLease({
    key: createLeaseKey({ venue, apiKey: account.apiKey }),
    scheduler,
    store: options.store ?? store,
    owner: options.owner ?? 'worker-1',
    logger: options.logger ?? { debug() {}, info() {}, warn() {}, error() {} },
    group: new URL(venue.restBaseUrl).origin,
    rest,
    renewIntervalMs: venue.timing.renewIntervalMs,
    validityMs: venue.timing.keyValidityMs,
    retry: { baseDelayMs: 1_000, maxDelayMs: 30_000 },
    random: seededRandom(7),
  });
  for (const type of ['renewed', 'renewFailed', 'recreated', 'expired', 'closed'] as const) {
    lease.on(type, (info: unknown) => events.push({ type, info }));
  }
  return { lease, rest, events, account, venue };
}

describe('ListenKeyLease against the simulator', () => {
  it('keeps one key alive for three days: one PUT about every 30 min, never two loops', async () => {
    const { lease, events } = makeLease();
    await lease.start();
    const key = lease.credential!;
    await live(clock, scheduler, 3 * DAY);
    const puts = sim.record.keepalives(key);
    // 30 min minus up to 10 % jitter: 48 to 54 renewals a day.
    expect(puts.length).toBeGreaterThanOrEqual(3 * 48);
    expect(puts.length).toBeLessThanOrEqual(3 * 54);
    const gaps = puts.slice(1).map((t, i) => t - puts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(27 * MIN);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30 * MIN);
    expect(sim.record.requestCount('POST', PATH)).toBe(1);
    expect(lease.credential).toBe(key);
    expect(events.filter((e) => e.type !== 'renewed')).toEqual([]);
    const state = lease.state();
    expect(state).toMatchObject({
      kind: 'listenKey',
      status: 'active',
      failures: 0,
      consecutiveFailures: 0,
      recreations: 0,
    });
    expect(state.renewals).toBe(puts.length);
    expect(state.age).toBe(3 * DAY);
    expect(state.nextRenewalAt! - clock.now()).toBeLessThanOrEqual(30 * MIN);
    expect(JSON.stringify(state)).not.toContain(key);
    await lease.close();
    expect(sim.record.requestCount('DELETE', PATH)).toBe(1);
    expect(scheduler.stats.scheduled).toBe(0);
  });

  it('retries failed keepalives (5xx, timeout) with backoff well before the key lapses', async () => {
    const { lease, events } = makeLease();
    await lease.start();
    const key = lease.credential!;
    sim.faults.failKeepalives({ count: 3, mode: '5xx' });
    await live(clock, scheduler, 31 * MIN);
    sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
    await live(clock, scheduler, 40 * MIN);
    const failed = events.filter((e) => e.type === 'renewFailed');
    expect(failed.length).toBe(4);
    // Every retry came long before the 60 min validity ran out: the key never changed.
    expect(lease.credential).toBe(key);
    expect(sim.record.requestCount('POST', PATH)).toBe(1);
    expect(events.some((e) => e.type === 'renewed')).toBe(true);
    expect(lease.state()).toMatchObject({ failures: 4, consecutiveFailures: 0, status: 'active' });
    const puts = sim.record.keepalives(key);
    expect(puts.length).toBeGreaterThanOrEqual(2);
    await lease.close();
  });

  it('close() aborts a keepalive the venue never answers, still deletes the key, and leaves nothing', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const baseline = sockets();
    const { lease, rest } = makeLease();
    await lease.start();
    const failed: { method?: string; code?: unknown }[] = [];
    const onError = (message: unknown) => failed.push(message as { method?: string; code?: unknown });
    subscribe(REST_CHANNELS.error, onError);
    let safety: NodeJS.Timeout | undefined;
    try {
      sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
      // To the first renewal: the PUT goes out and the simulator never answers it.
      await clock.advance((scheduler.stats.nextDueAt as number) - clock.now());
      await until(() => sim.record.requestCount('PUT', PATH) === 1, 5_000, 'the keepalive on the wire');
      expect(scheduler.stats.inFlight).toBe(1);
      // The virtual clock stands still from here: the client's 5 s REST timeout cannot end the PUT,
      // only close() can. The real-time limit is a safety net against a hang, not the assertion.
      const closed = await Promise.race([
        lease.close().then(() => 'closed'),
        new Promise((resolve) => {
          safety = setTimeout(() => resolve('still waiting on the PUT'), 10_000);
        }),
      ]);
      expect(closed).toBe('closed');
      // The PUT ended as aborted on the client, the DELETE still went out and was answered.
      expect(failed).toContainEqual(expect.objectContaining({ method: 'PUT', code: ErrorCode.Aborted }));
      expect(sim.record.requestCount('DELETE', PATH)).toBe(1);
      expect(failed.filter((f) => f.method === 'DELETE')).toEqual([]);
      expect(scheduler.stats).toMatchObject({ inFlight: 0, scheduled: 0 });
      await rest.close();
      expect(clock.pending).toBe(0);
      await until(() => sockets() <= baseline, 5_000, 'every socket closed');
    } finally {
      clearTimeout(safety);
      unsubscribe(REST_CHANNELS.error, onError);
    }
  });

  it('creates a new key on -1125 and hands it over', async () => {
    const { lease, events } = makeLease();
    const received: string[] = [];
    lease.attach({ replaceCredential: async (k) => void received.push(k) });
    await lease.start();
    const first = lease.credential!;
    // The venue forgot the key: expire it, so the next PUT gets -1125.
    sim.faults.expire({ listenKey: first });
    await live(clock, scheduler, 31 * MIN);
    const second = lease.credential!;
    expect(second).not.toBe(first);
    expect(received).toEqual([second]);
    const recreated = events.find((e) => e.type === 'recreated');
    expect(recreated?.info).toMatchObject({ reason: 'listenKeyNotFound' });
    expect(lease.state()).toMatchObject({ recreations: 1, status: 'active' });
    await live(clock, scheduler, 2 * HOUR);
    expect(sim.record.keepalives(second).length).toBeGreaterThanOrEqual(4);
    await lease.close();
  });

  it('on a -1125 for a key the venue still has, POST returns that key: no handover needed', async () => {
    const { lease, events } = makeLease();
    const received: string[] = [];
    lease.attach({ replaceCredential: async (k) => void received.push(k) });
    await lease.start();
    const key = lease.credential!;
    sim.faults.failKeepalives({ count: 1, mode: '-1125' });
    await live(clock, scheduler, 31 * MIN);
    expect(events.map((e) => e.type)).toEqual(['renewFailed', 'renewed']);
    expect((events[0]!.info as { error: { exchangeCode: number } }).error.exchangeCode).toBe(-1125);
    expect(sim.record.requestCount('POST', PATH)).toBe(2);
    expect(lease.credential).toBe(key);
    expect(received).toEqual([]);
    await lease.close();
  });

  it('recreates at once when the stream reports listenKeyExpired, coalescing duplicate reports', async () => {
    const { lease, events } = makeLease();
    await lease.start();
    const first = lease.credential!;
    sim.faults.expire({ listenKey: first });
    lease.recreate('listenKeyExpired');
    lease.recreate('listenKeyExpired');
    await live(clock, scheduler, 1_000);
    expect(lease.credential).not.toBe(first);
    expect(sim.record.requestCount('POST', PATH)).toBe(2);
    expect(events.filter((e) => e.type === 'recreated')).toHaveLength(1);
    await lease.close();
  });

  it('stops sending while banned (418) and recovers the key afterwards', async () => {
    const { lease, events } = makeLease();
    await lease.start();
    const first = lease.credential!;
    sim.faults.ban({ venue: 'binance-usdm', durationMs: 2 * HOUR });
    await live(clock, scheduler, 31 * MIN);
    const failed = events.filter((e) => e.type === 'renewFailed');
    expect(failed).toHaveLength(1);
    const before = sim.record.requestCount('PUT', PATH) + sim.record.requestCount('POST', PATH);
    // During the ban nothing is sent to the venue.
    await live(clock, scheduler, 80 * MIN);
    expect(sim.record.requestCount('PUT', PATH) + sim.record.requestCount('POST', PATH)).toBe(before);
    expect(scheduler.holdUntil(new URL(sim.urls.rest).origin)).toBeDefined();
    // After it: the key lapsed meanwhile, so a new one is made.
    await live(clock, scheduler, 30 * MIN);
    expect(lease.credential).not.toBe(first);
    expect(events.some((e) => e.type === 'expired')).toBe(true);
    expect(lease.state().status).toBe('active');
    await lease.close();
  });

  it('waits out a 429 Retry-After before renewing', async () => {
    const { lease, events } = makeLease();
    await lease.start();
    sim.faults.rateLimit({ venue: 'binance-usdm', retryAfterMs: 40 * MIN });
    await live(clock, scheduler, 31 * MIN);
    expect(events.filter((e) => e.type === 'renewFailed')).toHaveLength(1);
    expect(events.some((e) => e.type === 'renewed')).toBe(false);
    const putsBefore = sim.record.requestCount('PUT', PATH);
    await live(clock, scheduler, 5 * MIN);
    // Held: nothing sent while the 429 lasts.
    expect(sim.record.requestCount('PUT', PATH)).toBe(putsBefore);
    await live(clock, scheduler, 15 * MIN);
    expect(events.some((e) => e.type === 'renewed')).toBe(true);
    expect(lease.state().status).toBe('active');
    await lease.close();
  });

  it('fences: a worker that lost ownership neither renews nor deletes the key', async () => {
    const lost: LeaseStore = {
      ...store,
      get: store.get,
      put: store.put,
      delete: store.delete,
      claim: store.claim,
      renewOwnership: async () => undefined,
      release: store.release,
    };
    const { lease, events } = makeLease({ store: lost });
    await lease.start();
    await live(clock, scheduler, 31 * MIN);
    expect(events.map((e) => e.type)).toEqual(['expired']);
    expect(events[0]!.info).toMatchObject({ reason: 'ownership-lost' });
    expect(sim.record.requestCount('PUT', PATH)).toBe(0);
    await lease.close();
    expect(sim.record.requestCount('DELETE', PATH)).toBe(0);
  });

  it('fleet takeover: short ownership TTL, a dead worker is replaced, and its late close() deletes nothing', async () => {
    const venue = sim.venue('binance-usdm');
    const account = sim.accounts[0]!;
    const key = createLeaseKey({ venue, apiKey: account.apiKey });
    const workerA = createScheduler({ clock, random: seededRandom(1) });
    const make = (owner: string, s: Scheduler) => {
      const rest = restClient(venue, account, clock);
      clients.push(rest);
      return new ListenKeyLease({
        key,
        scheduler: s,
        store,
        owner,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        group: 'usdm',
        rest,
        renewIntervalMs: venue.timing.renewIntervalMs,
        validityMs: venue.timing.keyValidityMs,
        ownershipTtlMs: 60_000,
        ownershipRenewMs: 20_000,
      });
    };
    const a = make('worker-a', workerA);
    await a.start();
    const listenKey = a.credential!;
    // Worker A keeps its ownership alive: B cannot take the account.
    await live(clock, workerA, 5 * MIN);
    const b = make('worker-b', scheduler);
    await expect(b.start()).rejects.toMatchObject({ code: 'USERSTREAM_LEASE_LOST' });
    // Worker A dies (its scheduler stops). Within the TTL, B takes over with a newer fencing token
    // and gets the same listenKey back from the venue.
    workerA.close();
    await clock.advance(61_000);
    const b2 = make('worker-b', scheduler);
    await b2.start();
    expect(b2.credential).toBe(listenKey);
    expect((await store.get(key))?.record.owner).toBe('worker-b');
    await live(clock, scheduler, HOUR);
    expect(sim.record.keepalives(listenKey).length).toBe(2);
    // The old worker's close (a zombie waking up) is fenced off: no DELETE of B's key.
    await a.close();
    expect(sim.record.requestCount('DELETE', PATH)).toBe(0);
    await live(clock, scheduler, HOUR);
    expect(sim.record.keepalives(listenKey).length).toBe(4);
    await b2.close();
    expect(sim.record.requestCount('DELETE', PATH)).toBe(1);
  });

  it('refuses to start when another worker owns the account+market', async () => {
    const { lease, venue, account } = makeLease();
    await store.claim(createLeaseKey({ venue, apiKey: account.apiKey }), 'worker-2', HOUR);
    await expect(lease.start()).rejects.toMatchObject({ code: 'USERSTREAM_LEASE_LOST' });
    expect(sim.record.requestCount('POST', PATH)).toBe(0);
  });

  it('shares one lease between concurrent opens of one account+market (refcounted)', async () => {
    const venue = sim.venue('binance-usdm');
    const key = createLeaseKey({ venue, apiKey: sim.accounts[0]!.apiKey });
    let made = 0;
    const create = () => {
      made++;
      return makeLease().lease;
    };
    const [a, b, c] = await Promise.all([
      leaseRegistryOf(scheduler).acquire(key, create, (l) => l.start()),
      leaseRegistryOf(scheduler).acquire(key, create, (l) => l.start()),
      leaseRegistryOf(scheduler).acquire(key, create, (l) => l.start()),
    ]);
    expect(made).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(sim.record.requestCount('POST', PATH)).toBe(1);
    await live(clock, scheduler, 2 * HOUR);
    expect(sim.record.keepalives(a.credential as string).length).toBeLessThanOrEqual(5);
    await leaseRegistryOf(scheduler).release(key, a);
    await leaseRegistryOf(scheduler).release(key, b);
    expect(sim.record.requestCount('DELETE', PATH)).toBe(0);
    await leaseRegistryOf(scheduler).release(key, c);
    expect(sim.record.requestCount('DELETE', PATH)).toBe(1);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });

  it('a failed first POST rejects every concurrent opener and leaves nothing behind', async () => {
    const venue = sim.venue('binance-usdm');
    const key = createLeaseKey({ venue, apiKey: sim.accounts[0]!.apiKey });
    sim.faults.ban({ venue: 'binance-usdm', durationMs: HOUR });
    const results = await Promise.allSettled([
      leaseRegistryOf(scheduler).acquire(
        key,
        () => makeLease().lease,
        (l) => l.start(),
      ),
      leaseRegistryOf(scheduler).acquire(
        key,
        () => makeLease().lease,
        (l) => l.start(),
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'USERSTREAM_IP_BANNED' });
    expect(leaseRegistryOf(scheduler).size).toBe(0);
    expect(scheduler.stats.jobs).toBe(0);
    expect(await store.get(key)).toBeUndefined();
    // After the ban, a new open starts cleanly.
    await clock.advance(HOUR);
    const lease = await leaseRegistryOf(scheduler).acquire(
      key,
      () => makeLease().lease,
      (l) => l.start(),
    );
    expect(lease.state().status).toBe('active');
    await leaseRegistryOf(scheduler).release(key, lease);
  });

  it('never puts the listenKey or API key in events, state, diagnostics or logs', async () => {
    const out = captureOutput();
    try {
      const { lease, events, account } = makeLease({ logger: out.logger });
      await lease.start();
      sim.faults.failKeepalives({ count: 2, mode: '5xx' });
      await live(clock, scheduler, 31 * MIN);
      sim.faults.expire({ listenKey: lease.credential! });
      await live(clock, scheduler, 31 * MIN);
      const key = lease.credential!;
      await lease.close();
      await settle(scheduler);
      const text = out.text() + JSON.stringify(events) + JSON.stringify(lease.state());
      expect(out.messages.length).toBeGreaterThan(3);
      for (const secret of [key, account.apiKey, account.secret!]) expect(text).not.toContain(secret);
      expect(text).toContain('renew-failed');
    } finally {
      out.stop();
    }
  });
});
