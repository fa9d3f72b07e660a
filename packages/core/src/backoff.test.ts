import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const base = { baseDelayMs: 100, maxDelayMs: 5_000 };

  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100, 10_000].map((n) => backoffCeiling(n, base))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000,
    ]);
    expect(backoffCeiling(3, { ...base, factor: 3 })).toBe(900);
    expect(backoffCeiling(0, base)).toBe(100);
  });

  it('is the ceiling without a random source, a full-jitter draw with one', () => {
    expect(backoffDelay(3, base)).toBe(400);
    expect(backoffDelay(3, { ...base, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { ...base, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...base, random: () => 0, minDelayMs: 50 })).toBe(50);
  });

  it('stays a whole number in [minDelayMs, max(minDelayMs, ceiling)) for any attempt and draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 1_000 }),
        (attempt, r, minDelayMs) => {
          const d = backoffDelay(attempt, { ...base, random: () => r, minDelayMs });
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(minDelayMs);
          expect(d).toBeLessThanOrEqual(Math.max(minDelayMs, 5_000));
        },
      ),
    );
  });
});
