import { InvalidInputError } from './errors.js';

/**
 * Exact decimal arithmetic on the decimal strings venues send ("0.10264410"). Amounts never
 * pass through a float. Values are held as a bigint scaled by 10^scale.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

interface Fixed {
  units: bigint;
  scale: number;
}

function parse(value: string): Fixed {
  const m = DECIMAL.exec(value);
  if (!m) {
    throw new InvalidInputError(`not a decimal string: ${JSON.stringify(value.slice(0, 40))}`, {
      field: 'decimal',
    });
  }
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function rescale(a: Fixed, scale: number): bigint {
  return a.units * 10n ** BigInt(scale - a.scale);
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    const int = digits.slice(0, -scale);
    const frac = digits.slice(-scale).replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/** True when `value` is a decimal string such as "1", "-0.5" or "0.00010000". */
export function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

/** Canonical form: no trailing fractional zeros, no leading "+", "-0" becomes "0". */
export function normalizeDecimal(value: string): string {
  const a = parse(value);
  return format(a.units, a.scale);
}

/** a + b, exactly. */
export function addDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format(rescale(x, scale) + rescale(y, scale), scale);
}

/** a - b, exactly. */
export function subDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return format(rescale(x, scale) - rescale(y, scale), scale);
}

/** a × b, exactly. */
export function mulDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** True when the decimal string is zero ("0", "0.000"). */
export function isZeroDecimal(value: string): boolean {
  return parse(value).units === 0n;
}
