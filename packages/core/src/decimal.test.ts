import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  compareDecimal,
  isDecimal,
  isZeroDecimal,
  mulDecimal,
  normalizeDecimal,
  subDecimal,
} from './decimal.js';

const decimalArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, scale]) => ({ units, scale }));
const toStr = ({ units, scale }: { units: bigint; scale: number }): string => {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const s = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${s}` : s;
};

describe('decimal strings', () => {
  it('adds and subtracts exactly where floats do not', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(subDecimal('17366.18538083', '0.00000001')).toBe('17366.18538082');
    expect(subDecimal('1.5', '1.50000000')).toBe('0');
    expect(mulDecimal('0.10264410', '3')).toBe('0.3079323');
    expect(normalizeDecimal('-0.000')).toBe('0');
    expect(normalizeDecimal('+010.2300')).toBe('10.23');
    expect(isZeroDecimal('0.00000000')).toBe(true);
    expect(compareDecimal('2', '10')).toBe(-1);
    expect(isDecimal('1e5')).toBe(false);
    expect(() => addDecimal('1e5', '1')).toThrow(/not a decimal string/);
  });

  it('a + b - b = a, and compare agrees with bigint arithmetic', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const sa = toStr(a);
        const sb = toStr(b);
        expect(subDecimal(addDecimal(sa, sb), sb)).toBe(normalizeDecimal(sa));
        const scale = Math.max(a.scale, b.scale);
        const x = a.units * 10n ** BigInt(scale - a.scale);
        const y = b.units * 10n ** BigInt(scale - b.scale);
        expect(compareDecimal(sa, sb)).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });
});
