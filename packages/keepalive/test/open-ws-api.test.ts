import { VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountMirror,
  createScheduler,
  type OpenUserDataStreamOptions,
  type Scheduler,
  type UserDataStreamHandle,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { captureOutput, DAY, HOUR, liveSteps, MIN, until } from './helpers.js';
import { converged, type Market, SPOT, trader } from './trading.js';

const TOKEN_PATH = '/sapi/v1/userListenToken';
let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const open: UserDataStreamHandle[] = [];
const mirrors: AccountMirror[] = [];
const openStream = (o: OpenUserDataStreamOptions) => openUserDataStream(o);
const pass = (ms: number) => liveSteps(clock, scheduler, ms, Math.min(ms, 10 * MIN));

const SPOT_WS: Market = { ...SPOT, venue: 'binance-spot' };
const MARGIN: Market = { ...SPOT, venue: 'binance-margin' };
const ISOLATED: Market = {
  venue: 'binance-isolated-margin',
  symbols: [SPOT.symbols[0]!],
  deposit: ['BTCUSDT:USDT', '10'],
};

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  for (const m of mirrors.splice(0)) m.close();
  for (const s of open.splice(0)) await s.close();
  scheduler.close();
  await sim.close();
});

function options(market: Market, account = sim.accounts[0]!, extra: Partial<OpenUserDataStreamOptions> = {}) {
  return {
    venue: sim.venue(market.venue),
    credentials:
      account.keyType === 'hmac'
        ? { apiKey: account.apiKey, secret: account.secret! }
        : { apiKey: account.apiKey, privateKey: account.privateKeyPem! },
    scheduler,
    rest: { timeoutMs: 5 * MIN, retry: { baseDelayMs: MIN, maxDelayMs: 10 * MIN } },
    stream: {
      heartbeat: { pingIntervalMs: HOUR, pongTimeoutMs: 2 * HOUR, inactivityTimeoutMs: 6 * HOUR },
      reconnect: { baseDelayMs: 10_000, maxDelayMs: 10 * MIN },
      requestTimeoutMs: 5 * MIN,
      openTimeoutMs: 5 * MIN,
    },
    ...extra,
  } satisfies OpenUserDataStreamOptions;
}

async function openWithMirror(
  market: Market,
  account = sim.accounts[0]!,
  extra: Partial<OpenUserDataStreamOptions> = {},
) {
  const stream = await openStream(options(market, account, extra));
  open.push(stream);
  const mirror = new AccountMirror({
    stream,
    rest: stream.rest,
    clock,
    ...(market === ISOLATED ? { symbol: 'BTCUSDT' } : {}),
  });
  mirrors.push(mirror);
  await mirror.ready();
  return { stream, mirror };
}

describe('openUserDataStream over the WebSocket API (spot)', () => {
  for (const keyType of ['hmac', 'ed25519', 'rsa'] as const) {
    it(`spot with an ${keyType} key: ${keyType === 'ed25519' ? 'session.logon' : 'subscribe.signature'}, a day with drops and serverShutdown, mirror exact`, async () => {
      const account = sim.accounts.find((a) => a.keyType === keyType)!;
      const { stream, mirror } = await openWithMirror(SPOT_WS, account);
      expect(stream.lease.state().kind).toBe('wsApi');
      const step = trader(sim, SPOT_WS, account.id, 2);
      const gaps: string[] = [];
      stream.on('gap', (g: { reason: string }) => gaps.push(g.reason));
      for (let i = 0; i < 30; i++) {
        await step();
        if (i === 10) sim.faults.serverShutdown({ apiKey: account.apiKey });
        if (i === 20) sim.faults.drop({ mode: 'terminate', connections: 'wsApi' });
        await pass(45 * MIN);
      }
      await pass(2 * HOUR);
      await converged(sim, mirror, SPOT_WS, account.id);
      expect(gaps.length).toBeGreaterThanOrEqual(1);
      expect(stream.lease.state().renewals).toBeGreaterThanOrEqual(1);
      await stream.close();
      await until(() => sim.record.connections === 0, 2_000, 'the socket closed');
    });
  }

  it('fails fast with a typed error when the venue rejects the key, leaving nothing open', async () => {
    const account = sim.accounts[0]!;
    await expect(
      openStream({
        ...options(SPOT_WS, account),
        credentials: { apiKey: account.apiKey, secret: 'not-the-secret' },
      }),
    ).rejects.toMatchObject({ code: 'USERSTREAM_EXCHANGE_ERROR' });
    await until(() => sim.record.connections === 0, 2_000, 'no socket left');
    expect(scheduler.stats.scheduled).toBe(0);
  });
});

describe('openUserDataStream over listenTokens (margin)', () => {
  it('cross margin lives two days on 6 h tokens: a new token before each expiry, the stream re-subscribed, mirror exact', async () => {
    const account = sim.accounts[0]!;
    const { stream, mirror } = await openWithMirror(MARGIN, account, {
      lease: { tokenValidityMs: 6 * HOUR },
    });
    const gaps: string[] = [];
    stream.on('gap', (g: { reason: string }) => gaps.push(g.reason));
    const step = trader(sim, MARGIN, account.id, 6);
    const start = clock.now();
    while (clock.now() - start < 2 * DAY) {
      await step();
      await pass(30 * MIN);
    }
    await converged(sim, mirror, MARGIN, account.id);
    const tokens = sim.record.requestCount('POST', TOKEN_PATH);
    expect(tokens).toBeGreaterThanOrEqual(1 + 9);
    expect(tokens).toBeLessThanOrEqual(1 + 12);
    const state = stream.lease.state();
    expect(state).toMatchObject({ kind: 'listenToken', status: 'active', consecutiveFailures: 0 });
    expect(state.expiresAt! > clock.now()).toBe(true);
  });

  it('recovers from eventStreamTerminated with a new token, and the mirror reconciles', async () => {
    const account = sim.accounts[0]!;
    const out = captureOutput();
    try {
      const { stream, mirror } = await openWithMirror(MARGIN, account, { logger: out.logger });
      const recreated: string[] = [];
      stream.lease.on('recreated', (i) => recreated.push(i.reason));
      const step = trader(sim, MARGIN, account.id, 12);
      for (let i = 0; i < 10; i++) await step();
      sim.faults.eventStreamTerminated({ apiKey: account.apiKey });
      for (let i = 0; i < 10; i++) {
        await step();
        await pass(10 * MIN);
      }
      sim.faults.expire({ apiKey: account.apiKey, venue: 'binance-margin' });
      for (let i = 0; i < 10; i++) {
        await step();
        await pass(10 * MIN);
      }
      await converged(sim, mirror, MARGIN, account.id);
      expect(recreated.length).toBeGreaterThanOrEqual(1);
      const token = (stream.lease as unknown as { credential?: string }).credential;
      expect(token).toBeUndefined(); // the view never exposes the token
      expect(out.text()).not.toContain(account.secret!);
    } finally {
      out.stop();
    }
  });

  it('isolated margin: one token per symbol', async () => {
    const account = sim.accounts[0]!;
    const { stream, mirror } = await openWithMirror(ISOLATED, account, { symbol: 'BTCUSDT' });
    expect(stream.lease.key.symbol).toBe('BTCUSDT');
    sim.exchange.placeOrder(account.id, 'binance-isolated-margin', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.001',
      price: '50000',
    });
    await until(() => mirror.openOrders.length === 1, 2_000, 'the order in the mirror');
    expect(mirror.openOrders[0]).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW' });
  });
});
