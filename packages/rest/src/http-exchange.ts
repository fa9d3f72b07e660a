import { type Clock, type ClockTimer, systemClock } from '@userstream/core';
import { type Dispatcher, request } from 'undici';
import { type ResponseHeaders, readBody } from './body.js';
import { type RequestScope, requestFailure } from './response-errors.js';

/** undici's own timeout codes (the system clock's requests are timed by undici). */
const UNDICI_TIMEOUTS = new Set<unknown>(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export interface HttpAnswer {
  status: number;
  headers: ResponseHeaders;
  /** The body, at most `maxResponseBytes` of it. */
  text: string;
}

export interface HttpExchangeOptions {
  clock: Clock;
  /** Per request, in clock ms. */
  timeoutMs: number;
  maxResponseBytes: number;
  dispatcher: Dispatcher;
  /** Closed (or destroyed) by close(): the client made it. */
  ownsDispatcher: boolean;
  venueId: string;
}

/**
 * One HTTP request and its answer within the client's bounds: timed by undici's timers on the
 * system clock and by the injected clock otherwise, the body read up to `maxResponseBytes`, every
 * request still on the wire ended by close(). A request with no (whole) answer rejects with a
 * typed error (see `requestFailure`).
 */
export class HttpExchange {
  readonly #options: HttpExchangeOptions;
  /** With the system clock, undici's own timers bound the request (cheaper than a timer and an
   * AbortController per request); with an injected clock the clock does, so tests control it. */
  readonly #native: boolean;
  /** Requests on the wire; close() ends them. */
  #inFlight = 0;
  /** Abort controllers of requests timed by an injected clock. */
  readonly #controllers = new Set<AbortController>();
  #closed = false;

  constructor(options: HttpExchangeOptions) {
    this.#options = options;
    this.#native = options.clock === systemClock;
  }

  /**
   * Sends one request. `context` (`METHOD /path`) names it in errors; `scope` is asked for only
   * when it fails, so a request that succeeds builds no list of secrets.
   */
  async send(
    url: string,
    init: { method: string; headers: Record<string, string>; signal: AbortSignal | undefined },
    context: string,
    scope: () => RequestScope,
  ): Promise<HttpAnswer> {
    const { clock, timeoutMs, dispatcher } = this.#options;
    const native = this.#native;
    const { signal } = init;
    let controller: AbortController | undefined;
    let timer: ClockTimer | undefined;
    let onAbort: (() => void) | undefined;
    if (!native) {
      const c = new AbortController();
      controller = c;
      timer = clock.setTimeout(() => c.abort(), timeoutMs);
      if (signal) {
        onAbort = () => c.abort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.#controllers.add(c);
    }
    this.#inFlight++;
    try {
      const res = await request(url, {
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        signal: controller?.signal ?? signal,
        dispatcher,
        // Ignored when the injected clock times the request (the abort signal does it).
        headersTimeout: native ? timeoutMs : 0,
        bodyTimeout: native ? timeoutMs : 0,
      });
      const status = res.statusCode;
      // Bounded: a huge or endless answer is cut at maxResponseBytes, never read whole.
      const text = await readBody(res.body, res.headers, {
        context,
        venue: this.#options.venueId,
        status,
        maxResponseBytes: this.#options.maxResponseBytes,
      });
      return { status, headers: res.headers, text };
    } catch (cause) {
      const aborted = signal?.aborted === true;
      const closed = !aborted && this.#closed;
      const code = (cause as { code?: unknown } | undefined)?.code;
      const timedOut =
        !aborted && !closed && (native ? UNDICI_TIMEOUTS.has(code) : controller?.signal.aborted === true);
      throw requestFailure(cause, { aborted, closed, timedOut, timeoutMs }, scope());
    } finally {
      this.#inFlight--;
      if (controller) {
        this.#controllers.delete(controller);
        clock.clearTimeout(timer as ClockTimer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  /** Ends every request in flight (USERSTREAM_CLOSED) and closes the pool the client made. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const controller of this.#controllers) controller.abort();
    this.#controllers.clear();
    if (!this.#options.ownsDispatcher) return;
    // Requests still on the wire end now rather than hold close() up.
    if (this.#inFlight > 0) await this.#options.dispatcher.destroy();
    else await this.#options.dispatcher.close();
  }
}
