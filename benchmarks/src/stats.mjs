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

/** Lost and duplicated events of a consumer, against what the simulator sent (both lists of `E`). */
export function compareDelivery(sentEs, seenEs) {
  const seen = new Map();
  for (const E of seenEs) seen.set(E, (seen.get(E) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  const sent = new Set(sentEs);
  for (const E of sent) {
    const n = seen.get(E) ?? 0;
    if (n === 0) lost++;
    else if (n > 1) duplicated += n - 1;
  }
  let foreign = 0;
  for (const [E, n] of seen) if (!sent.has(E)) foreign += n;
  return { sent: sent.size, lost, duplicated, foreign };
}
