/**
 * The WebSocket API's request layer: ids, matching a response to its request, timeouts, and
 * rejecting what a closed connection will never answer (tRPC's wsLink calls this its request
 * manager). Errors are typed: an error response is an `ExchangeError` (with every secret the
 * session knows redacted), a timeout or an unsent request a `TransportError`, a lost connection a
 * `ClosedError`.
 */
import { type Clock, type ClockTimer, ClosedError, ExchangeError, TransportError } from '@userstream/core';
import type { Json } from './ws-api-auth.js';

/** Where a request is written. */
export interface RequestLink {
  send(frame: string): boolean;
}

/** What the request layer asks about secrets (the session's `WsApiSigning`, with its members). */
export interface RequestSecrets {
  /** Remembers the secrets a request carries; returns them. */
  remember(params: Json | undefined): readonly string[];
  /** Everything to redact from the error answering a request that carried `own`. */
  redact(own: readonly string[]): string[];
}

interface Pending<L> {
  readonly link: L;
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ClockTimer;
  /** The secrets this request carried (API key, signature, listenToken): never echoed back. */
  readonly secrets: readonly string[];
  /** Runs on success before `resolve`, in the same turn as the response frame (see `answer`). */
  readonly onOk?: ((result: unknown) => void) | undefined;
}

export class WsApiRequests<L extends RequestLink> {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #secrets: RequestSecrets;
  readonly #pending = new Map<number, Pending<L>>();
  #nextId = 1;

  constructor(clock: Clock, timeoutMs: number, secrets: RequestSecrets) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#secrets = secrets;
  }

  /**
   * Sends `method` on `link` and resolves its `result`. `onOk` runs synchronously when the
   * response is read, before any frame behind it in the same socket read (a subscription's
   * events can follow its response that closely).
   */
  send(link: L, method: string, params?: Json, onOk?: (result: unknown) => void): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        if (this.#pending.delete(id)) {
          reject(
            new TransportError(`@userstream/stream: no answer to ${method} within ${this.#timeoutMs} ms`, {
              timeout: true,
            }),
          );
        }
      }, this.#timeoutMs);
      const secrets = this.#secrets.remember(params);
      this.#pending.set(id, { link, method, resolve, reject, timer, secrets, onOk });
      const frame = JSON.stringify(params === undefined ? { id, method } : { id, method, params });
      if (!link.send(frame)) {
        this.#pending.delete(id);
        this.#clock.clearTimeout(timer);
        reject(new TransportError(`@userstream/stream: the connection closed before ${method} was sent`));
      }
    });
  }

  /** Settles the request a response frame (`id` and `status`) answers; an unknown id is ignored. */
  answer(value: Json): void {
    const id = value.id;
    if (typeof id !== 'number') return;
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#clock.clearTimeout(pending.timer);
    if (value.status === 200) {
      pending.onOk?.(value.result);
      pending.resolve(value.result);
      return;
    }
    const error = (value.error ?? {}) as { code?: unknown; msg?: unknown };
    const code = typeof error.code === 'number' ? error.code : -1;
    const msg = typeof error.msg === 'string' ? error.msg : 'unknown error';
    pending.reject(
      new ExchangeError(code, msg, {
        status: typeof value.status === 'number' ? value.status : 400,
        context: pending.method,
        // Venues (and proxies) quote requests back: the key, the signature, the token.
        secrets: this.#secrets.redact(pending.secrets),
      }),
    );
  }

  /** Rejects what `link` (every link when undefined) will never answer: it closed. */
  rejectAll(link: L | undefined): void {
    for (const [id, p] of this.#pending) {
      if (link && p.link !== link) continue;
      this.#pending.delete(id);
      this.#clock.clearTimeout(p.timer);
      p.reject(new ClosedError(`@userstream/stream: the connection closed before ${p.method} was answered`));
    }
  }
}
