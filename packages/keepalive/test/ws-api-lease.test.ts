import { createSigner, ExchangeError, signWsApiParams, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createLeaseKey,
  createMemoryLeaseStore,
  createScheduler,
  type LeaseEvents,
  type Scheduler,
  WsApiLease,
} from '../src/index.js';
import { DAY, live, seededRandom } from './helpers.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: DAY, pongTimeoutMs: 2 * DAY });
  scheduler = createScheduler({ clock, random: seededRandom() });
});

afterEach(async () => {
  scheduler.close();
  for (const ws of sockets.splice(0)) ws.terminate();
  await sim.close();
});

/** Subscribes on the simulator's WebSocket API with a signature, over a plain socket. */
async function subscribe(secret: string): Promise<void> {
  const account = sim.accounts[0]!;
  const ws = new WebSocket(sim.urls.wsApi);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const params = await signWsApiParams(
    { apiKey: account.apiKey, timestamp: clock.now() },
    createSigner({ secret }),
  );
  ws.send(JSON.stringify({ id: 1, method: 'userDataStream.subscribe.signature', params }));
  const reply = await new Promise<{ status: number; error?: { code: number; msg: string } }>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
  if (reply.status !== 200) {
    ws.close();
    throw new ExchangeError(reply.error?.code ?? -1, reply.error?.msg ?? '', { status: reply.status });
  }
}

function makeLease(recreate: () => Promise<void>) {
  const venue = sim.venue('binance-spot');
  const events: { type: keyof LeaseEvents; info: unknown }[] = [];
  const lease = new WsApiLease({
    key: createLeaseKey({ venue, apiKey: sim.accounts[0]!.apiKey }),
    scheduler,
    store: createMemoryLeaseStore({ clock }),
    owner: 'w',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    group: new URL(venue.restBaseUrl).origin,
    lifetimeMs: venue.timing.connectionLifetimeMs,
    retry: { baseDelayMs: 1_000, maxDelayMs: 10_000 },
    random: seededRandom(5),
    recreate,
  });
  for (const type of ['renewed', 'renewFailed', 'recreated', 'expired', 'closed'] as const) {
    lease.on(type, (info: unknown) => events.push({ type, info }));
  }
  return { lease, events };
}

describe('WsApiLease', () => {
  it('tracks subscriptions: age, re-subscriptions, next rotation', async () => {
    const { lease, events } = makeLease(async () => {});
    await lease.start();
    lease.noteSubscribed();
    expect(lease.state().nextRenewalAt).toBe(clock.now() + DAY);
    await clock.advance(5 * 60_000);
    lease.noteSubscribed(); // a reconnect re-subscribed
    expect(events.map((e) => e.type)).toEqual(['renewed']);
    expect(lease.state()).toMatchObject({ kind: 'wsApi', renewals: 1, age: 5 * 60_000, status: 'active' });
    await lease.close();
    expect(events.at(-1)?.type).toBe('closed');
  });

  it('recreates the subscription when the credential is reported invalid, with backoff on failure', async () => {
    const secrets = ['wrong-secret-1', 'wrong-secret-2', sim.accounts[0]!.secret!];
    let calls = 0;
    const { lease, events } = makeLease(() => subscribe(secrets[Math.min(calls++, 2)]!));
    await lease.start();
    lease.recreate('invalid-credential');
    lease.recreate('invalid-credential'); // coalesced
    await live(clock, scheduler, 60_000);
    expect(calls).toBe(3);
    expect(events.map((e) => e.type)).toEqual(['renewFailed', 'renewFailed', 'recreated']);
    expect((events[0]!.info as { error: ExchangeError }).error.exchangeCode).toBe(-1022);
    expect(events[2]!.info).toMatchObject({ reason: 'invalid-credential' });
    expect(lease.state()).toMatchObject({
      recreations: 1,
      failures: 2,
      consecutiveFailures: 0,
      status: 'active',
    });
    expect(sim.record.connectionsByKind.wsApi).toBe(1);
    await lease.close();
    expect(scheduler.stats.scheduled).toBe(0);
  });
});
