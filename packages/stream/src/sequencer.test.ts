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
});
