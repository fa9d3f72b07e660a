// Small numeric helpers for the benchmark figures.

/** The median of numbers (undefined for none). */
export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The p-th percentile (0..100) of a sorted typed array or array, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** `1,234.5`-style number, or `–` when missing. */
export function fmt(n, digits = 0) {
  if (n === undefined || n === null || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Lost and duplicated events of a consumer, against what the simulator sent (both lists of `E`).
 * `E` is a millisecond clock, so several events share one: compared as multisets (per `E`, the
 * count seen against the count sent), which is exact unless a loss and a repeat cancel out within
 * one millisecond (the dedupe tests in packages/stream prove identity; this counts).
 */
export function compareDelivery(sentEs, seenEs) {
  const sent = new Map();
  for (const E of sentEs) sent.set(E, (sent.get(E) ?? 0) + 1);
  const seen = new Map();
  for (const E of seenEs) seen.set(E, (seen.get(E) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  for (const [E, n] of sent) {
    const m = seen.get(E) ?? 0;
    if (m < n) lost += n - m;
    else if (m > n) duplicated += m - n;
  }
  let foreign = 0;
  for (const [E, m] of seen) if (!sent.has(E)) foreign += m;
  return { sent: sentEs.length, lost, duplicated, foreign };
}
