/**
 * Issue #18's listenKey venues through openUserDataStream against the simulator: events flow,
 * renewal on the venue's interval, expiry → new key with a gap, close sends DELETE.
 * Options: https://developers.binance.com/docs/derivatives/option/user-data-streams (60 min keys,
 *   PUT extends 60 min; POST/PUT/DELETE /eapi/v1/listenKey)
 * Cross-margin risk stream: https://developers.binance.com/docs/margin_trading/risk-data-stream
 *   (60 min keys on /sapi/v1/margin/listen-key, wss://margin-stream.binance.com)
 * PM Pro: a /fapi/v1/listenKey key on the pm-classic route (its user-data page is not in our
 *   docs store; lifecycle per https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Connect)
 * COIN-M testnet: the COIN-M lifecycle on the testnet hosts.
 */
import { type VenueId, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScheduler, leaseRegistryOf, type Scheduler, type UserDataStreamHandle } from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, liveSteps, MIN, until } from './helpers.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const open: UserDataStreamHandle[] = [];

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  scheduler.close();
  await sim.close();
});

const pass = (ms: number) => liveSteps(clock, scheduler, ms, Math.min(ms, 5 * MIN));

/**
 * Activity that makes each venue's stream carry events, typed in the venue's dialect (options
 * trade on the simulator's options market; the risk stream carries the margin account's risk
 * events only).
 */
const ACTIVITY: Partial<Record<VenueId, (accountId: string, n: number) => string>> = {
  'binance-options': (accountId) => {
    sim.exchange.options(accountId, 'place', {
      symbol: 'BTC-261225-60000-P',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.1',
    });
    return 'BALANCE_POSITION_UPDATE';
  },
  // A borrow: the margin account gets outboundAccountPosition and USER_LIABILITY_CHANGE; the
  // risk data stream carries only the latter.
  'binance-margin-risk': (accountId, n) => {
    sim.exchange.borrowRepay(accountId, 'binance-margin', {
      type: 'BORROW',
      asset: 'USDT',
      amount: String(n),
    });
    return 'USER_LIABILITY_CHANGE';
  },
  'binance-pm-pro': (accountId, n) => {
    sim.exchange.deposit(accountId, 'binance-pm-pro', 'USDT', String(n));
    return 'ACCOUNT_UPDATE';
  },
  'binance-coinm-testnet': (accountId, n) => {
    sim.exchange.deposit(accountId, 'binance-coinm-testnet', 'BTC', String(n));
    return 'ACCOUNT_UPDATE';
  },
};

describe.each(['binance-options', 'binance-margin-risk', 'binance-pm-pro', 'binance-coinm-testnet'] as const)(
  '%s through openUserDataStream',
  (id) => {
    it('streams, renews on the venue interval, replaces an expired key with a gap, and deletes it on close', async () => {
      const account = sim.accounts[0]!;
      const venue = sim.venue(id);
      const path = venue.listenKey!.create.path;
      const stream = await openUserDataStream({
        venue,
        credentials: { apiKey: account.apiKey, secret: account.secret! },
        scheduler,
        rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
        stream: {
          heartbeat: { pingIntervalMs: HOUR, pongTimeoutMs: 2 * HOUR, inactivityTimeoutMs: 6 * HOUR },
          reconnect: { baseDelayMs: 10_000, maxDelayMs: 10 * MIN },
          openTimeoutMs: 5 * MIN,
        },
      });
      open.push(stream);
      const seen: string[] = [];
      const gaps: unknown[] = [];
      stream.on('event', (e) => seen.push(e.e));
      stream.on('gap', (g) => gaps.push(g));
      expect(sim.record.requestCount('POST', path)).toBe(1);

      const activity = ACTIVITY[id];
      if (activity) {
        const type = activity(account.id, 1);
        await until(() => seen.includes(type), 2_000, `a typed ${type}`);
      }

      // 65 min: keepalives at the venue's 30 min interval (up to 10 % early), the key never lapses.
      await pass(65 * MIN);
      const puts = sim.record.requestCount('PUT', path);
      expect(puts).toBeGreaterThanOrEqual(2);
      expect(puts).toBeLessThanOrEqual(3);
      expect(stream.lease.state()).toMatchObject({ status: 'active', renewals: puts, recreations: 0 });
      expect(gaps).toEqual([]);

      // The key lapses on the venue: listenKeyExpired, a new key (POST), a gap, events again.
      sim.faults.expire({ accountId: account.id, venue: id });
      await until(() => seen.includes('listenKeyExpired'), 2_000, 'listenKeyExpired');
      for (let i = 0; i < 20 && gaps.length === 0; i++) await pass(MIN);
      expect(sim.record.requestCount('POST', path)).toBe(2);
      expect(gaps).toEqual([expect.objectContaining({ reason: 'credential-changed' })]);
      if (activity) {
        const before = seen.length;
        const type = activity(account.id, 2);
        await until(() => seen.slice(before).includes(type), 2_000, `a ${type} on the new key`);
      }
      expect(seen).not.toContain('unknown');

      await stream.close();
      expect(sim.record.requestCount('DELETE', path)).toBe(1);
      await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
      expect(scheduler.stats.scheduled).toBe(0);
      expect(leaseRegistryOf(scheduler).size).toBe(0);
    });
  },
);

it("USD-M's events= filter passes through openUserDataStream's stream options", async () => {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
  const account = sim.accounts[0]!;
  const stream = await openUserDataStream({
    venue: sim.venue('binance-usdm'),
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
    stream: { events: ['ACCOUNT_UPDATE'] },
  });
  open.push(stream);
  const seen: string[] = [];
  stream.on('event', (e) => seen.push(e.e));
  sim.exchange.placeOrder(account.id, 'binance-usdm', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.010',
    price: '40000',
  });
  sim.exchange.deposit(account.id, 'binance-usdm', 'USDT', '7');
  await until(() => seen.length === 1, 2_000, 'the deposit');
  sim.faults.expire({ accountId: account.id, venue: 'binance-usdm' });
  await until(() => seen.length === 2, 2_000, 'the expiry');
  expect(seen).toEqual(['ACCOUNT_UPDATE', 'listenKeyExpired']);
});
