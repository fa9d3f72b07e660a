import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsOf, fromUnits, ladderLevels, stepsBetween, toUnits } from '../src/grid.js';

describe('grid arithmetic on decimal strings', () => {
  it('converts to integer units and back exactly', () => {
    expect(toUnits('60000.5', 2)).toBe(6000050n);
    expect(fromUnits(6000050n, 2)).toBe('60000.5');
    expect(fromUnits(5n, 8)).toBe('0.00000005');
    expect(toUnits('0.00001', 5)).toBe(1n);
    expect(fromUnits(300n, 0)).toBe('300');
    expect(decimalsOf('0.10')).toBe(2);
    expect(decimalsOf('1')).toBe(0);
  });

  it('round-trips any price on the grid', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 8 }),
        (units, decimals) => {
          expect(toUnits(fromUnits(units, decimals), decimals)).toBe(units);
        },
      ),
    );
  });

  it('puts levels strictly below and above the price, on multiples of the step', () => {
    expect(ladderLevels('60000', '25', 3, 2)).toEqual({
      buys: ['59975', '59950', '59925'],
      sells: ['60025', '60050', '60075'],
    });
    expect(ladderLevels('2993.27', '1.5', 2, 2)).toEqual({
      buys: ['2992.5', '2991'],
      sells: ['2994', '2995.5'],
    });
    expect(stepsBetween('59975', '59900', '25', 2)).toBe(3);
  });

  it('keeps the ladder around any price', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1000n, max: 10n ** 10n }),
        fc.bigInt({ min: 1n, max: 5000n }),
        fc.integer({ min: 1, max: 5 }),
        (priceUnits, stepUnits, levels) => {
          const price = fromUnits(priceUnits, 2);
          const step = fromUnits(stepUnits, 2);
          const { buys, sells } = ladderLevels(price, step, levels, 2);
          expect(sells).toHaveLength(levels);
          for (const b of buys) {
            expect(toUnits(b, 2) < priceUnits).toBe(true);
            expect(toUnits(b, 2) % stepUnits).toBe(0n);
          }
          for (const s of sells) {
            expect(toUnits(s, 2) > priceUnits).toBe(true);
            expect(toUnits(s, 2) % stepUnits).toBe(0n);
          }
          // The nearest levels are within one step of the price.
          expect(toUnits(sells[0]!, 2) - priceUnits <= stepUnits).toBe(true);
          if (buys[0]) expect(priceUnits - toUnits(buys[0], 2) <= stepUnits).toBe(true);
        },
      ),
    );
  });
});
