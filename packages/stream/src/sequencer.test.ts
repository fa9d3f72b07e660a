import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { UserDataEvent } from '@userstream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sequencer } from './sequencer.js';

const ev = (E: number, n = 0) => ({ e: 'unknown', type: 'x', E, raw: { E, n } }) as unknown as UserDataEvent;
const text = (E: number, n = 0) => `{"E":${E},"n":${n}}`;

describe('Sequencer', () => {
  it('drops exact repeats, keeps distinct events that share an E', () => {
    const out: number[] = [];
    const s = new Sequencer({
      deliver: (e) => out.push((e as { E: number }).E),
      reorderWindowMs: 0,
      dedupe: { capacity: 100, windowMs: 60_000 },
    });
    s.overlap(true); // two connections: the ring is in use
    for (const [E, n] of [
      [1, 0],
      [1, 0],
      [1, 1],
      [2, 0],
      [1, 1],
      [2, 0],
    ] as const)
      s.push(ev(E, n), text(E, n));
    expect(out).toEqual([1, 1, 2]);
    expect(s.stats.duplicates).toBe(3);
  });

  it('catches a repeat from far back (an overlapping connection lagging 500 events behind)', () => {
    const out: number[] = [];
    const s = new Sequencer({
      deliver: (e) => out.push((e as { E: number }).E),
      reorderWindowMs: 0,
      dedupe: { capacity: 4096, windowMs: 60_000 },
    });
    s.overlap(true); // two connections: the ring is in use
    for (let E = 1; E <= 1000; E++) s.push(ev(E), text(E));
    for (let E = 500; E <= 1000; E++) s.push(ev(E), text(E));
    for (let E = 1001; E <= 1010; E++) s.push(ev(E), text(E));
    expect(out).toEqual(Array.from({ length: 1010 }, (_, i) => i + 1));
    expect(s.stats.duplicates).toBe(501);
  });

  it('forgets by capacity and after one to two windows', () => {
    const out: number[] = [];
    const s = new Sequencer({
      deliver: (e) => out.push((e as { E: number }).E),
      reorderWindowMs: 0,
      dedupe: { capacity: 3, windowMs: 1000 },
    });
    s.overlap(true); // two connections: the ring is in use
    for (const E of [1, 2, 3, 4]) s.push(ev(E), text(E));
    expect(s.remembered).toBe(3);
    s.prune(); // one window: still remembered
    expect(s.remembered).toBe(3);
    s.prune(); // a second window: forgotten
    expect(s.remembered).toBe(0);
  });

  it('property: any arrival order within the window comes out sorted by E, each event once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 3 }),
        async (Es, dupEvery) => {
          const out: number[] = [];
          const s = new Sequencer({
            deliver: (e) => out.push((e as { E: number }).E),
            reorderWindowMs: 5,
            dedupe: { capacity: 1000, windowMs: 60_000 },
          });
          s.overlap(true); // two connections: the ring is in use
          Es.forEach((E, i) => {
            s.push(ev(E), text(E));
            if (dupEvery > 0 && i % dupEvery === 0) s.push(ev(E), text(E));
          });
          await new Promise((resolve) => setTimeout(resolve, 15));
          expect(out).toEqual([...Es].sort((a, b) => a - b));
          expect(s.stats.outOfOrder).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a burst of events sharing one E costs a flat number of comparisons each, and repeats are still dropped', () => {
    // Issue 17: the ring was scanned back over every remembered entry while E equalled the
    // newest E, so each event of a same-millisecond burst cost O(ring).
    const out: number[] = [];
    const s = new Sequencer({
      deliver: (e) => out.push((e as unknown as { raw: { n: number } }).raw.n),
      reorderWindowMs: 0,
      dedupe: { capacity: 4096, windowMs: 60_000 },
    });
    s.overlap(true); // two connections: the ring is in use
    const E = 1_700_000_000_000;
    for (let n = 0; n < 4000; n++) s.push(ev(E, n), text(E, n));
    for (let n = 0; n < 4000; n++) s.push(ev(E, n), text(E, n));
    expect(out).toEqual(Array.from({ length: 4000 }, (_, n) => n));
    expect(s.stats.duplicates).toBe(4000);
    // Each repeat finds its entry; misses walk a chain of about half an entry.
    expect(s.comparisons).toBeLessThan(3 * 8000);
  });

  it('keeps no frame text: forty 1 MB frames leave the heap as they found it', async () => {
    // Issue 16: the ring kept whole frame texts (ten 20 MB frames held 214 MB).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const s = new Sequencer({
      deliver: () => {},
      reorderWindowMs: 0,
      dedupe: { capacity: 1024, windowMs: 60_000 },
    });
    s.overlap(true); // two connections: the ring is in use
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    // Flat strings decoded from bytes, as a socket's frame texts are (not a rope of repeats).
    const frame = (E: number, fill: string) =>
      Buffer.from(`{"E":${E},"x":"`.padEnd(2 ** 20, fill)).toString('utf8');
    gc();
    const before = used();
    // A fresh string per frame, unreachable once pushed, as a socket's frame text is.
    for (let E = 1; E <= 40; E++) s.push(ev(E), frame(E, 'x'));
    // Strings decoded from buffers may be external: their memory goes back a cycle after the
    // string is collected (Node 24 showed 28 MB still counted after one gc()).
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const retained = used() - before;
    expect(s.remembered).toBe(40);
    // Kept, the frames would be 40 MB; half of that is slack for what the collector has not given
    // back yet (Node 24 left 13 MB behind where Node 20 left under 12).
    expect(retained).toBeLessThan(20 * 2 ** 20);
    // The digest still tells a repeat of a large frame from a distinct one.
    s.push(ev(3), frame(3, 'x'));
    s.push(ev(3), frame(3, 'y'));
    expect(s.stats.duplicates).toBe(1);
  });

  it('identifies the event by the text from `from` on, and by its part of a multi-event frame', () => {
    const out: number[] = [];
    const s = new Sequencer({
      deliver: (e) => out.push((e as { E: number }).E),
      reorderWindowMs: 0,
      dedupe: { capacity: 100, windowMs: 60_000 },
    });
    s.overlap(true); // two connections: the ring is in use
    const event = '{"e":"executionReport","E":5}';
    // The same event wrapped for two WebSocket API subscriptions: a repeat.
    const a = `{"subscriptionId":0,"event":${event}}`;
    const b = `{"subscriptionId":17,"event":${event}}`;
    s.push(ev(5), a, a.indexOf('"event":'));
    s.push(ev(5), b, b.indexOf('"event":'));
    // Two events of one array frame share the text, not the part.
    const arr = '[{"E":6},{"E":6}]';
    s.push(ev(6), arr, 0, 0);
    s.push(ev(6), arr, 0, 1);
    s.push(ev(6), arr, 0, 1);
    expect(out).toEqual([5, 6, 6]);
    expect(s.stats.duplicates).toBe(2);
  });

  it('property: drops exactly what a naive model of the last `capacity` events drops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 })), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 299 }), { maxLength: 4 }),
        (arrivals, capacity, prunesAt) => {
          const out: string[] = [];
          const s = new Sequencer({
            deliver: (e) => {
              const raw = (e as unknown as { raw: { E: number; n: number } }).raw;
              out.push(`${raw.E}/${raw.n}`);
            },
            reorderWindowMs: 0,
            dedupe: { capacity, windowMs: 60_000 },
          });
          s.overlap(true); // two connections: the ring is in use
          // The model: a list of remembered (E, n) with their prune epoch, oldest first.
          let model: { key: string; epoch: number }[] = [];
          let epoch = 0;
          const expected: string[] = [];
          arrivals.forEach(([E, n], i) => {
            if (prunesAt.includes(i)) {
              s.prune();
              const horizon = epoch++;
              model = model.filter((m) => m.epoch >= horizon);
            }
            s.push(ev(E, n), text(E, n));
            const key = `${E}/${n}`;
            if (model.some((m) => m.key === key)) return;
            expected.push(key);
            model.push({ key, epoch });
            if (model.length > capacity) model.shift();
          });
          expect(out).toEqual(expected);
          expect(s.remembered).toBe(model.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('outside an overlap digests nothing, drops an immediate repeat, and keeps the ring two windows after one', () => {
    const out: string[] = [];
    const s = new Sequencer({
      deliver: (e) => {
        const raw = (e as unknown as { raw: { E: number; n: number } }).raw;
        out.push(`${raw.E}/${raw.n}`);
      },
      reorderWindowMs: 0,
      dedupe: { capacity: 100, windowMs: 60_000 },
    });
    const push = (E: number, n: number) => s.push(ev(E, n), text(E, n));
    push(1, 0);
    push(1, 0); // a venue's resend, right away: dropped
    push(1, 1);
    push(1, 0); // not right away and no overlap: nothing remembers it
    expect(out).toEqual(['1/0', '1/1', '1/0']);
    expect([s.armed, s.remembered, s.comparisons]).toEqual([false, 0, 0]);
    s.overlap(true); // a rotation's new connection is opening
    push(2, 0);
    push(2, 1);
    push(2, 0); // the other connection's copy
    s.overlap(false); // the old connection ended
    push(2, 1); // a lagging copy after the overlap: still caught
    expect(s.stats.duplicates).toBe(3);
    expect(s.armed).toBe(true);
    s.prune();
    s.prune();
    expect(s.armed).toBe(false);
    expect(out).toEqual(['1/0', '1/1', '1/0', '2/0', '2/1']);
  });

  it('property: two connections delivering the same same-E bursts, interleaved, give each event once', () => {
    fc.assert(
      fc.property(
        // Matching steps: (E, events in the step); E never decreases.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 6 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.boolean(), { minLength: 0, maxLength: 400 }),
        (steps, picks) => {
          const events: [number, number][] = [];
          let E = 1_000;
          let n = 0;
          for (const [dE, size] of steps) {
            E += dE;
            for (let k = 0; k < size; k++) events.push([E, n++]);
          }
          const out: number[] = [];
          const s = new Sequencer({
            deliver: (e) => out.push((e as unknown as { raw: { n: number } }).raw.n),
            reorderWindowMs: 0,
            dedupe: { capacity: 1024, windowMs: 60_000 },
          });
          s.overlap(true);
          // Connection A and B each deliver every event in order; `picks` interleaves them.
          let a = 0;
          let b = 0;
          let p = 0;
          while (a < events.length || b < events.length) {
            const fromA = b >= events.length || (a < events.length && (picks[p++] ?? true));
            const [E, id] = events[fromA ? a++ : b++] as [number, number];
            s.push(ev(E, id), text(E, id));
          }
          expect([...out].sort((x, y) => x - y)).toEqual(events.map(([, id]) => id));
          expect(s.stats.duplicates).toBe(events.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
