/**
 * The secrets a WebSocket API connection sent (API keys, signatures of every signed request,
 * logon signatures, listenTokens), kept so that whatever a venue echoes back in an error can be
 * redacted when the error is built. Bounded: the oldest are forgotten first, and the request an
 * error answers always names its own secrets besides.
 */
export class SecretRing {
  readonly #values: string[] = [];
  readonly #capacity: number;

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** Remembers `value` and its percent-encoded form (base64 signatures differ in a query). */
  remember(value: string): void {
    this.#add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.#add(encoded);
  }

  values(): readonly string[] {
    return this.#values;
  }

  #add(value: string): void {
    if (this.#values.includes(value)) return;
    this.#values.push(value);
    if (this.#values.length > this.#capacity) this.#values.shift();
  }
}

/** Request parameters whose values are secret. */
const SECRET_PARAMS = ['apiKey', 'signature', 'listenToken'] as const;

/** The secret values in a WebSocket API request's `params` (and their percent-encoded forms). */
export function secretsOf(params: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  if (!params) return out;
  for (const name of SECRET_PARAMS) {
    const value = params[name];
    if (typeof value !== 'string' || value.length === 0) continue;
    out.push(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) out.push(encoded);
  }
  return out;
}
