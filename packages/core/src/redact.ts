/**
 * Secret redaction. Secrets are removed when an error, log line or diagnostics message is
 * built, never when it is printed: nothing downstream can leak what is no longer there.
 */

export const REDACTED = '[REDACTED]';

/** Query parameters and JSON fields whose values are always secret. */
const SECRET_FIELDS = [
  'signature',
  'listenKey',
  'listenToken',
  'token',
  'secret',
  'apiSecret',
  'privateKey',
  'x-mbx-apikey',
  'x-bh-apikey',
  'x-coins-apikey',
  'apiKey',
];

const fieldAlternation = SECRET_FIELDS.join('|');
/** `signature=abc` in a query string. */
const PARAM_PATTERN = new RegExp(`((?:^|[?&\\s])(?:${fieldAlternation})=)([^&\\s"',;}]+)`, 'gi');
/** `"listenKey":"abc"` in JSON. */
const JSON_PATTERN = new RegExp(`("(?:${fieldAlternation})"\\s*:\\s*")([^"]*)`, 'gi');
/** A listenKey in a stream path: `/ws/<key>`, `/openapi/ws/<key>`, `streams=<key>`. */
const PATH_PATTERN = /(\/ws\/|streams=)([A-Za-z0-9_-]{16,})/g;
/** PEM blocks. */
const PEM_PATTERN = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;

const SECRET_KEY_NAMES = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

/** True when a property or header name is one whose value is always a secret. */
export function isSecretFieldName(name: string): boolean {
  return SECRET_KEY_NAMES.has(name.toLowerCase());
}

/**
 * Removes secrets from a string: values of secret fields and parameters, listenKeys in stream
 * paths, PEM blocks, and any of the explicitly named `secrets` wherever they occur.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(PEM_PATTERN, REDACTED)
    .replace(PARAM_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(JSON_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(PATH_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`);
}

/**
 * Deep-copies a plain value with secret fields replaced and strings passed through
 * {@link redactText}. Cycles and depth beyond 8 are cut.
 */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`, secrets);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretFieldName(k) && v != null ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}
