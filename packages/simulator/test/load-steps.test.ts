// The load generator's matching steps: time stamped like the exchange (one step, one millisecond),
// batched writes, and the documented payloads. The docs quoted:
//
// - binance/binance-spot-api-docs, user-data-stream.md, "General information": "All timestamps in
//   JSON payloads are in milliseconds by default"; `E` is "Event time", `T` "Transaction time".
// - developers.binance.com, derivatives, portfolio margin, User Data Streams, "Message Ordering
//   Guarantee": "For the same user on a single Websocket connection, messages of the same event
//   type (e.g., ACCOUNT_UPDATE, ORDER_TRADE_UPDATE) are strictly ordered by both T (transaction
//   time from Matching Engine) and E (event time when the message is generated)", and "Events
//   from different services may share the same T". Ordered, not numbered: a millisecond holds
//   several events.
// - The payload examples of those pages (core/test/fixtures, copied from them) give the fields.
import { readFileSync } from 'node:fs';
import { parseEvent } from '@userstream/core';
import { expect, test } from 'vitest';
import { MatchingSteps, units } from '../src/engine/load-steps.js';
import { startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call, wsSigned } from './helpers.js';

const fixture = (path: string) => {
  const json = JSON.parse(
    readFileSync(new URL(`../../core/test/fixtures/${path}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  return (json.event as Record<string, unknown> | undefined) ?? json;
};
const keys = (o: unknown) => Object.keys(o as object).sort();
const without = (list: string[], ...drop: string[]) => list.filter((k) => !drop.includes(k));

test('a spot step: an executionReport per fill, then outboundAccountPosition, one E and T, documented fields', () => {
  const E = 1_767_225_600_123;
  const events = new MatchingSteps('spot')
    .next(E, 3)
    .map((s) => JSON.parse(s.text) as Record<string, unknown>);
  expect(events.map((e) => `${e.e}${e.X ? `:${e.X}` : ''}`)).toEqual([
    'executionReport:PARTIALLY_FILLED',
    'executionReport:PARTIALLY_FILLED',
    'executionReport:FILLED',
    'outboundAccountPosition',
  ]);
  for (const e of events) {
    expect(e.E).toBe(E);
    if ('T' in e) expect(e.T).toBe(E);
    const parsed = parseEvent(e, 'spot');
    expect(parsed.ok ? parsed.event.e : parsed.error.message).toBe(e.e);
  }
  // Every field of the documented example, but `v` (only "if the order expired due to STP") and
  // `W` (only "if the order has been placed on the book": a taker's never is).
  expect(keys(events[0])).toEqual(without(keys(fixture('binance-spot/executionReport.json')), 'v', 'W'));
  expect(keys(events[3])).toEqual(keys(fixture('binance-spot/outboundAccountPosition.json')));
  expect(events[2]).toMatchObject({ x: 'TRADE', l: '0.00100000', z: '0.00300000', Z: '150.00000000' });
  // Fills have distinct trade and execution ids; the order is one.
  expect(new Set(events.slice(0, 3).map((e) => e.t)).size).toBe(3);
  expect(new Set(events.slice(0, 3).map((e) => e.i)).size).toBe(1);
});

test('a USD-M step: TRADE_LITE and ORDER_TRADE_UPDATE per fill, then ACCOUNT_UPDATE, one E and T, documented fields', () => {
  const E = 1_767_225_600_456;
  const events = new MatchingSteps('futures')
    .next(E, 2)
    .map((s) => JSON.parse(s.text) as Record<string, unknown>);
  expect(events.map((e) => e.e)).toEqual([
    'TRADE_LITE',
    'ORDER_TRADE_UPDATE',
    'TRADE_LITE',
    'ORDER_TRADE_UPDATE',
    'ACCOUNT_UPDATE',
  ]);
  for (const e of events) {
    expect(e.E).toBe(E);
    expect(e.T).toBe(E);
    const parsed = parseEvent(e, 'futures');
    expect(parsed.ok ? parsed.event.e : parsed.error.message).toBe(e.e);
  }
  expect(keys(events[0])).toEqual(keys(fixture('futures/TRADE_LITE.json')));
  const otu = fixture('futures/ORDER_TRADE_UPDATE.json');
  expect(keys(events[1])).toEqual(keys(otu));
  // The documented example is a trailing stop: `AP` (activation price) and `cr` (callback rate)
  // belong to that order type. `er` (expiry reason) is on the page's newer version; the client
  // does not model it, which is the point: validation must pass over unknown fields.
  expect(keys(events[1]?.o)).toEqual([...without(keys(otu.o), 'AP', 'cr'), 'er'].sort());
  const au = fixture('futures/ACCOUNT_UPDATE.json') as { a: { B: unknown[]; P: unknown[] } };
  const a = (events[4] as { a: { m: string; B: unknown[]; P: unknown[] } }).a;
  expect(a.m).toBe('ORDER');
  expect(keys(a.B[0])).toEqual(keys(au.a.B[0]));
  expect(keys(a.P[0])).toEqual(keys(au.a.P[0]));
  expect(events[3]).toMatchObject({ o: { x: 'TRADE', X: 'FILLED', l: '0.001', z: '0.002' } });
});

test('units prints exact decimal strings', () => {
  expect(units(100_000)).toBe('0.00100000');
  expect(units(100_000, 3)).toBe('0.001');
  expect(units(-4_912_345_678)).toBe('-49.12345678');
  expect(units(1_000_000_000_000)).toBe('10000.00000000');
});

test('burst of matching steps: many events share each E, frames leave in batched writes, every stream gets them', async () => {
  await using sim = await startSimulator();
  const hmac = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const raw = await Client.open(`${sim.urls.ws}/ws/${(r.body as { listenKey: string }).listenKey}`);
  // Count TCP reads on the client side: batched writes arrive as many frames per read.
  let reads = 0;
  (raw.ws as unknown as { _socket: import('node:net').Socket })._socket.on('data', () => reads++);
  const api = await ApiClient.open(sim.urls.wsApi);
  await api.send(
    'userDataStream.subscribe.signature',
    wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: Date.now() }),
  );
  const before = api.frames.length;
  const N = 10_000;
  const result = await sim.load.burst({ accountId: 'hmac', venue: 'binance-spot', count: N, fills: 4 });
  expect(result).toMatchObject({ sent: N, frames: 2 * N });
  await raw.waitFrames(N, 10_000);
  await api.waitFrames(before + N, 10_000);
  const events = raw.json();
  const Es = events.map((e) => e.E as number);
  for (let i = 1; i < N; i++) expect(Es[i]).toBeGreaterThanOrEqual(Es[i - 1] as number);
  // Steps of 5 events (4 fills + the position) at least share E; a fast burst packs many steps
  // into one millisecond.
  expect(new Set(Es).size).toBeLessThanOrEqual(N / 5);
  expect(events.slice(0, 5).map((e) => e.e)).toEqual([
    'executionReport',
    'executionReport',
    'executionReport',
    'executionReport',
    'outboundAccountPosition',
  ]);
  // Far fewer reads than frames (each frame alone would be about one read each).
  expect(reads).toBeLessThan(N / 10);
  expect(api.events().map((w) => w.event)).toEqual(events);
  const recorded = sim.record.events({ accountId: 'hmac', venue: 'binance-spot' });
  expect(recorded.map((e) => e.E)).toEqual(Es);
  expect(recorded.map((e) => e.e)).toEqual(events.map((e) => e.e));
  raw.close();
  api.close();
});

test('burst fills are checked', async () => {
  await using sim = await startSimulator();
  await expect(
    sim.load.burst({ accountId: 'hmac', venue: 'binance-spot', count: 1, fills: -1 }),
  ).rejects.toThrow('@userstream/simulator: burst fills must be a whole number');
  await expect(sim.load.burst({ accountId: 'hmac', venue: 'bhex', count: 1, fills: 2 })).rejects.toThrow(
    'for spot and futures venues',
  );
});

test('a stalled connection holds a matching-step burst frame by frame and releases it in order', async () => {
  await using sim = await startSimulator();
  const hmac = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/fapi/v1/listenKey', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const raw = await Client.open(`${sim.urls.ws}/private/ws/${(r.body as { listenKey: string }).listenKey}`);
  const stall = sim.faults.stall({ accountId: 'hmac', venue: 'binance-usdm' });
  await sim.load.burst({ accountId: 'hmac', venue: 'binance-usdm', count: 90, fills: 4 });
  await new Promise((res) => setTimeout(res, 50));
  expect(raw.frames).toHaveLength(0);
  stall.release();
  await raw.waitFrames(90);
  const recorded = sim.record.events({ accountId: 'hmac', venue: 'binance-usdm' });
  expect(raw.json().map((e) => `${e.e}@${e.E}`)).toEqual(recorded.map((e) => `${e.e}@${e.E}`));
  raw.close();
});

test('every fourth USD-M step is a triggered stop: ALGO_UPDATE TRIGGERING, TRIGGERED, the fills, FINISHED, one E', () => {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
  const E = 1_767_225_600_789;
  const steps = new MatchingSteps('futures');
  for (let k = 0; k < 3; k++) {
    expect(steps.next(E, 1).some((s) => s.e === 'ALGO_UPDATE')).toBe(false);
  }
  const events = steps.next(E, 2).map((s) => JSON.parse(s.text) as Record<string, unknown>);
  expect(
    events.map((e) => (e.e === 'ALGO_UPDATE' ? `ALGO_UPDATE:${(e.o as { X: string }).X}` : e.e)),
  ).toEqual([
    'ALGO_UPDATE:TRIGGERING',
    'ALGO_UPDATE:TRIGGERED',
    'TRADE_LITE',
    'ORDER_TRADE_UPDATE',
    'TRADE_LITE',
    'ORDER_TRADE_UPDATE',
    'ACCOUNT_UPDATE',
    'ALGO_UPDATE:FINISHED',
  ]);
  for (const e of events) expect(e.E).toBe(E);
  const finished = events.at(-1)?.o as Record<string, unknown>;
  expect(Object.keys(finished).sort()).toEqual(
    'caid aid at o s S ps f q X ai ap aq act tp p V wt pm cp pP R tt gtd rm'.split(' ').sort(),
  );
  const order = events[3]?.o as Record<string, unknown>;
  expect(finished).toMatchObject({
    ai: String(order.i),
    aq: order.q,
    act: 'MARKET',
    o: 'STOP_MARKET',
    tt: E,
  });
  expect(order).toMatchObject({ ot: 'STOP_MARKET', sp: '50000' });
});
