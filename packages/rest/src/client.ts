import { type Channel, channel } from 'node:diagnostics_channel';
import {
  type Clock,
  type ClockTimer,
  ClosedError,
  createSigner,
  DEFAULT_RECV_WINDOW,
  defineVenue,
  type Endpoint,
  ErrorCode,
  ExchangeCode,
  ExchangeError,
  MAX_RECV_WINDOW,
  type Params,
  ProtocolError,
  percentEncode,
  RateLimitError,
  RetiredEndpointError,
  redactText,
  ServerTime,
  systemClock,
  TransportError,
  type UserstreamError,
  type VenueProfile,
  type VenueProfileInput,
  validateApiKey,
  validateListenKey,
  validateListenToken,
  validateRecvWindow,
  validateSymbol,
} from '@userstream/core';
import { Agent, type Dispatcher, ProxyAgent, request } from 'undici';
import { isResponseTooLarge, readBody } from './body.js';
import {
  checkOptions,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  invalid,
  type Logger,
  proxySettings,
  type RestClientOptions,
  type RetryOptions,
} from './options.js';
import { encodeParams } from './query.js';
import { type AccountSnapshot, normalizeAccount, normalizeOpenOrders, type OpenOrder } from './snapshot.js';
import { checkEndpointOrigins, venueById } from './venue-checks.js';
import { readUsedWeights, WeightWindow } from './weight.js';

export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type Logger,
  type ProxyOptions,
  type RestClientOptions,
  type RetryOptions,
} from './options.js';

export interface RateLimitState {
  /** Last `X-MBX-USED-WEIGHT-1M` seen. */
  usedWeight: number;
  /** Last used weight per interval the venue reports: `{ '1m': 42 }` from `X-MBX-USED-WEIGHT-1M`, `'1s'`, `'1h'`, `'1d'`… */
  usedWeights: Record<string, number>;
  /** The per-minute weight limit (the venue's, or `weightLimit`). */
  limit: number;
  /** Clock ms of the last weight header seen. */
  updatedAt: number;
  /** Epoch ms before which requests are held (429). */
  retryAfterUntil: number;
  /** Epoch ms before which requests are refused (418). */
  bannedUntil: number;
  /** Epoch ms until which `weightShare` is holding requests back (0: not holding). */
  heldUntil: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface RestRequest extends RequestOptions {
  method: Endpoint['method'];
  /** A path on the venue's REST host, e.g. `/api/v3/order`; no query, no `..`. */
  path: string;
  /** Query parameters; names are letters, digits and `_`; values are percent-encoded. */
  params?: Params;
  signed?: boolean;
  /** Weight counted by `weightShare`. @default 1 */
  weight?: number;
  /** A POST that may safely be sent twice (retried on 5xx and timeouts like GET). @default false */
  idempotent?: boolean;
}

export const DIAGNOSTICS_CHANNELS = Object.freeze({
  start: 'userstream:rest:request:start',
  finish: 'userstream:rest:request:finish',
  error: 'userstream:rest:request:error',
  /** A request held back by `weightShare` until the next minute. */
  throttle: 'userstream:rest:request:throttle',
});

const channels: Record<keyof typeof DIAGNOSTICS_CHANNELS, Channel> = {
  start: channel(DIAGNOSTICS_CHANNELS.start),
  finish: channel(DIAGNOSTICS_CHANNELS.finish),
  error: channel(DIAGNOSTICS_CHANNELS.error),
  throttle: channel(DIAGNOSTICS_CHANNELS.throttle),
};

const MAX_REMEMBERED_SECRETS = 34;
const PATH = /^(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/;
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
/** The client adds these to signed requests; a caller may not. */
const RESERVED_PARAMS = new Set(['signature', 'timestamp', 'recvWindow']);
/** undici errors that mean the request never left: safe to retry whatever the method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

type Headers = Record<string, string | string[] | undefined>;

interface Sleeper {
  timer: ClockTimer;
  reject: (error: UserstreamError) => void;
}

interface Call {
  endpoint: Endpoint;
  params: Params;
  options: RequestOptions;
  /** Values that must not appear in errors of this call (the listenKey it names). */
  secrets: readonly string[];
  /** Safe to send twice: retried on 5xx and timeouts. */
  idempotent: boolean;
}

function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw invalid('signal must be an AbortSignal', 'signal');
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
  readonly #maxResponseBytes: number;
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
  /** Weight allowed per minute by `weightShare`; undefined when not holding. */
  readonly #budget: number | undefined;
  readonly #window = new WeightWindow();
  readonly #sleepers = new Set<Sleeper>();
  /** Requests on the wire; close() ends them. */
  #inFlight = 0;
  /** Abort controllers of requests timed by an injected clock. */
  readonly #controllers = new Set<AbortController>();
  #closed = false;

  constructor(options: RestClientOptions) {
    checkOptions(options);
    const { venue, credentials } = options;
    if (typeof venue !== 'object' || venue === null || typeof venue.restBaseUrl !== 'string') {
      throw invalid(
        '`venue` must be a venue profile (e.g. venues["binance-usdm"] from @userstream/core, or defineVenue(…))',
        'venue',
        ErrorCode.InvalidConfig,
      );
    }
    // Validates every field (paths, weights, URLs) of hand-made profiles too; frozen copies pass as is.
    this.venue = defineVenue(venue as VenueProfileInput, { allowInsecure: options.allowInsecure });
    // Every request URL (base + endpoint path) stays on the profile's origin, plaintext only on loopback.
    checkEndpointOrigins(this.venue, options.allowInsecure === true);
    if (typeof credentials !== 'object' || credentials === null)
      throw invalid('`credentials` ({ apiKey, secret | privateKey | signer }) are required', 'credentials');
    this.#apiKey = validateApiKey(credentials.apiKey, 'credentials.apiKey');
    this.#signer = createSigner(credentials);
    this.#clock = options.clock ?? systemClock;
    // Network bounds are wall-clock quantities: on a scaled clock (createScaledClock has a
    // `speed`) they are scaled so they keep their real-time meaning.
    const speed = (this.#clock as { speed?: unknown }).speed;
    const scale = typeof speed === 'number' && Number.isFinite(speed) && speed > 1 ? speed : 1;
    this.#timeoutMs = (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) * scale;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#retry =
      options.retry === false
        ? undefined
        : { ...DEFAULT_RETRY, ...(typeof options.retry === 'object' ? options.retry : {}) };
    this.#recvWindow = validateRecvWindow(
      options.recvWindow ?? Math.min(MAX_RECV_WINDOW, DEFAULT_RECV_WINDOW * scale),
    );
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#serverTime = new ServerTime(this.#clock);
    this.#secrets = [this.#apiKey];
    if (typeof credentials.secret === 'string') this.#secrets.push(credentials.secret);
    if (typeof credentials.passphrase === 'string') this.#secrets.push(credentials.passphrase);
    if (typeof credentials.privateKey === 'string') this.#secrets.push(credentials.privateKey);
    if (options.proxy !== undefined) {
      const proxy = proxySettings(options.proxy);
      this.#secrets.push(...proxy.secrets);
      this.#dispatcher = new ProxyAgent({
        uri: proxy.uri,
        ...(proxy.token ? { token: proxy.token } : {}),
        proxyTunnel: proxy.tunnel,
        keepAliveTimeout: 30_000,
        connections: 16,
      });
      this.#ownsDispatcher = true;
    } else {
      this.#ownsDispatcher = options.dispatcher === undefined;
      this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 16 });
    }
    this.#fixedSecrets = this.#secrets.length;
    const limit = options.weightLimit ?? this.venue.weightLimitPerMinute;
    this.#budget = options.weightShare === undefined ? undefined : Math.floor(limit * options.weightShare);
    this.#state = {
      usedWeight: 0,
      usedWeights: {},
      limit,
      updatedAt: 0,
      retryAfterUntil: 0,
      bannedUntil: 0,
      heldUntil: 0,
    };
  }

  /** The venue's rate-limit state as last seen (updated in place). */
  get rateLimit(): Readonly<RateLimitState> {
    return this.#state;
  }

  /** Creates a listenKey, or returns the account's active one (extended). */
  async createListenKey(options: RequestOptions & { symbol?: string } = {}): Promise<string> {
    const lk = this.#listenKeyProfile();
    checkSignal(options.signal);
    const body = await this.#call<{ listenKey?: unknown }>({
      endpoint: lk.create,
      params: this.#symbolParams(options.symbol),
      options,
      secrets: [],
      // A POST on an account with an active key returns that key: sending it twice is harmless.
      idempotent: true,
    });
    if (typeof body?.listenKey !== 'string')
      throw new ProtocolError('@userstream/rest: listenKey missing from the response');
    const key = validateListenKey(body.listenKey);
    this.#remember(key);
    return key;
  }

  /** Extends a listenKey's validity; -1125 means it is gone and must be created again. */
  async keepAliveListenKey(
    listenKey: string,
    options: RequestOptions & { symbol?: string } = {},
  ): Promise<void> {
    const lk = this.#listenKeyProfile();
    validateListenKey(listenKey);
    checkSignal(options.signal);
    await this.#call({
      endpoint: lk.keepAlive,
      params: { ...this.#symbolParams(options.symbol), listenKey },
      options,
      secrets: [listenKey],
      idempotent: true,
    });
  }

  /** Invalidates a listenKey and closes its streams. */
  async closeListenKey(listenKey: string, options: RequestOptions & { symbol?: string } = {}): Promise<void> {
    const lk = this.#listenKeyProfile();
    validateListenKey(listenKey);
    checkSignal(options.signal);
    await this.#call({
      endpoint: lk.close,
      params: { ...this.#symbolParams(options.symbol), listenKey },
      options,
      secrets: [listenKey],
      idempotent: true,
    });
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
    checkSignal(options.signal);
    if (lt.isolated && options.symbol === undefined)
      throw invalid('isolated margin listenTokens need `symbol` (e.g. { symbol: "BTCUSDT" })', 'symbol');
    if (!lt.isolated && options.symbol !== undefined)
      throw invalid(
        `cross margin listenTokens take no symbol; use the isolated margin venue for one pair`,
        'symbol',
      );
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
    const body = await this.#call<{ token?: unknown; expirationTime?: unknown }>({
      endpoint: lt.create,
      params,
      options,
      secrets: [],
      idempotent: false,
    });
    if (typeof body?.token !== 'string' || typeof body.expirationTime !== 'number') {
      throw new ProtocolError('@userstream/rest: token or expirationTime missing from the response');
    }
    const token = validateListenToken(body.token);
    this.#remember(token);
    return { token, expirationTime: body.expirationTime };
  }

  /** The venue's time, epoch ms. */
  async serverTime(options: RequestOptions = {}): Promise<number> {
    const endpoint = this.venue.endpoints.serverTime;
    if (!endpoint) throw invalid(`venue '${this.venue.id}' has no server-time endpoint`, 'venue');
    checkSignal(options.signal);
    const body = await this.#call<{ serverTime?: unknown }>({
      endpoint,
      params: {},
      options,
      secrets: [],
      idempotent: true,
    });
    if (typeof body?.serverTime !== 'number' || !Number.isFinite(body.serverTime))
      throw new ProtocolError('@userstream/rest: serverTime missing from the response');
    return body.serverTime;
  }

  /** Measures the offset between this clock and the venue's; signed requests use it. */
  async syncTime(options: RequestOptions = {}): Promise<number> {
    const sentAt = this.#clock.now();
    const serverTime = await this.serverTime(options);
    return this.#serverTime.record(serverTime, sentAt, this.#clock.now());
  }

  /** Venue time minus local clock time, in ms, as last measured (0 before {@link syncTime}). */
  get timeOffsetMs(): number {
    return this.#serverTime.offsetMs;
  }

  /** The raw account snapshot body of the venue (balances and update time). */
  async account(options: RequestOptions & { symbol?: string } = {}): Promise<unknown> {
    checkSignal(options.signal);
    const params: Record<string, string> = {};
    if (options.symbol !== undefined) {
      if (this.venue.market !== 'isolatedMargin')
        throw invalid(`venue '${this.venue.id}' takes no symbol for the account snapshot`, 'symbol');
      params.symbols = validateSymbol(options.symbol);
    }
    return this.#call({
      endpoint: this.venue.endpoints.account,
      params,
      options,
      secrets: [],
      idempotent: true,
    });
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
    checkSignal(options.signal);
    const params: Record<string, string> = {};
    if (this.venue.market === 'isolatedMargin') {
      if (options.symbol === undefined)
        throw invalid('isolated margin open orders need `symbol` (e.g. { symbol: "BTCUSDT" })', 'symbol');
      params.isIsolated = 'TRUE';
    }
    if (options.symbol !== undefined) params.symbol = validateSymbol(options.symbol);
    return this.#call({
      endpoint: this.venue.endpoints.openOrders,
      params,
      options,
      secrets: [],
      idempotent: true,
    });
  }

  /**
   * Any other request on the same venue, signed or not. The path is checked (no query, no `..`)
   * and every parameter percent-encoded, so no value can change the path or add a parameter.
   */
  async request<T = unknown>(req: RestRequest): Promise<T> {
    if (typeof req !== 'object' || req === null) throw invalid('request needs { method, path }', 'request');
    if (!METHODS.has(req.method)) throw invalid('method must be GET, POST, PUT or DELETE', 'method');
    if (typeof req.path !== 'string' || req.path.length > 256 || !PATH.test(req.path))
      throw invalid(
        'path must look like /api/v3/account (letters, digits, _ . - between slashes; no query, no ..)',
        'path',
      );
    const weight = req.weight ?? 1;
    if (!(Number.isInteger(weight) && weight >= 0))
      throw invalid('weight must be a whole number >= 0', 'weight');
    checkSignal(req.signal);
    const params: Record<string, string | number | boolean | bigint> = {};
    if (req.params !== undefined) {
      if (typeof req.params !== 'object' || req.params === null || Array.isArray(req.params))
        throw invalid('params must be an object of names to values', 'params');
      for (const [name, value] of Object.entries(req.params)) {
        if (!PARAM_NAME.test(name))
          throw invalid(
            `parameter names are letters, digits and _ (got ${JSON.stringify(name.slice(0, 40))})`,
            'params',
          );
        if (RESERVED_PARAMS.has(name))
          throw invalid(
            `'${name}' is added by the client; leave it out (set recvWindow on the client)`,
            'params',
          );
        if (value === undefined) continue;
        const ok =
          typeof value === 'string' ||
          typeof value === 'boolean' ||
          typeof value === 'bigint' ||
          (typeof value === 'number' && Number.isFinite(value));
        if (!ok)
          throw invalid(`parameter '${name}' must be a string, finite number, boolean or bigint`, 'params');
        if (typeof value === 'string' && LONE_SURROGATE.test(value))
          throw invalid(`parameter '${name}' is not well-formed text (a lone UTF-16 surrogate)`, 'params');
        params[name] = value;
      }
    }
    const endpoint: Endpoint = { method: req.method, path: req.path, signed: req.signed === true, weight };
    return this.#call<T>({
      endpoint,
      params,
      options: req,
      secrets: [],
      idempotent: req.method !== 'POST' || req.idempotent === true,
    });
  }

  /** Closes the connection pool (and the proxy agent): no socket is left. Pending holds end with `USERSTREAM_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const sleeper of this.#sleepers) {
      this.#clock.clearTimeout(sleeper.timer);
      sleeper.reject(new ClosedError('@userstream/rest: client closed while a request was waiting'));
    }
    this.#sleepers.clear();
    for (const controller of this.#controllers) controller.abort();
    this.#controllers.clear();
    if (!this.#ownsDispatcher) return;
    // Requests still on the wire end now (USERSTREAM_CLOSED) rather than hold close() up.
    if (this.#inFlight > 0) await this.#dispatcher.destroy();
    else await this.#dispatcher.close();
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
      if (symbol === undefined)
        throw invalid('isolated margin listenKeys need `symbol` (e.g. { symbol: "BTCUSDT" })', 'symbol');
      return { symbol: validateSymbol(symbol) };
    }
    if (symbol !== undefined) throw invalid(`venue '${this.venue.id}' listenKeys take no symbol`, 'symbol');
    return {};
  }

  #retryable(call: Call, error: unknown): boolean {
    if (error instanceof TransportError) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const notSent = typeof cause?.code === 'string' && NOT_SENT.has(cause.code);
      return notSent || call.idempotent;
    }
    if (!(error instanceof ExchangeError) || (error.status ?? 0) < 500) return false;
    return call.idempotent;
  }

  async #call<T>(call: Call): Promise<T> {
    let resynced = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once<T>(call, attempt);
      } catch (error) {
        if (
          !resynced &&
          call.endpoint.signed &&
          error instanceof ExchangeError &&
          error.exchangeCode === ExchangeCode.TimestampOutsideRecvWindow &&
          this.venue.endpoints.serverTime
        ) {
          resynced = true;
          await this.syncTime(call.options);
          continue;
        }
        if (!this.#retry || attempt >= this.#retry.maxAttempts || !this.#retryable(call, error)) throw error;
        const cap = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
        await this.#sleep(Math.floor(this.#random() * cap), call.options.signal);
      }
    }
  }

  /** Waits `ms` on the clock; ends early with USERSTREAM_ABORTED or USERSTREAM_CLOSED. */
  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted)
      return Promise.reject(new ClosedError('@userstream/rest: request aborted', { aborted: true }));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        timer: this.#clock.setTimeout(() => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms),
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.#clock.clearTimeout(sleeper.timer);
        this.#sleepers.delete(sleeper);
        reject(new ClosedError('@userstream/rest: request aborted', { aborted: true }));
      };
      this.#sleepers.add(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Refuses locally while closed, banned (418) or told to wait (429). */
  #gate(): void {
    if (this.#closed) throw new ClosedError('@userstream/rest: client is closed');
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
  }

  /** With `weightShare`, waits for the next minute rather than cross the share of the limit. */
  async #throttle(endpoint: Endpoint, options: RequestOptions): Promise<void> {
    const budget = this.#budget;
    if (budget === undefined) return;
    for (;;) {
      this.#gate();
      const venueNow = this.#serverTime.now();
      const used = this.#window.used(venueNow);
      // A request heavier than the whole budget goes first thing in a fresh minute.
      if (used === 0 || used + endpoint.weight <= budget) {
        this.#window.reserve(venueNow, endpoint.weight);
        if (this.#state.heldUntil <= this.#clock.now()) this.#state.heldUntil = 0;
        return;
      }
      const waitMs = WeightWindow.untilNextWindow(venueNow);
      const until = this.#clock.now() + waitMs;
      if (until > this.#state.heldUntil) this.#state.heldUntil = until;
      const info = {
        venue: this.venue.id,
        method: endpoint.method,
        path: endpoint.path,
        weight: endpoint.weight,
        usedWeight: used,
        budget,
        waitMs,
      };
      channels.throttle.publish(info);
      this.#logger?.debug(info, 'request held until the next weight window');
      await this.#sleep(waitMs, options.signal);
    }
  }

  async #once<T>(call: Call, attempt: number): Promise<T> {
    const { endpoint, params, options } = call;
    this.#gate();
    if (this.#budget !== undefined) await this.#throttle(endpoint, options);
    if (options.signal?.aborted)
      throw new ClosedError('@userstream/rest: request aborted', { aborted: true });
    let query: string;
    /** This request's signature: a venue may quote it back on its own, with no `signature=`. */
    let signatureSecrets: string[] = [];
    if (endpoint.signed) {
      // What core's signQuery does, without a promise when the signer is synchronous (HMAC, keys).
      const head = encodeParams(params);
      const payload = `${head}${head ? '&' : ''}recvWindow=${this.#recvWindow}&timestamp=${this.#serverTime.now()}`;
      const signed = this.#signer.sign(payload);
      const signature = typeof signed === 'string' ? signed : await signed;
      signatureSecrets = [signature, percentEncode(signature)];
      query = `${payload}&signature=${percentEncode(signature)}`;
    } else query = encodeParams(params);
    const context = `${endpoint.method} ${endpoint.path}`;
    const info = {
      venue: this.venue.id,
      method: endpoint.method,
      path: endpoint.path,
      weight: endpoint.weight,
      attempt,
    };
    if (channels.start.hasSubscribers) channels.start.publish(info);
    const started = this.#clock.now();
    // With the system clock, undici's own timers bound the request (cheaper than a timer and an
    // AbortController per request); with an injected clock the clock does, so tests control it.
    const native = this.#clock === systemClock;
    let controller: AbortController | undefined;
    let timer: ClockTimer | undefined;
    let onAbort: (() => void) | undefined;
    if (!native) {
      const c = new AbortController();
      controller = c;
      timer = this.#clock.setTimeout(() => c.abort(), this.#timeoutMs);
      if (options.signal) {
        onAbort = () => c.abort();
        options.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.#controllers.add(c);
    }
    this.#inFlight++;
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const res = await request(`${this.venue.restBaseUrl}${endpoint.path}${query ? `?${query}` : ''}`, {
        method: endpoint.method,
        headers: { [this.venue.apiKeyHeader]: this.#apiKey },
        signal: controller?.signal ?? options.signal,
        dispatcher: this.#dispatcher,
        // Ignored when the injected clock times the request (the abort signal does it).
        headersTimeout: native ? this.#timeoutMs : 0,
        bodyTimeout: native ? this.#timeoutMs : 0,
      });
      status = res.statusCode;
      headers = res.headers;
      // Bounded: a huge or endless answer is cut at maxResponseBytes, never read whole.
      text = await readBody(res.body, headers, {
        context,
        venue: this.venue.id,
        status,
        maxResponseBytes: this.#maxResponseBytes,
      });
    } catch (cause) {
      const aborted = options.signal?.aborted === true;
      const closed = !aborted && this.#closed;
      const code = (cause as { code?: unknown } | undefined)?.code;
      const timedOut =
        !aborted &&
        !closed &&
        (native
          ? code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
          : controller?.signal.aborted === true);
      // Too large is the venue's answer, not the network's: typed as such and never retried.
      const error = isResponseTooLarge(cause)
        ? cause
        : aborted
          ? new ClosedError(`@userstream/rest: ${context} aborted`, { aborted: true })
          : closed
            ? new ClosedError(`@userstream/rest: ${context} ended: the client was closed`)
            : new TransportError(
                `@userstream/rest: ${context} failed${timedOut ? ` (timed out after ${this.#timeoutMs} ms)` : ''}`,
                {
                  cause,
                  timeout: timedOut,
                  secrets: [...this.#secrets, ...call.secrets, ...signatureSecrets],
                  details: { venue: this.venue.id },
                },
              );
      channels.error.publish({ ...info, code: error.code, durationMs: this.#clock.now() - started });
      this.#logger?.warn({ ...info, code: error.code }, 'request failed');
      throw error;
    } finally {
      this.#inFlight--;
      if (controller) {
        this.#controllers.delete(controller);
        this.#clock.clearTimeout(timer as ClockTimer);
        if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      }
    }
    this.#trackWeight(headers);
    const durationMs = this.#clock.now() - started;
    if (status >= 200 && status < 300) {
      let body: T;
      try {
        body = (text ? JSON.parse(text) : {}) as T;
      } catch {
        const error = new ProtocolError(
          `@userstream/rest: ${context} answered ${status} with a body that is not JSON`,
        );
        channels.error.publish({ ...info, status, code: error.code, durationMs });
        throw error;
      }
      if (channels.finish.hasSubscribers) channels.finish.publish({ ...info, status, durationMs });
      this.#logger?.debug({ ...info, status, durationMs }, 'request finished');
      return body;
    }
    const error = this.#errorFor(status, headers, text, context, [
      ...this.#secrets,
      ...call.secrets,
      ...signatureSecrets,
    ]);
    channels.error.publish({ ...info, status, code: error.code, durationMs });
    this.#logger?.warn({ ...info, status, code: error.code }, 'request failed');
    throw error;
  }

  #trackWeight(headers: Headers): void {
    const weights = readUsedWeights(headers);
    const intervals = Object.keys(weights);
    if (intervals.length === 0) return;
    for (const interval of intervals) this.#state.usedWeights[interval] = weights[interval] as number;
    const minute = weights['1m'];
    if (minute !== undefined) {
      this.#state.usedWeight = minute;
      this.#window.observe(this.#serverTime.now(), minute);
    }
    this.#state.updatedAt = this.#clock.now();
  }

  #retiredMessage(context: string, exchangeMessage: string): { message: string; replacement?: string } {
    const retired = this.venue.retired ?? venueById(this.venue.id)?.retired;
    const replacement = retired?.replacement;
    const instead = replacement ? venueById(replacement) : undefined;
    const how =
      instead?.protocol === 'wsApi'
        ? 'a WebSocket API subscription, userDataStream.subscribe.signature'
        : instead?.protocol === 'listenToken'
          ? 'a listenToken from createListenToken(), then userDataStream.subscribe.listenToken'
          : undefined;
    if (!retired) {
      return {
        message: `@userstream/rest: ${context} is gone (HTTP 410) on ${this.venue.id}${exchangeMessage ? `: ${exchangeMessage}` : ''}`,
      };
    }
    return {
      message:
        `@userstream/rest: ${context} is retired on ${this.venue.id} (${retired.host}) since ${retired.since}` +
        (replacement ? `; use the '${replacement}' venue instead${how ? ` (${how})` : ''}` : ''),
      ...(replacement ? { replacement } : {}),
    };
  }

  #errorFor(
    status: number,
    headers: Headers,
    text: string,
    context: string,
    secrets: string[],
  ): UserstreamError {
    let body: { code?: unknown; msg?: unknown } = {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null) body = parsed as typeof body;
    } catch {
      // not JSON: described by status below
    }
    if (status === 429 || status === 418) {
      const seconds = Number(headers['retry-after']);
      const retryAfterMs =
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : status === 418 ? 120_000 : 1_000;
      const until = this.#clock.now() + retryAfterMs;
      const banned = status === 418;
      if (banned) this.#state.bannedUntil = Math.max(this.#state.bannedUntil, until);
      else this.#state.retryAfterUntil = Math.max(this.#state.retryAfterUntil, until);
      return new RateLimitError(
        `@userstream/rest: ${context}: ${banned ? `IP banned by ${this.venue.id} for ${retryAfterMs} ms; requests are refused until then` : `rate limited by ${this.venue.id}; retry after ${retryAfterMs} ms`}`,
        { retryAfterMs, banned, until, secrets, details: { venue: this.venue.id, status } },
      );
    }
    if (status === 410) {
      const { message, replacement } = this.#retiredMessage(
        context,
        typeof body.msg === 'string' ? body.msg : '',
      );
      return new RetiredEndpointError(message, {
        ...(replacement ? { replacement } : {}),
        secrets,
        details: { venue: this.venue.id, status },
      });
    }
    if (typeof body.code === 'number') {
      return new ExchangeError(
        body.code,
        typeof body.msg === 'string' ? redactText(body.msg, secrets).slice(0, 500) : '',
        {
          status,
          context: `@userstream/rest: ${context}`,
          secrets,
        },
      );
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
