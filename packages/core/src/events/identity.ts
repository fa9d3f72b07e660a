/**
 * The identity of an exchange event for comparing copies of it: its type, `E` and every field,
 * with object keys sorted (two copies of one event compare equal whatever their field order).
 * `E` alone is no identity: it is a millisecond clock, and one matching step yields several
 * events in one millisecond. Use it to dedupe events you store or to compare what was sent with
 * what arrived; not on a hot path (it walks the whole event).
 */
export function eventIdentity(event: object): string {
  const e = event as { e?: unknown; E?: unknown };
  return `${String(e.e)}|${String(e.E)}|${canonical(event)}`;
}

function canonical(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
