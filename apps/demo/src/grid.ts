/**
 * Price-grid arithmetic on decimal strings, exact: prices become integers of `10^-decimals`
 * (bigint) and back. Amounts and prices never pass through a float.
 */
export function decimalsOf(tick: string): number {
  return tick.split('.')[1]?.length ?? 0;
}

export function toUnits(value: string, decimals: number): bigint {
  const negative = value.startsWith('-');
  const [int = '0', frac = ''] = (negative ? value.slice(1) : value).split('.');
  const digits = `${int}${frac.padEnd(decimals, '0').slice(0, decimals)}`;
  const n = BigInt(digits === '' ? '0' : digits);
  return negative ? -n : n;
}

export function fromUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = decimals === 0 ? '' : digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * Ladder levels around `price`: `levels` buy prices strictly below it and `levels` sell prices
 * strictly above it, on multiples of `step`.
 */
export function ladderLevels(
  price: string,
  step: string,
  levels: number,
  decimals: number,
): { buys: string[]; sells: string[] } {
  const p = toUnits(price, decimals);
  const s = toUnits(step, decimals);
  const buyTop = ((p - 1n) / s) * s;
  const sellBottom = ((p + s) / s) * s;
  const buys: string[] = [];
  const sells: string[] = [];
  for (let k = 0n; k < BigInt(levels); k++) {
    const b = buyTop - k * s;
    if (b > 0n) buys.push(fromUnits(b, decimals));
    sells.push(fromUnits(sellBottom + k * s, decimals));
  }
  return { buys, sells };
}

/** `a - b` in steps, rounded toward zero (how far an order is from the ladder's edge). */
export function stepsBetween(a: string, b: string, step: string, decimals: number): number {
  return Number((toUnits(a, decimals) - toUnits(b, decimals)) / toUnits(step, decimals));
}
