import { ErrorCode } from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createListenKeyConnection, type ListenKeyStream, openListenKeyStream } from '../src/index.js';
import { capture, HOUR, MIN, order, type Rig, record, rig, SEC, seen, sent, tick, until } from './helpers.js';

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

async function open(
  venue:
    | 'binance-usdm'
    | 'binance-spot-legacy'
    | 'bhex'
    | 'coins-ph'
    | 'binance-portfolio-margin' = 'binance-usdm',
  extra: Record<string, unknown> = {},
) {
  const listenKey = await r.createListenKey(venue);
  const stream = openListenKeyStream({ venue: r.sim.venue(venue), listenKey, clock: r.clock, ...extra });
  streams.push(stream);
  const log = record(stream);
  await stream.opened();
  return { stream, log, listenKey };
}

describe('openListenKeyStream', () => {
  it('delivers every engine event of each listenKey venue in E order, typed, once', async () => {
    for (const venue of [
      'binance-usdm',
      'binance-spot-legacy',
      'bhex',
      'coins-ph',
      'binance-portfolio-margin',
    ] as const) {
      const { stream, log } = await open(venue);
      const byType: string[] = [];
      stream.on(venue === 'binance-usdm' ? 'ORDER_TRADE_UPDATE' : 'executionReport', (e: { e: string }) =>
        byType.push(e.e),
      );
      if (venue !== 'binance-portfolio-margin') {
        for (let i = 0; i < 3; i++) order(r.sim, r.account.id, venue, String(50000 - i));
      } else {
        r.sim.faults.unknownEvent({ accountId: r.account.id, venue });
      }
      const expected = sent(r.sim, r.account.id, venue);
      await until(() => log.events.length === expected.length && expected.length > 0, `${venue} events`);
      expect(seen(log.events)).toEqual(expected);
      const Es = log.Es();
      expect([...Es].sort((a, b) => a - b)).toEqual(Es);
      if (venue !== 'binance-portfolio-margin') expect(byType).toHaveLength(3);
      expect(log.count('open')).toBe(1);
      expect(stream.state).toBe('open');
      expect(log.count('open')).toBe(1);
      expect(log.count('gap')).toBe(0);
      r.sim.record.clear();
    }
  });

  it('recovers an abrupt drop and a clean close: reconnected, then gap, and nothing lost or repeated', async () => {
    const { stream, log } = await open();
    order(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === sent(r.sim, r.account.id, 'binance-usdm').length);
    for (const [i, mode] of (['terminate', 'close'] as const).entries()) {
      expect(r.sim.faults.drop({ accountId: r.account.id, mode })).toBe(1);
      await until(() => log.count('reconnected') === i + 1 && stream.state === 'open', 'reopened');
      order(r.sim, r.account.id, 'binance-usdm', '49000');
      await until(() => log.events.length === sent(r.sim, r.account.id, 'binance-usdm').length, 'flowing');
    }
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === expected.length, 'events after reconnects');
    expect(seen(log.events)).toEqual(expected);
    expect(log.count('reconnected')).toBe(2);
    expect(log.count('gap')).toBe(2);
    expect(
      log.lifecycle.filter((l) => l.type === 'gap').map((l) => (l.info as { reason: string }).reason),
    ).toEqual(['reconnect', 'reconnect']);
    expect(stream.stats).toMatchObject({ reconnects: 2, gaps: 2, duplicates: 0 });
  });

  it('detects a stalled connection by a missing pong and reconnects', async () => {
    const { stream, log } = await open();
    const stall = r.sim.faults.stall({ accountId: r.account.id });
    // A ping is sent at 10 s; no pong by 15 s: the link is ended and opened again.
    await r.clock.advance(10 * SEC); // a ping
    await r.clock.advance(5 * SEC); // no pong: the link is ended
    await until(() => log.count('reconnecting') === 1, 'reconnecting');
    await until(() => stream.state === 'open', 'reopened');
    expect(log.lifecycle.find((l) => l.type === 'reconnecting')?.info).toMatchObject({
      reason: 'pong-timeout',
    });
    expect(log.count('gap')).toBe(1);
    stall.release();
    order(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === sent(r.sim, r.account.id, 'binance-usdm').length);
  });

  it('rotates make-before-break before the 24 h cutoff: no gap, no loss, no duplicate', async () => {
    const { stream, log } = await open('binance-usdm', { rotation: { marginMs: 10 * MIN, jitterMs: 0 } });
    // Keep the key alive on the simulator's side (a keepalive lease would do this).
    const keepAlive = () =>
      fetch(`${r.sim.venue('binance-usdm').restBaseUrl}/fapi/v1/listenKey`, {
        method: 'PUT',
        headers: { 'X-MBX-APIKEY': r.account.apiKey },
      });
    for (let h = 0; h < 46; h++) {
      await r.clock.advance(HOUR / 2);
      await keepAlive();
      if (h % 2 === 0) order(r.sim, r.account.id, 'binance-usdm', String(40000 + h));
    }
    const before = r.sim.record.connections;
    await r.clock.advance(50 * MIN); // 23 h 50 min: rotation
    await until(() => stream.stats.rotations === 1, 'rotation');
    await keepAlive();
    order(r.sim, r.account.id, 'binance-usdm', '30000');
    await r.clock.advance(15 * MIN); // past 24 h: the old connection would have been cut
    order(r.sim, r.account.id, 'binance-usdm', '30001');
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === expected.length, 'all events');
    expect(seen(log.events)).toEqual(expected);
    expect(log.count('gap')).toBe(0);
    expect(log.count('reconnected')).toBe(0);
    expect(stream.state).toBe('open');
    expect(r.sim.record.connections).toBe(before);
  });

  it('surfaces listenKeyExpired, then continues on the replacement key with a gap', async () => {
    const { stream, log } = await open('binance-usdm');
    const expired = new Promise((resolve) => stream.once('credentialExpired', resolve));
    r.sim.faults.expire({ accountId: r.account.id, venue: 'binance-usdm' });
    expect(await expired).toEqual({ reason: 'listenKeyExpired' });
    expect(log.events.at(-1)?.e).toBe('listenKeyExpired');
    const next = await r.createListenKey('binance-usdm');
    await stream.replaceListenKey(next);
    await until(() => stream.state === 'open' && log.count('gap') === 1, 'replaced');
    expect(log.lifecycle.find((l) => l.type === 'gap')?.info).toMatchObject({
      reason: 'credential-changed',
    });
    order(r.sim, r.account.id, 'binance-usdm');
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === expected.length, 'events on the new key');
    expect(seen(log.events)).toEqual(expected);
  });

  it("a gap's lastEventTime is the last account event's E, not the listenKeyExpired notice's", async () => {
    // Chaos seed 208: the venue held an event back (reorder) when the key lapsed; the expiry
    // notice went out past it (a notice about the key, not part of the account's event order)
    // and the held event never did. The gap must not claim continuity up to the notice's later E.
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-User-Data-Stream-Expired
    // (page not in the search store: shape from the simulator's listenKeyExpired, `E` then `listenKey`)
    const { stream, log } = await open('binance-usdm');
    r.sim.faults.unknownEvent({ accountId: r.account.id, venue: 'binance-usdm' });
    await until(() => log.events.length === 1, 'the first event');
    const delivered = (log.events[0] as { E: number }).E;
    await r.clock.advance(5);
    r.sim.faults.reorder({ accountId: r.account.id, venue: 'binance-usdm', window: 4 });
    r.sim.faults.unknownEvent({ accountId: r.account.id, venue: 'binance-usdm' }); // held, then lost
    await r.clock.advance(5);
    r.sim.faults.expire({ accountId: r.account.id, venue: 'binance-usdm' });
    await until(() => log.count('credentialExpired') === 1, 'the expiry');
    const [, held, notice] = r.sim.record.events({ accountId: r.account.id, venue: 'binance-usdm' });
    expect(notice?.e).toBe('listenKeyExpired');
    expect(held?.E).toBeLessThan(notice?.E as number);
    expect(log.events.at(-1)?.e).toBe('listenKeyExpired');
    await stream.replaceListenKey(await r.createListenKey('binance-usdm'));
    await until(() => stream.state === 'open' && log.count('gap') === 1, 'replaced');
    const gap = log.lifecycle.find((l) => l.type === 'gap')?.info as { lastEventTime?: number };
    expect(gap).toMatchObject({ reason: 'credential-changed', lastEventTime: delivered });
    expect(stream.stats.lastEventTime).toBe(delivered);
  });

  it('reports each expiry of one key after another exactly once', async () => {
    const { stream, log } = await open('binance-usdm');
    for (let round = 1; round <= 3; round++) {
      r.sim.faults.expire({ accountId: r.account.id, venue: 'binance-usdm' });
      await until(() => log.count('credentialExpired') === round, `expiry ${round} reported`);
      // Let the reconnect with the expired key be refused before the new key arrives.
      await tick(30);
      await stream.replaceListenKey(await r.createListenKey('binance-usdm'));
      await until(() => stream.state === 'open' && log.count('gap') === round, `open on key ${round + 1}`);
    }
    expect(log.count('credentialExpired')).toBe(3);
    order(r.sim, r.account.id, 'binance-usdm');
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === expected.length, 'events on the last key');
  });

  it('replaceListenKey with a key that is refused too resolves (a lease is never left waiting)', async () => {
    const { stream, log } = await open('binance-usdm');
    r.sim.faults.expire({ accountId: r.account.id, venue: 'binance-usdm' });
    await until(() => log.count('credentialExpired') === 1, 'expiry reported');
    await stream.replaceListenKey('Z'.repeat(64)); // never issued: refused at the upgrade
    // The old link may still be open (it resolves at once then): the refusal follows.
    await until(() => log.count('credentialExpired') === 2, 'the new key refused');
    expect(log.lifecycle.filter((l) => l.type === 'credentialExpired').map((l) => l.info)).toEqual([
      { reason: 'listenKeyExpired' },
      { reason: 'invalid-credential', code: -1125 },
    ]);
    await stream.replaceListenKey(await r.createListenKey('binance-usdm'));
    expect(stream.state).toBe('open');
  });

  it('reports a refused key (-1125 at the upgrade) as invalid-credential and keeps retrying until replaced', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    r.sim.faults.expire({ accountId: r.account.id, venue: 'binance-usdm' });
    const stream = openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock });
    streams.push(stream);
    const log = record(stream);
    await until(() => log.count('credentialExpired') >= 1, 'credentialExpired');
    expect(log.lifecycle.find((l) => l.type === 'credentialExpired')?.info).toEqual({
      reason: 'invalid-credential',
      code: -1125,
    });
    expect(stream.state).toBe('connecting');
    await stream.replaceListenKey(await r.createListenKey('binance-usdm'));
    await until(() => stream.state === 'open', 'open on the new key');
    expect(log.count('open')).toBe(1);
    expect(log.count('gap')).toBe(0);
  });

  it('turns a malformed frame into a counted error event and goes on', async () => {
    const { stream, log } = await open();
    r.sim.faults.malformedFrame({ accountId: r.account.id });
    await until(() => log.errors.length === 1, 'error');
    expect(log.errors[0]?.code).toBe(ErrorCode.MalformedFrame);
    expect(stream.stats.malformed).toBe(1);
    order(r.sim, r.account.id, 'binance-usdm');
    await until(() => log.events.length === sent(r.sim, r.account.id, 'binance-usdm').length, 'later events');
    expect(stream.state).toBe('open');
    expect(log.count('reconnecting')).toBe(0);
  });

  it('passes an unknown event type through as `unknown`', async () => {
    const { stream, log } = await open();
    const unknown: unknown[] = [];
    stream.on('unknown', (e) => unknown.push(e));
    r.sim.faults.unknownEvent({ accountId: r.account.id });
    await until(() => unknown.length === 1, 'unknown');
    expect(unknown[0]).toMatchObject({ e: 'unknown', type: expect.any(String), raw: expect.any(Object) });
    expect(log.events).toHaveLength(1);
    expect(stream.stats.unknown).toBe(1);
  });

  it('drops duplicated events', async () => {
    const { stream, log } = await open();
    r.sim.faults.duplicate({ accountId: r.account.id, count: 3 });
    for (let i = 0; i < 3; i++) order(r.sim, r.account.id, 'binance-usdm', String(50000 - i));
    const expected = sent(r.sim, r.account.id, 'binance-usdm');
    await until(
      () => stream.stats.duplicates === 3,
      `duplicates seen ${JSON.stringify(stream.stats)} ${expected}`,
    );
    await tick(20);
    expect(seen(log.events)).toEqual(expected);
  });

  it('puts out-of-order events back in E order within the reorder window', async () => {
    const { stream, log } = await open('bhex', { reorderWindowMs: 30 });
    r.sim.faults.reorder({ accountId: r.account.id, venue: 'bhex', window: 4 });
    // Each order in its own millisecond: E is a millisecond clock, so it orders operations, not
    // the events of one operation (those share E, and arrive in whatever order the wire gives).
    for (let i = 0; i < 2; i++) {
      order(r.sim, r.account.id, 'bhex', String(50000 - i));
      await r.clock.advance(1);
    }
    const expected = sent(r.sim, r.account.id, 'bhex');
    expect(expected.length).toBe(4);
    await until(() => log.events.length === 4, 'reordered events');
    expect(log.Es()).toEqual([...log.Es()].sort((a, b) => a - b));
    expect([...seen(log.events)].sort()).toEqual([...expected].sort());
    expect(stream.stats.reordered).toBeGreaterThan(0);
    expect(stream.stats.outOfOrder).toBe(0);
  });

  it('without a reorder window, late events are delivered (never dropped), counted and announced by a gap', async () => {
    const { stream, log } = await open('binance-usdm', { reorderWindowMs: 0 });
    const sequence: string[] = [];
    stream.on('event', (e) => sequence.push(`E${(e as { E: number }).E}`));
    stream.on('gap', (g) => sequence.push(`gap:${g.reason}`));
    r.sim.faults.reorder({ accountId: r.account.id, window: 3 });
    for (let i = 0; i < 3; i++) {
      r.sim.faults.unknownEvent({ accountId: r.account.id });
      await r.clock.advance(1); // one millisecond each: lateness is seen through E
    }
    await until(() => log.events.length === 3, 'events');
    expect(stream.stats.outOfOrder).toBe(2);
    // E order cannot be kept for an event that arrives after a later one: the stream says so
    // (a gap, so a mirror resyncs) right before delivering it, never silently.
    let newest = Number.NEGATIVE_INFINITY;
    for (const [i, item] of sequence.entries()) {
      if (!item.startsWith('E')) continue;
      const E = Number(item.slice(1));
      if (E < newest) expect(sequence[i - 1]).toBe('gap:out-of-order');
      newest = Math.max(newest, E);
    }
    expect(sequence.filter((s) => s === 'gap:out-of-order')).toHaveLength(2);
    expect([...seen(log.events)].sort()).toEqual([...sent(r.sim, r.account.id, 'binance-usdm')].sort());
  });

  it('keeps trying when connections are refused at start, then opens', async () => {
    const refusal = r.sim.faults.refuseConnections({ mode: 'reject' });
    const listenKey = await r.createListenKey('binance-usdm');
    const stream = openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock });
    streams.push(stream);
    const log = record(stream);
    await until(() => log.count('reconnecting') >= 1, 'first refusal');
    for (let i = 0; i < 5; i++) {
      await r.clock.advance(30 * SEC);
      await tick(5);
    }
    expect(log.count('reconnecting')).toBeGreaterThan(1);
    expect(stream.state).toBe('connecting');
    refusal.release();
    await r.clock.advance(30 * SEC);
    await until(() => stream.state === 'open', 'open after refusals');
    expect(log.count('open')).toBe(1);
    expect(log.count('gap')).toBe(0);
  });

  it('close() leaves no socket and no timer', async () => {
    const listenKey = await r.createListenKey('binance-usdm'); // the simulator's expiry timer
    const timersBefore = r.clock.pending;
    const socketsBefore = process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap').length;
    const stream = openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock });
    await stream.opened();
    order(r.sim, r.account.id, 'binance-usdm');
    r.sim.faults.duplicate({ accountId: r.account.id, count: 1 });
    order(r.sim, r.account.id, 'binance-usdm', '49000');
    await until(() => stream.stats.eventsReceived >= 3, 'events');
    expect(r.clock.pending).toBeGreaterThan(timersBefore); // heartbeat, rotation, dedupe pruning
    await stream.close();
    expect(stream.state).toBe('closed');
    await until(() => r.sim.record.connections === 0, 'server saw the close');
    await until(
      () => process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap').length <= socketsBefore,
      'client socket released',
    );
    expect(r.clock.pending).toBe(timersBefore);
  });

  it('never puts a listenKey in errors, logs or diagnostics', async () => {
    const out = capture();
    try {
      const { stream, listenKey } = await open('binance-usdm', { logger: out.logger });
      r.sim.faults.malformedFrame({ accountId: r.account.id });
      r.sim.faults.drop({ accountId: r.account.id, mode: 'terminate' });
      await until(() => stream.stats.reconnects === 1, `reconnect ${JSON.stringify(stream.stats)}`);
      r.sim.faults.expire({ accountId: r.account.id, venue: 'binance-usdm' });
      r.sim.faults.drop({ accountId: r.account.id });
      let refused = 0;
      stream.on('reconnecting', (info) => {
        if (info.reason === 'rejected') refused++;
      });
      await until(() => stream.stats.credentialExpirations === 1 && refused >= 1, 'refused');
      await stream.close();
      const text = out.text();
      expect(text.length).toBeGreaterThan(200);
      expect(text).not.toContain(listenKey);
      expect(text).not.toContain(r.account.apiKey);
    } finally {
      out.stop();
    }
  });
});

describe('every other listenKey profile', () => {
  it('streams COIN-M and the legacy margin paths (isolated per symbol) at their own paths', async () => {
    for (const [venue, symbol] of [
      ['binance-coinm', undefined],
      ['binance-margin-legacy', undefined],
      ['binance-isolated-margin-legacy', 'BTCUSDT'],
    ] as const) {
      const listenKey = await r.createListenKey(venue, r.account, symbol);
      const stream = openListenKeyStream({ venue: r.sim.venue(venue), listenKey, clock: r.clock });
      streams.push(stream);
      const log = record(stream);
      await stream.opened();
      r.sim.faults.unknownEvent({ accountId: r.account.id, venue });
      await until(() => log.events.length === 1, `${venue} event`);
      expect(log.events[0]).toMatchObject({ e: 'unknown' });
    }
  });
});

describe('createListenKeyConnection (combined streams)', () => {
  it('routes each listenKey’s events to its own stream over one socket, and survives a drop', async () => {
    const b = r.sim.accounts[1]!;
    const connection = createListenKeyConnection({ venue: r.sim.venue('binance-usdm'), clock: r.clock });
    const s1 = connection.open({ listenKey: await r.createListenKey('binance-usdm') });
    const s2 = connection.open({ listenKey: await r.createListenKey('binance-usdm', b) });
    const l1 = record(s1);
    const l2 = record(s2);
    await Promise.all([s1.opened(), s2.opened()]);
    await until(() => r.sim.record.connections === 1, 'one socket');
    order(r.sim, r.account.id, 'binance-usdm');
    order(r.sim, b.id, 'binance-usdm', '49000');
    await until(
      () =>
        l1.events.length === sent(r.sim, r.account.id, 'binance-usdm').length &&
        l2.events.length === sent(r.sim, b.id, 'binance-usdm').length,
      'routed',
    );
    expect(seen(l1.events)).toEqual(sent(r.sim, r.account.id, 'binance-usdm'));
    expect(seen(l2.events)).toEqual(sent(r.sim, b.id, 'binance-usdm'));
    r.sim.faults.drop({ mode: 'terminate' });
    await until(
      () => l1.count('gap') === 1 && l2.count('gap') === 1,
      `both gaps ${JSON.stringify(l1.lifecycle)}`,
    );
    await s1.close();
    await until(() => r.sim.record.connections === 1 && s2.state === 'open', 'still serving s2');
    order(r.sim, b.id, 'binance-usdm', '48000');
    await until(() => l2.events.length === sent(r.sim, b.id, 'binance-usdm').length, 's2 after s1 left');
    await connection.close();
    await until(() => r.sim.record.connections === 0, 'closed');
  });
});

describe('a shared connection left with no streams', () => {
  it('cancels a pending reconnect and keeps no timer', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    const timersBefore = r.clock.pending; // the simulator's expiry of the key
    const connection = createListenKeyConnection({ venue: r.sim.venue('binance-usdm'), clock: r.clock });
    const stream = connection.open({ listenKey });
    const log = record(stream);
    await stream.opened();
    const refusal = r.sim.faults.refuseConnections({ mode: 'reject' });
    r.sim.faults.drop({ mode: 'terminate' });
    // The immediate retry is refused; the next one waits for a backoff on the clock.
    await until(() => log.lifecycle.filter((l) => l.type === 'reconnecting').length >= 2, 'in backoff');
    await stream.close();
    expect(connection.size).toBe(0);
    expect(r.clock.pending).toBe(timersBefore);
    refusal.release();
    await r.clock.advance(60_000);
    await tick(20);
    expect(r.sim.record.connections).toBe(0);
    await connection.close();
  });
});

describe('options', () => {
  it('are checked at the factory with clear, typed errors', () => {
    const venue = 'binance-usdm';
    const bad = (o: Record<string, unknown>) => {
      try {
        openListenKeyStream({ venue, listenKey: 'a'.repeat(60), ...o } as never);
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    expect(bad({ listenKey: 'short' })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: listenKey must be 8 to 128 letters and digits as returned by the venue"`,
    );
    expect(bad({ venue: 'nope' })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: unknown venue 'nope'; known venues: binance-spot, binance-spot-testnet, binance-margin, binance-isolated-margin, binance-spot-legacy, binance-margin-legacy, binance-isolated-margin-legacy, binance-usdm, binance-usdm-testnet, binance-coinm, binance-coinm-testnet, binance-portfolio-margin, binance-pm-pro, binance-options, binance-margin-risk, bhex, coins-ph, bingx-spot, bingx-swap, mexc, coins-xyz, coins-th, aster-futures, aster-spot, aster-futures-v3, aster-spot-v3, toobit-spot, toobit-usdm, bitrue-spot, tokocrypto"`,
    );
    expect(bad({ venue: 'binance-spot' })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: venue 'binance-spot' does not stream over listenKeys (its protocol is wsApi); use openWsApiStream"`,
    );
    expect(bad({ heartbeat: { pingIntervalMs: -1 } })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: heartbeat.pingIntervalMs must be a positive whole number of milliseconds no greater than 2147483647 (the Node timer limit, about 24.8 days), got -1"`,
    );
    expect(bad({ heartbeat: { pingEvery: 1 } })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: unknown option 'heartbeat.pingEvery'; known: pingIntervalMs, pongTimeoutMs, inactivityTimeoutMs"`,
    );
    expect(bad({ reconnect: { factor: 0.5 } })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: reconnect.factor must be a number >= 1, got 0.5"`,
    );
    expect(bad({ buffer: { policy: 'drop' } })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: buffer.policy must be 'warn', 'gap' or 'error', got drop"`,
    );
    expect(bad({ rotation: { marginMs: 25 * HOUR } })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: rotation.marginMs + rotation.jitterMs must be below the venue's connection lifetime (86400000 ms)"`,
    );
    expect(bad({ reorderWindowMs: 1.5 })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: reorderWindowMs must be a non-negative whole number of milliseconds no greater than 2147483647 (the Node timer limit, about 24.8 days), got 1.5"`,
    );
    expect(bad({ listenkey: 'x' })).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: unknown option 'listenkey'; known: venue, clock, logger, heartbeat, reconnect, rotation, reorderWindowMs, dedupe, buffer, openTimeoutMs, requestTimeoutMs, allowInsecure, maxPayload, proxy, random, listenKey, events"`,
    );
    expect(
      bad({ venue: { ...r.sim.venue('binance-usdm'), streamBaseUrl: 'ws://example.com/private' } }),
    ).toMatchInlineSnapshot(
      `"USERSTREAM_INVALID_CONFIG: @userstream/stream: venue URL uses plain ws: to example.com: only loopback may be unencrypted; use wss: or pass allowInsecure: true"`,
    );
  });
});
