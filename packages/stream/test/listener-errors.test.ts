import { ErrorCode, type UserDataEvent } from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ListenKeyStream, openListenKeyStream, type UserDataStream } from '../src/index.js';
import { order, type Rig, rig, seen, sent, until } from './helpers.js';

/**
 * A listener that throws must not cost any other event: not the events after it, not the events
 * a reorder window held with it, not the other listeners of the same event. The stream stays up
 * and reports each throw as one `error` event with code USERSTREAM_LISTENER_ERROR.
 */

let r: Rig;
let streams: ListenKeyStream[];

beforeEach(async () => {
  r = await rig();
  streams = [];
});

afterEach(async () => {
  await Promise.all(streams.map((s) => s.close()));
  await r.close();
});

function watch(stream: UserDataStream) {
  const after: UserDataEvent[] = [];
  const iterated: UserDataEvent[] = [];
  const errors: { code: string; event: unknown; cause: unknown }[] = [];
  let thrown = 0;
  // Registered first: it throws on every second event, before the others run.
  stream.on('event', () => {
    thrown++;
    if (thrown % 2 === 0) throw new Error(`listener bug ${thrown}`);
  });
  stream.on('event', (e) => after.push(e));
  stream.on('error', (e) =>
    errors.push({ code: e.code, event: e.details.event, cause: (e.cause as Error | undefined)?.message }),
  );
  const it = stream[Symbol.asyncIterator]();
  const pump = (async () => {
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      iterated.push(next.value);
    }
  })();
  return { after, iterated, errors, pump };
}

describe('a throwing listener', () => {
  for (const [venue, window] of [
    ['binance-usdm', 'without a reorder window'],
    ['bhex', 'with a reorder window (50 ms)'],
  ] as const) {
    it(`loses, repeats and reorders nothing, ${window}; the stream stays up`, async () => {
      const listenKey = await r.createListenKey(venue);
      const stream = openListenKeyStream({ venue: r.sim.venue(venue), listenKey, clock: r.clock });
      streams.push(stream);
      const w = watch(stream);
      // A throwing type listener too: it must not stop the `event` listeners or the iterator.
      const type = venue === 'bhex' ? 'executionReport' : 'ORDER_TRADE_UPDATE';
      stream.on(type, () => {
        throw new TypeError('typed listener bug');
      });
      await stream.opened();
      for (let i = 0; i < 6; i++) order(r.sim, r.account.id, venue, String(50000 - i));
      const expected = sent(r.sim, r.account.id, venue);
      expect(expected.length).toBeGreaterThanOrEqual(6);
      await until(
        () => w.after.length === expected.length && w.iterated.length === expected.length,
        'events',
      );
      expect(seen(w.after)).toEqual(expected);
      expect(seen(w.iterated)).toEqual(expected);
      expect(stream.state).toBe('open');
      expect(stream.stats.reconnects).toBe(0);
      expect(stream.stats.eventsDelivered).toBe(expected.length);
      // Each throw reported once, as a typed error naming the event type and carrying the cause.
      const fromEvent = w.errors.filter((e) => e.event === 'event');
      const fromType = w.errors.filter((e) => e.event === type);
      expect(fromEvent).toHaveLength(Math.floor(expected.length / 2));
      expect(fromType).toHaveLength(expected.filter((x) => x.startsWith(`${type}@`)).length);
      expect(new Set(w.errors.map((e) => e.code))).toEqual(new Set([ErrorCode.ListenerError]));
      expect(fromEvent[0]?.cause).toBe('listener bug 2');
      await stream.close();
      await w.pump;
    });
  }

  it('a throwing lifecycle listener (open, gap) does not break reconnecting', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    const stream = openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock });
    streams.push(stream);
    const errors: string[] = [];
    stream.on('error', (e) => errors.push(`${e.code}:${String(e.details.event)}`));
    for (const type of ['open', 'reconnecting', 'reconnected', 'gap'] as const)
      stream.on(type, () => {
        throw new Error(`${type} listener bug`);
      });
    const events: UserDataEvent[] = [];
    stream.on('event', (e) => events.push(e));
    await stream.opened();
    r.sim.faults.drop({ accountId: r.account.id });
    await until(() => stream.stats.reconnects === 1 && stream.state === 'open', 'reconnected');
    order(r.sim, r.account.id, 'binance-usdm');
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(() => events.length === expected.length, 'events after the reconnect');
    expect(seen(events)).toEqual(expected);
    expect(errors).toEqual([
      `${ErrorCode.ListenerError}:open`,
      `${ErrorCode.ListenerError}:reconnecting`,
      `${ErrorCode.ListenerError}:reconnected`,
      `${ErrorCode.ListenerError}:gap`,
    ]);
  });

  it('an async listener whose promise rejects is reported the same way, and costs nothing else', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    const stream = openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock });
    streams.push(stream);
    const errors: string[] = [];
    stream.on('error', (e) =>
      errors.push(`${e.code}:${String(e.details.event)}:${(e.cause as Error).message}`),
    );
    stream.on('event', async () => {
      throw new Error('async listener bug');
    });
    // The only listener of its type: Node's own emit calls it (captureRejections path).
    stream.on('ORDER_TRADE_UPDATE', async () => {
      await Promise.resolve();
      throw new Error('async typed listener bug');
    });
    const events: UserDataEvent[] = [];
    stream.on('event', (e) => events.push(e));
    await stream.opened();
    order(r.sim, r.account.id, 'binance-usdm');
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    // Without handling, each rejection is an unhandled rejection: Node ends the process.
    const typed = expected.filter((x) => x.startsWith('ORDER_TRADE_UPDATE@')).length;
    expect(typed).toBeGreaterThan(0);
    await until(
      () => events.length === expected.length && errors.length === expected.length + typed,
      'events',
    );
    expect(seen(events)).toEqual(expected);
    expect(errors.filter((e) => e.includes(':event:'))).toEqual(
      expected.map(() => `${ErrorCode.ListenerError}:event:async listener bug`),
    );
    expect(errors.filter((e) => e.includes(':ORDER_TRADE_UPDATE:'))).toHaveLength(typed);
    expect(stream.state).toBe('open');
  });

  it('a throwing error listener is logged, never thrown into the socket', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    const logged: string[] = [];
    const log = (level: string) => (obj: Record<string, unknown>, msg: string) =>
      logged.push(`${level}:${String(obj.code)}:${msg}`);
    const stream = openListenKeyStream({
      venue: r.sim.venue('binance-usdm'),
      listenKey,
      clock: r.clock,
      logger: { debug: () => {}, info: () => {}, warn: log('warn'), error: log('error') },
    });
    streams.push(stream);
    stream.on('event', () => {
      throw new Error('event listener bug');
    });
    stream.on('error', () => {
      throw new Error('error listener bug');
    });
    const events: UserDataEvent[] = [];
    stream.on('event', (e) => events.push(e));
    await stream.opened();
    order(r.sim, r.account.id, 'binance-usdm');
    order(r.sim, r.account.id, 'binance-usdm', '49000');
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(() => events.length === expected.length, 'events');
    expect(seen(events)).toEqual(expected);
    expect(stream.state).toBe('open');
    expect(logged.filter((l) => l.startsWith(`error:${ErrorCode.ListenerError}:`))).toHaveLength(
      expected.length * 2,
    );
  });
});
