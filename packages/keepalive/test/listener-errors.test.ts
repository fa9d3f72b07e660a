import { ErrorCode, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  createLeaseKey,
  createMemoryLeaseStore,
  createScheduler,
  type Scheduler,
  silentLogger,
  type UserDataStreamHandle,
  WsApiLease,
} from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { until } from './helpers.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
let stream: UserDataStreamHandle | undefined;

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  await stream?.close();
  scheduler.close();
  await sim.close();
});

it('a throwing listener on openUserDataStream costs no other listener or event, and is reported once as a ListenerError', async () => {
  const account = sim.accounts[0]!;
  stream = await openUserDataStream({
    venue: sim.venue('binance-usdm'),
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
  });
  const s = stream;
  const all: string[] = [];
  const typed: string[] = [];
  const errors: string[] = [];
  s.on('event', () => {
    throw new Error('event listener bug');
  });
  // An async listener, alone on its type (Node's emit calls it): its rejection is reported too.
  s.on('ACCOUNT_UPDATE', async () => {
    throw new Error('async listener bug');
  });
  s.on('event', (e) => all.push(`${e.e}@${(e as { E: number }).E}`));
  s.on('ORDER_TRADE_UPDATE', (e) => typed.push(e.o.X));
  s.on('error', (e) => errors.push(`${e.code}:${String(e.details.event)}`));
  for (let i = 0; i < 3; i++) {
    sim.exchange.placeOrder(account.id, 'binance-usdm', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.010',
      price: String(50000 - i),
    });
  }
  sim.exchange.deposit(account.id, 'binance-usdm', 'USDT', '1'); // an ACCOUNT_UPDATE
  const expected = sim.record
    .events({ accountId: account.id, venue: 'binance-usdm' })
    .map((r) => `${r.e}@${r.E}`);
  await until(() => all.length === expected.length, 5_000, 'events');
  expect(all).toEqual(expected);
  expect(typed).toEqual(['NEW', 'NEW', 'NEW']);
  const accountUpdates = expected.filter((x) => x.startsWith('ACCOUNT_UPDATE@')).length;
  expect(accountUpdates).toBeGreaterThan(0);
  await until(() => errors.length === expected.length + accountUpdates, 5_000, 'errors');
  expect(errors.filter((e) => e.endsWith(':event'))).toEqual(
    expected.map(() => `${ErrorCode.ListenerError}:event`),
  );
  expect(errors.filter((e) => e.endsWith(':ACCOUNT_UPDATE'))).toHaveLength(accountUpdates);
  expect(s.state).toBe('open');
});

it('a throwing lease listener costs no other listener, and is reported once as a ListenerError on the lease', async () => {
  const key = createLeaseKey({ venue: sim.venue('binance-spot'), apiKey: sim.accounts[0]!.apiKey });
  const lease = new WsApiLease({
    key,
    scheduler,
    store: createMemoryLeaseStore({ clock }),
    owner: 'test',
    logger: silentLogger,
    group: 'sim',
    lifetimeMs: 24 * 60 * 60_000,
    recreate: async () => {},
  });
  const renewed: number[] = [];
  const errors: string[] = [];
  lease.on('renewed', () => {
    throw new Error('lease listener bug');
  });
  // An async listener, alone on its type (Node's emit calls it): its rejection is reported too.
  lease.on('closed', async () => {
    throw new Error('async lease listener bug');
  });
  lease.on('renewed', (info) => renewed.push(info.at));
  lease.on('error', (e) => errors.push(`${e.code}:${String(e.details.event)}`));
  await lease.start();
  lease.noteSubscribed();
  lease.noteSubscribed(); // a re-subscription is a renewal
  lease.noteSubscribed();
  expect(renewed).toHaveLength(2);
  await lease.close();
  await until(() => errors.length === 3, 2_000, 'errors');
  expect(errors).toEqual([
    `${ErrorCode.ListenerError}:renewed`,
    `${ErrorCode.ListenerError}:renewed`,
    `${ErrorCode.ListenerError}:closed`,
  ]);
});
