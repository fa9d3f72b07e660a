import {
  type Clock,
  createScaledClock,
  createSigner,
  ErrorCode,
  signQuery,
  type UserDataEvent,
} from '@userstream/core';
import type { SimAccount, Simulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWsApiSession, openWsApiStream, type WsApiStream } from '../src/index.js';
import { capture, HOUR, MIN, order, type Rig, record, rig, SEC, seen, sent, tick, until } from './helpers.js';

let r: Rig;
let closers: { close(): Promise<void> }[];

beforeEach(async () => {
  r = await rig();
  closers = [];
});

afterEach(async () => {
  await Promise.all(closers.map((s) => s.close()));
  await r.close();
});

function signature(i = 0) {
  const account = r.sim.accounts[i]!;
  return { type: 'signature' as const, apiKey: account.apiKey, signer: r.signer(account) };
}

async function open(
  auth: Parameters<typeof openWsApiStream>[0]['auth'],
  extra: Record<string, unknown> = {},
  venue: 'binance-spot' | 'binance-margin' | 'binance-isolated-margin' = 'binance-spot',
) {
  const stream = openWsApiStream({ venue: r.sim.venue(venue), auth, clock: r.clock, ...extra });
  closers.push(stream);
  const log = record(stream);
  await stream.opened();
  return { stream, log };
}

/**
 * Waits until the stream delivered exactly what the simulator emitted to the account (the
 * simulator does not record `eventStreamTerminated`, a subscription control event).
 */
async function flowing(
  log: ReturnType<typeof record>,
  accountId: string,
  venue: 'binance-spot' | 'binance-margin' | 'binance-isolated-margin' = 'binance-spot',
) {
  const got = () => seen(log.events.filter((e) => e.e !== 'eventStreamTerminated'));
  await until(() => got().length === sent(r.sim, accountId, venue).length, `events of ${accountId}`);
  expect(got()).toEqual(sent(r.sim, accountId, venue));
}

describe('openWsApiStream', () => {
  it('subscribes with a signature (HMAC and RSA) and with session.logon (Ed25519)', async () => {
    for (const [i, type] of [
      [0, 'signature'],
      [1, 'logon'],
      [2, 'signature'],
    ] as const) {
      const account = r.sim.accounts[i]!;
      const { stream, log } = await open({ type, apiKey: account.apiKey, signer: r.signer(account) });
      const reports: UserDataEvent[] = [];
      stream.on('executionReport', (e) => reports.push(e));
      order(r.sim, account.id, 'binance-spot');
      order(r.sim, account.id, 'binance-spot', '49999');
      await flowing(log, account.id);
      expect(reports).toHaveLength(2);
      expect(stream.state).toBe('open');
    }
    expect(r.sim.record.connectionsByKind.wsApi).toBe(3);
  });

  it('re-subscribes after a drop and a stall, with a gap each time, losing nothing sent while up', async () => {
    const { stream, log } = await open(signature());
    order(r.sim, r.account.id, 'binance-spot');
    await flowing(log, r.account.id);
    r.sim.faults.drop({ accountId: r.account.id, mode: 'terminate' });
    await until(() => log.count('reconnected') === 1 && stream.state === 'open', 'resubscribed after drop');
    order(r.sim, r.account.id, 'binance-spot', '49000');
    await flowing(log, r.account.id);
    const stall = r.sim.faults.stall({ accountId: r.account.id });
    await r.clock.advance(10 * SEC); // a ping
    await r.clock.advance(5 * SEC); // no pong: the link is ended
    await until(() => log.count('reconnected') === 2 && stream.state === 'open', 'resubscribed after stall');
    stall.release();
    order(r.sim, r.account.id, 'binance-spot', '48000');
    await flowing(log, r.account.id);
    expect(log.count('gap')).toBe(2);
    expect(stream.stats.duplicates).toBe(0);
  });

  it('rotates make-before-break on serverShutdown and before the 24 h cutoff: no gap, nothing lost or repeated', async () => {
    const { stream, log } = await open(signature(), { rotation: { marginMs: 10 * MIN, jitterMs: 0 } });
    order(r.sim, r.account.id, 'binance-spot');
    await flowing(log, r.account.id);
    expect(r.sim.faults.serverShutdown({ accountId: r.account.id })).toBe(1);
    order(r.sim, r.account.id, 'binance-spot', '49000');
    await until(() => stream.stats.rotations === 1, 'rotation on serverShutdown');
    order(r.sim, r.account.id, 'binance-spot', '48000');
    await flowing(log, r.account.id);
    await until(() => r.sim.record.connectionsByKind.wsApi === 1, 'old connection closed');
    for (let h = 0; h < 23; h++) {
      await r.clock.advance(HOUR);
      order(r.sim, r.account.id, 'binance-spot', String(40000 + h));
    }
    await r.clock.advance(50 * MIN);
    await until(() => stream.stats.rotations === 2, 'rotation before 24 h');
    await r.clock.advance(15 * MIN);
    order(r.sim, r.account.id, 'binance-spot', '30000');
    await flowing(log, r.account.id);
    expect(log.count('gap')).toBe(0);
    expect(log.count('reconnected')).toBe(0);
  });

  it('renews a listenToken on the same subscription without a gap, and recovers a lapsed one with a gap', async () => {
    const first = await r.createListenToken({ validityMs: HOUR });
    const { stream, log } = await open({ type: 'listenToken', token: first.token }, {}, 'binance-margin');
    order(r.sim, r.account.id, 'binance-margin');
    await flowing(log, r.account.id, 'binance-margin');
    await r.clock.advance(50 * MIN);
    const renewed = await r.createListenToken({ validityMs: HOUR });
    await stream.replaceListenToken(renewed.token);
    await r.clock.advance(30 * MIN); // past the first token's expiry
    order(r.sim, r.account.id, 'binance-margin', '49000');
    await flowing(log, r.account.id, 'binance-margin');
    expect(log.count('gap')).toBe(0);
    expect(log.count('credentialExpired')).toBe(0);
    // Let the renewed token lapse: eventStreamTerminated, then a new token resubscribes with a gap.
    const expired = new Promise((resolve) => stream.once('credentialExpired', resolve));
    await r.clock.advance(31 * MIN);
    expect(await expired).toEqual({ reason: 'eventStreamTerminated' });
    expect(stream.state).toBe('reconnecting');
    await stream.replaceListenToken((await r.createListenToken()).token);
    await until(() => stream.state === 'open' && log.count('gap') === 1, 'resubscribed');
    expect(log.lifecycle.find((l) => l.type === 'gap')?.info).toMatchObject({ reason: 'resubscribed' });
    order(r.sim, r.account.id, 'binance-margin', '48000');
    await flowing(log, r.account.id, 'binance-margin');
  });

  it('streams an isolated margin account over its listenToken', async () => {
    const { token } = await r.createListenToken({ symbol: 'BTCUSDT' });
    const { log } = await open({ type: 'listenToken', token }, {}, 'binance-isolated-margin');
    r.sim.faults.unknownEvent({ accountId: r.account.id, venue: 'binance-isolated-margin' });
    await until(() => log.events.length === 1, 'isolated event');
    expect(log.events[0]?.e).toBe('unknown');
  });

  it('reports eventStreamTerminated on a signature subscription by subscribing again (gap)', async () => {
    const { stream, log } = await open(signature());
    expect(r.sim.faults.eventStreamTerminated({ accountId: r.account.id })).toBe(1);
    await until(() => log.count('gap') === 1 && stream.state === 'open', 'resubscribed');
    expect(log.count('credentialExpired')).toBe(0);
    order(r.sim, r.account.id, 'binance-spot');
    await flowing(log, r.account.id);
  });

  it("a gap's lastEventTime is the last account event's E, not the eventStreamTerminated notice's", async () => {
    // Chaos seed 4 (plans from 03c9aac on): the venue held two events back (reorder) when the
    // subscription ended; the eventStreamTerminated notice went out past them and they never
    // arrived, yet the gap claimed continuity up to the notice's later E. As for listenKeyExpired
    // (listen-key-stream.test.ts, chaos seed 208), a notice about the subscription is not one of
    // the account's events.
    // https://github.com/binance/binance-spot-api-docs/blob/master/user-data-stream.md (Event Stream Terminated)
    const { stream, log } = await open(signature());
    r.sim.faults.unknownEvent({ accountId: r.account.id, venue: 'binance-spot' });
    await until(() => log.events.length === 1, 'the first event');
    const delivered = (log.events[0] as { E: number }).E;
    await r.clock.advance(5);
    r.sim.faults.reorder({ accountId: r.account.id, venue: 'binance-spot', window: 4 });
    r.sim.faults.unknownEvent({ accountId: r.account.id, venue: 'binance-spot' }); // held, then lost
    await r.clock.advance(5);
    expect(r.sim.faults.eventStreamTerminated({ accountId: r.account.id })).toBe(1);
    await until(() => log.count('gap') === 1 && stream.state === 'open', 'resubscribed');
    const [, held] = r.sim.record.events({ accountId: r.account.id, venue: 'binance-spot' });
    const notice = log.events.find((e) => e.e === 'eventStreamTerminated') as { E: number } | undefined;
    expect(held?.E).toBeLessThan(notice?.E as number);
    const gap = log.lifecycle.find((l) => l.type === 'gap')?.info as { lastEventTime?: number };
    expect(gap).toMatchObject({ lastEventTime: delivered });
  });

  it('says invalid-credential for a refused listenToken (-1209) and opens once replaced', async () => {
    const stream = openWsApiStream({
      venue: r.sim.venue('binance-margin'),
      auth: { type: 'listenToken', token: 'x'.repeat(40) },
      clock: r.clock,
    });
    closers.push(stream);
    const log = record(stream);
    await until(() => log.count('credentialExpired') === 1, 'credentialExpired');
    expect(log.lifecycle.find((l) => l.type === 'credentialExpired')?.info).toEqual({
      reason: 'invalid-credential',
      code: -1209,
    });
    await stream.replaceListenToken((await r.createListenToken()).token);
    await stream.opened();
    expect(log.count('open')).toBe(1);
  });

  it('rejects opened() for a bad signature or key, with a typed error and no retry storm', async () => {
    const wrong = {
      type: 'signature' as const,
      apiKey: r.account.apiKey,
      signer: createSigner({ secret: 'not-the-secret' }),
    };
    const stream = openWsApiStream({ venue: r.sim.venue('binance-spot'), auth: wrong, clock: r.clock });
    closers.push(stream);
    const log = record(stream);
    const error = await stream.opened().then(
      () => undefined,
      (e: unknown) => e as { code: string; exchangeCode: number; message: string },
    );
    expect(error?.code).toBe(ErrorCode.Exchange);
    expect(error?.exchangeCode).toBe(-1022);
    await r.clock.advance(5 * MIN);
    await tick(20);
    expect(log.errors.map((e) => e.code)).toEqual([ErrorCode.Exchange]);
    expect(JSON.stringify(error)).not.toContain('not-the-secret');
  });

  it('measures the server time offset after -1021 and subscribes', async () => {
    r.sim.faults.skewClock(90 * SEC);
    const { stream } = await open(signature());
    expect(stream.state).toBe('open');
  });

  it('turns a malformed frame into an error event and keeps the subscription', async () => {
    const { stream, log } = await open(signature());
    r.sim.faults.malformedFrame({ accountId: r.account.id });
    await until(() => log.errors.length === 1, 'malformed error');
    expect(log.errors[0]?.code).toBe(ErrorCode.MalformedFrame);
    order(r.sim, r.account.id, 'binance-spot');
    await flowing(log, r.account.id);
    expect(stream.stats.malformed).toBe(1);
  });

  it('close() unsubscribes and leaves no socket and no timer', async () => {
    const timersBefore = r.clock.pending;
    const { stream } = await open(signature());
    order(r.sim, r.account.id, 'binance-spot');
    await until(() => stream.stats.eventsReceived >= 2, 'events');
    expect(r.clock.pending).toBeGreaterThan(timersBefore);
    await stream.close();
    await until(() => r.sim.record.connections === 0, 'closed');
    expect(r.clock.pending).toBe(timersBefore);
    expect(stream.state).toBe('closed');
    await expect(stream.opened()).rejects.toMatchObject({ code: ErrorCode.Closed });
  });

  it('never puts an API key, signature or listenToken in errors, logs or diagnostics', async () => {
    const out = capture();
    try {
      const { token } = await r.createListenToken();
      const a = await open(signature(), { logger: out.logger });
      const b = await open({ type: 'listenToken', token }, { logger: out.logger }, 'binance-margin');
      r.sim.faults.malformedFrame({});
      r.sim.faults.drop({ mode: 'terminate' });
      await until(() => a.stream.stats.reconnects === 1 && b.stream.stats.reconnects === 1, 'reconnects');
      r.sim.faults.expire({ listenToken: token });
      await until(() => b.stream.stats.credentialExpirations === 1, 'expired');
      const text = out.text() + JSON.stringify(a.log.errors) + JSON.stringify(b.log.errors);
      expect(text.length).toBeGreaterThan(200);
      for (const secret of [token, r.account.apiKey, r.account.secret!]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/signature/i);
    } finally {
      out.stop();
    }
  });
});

describe('on a scaled clock', () => {
  it('network bounds (pings, pong timeout, request timeout) keep their real-time meaning', async () => {
    await r.close();
    const clock = createScaledClock({ speed: SPEED });
    const { startSimulator } = await import('@userstream/simulator');
    // The simulator's windows are protocol time and are not scaled: its 1 min pong deadline is
    // 17 real ms at 3600x, which a loaded runner misses (Node 24 under load: 'expected 1 to be
    // +0' on the reconnecting count, 2 of 5 runs). Ten real seconds keep it out of the way; the
    // client's own bounds, which are what this test is about, stay the defaults, and the server
    // still pings every 20 s of protocol time (hundreds of pings).
    const sim = await startSimulator({ clock, pongTimeoutMs: 10 * SEC * SPEED });
    try {
      const account = sim.accounts[0]!;
      // A listenToken, not a signature: a signed subscribe must reach the server within the
      // venue's 60 s recvWindow (its maximum), 17 real ms at 3600x; a loaded runner missed it
      // and the retry after -1021 then signed 'ahead of the server's time' (1 s = 0.3 real ms):
      // 2 of 5 runs on Node 24. The subscribe request and its timeout are the same either way.
      const token = await listenTokenOn(sim, account, clock);
      const stream = openWsApiStream({
        venue: sim.venue('binance-margin'),
        auth: { type: 'listenToken', token },
        clock,
      });
      const log = record(stream);
      await stream.opened();
      await tick(1_500); // an hour and a half of protocol time: hundreds of server pings
      order(sim, account.id, 'binance-margin');
      await until(() => log.events.length === sent(sim, account.id, 'binance-margin').length, 'events');
      expect(log.count('reconnecting')).toBe(0);
      await stream.close();
    } finally {
      await sim.close();
      r = await rig();
    }
  });
});

const SPEED = 3600;

/**
 * A 24 h listenToken from `sim` on a scaled clock. The signed REST call has the same 17 real ms
 * window as a signed subscribe, so one the runner delays past it (-1021) is made again: this is
 * setup, not what the test checks.
 */
async function listenTokenOn(sim: Simulator, account: SimAccount, clock: Clock): Promise<string> {
  const venue = sim.venue('binance-margin');
  const create = venue.listenToken!.create;
  const signer = createSigner({ secret: account.secret! });
  for (let attempt = 1; ; attempt++) {
    const query = await signQuery(
      { validity: 24 * HOUR, recvWindow: 60 * SEC, timestamp: clock.now() },
      signer,
    );
    const res = await fetch(`${venue.restBaseUrl}${create.path}?${query}`, {
      method: create.method,
      headers: { [venue.apiKeyHeader]: account.apiKey },
    });
    const body = (await res.json()) as { token?: string; code?: number };
    if (res.status === 200 && typeof body.token === 'string') return body.token;
    if (body.code !== -1021 || attempt === 50) throw new Error(`listenToken: ${res.status} ${body.code}`);
  }
}

describe('WsApiSession: many accounts on one connection', () => {
  it('routes each subscription’s events by subscriptionId and re-subscribes all after a reconnect', async () => {
    const session = createWsApiSession({ venue: r.sim.venue('binance-spot'), clock: r.clock });
    closers.push(session);
    const streams: WsApiStream[] = [];
    const logs: ReturnType<typeof record>[] = [];
    for (let i = 0; i < 3; i++) {
      const stream = session.subscribe({ auth: signature(i) });
      streams.push(stream);
      logs.push(record(stream));
    }
    await Promise.all(streams.map((s) => s.opened()));
    expect(r.sim.record.connectionsByKind.wsApi).toBe(1);
    expect(((await session.request('session.subscriptions')) as unknown[]).length).toBe(3);
    for (let i = 0; i < 3; i++) order(r.sim, r.sim.accounts[i]!.id, 'binance-spot', String(50000 - i));
    for (let i = 0; i < 3; i++) await flowing(logs[i]!, r.sim.accounts[i]!.id);
    r.sim.faults.drop({ mode: 'terminate' });
    await until(
      () => logs.every((l) => l.count('gap') === 1) && streams.every((s) => s.state === 'open'),
      'all resubscribed',
    );
    expect(((await session.request('session.subscriptions')) as unknown[]).length).toBe(3);
    for (let i = 0; i < 3; i++) order(r.sim, r.sim.accounts[i]!.id, 'binance-spot', String(40000 - i));
    for (let i = 0; i < 3; i++) await flowing(logs[i]!, r.sim.accounts[i]!.id);
    await streams[1]!.close();
    expect(((await session.request('session.subscriptions')) as unknown[]).length).toBe(2);
    await session.close();
    await until(() => r.sim.record.connections === 0, 'closed');
  });

  it('cleans up after a subscribe whose answer came too late (-2035) and subscribes again', async () => {
    const session = createWsApiSession({
      venue: r.sim.venue('binance-spot'),
      clock: r.clock,
      requestTimeoutMs: 2 * SEC,
    });
    closers.push(session);
    const a = session.subscribe({ auth: signature(0) });
    await a.opened();
    const stall = r.sim.faults.stall({});
    const b = session.subscribe({ auth: signature(2) });
    const log = record(b);
    await tick(20);
    await r.clock.advance(2 * SEC); // the subscribe times out while the server holds it
    expect(log.errors.map((e) => e.code)).toEqual([ErrorCode.Timeout]);
    stall.release(); // the server now makes the subscription nobody waits for
    await tick(20);
    await r.clock.advance(SEC); // retry: -2035, orphan unsubscribed, subscribed again
    await until(() => b.state === 'open', 'b open');
    expect(log.errors.map((e) => e.code)).toEqual([ErrorCode.Timeout, ErrorCode.Exchange]);
    expect(((await session.request('session.subscriptions')) as unknown[]).length).toBe(2);
    order(r.sim, r.sim.accounts[2]!.id, 'binance-spot');
    await flowing(log, r.sim.accounts[2]!.id);
  });

  it('allows one logon subscription per connection', () => {
    const session = createWsApiSession({ venue: r.sim.venue('binance-spot'), clock: r.clock });
    closers.push(session);
    const ed = r.sim.accounts[1]!;
    session.subscribe({ auth: { type: 'logon', apiKey: ed.apiKey, signer: r.signer(ed) } });
    expect(() =>
      session.subscribe({ auth: { type: 'logon', apiKey: ed.apiKey, signer: r.signer(ed) } }),
    ).toThrow(/only one 'logon' subscription/);
  });
});

describe('for await', () => {
  it('yields events in order and ends when the stream closes', async () => {
    const { stream, log } = await open(signature());
    order(r.sim, r.account.id, 'binance-spot', '50000');
    await flowing(log, r.account.id);
    const before = sent(r.sim, r.account.id, 'binance-spot').length;
    const got: string[] = [];
    // An iterator sees events from its creation on.
    const iterator = (async () => {
      for await (const event of stream) got.push(`${event.e}@${(event as { E: number }).E}`);
    })();
    order(r.sim, r.account.id, 'binance-spot', '40000');
    order(r.sim, r.account.id, 'binance-spot', '40001');
    const expected = sent(r.sim, r.account.id, 'binance-spot').slice(before);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    await until(() => got.length === expected.length, 'iterated');
    await stream.close();
    await iterator;
    expect(got).toEqual(expected);
  });

  it('a slow consumer is warned about, and under the gap policy its buffer is discarded with a gap', async () => {
    const { stream, log } = await open(signature(), { buffer: { size: 5, policy: 'gap' } });
    const it = stream[Symbol.asyncIterator]();
    await r.sim.load.burst({ accountId: r.account.id, venue: 'binance-spot', count: 12 });
    await until(() => stream.stats.eventsDelivered === 12, 'burst delivered');
    expect(log.count('slowConsumer')).toBeGreaterThanOrEqual(1);
    expect(log.lifecycle.filter((l) => l.type === 'gap').map((l) => l.info)).toEqual([
      expect.objectContaining({ reason: 'overflow' }),
      expect.objectContaining({ reason: 'overflow' }),
    ]);
    expect(stream.stats.droppedByOverflow).toBe(12);
    await it.return?.();
  });

  it('under the error policy the iterator throws a typed error', async () => {
    const { stream } = await open(signature(), { buffer: { size: 3, policy: 'error' } });
    const it = stream[Symbol.asyncIterator]();
    await r.sim.load.burst({ accountId: r.account.id, venue: 'binance-spot', count: 5 });
    await until(() => stream.stats.eventsDelivered === 5, 'burst delivered');
    await expect(it.next()).rejects.toMatchObject({ code: ErrorCode.SlowConsumer });
  });
});
