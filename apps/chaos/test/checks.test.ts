/**
 * The suite's own checks, fed by hand: each one must catch what it is there to catch (a chaos run
 * that passes proves nothing if a check cannot fail), and plans must be pure functions of the seed.
 */
import { VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { Canaries, OutputCapture, renderError } from '../src/capture.js';
import {
  checkDelivery,
  checkFleetDelivery,
  differences,
  type SentEvent,
  StreamObserver,
} from '../src/checks.js';
import { CountingClock } from '../src/harness.js';
import { describePlan, kindOf, makePlan, STREAM_KINDS } from '../src/plan.js';

const ev = (E: number, i: number, X = 'NEW') => ({ e: 'executionReport', E, i, X });
const sent = (...events: Record<string, unknown>[]): SentEvent[] =>
  events.map((event) => ({ e: String(event.e), E: Number(event.E), source: 'engine', event }));

describe('delivery checks', () => {
  it('an event that never arrived, outside any gap, is a violation; inside a gap it is not', () => {
    const all = sent(ev(10, 1), ev(20, 2), ev(30, 3), ev(40, 4));
    const o = new StreamObserver('s');
    o.event(ev(10, 1));
    o.event(ev(40, 4));
    const lost = checkDelivery(o, all);
    expect(lost.lost).toEqual(['executionReport@20', 'executionReport@30']);
    expect(lost.violations[0]).toMatch(/s: events lost without a gap: 2/);

    const g = new StreamObserver('g');
    g.event(ev(10, 1));
    g.gap({ reason: 'reconnect', lastEventTime: 10 });
    g.event(ev(40, 4));
    const announced = checkDelivery(g, all);
    expect(announced.violations).toEqual([]);
    expect(announced.lostInGaps).toBe(2);
  });

  it('a gap window includes its ends (E is not unique: a lost event can share the last delivered E)', () => {
    const all = sent(ev(10, 1), ev(10, 2), ev(20, 3));
    const o = new StreamObserver('s');
    o.event(ev(10, 1));
    o.gap({ reason: 'reconnect', lastEventTime: 10 });
    o.event(ev(20, 3));
    expect(checkDelivery(o, all).violations).toEqual([]);
    // Without the gap the same loss is reported.
    const n = new StreamObserver('n');
    n.event(ev(10, 1));
    n.event(ev(20, 3));
    expect(checkDelivery(n, all).violations).toHaveLength(1);
  });

  it('a late event the stream announced (gap out-of-order right before it) is no violation; nothing is lost', () => {
    const all = sent(ev(10, 1), ev(20, 2));
    const o = new StreamObserver('s');
    o.event(ev(20, 2));
    o.gap({ reason: 'out-of-order', lastEventTime: 20 });
    o.event(ev(10, 1));
    expect(checkDelivery(o, all).violations).toEqual([]);
    // The announcement covers only the event right after it.
    o.event(ev(5, 3));
    expect(checkDelivery(o, sent(ev(10, 1), ev(20, 2), ev(5, 3))).violations).toEqual([
      's: E went backwards: 1: E 5 after 10 (#2)',
    ]);
  });

  it("a listenKeyExpired notice does not move a gap's start (the venue sends it past events it holds back)", () => {
    // Chaos seed 208 (fleet): the worker's gap carries no lastEventTime, so the observer takes the
    // last E it saw; the notice's later E put the event lost with the expired key outside the gap.
    const all = sent(ev(10, 1), ev(20, 2), ev(40, 3));
    const o = new StreamObserver('fleet');
    o.event(ev(10, 1));
    o.event({ e: 'listenKeyExpired', E: 30 });
    o.gap({ reason: 'credential-changed' });
    o.event(ev(40, 3));
    const result = checkDelivery(o, all);
    expect(result.violations).toEqual([]);
    expect(result.lostInGaps).toBe(1);
    expect(o.windows).toEqual([{ from: 10, to: 40, reason: 'credential-changed' }]);
  });

  it('an event delivered twice and E going backwards are violations', () => {
    const all = sent(ev(10, 1), ev(20, 2));
    const o = new StreamObserver('s');
    o.event(ev(20, 2));
    o.event(ev(10, 1));
    o.event(ev(10, 1));
    const { violations } = checkDelivery(o, all);
    expect(violations.some((v) => /delivered more than once: 1: executionReport@10 ×2/.test(v))).toBe(true);
    expect(violations.some((v) => /E went backwards: 1: E 10 after 20/.test(v))).toBe(true);
  });

  // Chaos seed 57: two expire faults 1.7 s of protocol time apart expired a key and its
  // replacement; under a skewed exchange clock both notices carried the book's last E, and the
  // stream keeps no key in the events it delivers, so the two notices were identical. A notice
  // is one per credential, not an account event: identical ones are not a duplicate delivery.
  it('two identical key notices (one per expired key) are not an event delivered twice', () => {
    const o = new StreamObserver('s');
    o.event(ev(10, 1));
    o.event({ e: 'listenKeyExpired', E: 10 });
    o.event({ e: 'listenKeyExpired', E: 10 });
    o.event(ev(10, 1));
    const { violations } = checkDelivery(o, sent(ev(10, 1)));
    expect(violations).toEqual(['s: events delivered more than once: 1: executionReport@10 ×2']);
  });

  it("a fleet's planned move: both owners emit the overlap, each worker once and in order; only the union's losses count", () => {
    // Chaos fleet seeds 264, 312, 328: the old and the new owner of a moved stream both emitted
    // the events of the make-before-break overlap (Redis held each once); the audit merged every
    // worker's events into one observer and called the overlap duplicates. No consumer sees that
    // union: a worker is one consumer, the account's Redis Stream is the fleet's record.
    const all = sent(ev(10, 1), ev(20, 2), ev(30, 3), ev(40, 4));
    const union = new StreamObserver('acct (fleet)');
    const a = new StreamObserver('acct on worker-a');
    const b = new StreamObserver('acct on worker-b');
    const emit = (w: StreamObserver, e: Record<string, unknown>) => {
      w.event(e);
      union.event(e);
    };
    emit(a, ev(10, 1));
    emit(a, ev(20, 2));
    emit(a, ev(30, 3));
    // The new owner's held events, released once the old owner said it covered.
    emit(b, ev(20, 2));
    emit(b, ev(30, 3));
    emit(b, ev(40, 4));
    // What the audit did before: the union's overlap reads as duplicates and E going backwards.
    expect(checkDelivery(union, all).violations).toHaveLength(2);
    expect(checkFleetDelivery(union, [a, b], all).violations).toEqual([]);

    // One worker emitting an event twice, or out of order, is a violation of that worker.
    emit(b, ev(30, 3));
    expect(checkFleetDelivery(union, [a, b], all).violations).toEqual([
      'acct on worker-b: events delivered more than once: 1: executionReport@30 ×2',
      'acct on worker-b: E went backwards: 1: E 30 after 40 (#3)',
    ]);

    // A loss no worker announced is a violation of the fleet, announced by any worker it is not.
    const lossy = new StreamObserver('acct (fleet)');
    const c = new StreamObserver('acct on worker-c');
    for (const e of [ev(10, 1), ev(40, 4)]) {
      c.event(e);
      lossy.event(e);
    }
    expect(checkFleetDelivery(lossy, [c], all).violations).toEqual([
      'acct (fleet): events lost without a gap: 2: executionReport@20; executionReport@30',
    ]);
    const announced = new StreamObserver('acct (fleet)');
    announced.event(ev(10, 1));
    announced.gap({ reason: 'acquired' });
    announced.event(ev(40, 4));
    expect(checkFleetDelivery(announced, [], all).violations).toEqual([]);
  });

  it('two different events of one millisecond are two events, not a duplicate', () => {
    const all = sent(ev(10, 1, 'NEW'), ev(10, 1, 'FILLED'));
    const o = new StreamObserver('s');
    o.event(ev(10, 1, 'NEW'));
    o.event(ev(10, 1, 'FILLED'));
    expect(checkDelivery(o, all).violations).toEqual([]);
    const missing = new StreamObserver('m');
    missing.event(ev(10, 1, 'NEW'));
    missing.event(ev(10, 1, 'NEW'));
    expect(checkDelivery(missing, all).violations).toHaveLength(2);
  });

  it('an unknown event type is matched through its raw payload; protocol events are not expected', () => {
    const all: SentEvent[] = [
      { e: 'simUnknownEvent', E: 5, source: 'fault' },
      { e: 'listenKeyExpired', E: 6, source: 'protocol' },
    ];
    const o = new StreamObserver('s');
    o.event({ e: 'unknown', type: 'simUnknownEvent', E: 5, raw: { e: 'simUnknownEvent', E: 5, note: 'x' } });
    expect(checkDelivery(o, all).violations).toEqual([]);
    expect(checkDelivery(new StreamObserver('none'), all).violations).toHaveLength(1);
  });
});

describe('mirror, secrets and handles', () => {
  it('differences name every balance and order that differ', () => {
    const same = { balances: { USDT: { free: '1', locked: '0' } }, orders: ['BTCUSDT 1 NEW 0'] };
    expect(differences(same, same)).toEqual([]);
    expect(
      differences(same, { balances: { USDT: { free: '2', locked: '0' } }, orders: ['BTCUSDT 1 FILLED 1'] }),
    ).toEqual([
      'balance USDT: mirror 1/0 vs exchange 2/0',
      'order only in mirror: BTCUSDT 1 NEW 0',
      'order only on exchange: BTCUSDT 1 FILLED 1',
    ]);
  });

  it('a canary found in any captured line is reported with the secret masked', () => {
    const canaries = new Canaries();
    canaries.add('listenKey', 'pqH3Yk0Yb1hD9vQpZtXq5Z7Gd2Lr4ZtQz0Kk3X9bN2mP4sR6tU8vW0xY1zA3bC5d');
    canaries.add('short', 'abc');
    const capture = new OutputCapture();
    try {
      capture
        .logger('x')
        .warn({ url: '/ws/pqH3Yk0Yb1hD9vQpZtXq5Z7Gd2Lr4ZtQz0Kk3X9bN2mP4sR6tU8vW0xY1zA3bC5d' }, 'dialling');
      capture.error('e', new Error('nothing to see'));
      const found = canaries.find(capture.lines);
      expect(found).toHaveLength(1);
      expect(found[0]).toContain('<listenKey>');
      expect(found[0]).not.toContain('pqH3Yk0Yb1hD9vQp');
      expect(canaries.find(['abc abc'])).toEqual([]);
    } finally {
      capture.stop();
    }
  });

  it('errors are rendered every way a user sees them (message, stack, toJSON, inspect)', () => {
    const error = Object.assign(new Error('message part'), {
      toJSON: () => ({ hidden: 'json part' }),
      extra: 'inspect part',
    });
    const text = renderError(error);
    for (const part of ['message part', 'json part', 'inspect part', 'at ']) expect(text).toContain(part);
  });

  it('the counting clock knows how many timers are live', async () => {
    const virtual = new VirtualClock(0);
    const clock = new CountingClock(virtual);
    const a = clock.setTimeout(() => {}, 10);
    clock.setTimeout(() => {}, 20);
    expect(clock.live).toBe(2);
    clock.clearTimeout(a);
    expect(clock.live).toBe(1);
    await virtual.advance(20);
    expect(clock.live).toBe(0);
  });
});

describe('plans', () => {
  it('are a pure function of the seed', () => {
    for (const seed of [1, 5, 8, 1234]) {
      expect(makePlan(seed, kindOf(seed))).toEqual(makePlan(seed, kindOf(seed)));
      expect(describePlan(makePlan(seed, kindOf(seed)))).toBe(describePlan(makePlan(seed, kindOf(seed))));
    }
    expect(makePlan(2, 'inProcess')).not.toEqual(makePlan(3, 'inProcess'));
  });

  it('never end a stall that discards data before a client could notice it (that loss is invisible to any client)', () => {
    let discarding = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const plan = makePlan(seed, kindOf(seed));
      for (const f of plan.faults) {
        if (f.spec.type !== 'stall' || f.spec.flush !== false) continue;
        discarding++;
        const end = f.atMs + (f.spec.durationMs ?? 0) / plan.speed;
        expect(end - f.atMs).toBeGreaterThanOrEqual(1_500);
        expect(end).toBeLessThan(plan.chaosMs);
        const early = plan.faults.filter(
          (g) =>
            g.atMs > f.atMs &&
            g.atMs < end &&
            (g.spec.type === 'clear' || (g.spec.type === 'release' && (g.releaseOf ?? f.id) === f.id)),
        );
        expect(early).toEqual([]);
      }
    }
    expect(discarding).toBeGreaterThan(10);
  });

  it('cover every fault type, venue and protocol, overlapping faults, child processes and fleets', () => {
    const types = new Set<string>();
    const venues = new Set<string>();
    let overlapping = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const plan = makePlan(seed, kindOf(seed));
      for (const f of plan.faults) types.add(f.spec.type);
      for (const s of plan.streams) venues.add(s.venue);
      // A lasting fault still in force when the next one comes.
      overlapping += plan.faults.filter(
        (f, i) =>
          'durationMs' in f.spec &&
          typeof f.spec.durationMs === 'number' &&
          plan.faults[i + 1] !== undefined &&
          (plan.faults[i + 1]?.atMs ?? 0) - f.atMs < f.spec.durationMs / plan.speed,
      ).length;
    }
    expect([...types].sort()).toEqual(
      [
        'ban',
        'clear',
        'drop',
        'duplicate',
        'eventStreamTerminated',
        'expire',
        'failKeepalives',
        'malformedFrame',
        'rateLimit',
        'refuseConnections',
        'release',
        'reorder',
        'serverShutdown',
        'skewClock',
        'stall',
        'unknownEvent',
      ].sort(),
    );
    expect([...venues].sort()).toEqual(STREAM_KINDS.map((k) => k.venue).sort());
    expect(overlapping).toBeGreaterThan(5);
    const kinds = Array.from({ length: 16 }, (_, i) => kindOf(i + 1));
    expect(kinds.filter((k) => k === 'fleet')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'child')).toHaveLength(2);
    // A child run puts each protocol in its own process.
    expect(makePlan(5, 'child').streams.map((s) => s.protocol)).toEqual([
      'wsApi',
      'listenToken',
      'listenKey',
    ]);
  });
});
