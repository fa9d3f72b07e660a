/**
 * The `raw` of an unknown event, with secret fields taken out. A venue whose dialect does not
 * know its expiry notice (Binance's `listenKeyExpired` carries the key) would otherwise hand the
 * listenKey to every listener and logger through `raw` (issue #13, per-venue expiry notices).
 * Unknown events are rare, so the scan is affordable; known events never come here.
 */
import { isSecretFieldName, REDACTED } from '../redact.js';

const MAX_DEPTH = 8;

function holdsSecret(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsSecret(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if ((isSecretFieldName(key) && v != null) || holdsSecret(v, depth + 1)) return true;
  }
  return false;
}

function withoutSecrets(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any venue nests an event: cut rather than copy what was not scanned.
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    out[key] = isSecretFieldName(key) && v != null ? REDACTED : withoutSecrets(v, depth + 1);
  }
  return out;
}

/**
 * `object` itself when it holds no secret field (the common case: no copy), else a deep copy
 * with every secret field's value (listenKey, listenToken, signature, apiKey…) replaced by
 * `[REDACTED]`.
 */
export function unknownRaw(object: Record<string, unknown>): Record<string, unknown> {
  return holdsSecret(object, 0) ? (withoutSecrets(object, 0) as Record<string, unknown>) : object;
}
