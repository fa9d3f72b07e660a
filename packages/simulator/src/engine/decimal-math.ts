import { addDecimal, compareDecimal, isDecimal, mulDecimal, subDecimal } from '@userstream/core';

/**
 * Decimal helpers the engine needs beyond core's exact add/sub/mul: division and rounding at
 * a fixed number of places, step checks and fixed-width formatting. Everything works on
 * bigints scaled by a power of ten; no value ever passes through a float.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Fixed {
  units: bigint;
  scale: number;
}

function parse(value: string): Fixed {
  const m = DECIMAL.exec(value);
  if (!m) throw new Error(`@userstream/simulator: internal: not a decimal ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function scaleTo(a: Fixed, scale: number): bigint {
  return scale >= a.scale
    ? a.units * 10n ** BigInt(scale - a.scale)
    : a.units / 10n ** BigInt(a.scale - scale);
}

function format(units: bigint, scale: number, pad: boolean): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    const int = digits.slice(0, -scale);
    let frac = digits.slice(-scale);
    if (!pad) frac = frac.replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return negative && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** Number of fractional digits a decimal string carries once trailing zeros are dropped. */
export function decimalPlaces(value: string): number {
  const m = DECIMAL.exec(value);
  if (!m) throw new Error(`@userstream/simulator: internal: not a decimal ${JSON.stringify(value)}`);
  return (m[3] ?? '').replace(/0+$/, '').length;
}

export type RoundingMode = 'down' | 'halfUp' | 'up';

function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  // Rounds n / d (d > 0) toward zero, half away from zero, or away from zero.
  const negative = n < 0n;
  const an = negative ? -n : n;
  let q = an / d;
  const r = an % d;
  if (r !== 0n) {
    if (mode === 'up' || (mode === 'halfUp' && r * 2n >= d)) q += 1n;
  }
  return negative ? -q : q;
}

/** `value` rounded to `places` fractional digits (canonical form, no padding). */
export function roundDecimal(value: string, places: number, mode: RoundingMode = 'halfUp'): string {
  const a = parse(value);
  if (a.scale <= places) return format(a.units, a.scale, false);
  const d = 10n ** BigInt(a.scale - places);
  return format(divRound(a.units, d, mode), places, false);
}

/** a / b rounded to `places` fractional digits. Throws on division by zero (an engine bug). */
export function divDecimal(a: string, b: string, places: number, mode: RoundingMode = 'halfUp'): string {
  const x = parse(a);
  const y = parse(b);
  if (y.units === 0n) throw new Error('@userstream/simulator: internal: division by zero');
  // a/b = (x.units / 10^xs) / (y.units / 10^ys); scale the numerator so the quotient has `places` digits.
  let n = x.units * 10n ** BigInt(places + y.scale);
  let d = y.units * 10n ** BigInt(x.scale);
  if (d < 0n) {
    d = -d;
    n = -n;
  }
  return format(divRound(n, d, mode), places, false);
}

/** Formats with exactly `places` fractional digits ("1" → "1.00000000"). Throws if `value` is finer. */
export function fixed(value: string, places = 8): string {
  const a = parse(value);
  if (decimalPlaces(value) > places) {
    throw new Error(`@userstream/simulator: internal: ${value} has more than ${places} decimal places`);
  }
  return format(scaleTo(a, places), places, true);
}

/** True when `value` is a whole multiple of `step` (both positive decimal strings). */
export function isMultipleOf(value: string, step: string): boolean {
  const a = parse(value);
  const s = parse(step);
  const scale = Math.max(a.scale, s.scale);
  return scaleTo(a, scale) % scaleTo(s, scale) === 0n;
}

/** `value` rounded down to a multiple of `step`. */
export function floorToStep(value: string, step: string): string {
  const a = parse(value);
  const s = parse(step);
  const scale = Math.max(a.scale, s.scale);
  const st = scaleTo(s, scale);
  const v = scaleTo(a, scale);
  return format((v / st) * st, scale, false);
}

/** Strict "positive decimal" as venues accept in parameters: digits with an optional fraction. */
export const PARAM_DECIMAL = /^\d{1,20}(\.\d{1,20})?$/;

export function isParamDecimal(value: string): boolean {
  return PARAM_DECIMAL.test(value);
}

export function isPositive(value: string): boolean {
  return compareDecimal(value, '0') > 0;
}

export function minDecimal(a: string, b: string): string {
  return compareDecimal(a, b) <= 0 ? a : b;
}

export function negDecimal(a: string): string {
  return subDecimal('0', a);
}

export function absDecimal(a: string): string {
  return compareDecimal(a, '0') < 0 ? negDecimal(a) : a;
}

/** Sign of a decimal: -1, 0 or 1. */
export function signOf(a: string): -1 | 0 | 1 {
  return compareDecimal(a, '0');
}

export { addDecimal, compareDecimal, isDecimal, mulDecimal, subDecimal };
