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
  'authorization',
  'proxy-authorization',
];

const fieldAlternation = SECRET_FIELDS.join('|');
/** `signature=abc` in a query string. */
const PARAM_PATTERN = new RegExp(`((?:^|[?&\\s])(?:${fieldAlternation})=)([^&\\s"',;}]+)`, 'gi');
/** `"listenKey":"abc"` in JSON. */
const JSON_PATTERN = new RegExp(`("(?:${fieldAlternation})"\\s*:\\s*")([^"]*)`, 'gi');
/** `'listenKey': 'abc'` (a Python repr) and `listenKey: 'abc'` (`util.inspect`). */
const QUOTED_PATTERN = new RegExp(
  `((?:^|[\\s{,(])['"]?(?:${fieldAlternation})['"]?\\s*[:=]\\s*')([^']*)`,
  'gi',
);
/** `X-MBX-APIKEY: abc` (a header line a proxy quotes), `Authorization: Bearer abc`. */
const HEADER_PATTERN = new RegExp(
  `((?:^|[\\s{,;(])(?:${fieldAlternation})\\s*:\\s*)(?!['"\\s])((?:(?:Bearer|Basic)\\s+)?[^\\s,;'"}]+)`,
  'gi',
);
/** A listenKey in a stream path: `/ws/<key>`, `/openapi/ws/<key>`, `streams=<key>`. */
const PATH_PATTERN = /(\/ws\/|streams=)([A-Za-z0-9_-]{16,})/g;
/** PEM blocks. */
const PEM_PATTERN = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;

/*
 * Secrets by their shape, for what no field name announces and no caller named (a venue quoting
 * another client's request, a proxy's own words): HMAC-SHA256 signatures are 64 hex digits;
 * RSA and Ed25519 signatures are 88+ characters of base64; API keys, listenKeys and tokens are
 * long runs of letters and digits. Ordinary messages (ids, times, paths, event names) hold no
 * run of 40 letters and digits mixed, so they pass untouched.
 */
/** 40 or more letters and digits, with both (hex signatures and git hashes included). */
const OPAQUE_PATTERN = /(?<![A-Za-z0-9])(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{40,}(?![A-Za-z0-9])/g;
/** 64 or more characters of base64 with upper case, lower case and digits, optional padding. */
// A whole run of base64 characters, its padding included; what follows does not matter.
const BASE64_PATTERN = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{64,}={0,2}/g;

function redactBase64(match: string): string {
  return /[A-Z]/.test(match) && /[a-z]/.test(match) && /[0-9]/.test(match) ? REDACTED : match;
}

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
    .replace(QUOTED_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(HEADER_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(PATH_PATTERN, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(BASE64_PATTERN, redactBase64)
    .replace(OPAQUE_PATTERN, REDACTED);
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
