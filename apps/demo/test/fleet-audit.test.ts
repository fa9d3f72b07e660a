import { GAP_MARKER } from '@userstream/redis';
import { describe, expect, it } from 'vitest';
import { auditStream } from '../src/fleet.js';

const ev = (E: number, extra = '') => ({ e: 'ACCOUNT_UPDATE', E: String(E), event: `{"E":${E}${extra}}` });
const gap = (at: number) => ({ e: GAP_MARKER, E: String(at), reason: 'acquired', worker: 'w1' });
const sent = (...times: number[]) => times.map((E) => ({ e: 'ACCOUNT_UPDATE', E }));

describe('auditStream: Redis against what the exchange sent', () => {
  it('everything stored once: nothing lost, nothing duplicated', () => {
    expect(auditStream([gap(1), ev(10), ev(20)], sent(10, 20))).toEqual({
      sent: 2,
      inRedis: 2,
      duplicatesInRedis: 0,
      lost: 0,
      lostWithoutGap: 0,
      gapMarkers: 1,
    });
  });

  it('an event stored twice is a duplicate', () => {
    expect(auditStream([gap(1), ev(10), ev(10), ev(20)], sent(10, 20)).duplicatesInRedis).toBe(1);
  });

  it('two different events with the same E are not duplicates', () => {
    expect(auditStream([gap(1), ev(10), ev(10, ',"x":1')], sent(10, 10)).duplicatesInRedis).toBe(0);
  });

  it('a loss before a takeover’s gap marker is announced', () => {
    const r = auditStream([gap(1), ev(10), gap(40), ev(50)], sent(10, 20, 30, 50));
    expect(r).toMatchObject({ lost: 2, lostWithoutGap: 0 });
  });

  it('a loss after the marker but before the new owner’s first event is announced', () => {
    expect(auditStream([gap(1), ev(10), gap(40), ev(50)], sent(10, 45, 50))).toMatchObject({
      lost: 1,
      lostWithoutGap: 0,
    });
  });

  it('a late write of the old owner after the marker does not hide the window', () => {
    expect(auditStream([gap(1), ev(10), gap(40), ev(12), ev(50)], sent(10, 12, 30, 50))).toMatchObject({
      lost: 1,
      lostWithoutGap: 0,
    });
  });

  it('a loss no marker covers is unannounced', () => {
    expect(auditStream([gap(1), ev(10), ev(30), gap(60), ev(70)], sent(10, 20, 30, 70))).toMatchObject({
      lost: 1,
      lostWithoutGap: 1,
    });
  });

  it('a loss before the first marker is unannounced when events were stored before it', () => {
    expect(auditStream([ev(10), ev(30), gap(60), ev(70)], sent(5, 10, 30, 70))).toMatchObject({
      lost: 1,
      lostWithoutGap: 1,
    });
  });
});

describe('auditStream: events counted by identity (core eventIdentity), not by e and E', () => {
  const update = (wb: string) => ({
    e: 'ACCOUNT_UPDATE',
    E: 10,
    a: { m: 'DEPOSIT', B: [{ a: 'USDT', wb }] },
  });
  const stored = (event: object) => ({ e: 'ACCOUNT_UPDATE', E: '10', event: JSON.stringify(event) });
  /** As the simulator records an engine event: type, time and payload. */
  const recorded = (event: ReturnType<typeof update>) => ({ e: event.e, E: event.E, event });

  it('two events of one millisecond: one stored twice does not stand in for the other', () => {
    const [a, b] = [update('1'), update('2')];
    const r = auditStream([gap(1), ev(5), stored(a), stored(a)], [...sent(5), recorded(a), recorded(b)]);
    expect(r).toEqual({
      sent: 3,
      inRedis: 3,
      duplicatesInRedis: 1,
      lost: 1,
      lostWithoutGap: 1,
      gapMarkers: 1,
    });
  });

  it('the same event stored with its fields in another order is a duplicate', () => {
    const a = update('1');
    const reordered = { a: a.a, E: a.E, e: a.e };
    expect(auditStream([gap(1), stored(a), stored(reordered)], [recorded(a)])).toMatchObject({
      duplicatesInRedis: 1,
      lost: 0,
    });
  });

  it('every event of one millisecond stored once: nothing lost, nothing duplicated', () => {
    const [a, b] = [update('1'), update('2')];
    expect(auditStream([gap(1), stored(b), stored(a)], [recorded(a), recorded(b)])).toMatchObject({
      duplicatesInRedis: 0,
      lost: 0,
    });
  });
});
