import { type Channel, channel } from 'node:diagnostics_channel';
import {
  assertSecureUrl,
  type Clock,
  createSigner,
  DEFAULT_RECV_WINDOW,
  type Endpoint,
  ExchangeCode,
  ExchangeError,
  encodeQuery,
  InvalidInputError,
  type KeyMaterial,
  type Params,
  ProtocolError,
  RateLimitError,
  RetiredEndpointError,
  ServerTime,
  signQuery,
  systemClock,
  TransportError,
  UserstreamError,
  type VenueProfile,
  validateApiKey,
  validateListenKey,
  validateRecvWindow,
  validateSymbol,
} from '@userstream/core';
import { Agent, type Dispatcher, request } from 'undici';
import { type AccountSnapshot, normalizeAccount, normalizeOpenOrders, type OpenOrder } from './snapshot.js';

/** pino-compatible logger. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RetryOptions {
  /** @default 3 */
  maxAttempts?: number;
  /** @default 200 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY: Required<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
});

export interface RestClientOptions {
  venue: VenueProfile;
  credentials: { apiKey: string } & KeyMaterial;
  /** @default systemClock */
  clock?: Clock;
  /** Per request. @default 10000 */
  timeoutMs?: number;
  /** Capped exponential backoff with full jitter, only where a retry is safe. @default true */
  retry?: boolean | RetryOptions;
  /** @default 5000 */
  recvWindow?: number;
  /** Plain http off loopback. @default false */
  allowInsecure?: boolean;
  logger?: Logger;
  /** Bring your own undici dispatcher (proxy, shared pool); not closed by `close()`. */
  dispatcher?: Dispatcher;
  /** Random source for jitter, for tests. @default Math.random */
  random?: () => number;
}

export interface RateLimitState {
  /** Last `X-MBX-USED-WEIGHT-1M` seen. */
  usedWeight: number;
  limit: number;
  updatedAt: number;
  /** Epoch ms before which requests are held (429). */
  retryAfterUntil: number;
  /** Epoch ms before which requests are refused (418). */
  bannedUntil: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface RestRequest extends RequestOptions {
  method: Endpoint['method'];
  path: string;
  params?: Params;
  signed?: boolean;
  weight?: number;
}

export const DIAGNOSTICS_CHANNELS = Object.freeze({
  start: 'userstream:rest:request:start',
  finish: 'userstream:rest:request:finish',
  error: 'userstream:rest:request:error',
});

const channels: Record<keyof typeof DIAGNOSTICS_CHANNELS, Channel> = {
  start: channel(DIAGNOSTICS_CHANNELS.start),
  finish: channel(DIAGNOSTICS_CHANNELS.finish),
  error: channel(DIAGNOSTICS_CHANNELS.error),
};

const MAX_REMEMBERED_SECRETS = 34;

const KNOWN_OPTIONS = new Set([
  'venue',
  'credentials',
  'clock',
  'timeoutMs',
  'retry',
  'recvWindow',
  'allowInsecure',
  'logger',
  'dispatcher',
  'random',
]);

function invalid(message: string, field: string): InvalidInputError {
  return new InvalidInputError(`@userstream/rest: ${message}`, { field });
}

/**
 * An HTTP client for one venue and one account: credential endpoints, server time and the
 * snapshots a resync needs. Paths, methods, headers and signing come from the venue profile.
 */
export class RestClient {
  readonly venue: VenueProfile;
  readonly #apiKey: string;
  readonly #signer;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryOptions> | undefined;
  readonly #recvWindow: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #logger: Logger | undefined;
  readonly #random: () => number;
  readonly #serverTime: ServerTime;
  readonly #secrets: string[];
  readonly #fixedSecrets: number;
  readonly #state: RateLimitState;
  #closed = false;

  constructor(options: RestClientOptions) {
    if (typeof options !== 'object' || options === null)
      throw invalid('options must be an object', 'options');
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key)) throw invalid(`unknown option '${key}'`, key);
    }
    const { venue, credentials } = options;
    if (!venue || typeof venue.restBaseUrl !== 'string') {
      throw invalid('`venue` must be a venue profile (e.g. venues["binance-usdm"])', 'venue');
    }
    assertSecureUrl(venue.restBaseUrl, 'venue.restBaseUrl', options.allowInsecure);
    if (!credentials)
      throw invalid('`credentials` ({ apiKey, secret | privateKey | signer }) are required', 'credentials');
    this.venue = venue;
    this.#apiKey = validateApiKey(credentials.apiKey, 'credentials.apiKey');
    this.#signer = createSigner(credentials);
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isFinite(this.#timeoutMs) && this.#timeoutMs > 0))
      throw invalid('timeoutMs must be a positive number', 'timeoutMs');
    this.#retry =
      options.retry === false
        ? undefined
        : { ...DEFAULT_RETRY, ...(typeof options.retry === 'object' ? options.retry : {}) };
    this.#recvWindow = validateRecvWindow(options.recvWindow ?? DEFAULT_RECV_WINDOW);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 16 });
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#serverTime = new ServerTime(this.#clock);
    this.#secrets = [credentials.apiKey, ...(credentials.secret ? [credentials.secret] : [])];
    this.#fixedSecrets = this.#secrets.length;
    this.#state = {
      usedWeight: 0,
      limit: venue.weightLimitPerMinute,
      updatedAt: 0,
      retryAfterUntil: 0,
      bannedUntil: 0,
    };
  }

  /** The venue's rate-limit state as last seen. */
  get rateLimit(): Readonly<RateLimitState> {
    return this.#state;
  }

  /** Creates a listenKey, or returns the account's active one (extended). */
  async createListenKey(options: RequestOptions & { symbol?: string } = {}): Promise<string> {
    const lk = this.#listenKeyProfile();
    const body = await this.#call<{ listenKey?: unknown }>(
      lk.create,
      this.#symbolParams(options.symbol),
      options,
    );
    if (typeof body?.listenKey !== 'string')
      throw new ProtocolError('@userstream/rest: listenKey missing from the response');
    this.#remember(body.listenKey);
    return body.listenKey;
  }

  /** Extends a listenKey's validity; -1125 means it is gone and must be created again. */
  async keepAliveListenKey(
    listenKey: string,
    options: RequestOptions & { symbol?: string } = {},
  ): Promise<void> {
    const lk = this.#listenKeyProfile();
    validateListenKey(listenKey);
    await this.#call(lk.keepAlive, { ...this.#symbolParams(options.symbol), listenKey }, options, [
      listenKey,
    ]);
  }

  /** Invalidates a listenKey and closes its streams. */
  async closeListenKey(listenKey: string, options: RequestOptions & { symbol?: string } = {}): Promise<void> {
    const lk = this.#listenKeyProfile();
    validateListenKey(listenKey);
    await this.#call(lk.close, { ...this.#symbolParams(options.symbol), listenKey }, options, [listenKey]);
  }

  /** Creates a listenToken (cross margin, or isolated with `symbol`). */
  async createListenToken(
    options: RequestOptions & { symbol?: string; validityMs?: number } = {},
  ): Promise<{ token: string; expirationTime: number }> {
    const lt = this.venue.listenToken;
    if (!lt)
      throw invalid(
        `venue '${this.venue.id}' does not use listenTokens (its protocol is ${this.venue.protocol})`,
        'venue',
      );
    if (lt.isolated && options.symbol === undefined)
      throw invalid('isolated margin listenTokens need `symbol`', 'symbol');
    const { validityMs } = options;
    if (
      validityMs !== undefined &&
      !(Number.isInteger(validityMs) && validityMs > 0 && validityMs <= lt.maxValidityMs)
    ) {
      throw invalid(`validityMs must be a whole number of ms from 1 to ${lt.maxValidityMs}`, 'validityMs');
    }
    const params: Record<string, string | number | undefined> = lt.isolated
      ? { isIsolated: 'TRUE', symbol: validateSymbol(options.symbol) }
      : {};
    params.validity = validityMs;
    const body = await this.#call<{ token?: unknown; expirationTime?: unknown }>(lt.create, params, options);
    if (typeof body?.token !== 'string' || typeof body.expirationTime !== 'number') {
      throw new ProtocolError('@userstream/rest: token or expirationTime missing from the response');
    }
    this.#remember(body.token);
    return { token: body.token, expirationTime: body.expirationTime };
  }

  /** The venue's time, epoch ms. */
  async serverTime(options: RequestOptions = {}): Promise<number> {
    const endpoint = this.venue.endpoints.serverTime;
    if (!endpoint) throw invalid(`venue '${this.venue.id}' has no server-time endpoint`, 'venue');
    const body = await this.#call<{ serverTime?: unknown }>(endpoint, {}, options);
    if (typeof body?.serverTime !== 'number')
      throw new ProtocolError('@userstream/rest: serverTime missing from the response');
    return body.serverTime;
  }

  /** Measures the offset between this clock and the venue's; signed requests use it. */
  async syncTime(options: RequestOptions = {}): Promise<number> {
    const sentAt = this.#clock.now();
    const serverTime = await this.serverTime(options);
    return this.#serverTime.record(serverTime, sentAt, this.#clock.now());
  }

  /** The raw account snapshot body of the venue (balances and update time). */
  async account(options: RequestOptions & { symbol?: string } = {}): Promise<unknown> {
    const params =
      this.venue.market === 'isolatedMargin' && options.symbol
        ? { symbols: validateSymbol(options.symbol) }
        : {};
    return this.#call(this.venue.endpoints.account, params, options);
  }

  /** Balances normalized across venues (see {@link AccountSnapshot}). */
  async accountSnapshot(options: RequestOptions & { symbol?: string } = {}): Promise<AccountSnapshot> {
    return normalizeAccount(await this.account(options));
  }

  /** Open orders normalized across venues. */
  async openOrders(options: RequestOptions & { symbol?: string } = {}): Promise<OpenOrder[]> {
    return normalizeOpenOrders(await this.rawOpenOrders(options));
  }

  /** The raw open-orders body of the venue. */
  async rawOpenOrders(options: RequestOptions & { symbol?: string } = {}): Promise<unknown> {
    const params: Record<string, string> = {};
    if (options.symbol !== undefined) params.symbol = validateSymbol(options.symbol);
    if (this.venue.market === 'isolatedMargin') params.isIsolated = 'TRUE';
    return this.#call(this.venue.endpoints.openOrders, params, options);
  }

  /** Any other request on the same venue, signed or not. */
  async request<T = unknown>(req: RestRequest): Promise<T> {
    if (!/^\/[A-Za-z0-9/_.-]*$/.test(req.path)) throw invalid('path must look like /api/v3/account', 'path');
    return this.#call<T>(
      { method: req.method, path: req.path, signed: req.signed ?? false, weight: req.weight ?? 1 },
      req.params ?? {},
      req,
    );
  }

  /** Closes the connection pool: no socket is left. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Credentials this client handed out are redacted from its errors; only recent ones are kept. */
  #remember(secret: string): void {
    if (this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    if (this.#secrets.length > MAX_REMEMBERED_SECRETS) this.#secrets.splice(this.#fixedSecrets, 1);
  }

  #listenKeyProfile(): NonNullable<VenueProfile['listenKey']> {
    const lk = this.venue.listenKey;
    if (!lk)
      throw invalid(
        `venue '${this.venue.id}' does not use listenKeys (its protocol is ${this.venue.protocol})`,
        'venue',
      );
    return lk;
  }

  #symbolParams(symbol: string | undefined): Record<string, string> {
    const lk = this.venue.listenKey;
    if (lk?.requiresSymbol) {
      if (symbol === undefined) throw invalid('isolated margin listenKeys need `symbol`', 'symbol');
      return { symbol: validateSymbol(symbol) };
    }
    return symbol === undefined ? {} : { symbol: validateSymbol(symbol) };
  }

  #retryable(endpoint: Endpoint, error: unknown): boolean {
    if (error instanceof TransportError) return true;
    if (!(error instanceof ExchangeError) || (error.status ?? 0) < 500) return false;
    // A listenKey POST returns the active key when repeated, so it is safe to retry too.
    return endpoint.method !== 'POST' || endpoint === this.venue.listenKey?.create;
  }

  async #call<T>(
    endpoint: Endpoint,
    params: Params,
    options: RequestOptions,
    secrets: string[] = [],
  ): Promise<T> {
    let resynced = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once<T>(endpoint, params, options, attempt, secrets);
      } catch (error) {
        if (
          !resynced &&
          endpoint.signed &&
          error instanceof ExchangeError &&
          error.exchangeCode === ExchangeCode.TimestampOutsideRecvWindow &&
          this.venue.endpoints.serverTime
        ) {
          resynced = true;
          await this.syncTime(options);
          continue;
        }
        if (!this.#retry || attempt >= this.#retry.maxAttempts || !this.#retryable(endpoint, error))
          throw error;
        const cap = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
        await this.#sleep(Math.floor(this.#random() * cap), options.signal);
      }
    }
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        this.#clock.clearTimeout(timer);
        reject(new UserstreamError('USERSTREAM_ABORTED', '@userstream/rest: request aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async #once<T>(
    endpoint: Endpoint,
    params: Params,
    options: RequestOptions,
    attempt: number,
    secrets: string[],
  ): Promise<T> {
    if (this.#closed) throw new UserstreamError('USERSTREAM_CLOSED', '@userstream/rest: client is closed');
    const now = this.#clock.now();
    const { bannedUntil, retryAfterUntil } = this.#state;
    if (bannedUntil > now || retryAfterUntil > now) {
      const banned = bannedUntil > now;
      const until = banned ? bannedUntil : retryAfterUntil;
      throw new RateLimitError(
        `@userstream/rest: ${this.venue.id} ${banned ? 'banned this IP' : 'asked to slow down'}; not sending until ${new Date(until).toISOString()}`,
        { retryAfterMs: until - now, banned, until },
      );
    }
    const query = endpoint.signed
      ? await signQuery(
          { ...params, recvWindow: this.#recvWindow, timestamp: this.#serverTime.now() },
          this.#signer,
        )
      : encodeQuery(params);
    const context = `${endpoint.method} ${endpoint.path}`;
    const info = {
      venue: this.venue.id,
      method: endpoint.method,
      path: endpoint.path,
      weight: endpoint.weight,
      attempt,
    };
    channels.start.publish(info);
    const started = this.#clock.now();
    const controller = new AbortController();
    const timer = this.#clock.setTimeout(() => controller.abort(), this.#timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const allSecrets = [...this.#secrets, ...secrets];
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(`${this.venue.restBaseUrl}${endpoint.path}${query ? `?${query}` : ''}`, {
        method: endpoint.method,
        headers: { [this.venue.apiKeyHeader]: this.#apiKey },
        signal: controller.signal,
        dispatcher: this.#dispatcher,
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (cause) {
      const aborted = options.signal?.aborted === true;
      const error = aborted
        ? new UserstreamError('USERSTREAM_ABORTED', `@userstream/rest: ${context} aborted`)
        : new TransportError(
            `@userstream/rest: ${context} failed${controller.signal.aborted ? ` (timed out after ${this.#timeoutMs} ms)` : ''}`,
            {
              cause,
              timeout: controller.signal.aborted,
              secrets: allSecrets,
              retryable: !aborted,
            },
          );
      channels.error.publish({ ...info, code: error.code, durationMs: this.#clock.now() - started });
      this.#logger?.warn({ ...info, code: error.code }, 'request failed');
      throw error;
    } finally {
      this.#clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    this.#trackWeight(headers);
    const durationMs = this.#clock.now() - started;
    if (status >= 200 && status < 300) {
      channels.finish.publish({ ...info, status, durationMs });
      this.#logger?.debug({ ...info, status, durationMs }, 'request finished');
      return (text ? JSON.parse(text) : {}) as T;
    }
    const error = this.#errorFor(status, headers, text, context, allSecrets);
    channels.error.publish({ ...info, status, code: error.code, durationMs });
    this.#logger?.warn({ ...info, status, code: error.code }, 'request failed');
    throw error;
  }

  #trackWeight(headers: Record<string, string | string[] | undefined>): void {
    const used = Number(headers['x-mbx-used-weight-1m'] ?? headers['x-mbx-used-weight']);
    if (Number.isFinite(used)) {
      this.#state.usedWeight = used;
      this.#state.updatedAt = this.#clock.now();
    }
  }

  #errorFor(
    status: number,
    headers: Record<string, string | string[] | undefined>,
    text: string,
    context: string,
    secrets: string[],
  ): UserstreamError {
    let body: { code?: unknown; msg?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: described by status below
    }
    if (status === 429 || status === 418) {
      const seconds = Number(headers['retry-after']);
      const retryAfterMs =
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : status === 418 ? 120_000 : 1_000;
      const until = this.#clock.now() + retryAfterMs;
      const banned = status === 418;
      if (banned) this.#state.bannedUntil = until;
      else this.#state.retryAfterUntil = until;
      return new RateLimitError(
        `@userstream/rest: ${context}: ${banned ? `IP banned by ${this.venue.id} for ${retryAfterMs} ms; requests are refused until then` : `rate limited by ${this.venue.id}; retry after ${retryAfterMs} ms`}`,
        { retryAfterMs, banned, until, secrets },
      );
    }
    if (status === 410) {
      const retired = this.venue.retired;
      return new RetiredEndpointError(
        `@userstream/rest: ${context} is retired on ${this.venue.id}${
          retired
            ? ` since ${retired.since}${retired.replacement ? `; use the '${retired.replacement}' venue instead` : ''}`
            : ''
        }`,
        { replacement: retired?.replacement, secrets },
      );
    }
    if (typeof body.code === 'number') {
      return new ExchangeError(body.code, typeof body.msg === 'string' ? body.msg : '', {
        status,
        context: `@userstream/rest: ${context}`,
        secrets,
      });
    }
    return new ExchangeError(status >= 500 ? ExchangeCode.Disconnected : 0, `HTTP ${status}`, {
      status,
      context: `@userstream/rest: ${context}`,
      secrets,
    });
  }
}

/** Creates a {@link RestClient}; options are checked here and errors say what to fix. */
export function createRestClient(options: RestClientOptions): RestClient {
  return new RestClient(options);
}
