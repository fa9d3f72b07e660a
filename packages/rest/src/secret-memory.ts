/** Credentials handed out (listenKeys, listenTokens) that are remembered beside the fixed ones. */
const MAX_REMEMBERED_SECRETS = 34;

/**
 * What this client must keep out of its errors: the values it was given (API key, secret,
 * passphrase, private key, proxy credentials) and the recent credentials it handed out. A venue
 * may echo any of them back in an answer, in a shape core's redaction cannot recognise.
 */
export class SecretMemory {
  readonly #secrets: string[];
  readonly #fixed: number;

  constructor(fixed: readonly string[]) {
    this.#secrets = [...fixed];
    this.#fixed = this.#secrets.length;
  }

  /** Remembers a credential the client handed out; only the most recent ones are kept. */
  remember(secret: string): void {
    if (this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    if (this.#secrets.length > MAX_REMEMBERED_SECRETS) this.#secrets.splice(this.#fixed, 1);
  }

  /** Everything to redact from the errors of one request, with that request's own secrets. */
  with(...extra: (readonly string[])[]): string[] {
    const out = [...this.#secrets];
    for (const values of extra) out.push(...values);
    return out;
  }
}
