import { compareDecimal, mulDecimal, subDecimal } from '@userstream/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decimalPlaces, divDecimal, fixed, floorToStep, isMultipleOf, roundDecimal } from './decimal-math.js';

describe('decimal-math', () => {
  test('divDecimal rounds at the requested places, in each mode', () => {
    expect(divDecimal('1', '3', 8)).toBe('0.33333333');
    expect(divDecimal('2', '3', 8)).toBe('0.66666667');
    expect(divDecimal('2', '3', 8, 'down')).toBe('0.66666666');
    expect(divDecimal('1', '3', 2, 'up')).toBe('0.34');
    expect(divDecimal('-1', '3', 4)).toBe('-0.3333');
    expect(divDecimal('10000', '60000', 8)).toBe('0.16666667');
    expect(divDecimal('6000', '0.1', 0)).toBe('60000');
    expect(() => divDecimal('1', '0', 8)).toThrow(/division by zero/);
  });

  test('roundDecimal, fixed, decimalPlaces', () => {
    expect(roundDecimal('0.123456785', 8)).toBe('0.12345679');
    expect(roundDecimal('0.123456785', 8, 'down')).toBe('0.12345678');
    expect(roundDecimal('-0.5', 0)).toBe('-1');
    expect(roundDecimal('1.5', 3)).toBe('1.5');
    expect(fixed('1')).toBe('1.00000000');
    expect(fixed('-0.5', 2)).toBe('-0.50');
    expect(fixed('0.10000000000')).toBe('0.10000000');
    expect(() => fixed('0.000000001')).toThrow(/more than 8 decimal places/);
    expect(decimalPlaces('1.2300')).toBe(2);
    expect(decimalPlaces('7')).toBe(0);
  });

  test('step helpers', () => {
    expect(isMultipleOf('0.03', '0.01')).toBe(true);
    expect(isMultipleOf('0.035', '0.01')).toBe(false);
    expect(isMultipleOf('100', '0.1')).toBe(true);
    expect(floorToStep('0.0019', '0.001')).toBe('0.001');
    expect(floorToStep('7', '2')).toBe('6');
  });

  test('property: a / b rounded down, times b, is within one unit of the last place below a', () => {
    const dec = fc
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 8 }))
      .map(([units, scale]) => {
        const s = units.toString().padStart(scale + 1, '0');
        return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
      });
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        const q = divDecimal(a, b, 12, 'down');
        const back = mulDecimal(q, b);
        expect(compareDecimal(back, a)).toBeLessThanOrEqual(0);
        // a - q·b < b · 10^-12
        expect(compareDecimal(subDecimal(a, back), mulDecimal(b, '0.000000000001'))).toBe(-1);
      }),
    );
  });
});
