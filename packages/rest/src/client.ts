import {
  type Clock,
  ClosedError,
  clockSpeed,
  createSigner,
  DEFAULT_RECV_WINDOW,
  type Endpoint,
  MAX_RECV_WINDOW,
  type Params,
  ProtocolError,
  percentEncode,
  RateLimitError,
  resolveVenue,
  ServerTime,
  systemClock,
  type UserstreamError,
  type VenueProfile,
  validateApiKey,
  validateListenKey,
  validateListenToken,
  validateRecvWindow,
} from '@userstream/core';
import { type AsterV3Auth, asterV3Auth, asterV3Query } from './aster-v3.js';
import { ClockSleep } from './clock-sleep.js';
import { codeDataPayload, missingKeyError, restEnvelopeOf } from './code-data.js';
import { channels } from './diagnostics.js';
import { createDispatcher } from './dispatcher.js';
import {
  accountParams,
  listenKeyHost,
  listenKeyProfile,
  listenKeyRequest,
  listenKeySymbolParams,
  listenTokenRequest,
  openAlgoOrdersEndpoints,
  openOrdersParams,
  positionEndpoints,
  serverTimeEndpoint,
} from './endpoint-params.js';
import { type HttpAnswer, HttpExchange } from './http-exchange.js';
import { binanceOpenOrdersOf, openEnvelope } from './open-v1.js';
import {
  asOption,
  checkOptions,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  kit,
  type Logger,
  type RestClientOptions,
} from './options.js';
import { encodeParams } from './query.js';
import { RateLimitGate, type RateLimitState } from './rate-limit-gate.js';
import { checkRequest, checkSignal, type RequestOptions, type RestRequest } from './request-checks.js';
import { type RequestScope, responseError } from './response-errors.js';
import { RetryLoop } from './retry.js';
import { SecretMemory } from './secret-memory.js';
import {
  type AccountSnapshot,
  type AlgoOrder,
  normalizeAccount,
  normalizeAlgoOrders,
  normalizeOpenOrders,
  normalizePositions,
  type OpenOrder,
  type Position,
} from './snapshot.js';
import { checkEndpointOrigins } from './venue-checks.js';

interface Call {
  endpoint: Endpoint;
  params: Params;
  options: RequestOptions;
  /** Values that must not appear in errors of this call (the listenKey it names). */
  secrets: readonly string[];
  /** Safe to send twice: retried on 5xx and timeouts. */
  idempotent: boolean;
  /**
   * The URL path when it differs from the endpoint's (a listenKey in the path, Bitrue's
   * `/listenKey/{listenKey}`). Logs, diagnostics and errors name the endpoint's path only.
   */
  path?: string;
  /** The base URL when it is not the profile's `restBaseUrl` (Bitrue's listenKey host). */
  base?: string;
}

const NONE: readonly string[] = [];

/**
 * An HTTP client for one venue and one account: credential endpoints, server time and the
 * snapshots a resync needs. Paths, methods, headers and signing come from the venue profile.
 * It holds the public methods and one attempt of a request; the parts live beside it: option
 * checks (options.ts), method inputs (request-checks.ts, endpoint-params.ts), rate limits
 * (rate-limit-gate.ts), the HTTP exchange and its bounds (http-exchange.ts, body.ts), answers to
 * typed errors (response-errors.ts), retries (retry.ts).
 */
export class RestClient {
  /** The venue profile the client talks to (checked at creation; endpoints, weights, timing). */
  readonly venue: VenueProfile;
  readonly #apiKey: string;
  readonly #signer;
  /** Aster v3's EIP-712 signing (user, signer, µs nonce), for `signing: 'aster-eip712'` venues. */
  readonly #asterV3: AsterV3Auth | undefined;
  readonly #clock: Clock;
  readonly #recvWindow: number;
  readonly #logger: Logger | undefined;
  readonly #serverTime: ServerTime;
  readonly #secrets: SecretMemory;
  readonly #gate: RateLimitGate;
  readonly #sleep: ClockSleep;
  readonly #retries: RetryLoop<Call>;
  readonly #http: HttpExchange;
  #closed = false;

  constructor(options: RestClientOptions) {
    checkOptions(options);
    const { credentials } = options;
    // A venue id or a profile, read as stream reads it; a profile is kept as the checked frozen
    // copy, since every request URL is built from it later.
    this.venue = resolveVenue(options.venue, {
      prefix: '@userstream/rest',
      allowInsecure: options.allowInsecure === true,
      frozenCopy: true,
    });
    // Every request URL (base + endpoint path) stays on the profile's origin, plaintext only on loopback.
    checkEndpointOrigins(this.venue, options.allowInsecure === true);
    if (typeof credentials !== 'object' || credentials === null)
      throw kit.invalid(
        '`credentials` ({ apiKey, secret | privateKey | signer }) are required',
        'credentials',
      );
    this.#apiKey = asOption(() => validateApiKey(credentials.apiKey, 'credentials.apiKey'));
    this.#signer = createSigner(credentials);
    this.#asterV3 = asterV3Auth(this.venue, this.#signer, this.#apiKey);
    this.#clock = options.clock ?? systemClock;
    // Network bounds are real-time quantities: on a scaled clock they are scaled by core's one
    // rule, so they keep their real-time meaning at any speed, slower than real time included.
    const scale = clockSpeed(this.#clock);
    const retry =
      options.retry === false
        ? undefined
        : { ...DEFAULT_RETRY, ...(typeof options.retry === 'object' ? options.retry : {}) };
    // recvWindow is whole ms: a scale such as 1.13 makes 5000 · 1.13 = 5649.999…
    this.#recvWindow = asOption(() =>
      validateRecvWindow(
        options.recvWindow ?? Math.max(1, Math.min(MAX_RECV_WINDOW, Math.round(DEFAULT_RECV_WINDOW * scale))),
      ),
    );
    this.#logger = options.logger;
    this.#serverTime = new ServerTime(this.#clock);
    const fixedSecrets = [this.#apiKey];
    if (typeof credentials.secret === 'string') fixedSecrets.push(credentials.secret);
    if (typeof credentials.passphrase === 'string') fixedSecrets.push(credentials.passphrase);
    if (typeof credentials.privateKey === 'string') fixedSecrets.push(credentials.privateKey);
    const pool = createDispatcher(options);
    fixedSecrets.push(...pool.secrets);
    this.#http = new HttpExchange({
      clock: this.#clock,
      timeoutMs: (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) * scale,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      dispatcher: pool.dispatcher,
      ownsDispatcher: pool.owned,
      venueId: this.venue.id,
    });
    this.#secrets = new SecretMemory(fixedSecrets);
    this.#sleep = new ClockSleep(this.#clock);
    this.#gate = new RateLimitGate({
      venue: this.venue,
      clock: this.#clock,
      serverTime: this.#serverTime,
      limit: options.weightLimit ?? this.venue.weightLimitPerMinute,
      weightShare: options.weightShare,
      logger: this.#logger,
      sleep: this.#sleep,
      closed: () => this.#closed,
    });
    this.#retries = new RetryLoop<Call>({
      retry,
      random: options.random ?? Math.random,
      sleep: this.#sleep,
      send: (call, attempt) => this.#once(call, attempt),
      resync: this.venue.endpoints.serverTime ? (call) => this.syncTime(call.options) : undefined,
    });
  }

  /** The venue's rate-limit state as last seen (updated in place). */
  get rateLimit(): Readonly<RateLimitState> {
    return this.#gate.state;
  }

  /** Creates a listenKey, or returns the account's active one (extended). */
  async createListenKey(options: RequestOptions & { symbol?: string } = {}): Promise<string> {
    const lk = listenKeyProfile(this.venue);
    checkSignal(options.signal);
    const body = await this.#call<{ listenKey?: unknown }>({
      endpoint: lk.create,
      params: listenKeySymbolParams(this.venue, options.symbol),
      options,
      secrets: NONE,
      ...listenKeyHost(this.venue),
      // A POST on an account with an active key returns that key: sending it twice is harmless.
      idempotent: true,
    });
    if (typeof body?.listenKey !== 'string')
      throw new ProtocolError('@userstream/rest: listenKey missing from the response');
    const key = validateListenKey(body.listenKey);
    this.#secrets.remember(key);
    return key;
  }

  /** Extends a listenKey's validity; -1125 means it is gone and must be created again. */
  async keepAliveListenKey(
    listenKey: string,
    options: RequestOptions & { symbol?: string } = {},
  ): Promise<void> {
    await this.#listenKeyCall('keepAlive', listenKey, options);
  }

  /** Invalidates a listenKey and closes its streams. */
  async closeListenKey(listenKey: string, options: RequestOptions & { symbol?: string } = {}): Promise<void> {
    await this.#listenKeyCall('close', listenKey, options);
  }

  /** Creates a listenToken (cross margin, or isolated with `symbol`). */
  async createListenToken(options: RequestOptions & { symbol?: string; validityMs?: number } = {}): Promise<{
    /** The listenToken: a secret, never logged; subscribe with it on the WebSocket API. */
    token: string;
    /** When it lapses, epoch ms as the venue says (fetch the next one before). */
    expirationTime: number;
  }> {
    const { endpoint, params } = listenTokenRequest(this.venue, options);
    const body = await this.#call<{ token?: unknown; expirationTime?: unknown }>({
      endpoint,
      params,
      options,
      secrets: NONE,
      idempotent: false,
    });
    if (typeof body?.token !== 'string' || typeof body.expirationTime !== 'number') {
      throw new ProtocolError('@userstream/rest: token or expirationTime missing from the response');
    }
    const token = validateListenToken(body.token);
    this.#secrets.remember(token);
    return { token, expirationTime: body.expirationTime };
  }

  /** The venue's time, epoch ms. */
  async serverTime(options: RequestOptions = {}): Promise<number> {
    const endpoint = serverTimeEndpoint(this.venue);
    checkSignal(options.signal);
    const body = await this.#call<{ serverTime?: unknown }>({
      endpoint,
      params: {},
      options,
      secrets: NONE,
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
    return this.#call({
      endpoint: this.venue.endpoints.account,
      params: accountParams(this.venue, options.symbol),
      options,
      secrets: NONE,
      idempotent: true,
    });
  }

  /** Balances normalized across venues (see {@link AccountSnapshot}). */
  async accountSnapshot(options: RequestOptions & { symbol?: string } = {}): Promise<AccountSnapshot> {
    return normalizeAccount(await this.account(options));
  }

  /** Open orders normalized across venues. */
  async openOrders(options: RequestOptions & { symbol?: string } = {}): Promise<OpenOrder[]> {
    const raw = await this.rawOpenOrders(options);
    return normalizeOpenOrders(restEnvelopeOf(this.venue) === 'open-v1' ? binanceOpenOrdersOf(raw) : raw);
  }

  /** The raw open-orders body of the venue. */
  async rawOpenOrders(options: RequestOptions & { symbol?: string } = {}): Promise<unknown> {
    checkSignal(options.signal);
    return this.#call({
      endpoint: this.venue.endpoints.openOrders,
      params: openOrdersParams(this.venue, options.symbol),
      options,
      secrets: NONE,
      idempotent: true,
    });
  }

  /**
   * The account's futures positions, normalized (see core's `PositionSnapshot`): USDⓈ-M, COIN-M,
   * and portfolio margin's UM then CM book (each position names its `book`). Refused
   * (USERSTREAM_INVALID_INPUT) on a venue whose profile declares no `positions` endpoint.
   */
  async positionSnapshot(options: RequestOptions = {}): Promise<Position[]> {
    checkSignal(options.signal);
    const out: Position[] = [];
    for (const { endpoint, book } of positionEndpoints(this.venue)) {
      const raw = await this.#call({ endpoint, params: {}, options, secrets: NONE, idempotent: true });
      out.push(...normalizePositions(raw, book));
    }
    return out;
  }

  /**
   * Open conditional (algo) orders of the Algo service, normalized; portfolio margin lists UM's
   * then CM's conditional orders (each names its `book`). Refused where the venue has none.
   */
  async openAlgoOrders(options: RequestOptions = {}): Promise<AlgoOrder[]> {
    checkSignal(options.signal);
    const out: AlgoOrder[] = [];
    for (const { endpoint, book } of openAlgoOrdersEndpoints(this.venue)) {
      const raw = await this.#call({ endpoint, params: {}, options, secrets: NONE, idempotent: true });
      out.push(...normalizeAlgoOrders(raw, book));
    }
    return out;
  }

  /**
   * Any other request on the same venue, signed or not. The path is checked (no query, no `..`)
   * and every parameter percent-encoded, so no value can change the path or add a parameter.
   */
  async request<T = unknown>(req: RestRequest): Promise<T> {
    const { endpoint, params, idempotent } = checkRequest(req);
    return this.#call<T>({ endpoint, params, options: req, secrets: NONE, idempotent });
  }

  /** Closes the connection pool (and the proxy agent): no socket is left. Pending holds end with `USERSTREAM_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#sleep.close();
    await this.#http.close();
  }

  /** `await using rest = createRestClient(...)`: closes at the end of the block, as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Checks synchronously (the async callers turn a refusal into a rejection), then sends. */
  #listenKeyCall(
    which: 'keepAlive' | 'close',
    listenKey: string,
    options: RequestOptions & { symbol?: string },
  ): Promise<unknown> {
    const lk = listenKeyProfile(this.venue);
    validateListenKey(listenKey);
    checkSignal(options.signal);
    // Bitrue's key in the path, on its own host (endpoint-params.ts).
    const call = this.#call({
      ...listenKeyRequest(this.venue, lk[which], listenKey, options.symbol),
      options,
      secrets: [listenKey],
      idempotent: true,
    });
    // BingX says "unknown key" with a bare 404 (the profile's missingKeyStatus), Bitrue with its
    // own -1150 (missingKeyCode): -1125 for the lease.
    if (lk.missingKeyStatus === undefined && lk.missingKeyCode === undefined) return call;
    const context = `${lk[which].method} ${lk[which].path}`;
    return call.catch((error: unknown) => {
      throw missingKeyError(error, this.venue, context, this.#secrets.with([listenKey], NONE));
    });
  }

  #call<T>(call: Call): Promise<T> {
    return this.#retries.run<T>(call);
  }

  /** What the errors of one request may name, and what they must not contain. */
  #scope(context: string, call: Call, signatureSecrets: readonly string[]): RequestScope {
    return { venue: this.venue, context, secrets: this.#secrets.with(call.secrets, signatureSecrets) };
  }

  /** One attempt: through the rate-limit gate, signed, sent, answered within the bounds. */
  async #once<T>(call: Call, attempt: number): Promise<T> {
    const { endpoint, params, options } = call;
    this.#gate.check();
    // No promise to wait for unless weightShare may hold the request: this runs for every request.
    if (this.#gate.holding) await this.#gate.hold(endpoint, options.signal);
    if (options.signal?.aborted)
      throw new ClosedError('@userstream/rest: request aborted', { aborted: true });
    let query: string;
    /** This request's signature: a venue may quote it back on its own, with no `signature=`. */
    let signatureSecrets: readonly string[] = NONE;
    if (endpoint.signed && this.#asterV3) {
      const v3 = await asterV3Query(this.#asterV3, encodeParams(params), this.#serverTime.now());
      signatureSecrets = [v3.signature];
      query = v3.query;
    } else if (endpoint.signed) {
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
    let answer: HttpAnswer;
    try {
      answer = await this.#http.send(
        `${call.base ?? this.venue.restBaseUrl}${call.path ?? endpoint.path}${query ? `?${query}` : ''}`,
        {
          method: endpoint.method,
          headers: { [this.venue.apiKeyHeader]: this.#apiKey },
          signal: options.signal,
        },
        context,
        () => this.#scope(context, call, signatureSecrets),
      );
    } catch (error) {
      const code = (error as UserstreamError).code;
      channels.error.publish({ ...info, code, durationMs: this.#clock.now() - started });
      this.#logger?.warn({ ...info, code }, 'request failed');
      throw error;
    }
    const { status, headers, text } = answer;
    this.#gate.track(headers);
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
      const envelope = restEnvelopeOf(this.venue);
      // BingX and Bitrue: {code, msg, data} with HTTP 200 whatever the outcome (code-data.ts).
      if (envelope === 'code-data' || envelope === 'code-data-200') {
        const { secrets } = this.#scope(context, call, signatureSecrets);
        try {
          body = codeDataPayload(body, text, this.venue, endpoint, context, secrets) as T;
        } catch (error) {
          channels.error.publish({ ...info, status, code: (error as UserstreamError).code, durationMs });
          throw error;
        }
      }
      // Tokocrypto's /open/v1 answers errors inside a 200 envelope (open-v1.ts): those fall through.
      const opened = envelope === 'open-v1' ? openEnvelope(body, context) : undefined;
      if (opened === undefined || opened.ok) {
        if (opened) body = opened.data as T;
        if (channels.finish.hasSubscribers) channels.finish.publish({ ...info, status, durationMs });
        this.#logger?.debug({ ...info, status, durationMs }, 'request finished');
        return body;
      }
    }
    const error = responseError(
      status,
      headers,
      text,
      this.#scope(context, call, signatureSecrets),
      this.#clock.now(),
    );
    if (error instanceof RateLimitError) this.#gate.refuseUntil(error);
    channels.error.publish({ ...info, status, code: error.code, durationMs });
    this.#logger?.warn({ ...info, status, code: error.code }, 'request failed');
    throw error;
  }
}

/** Creates a {@link RestClient}; options are checked here and errors say what to fix. */
export function createRestClient(options: RestClientOptions): RestClient {
  return new RestClient(options);
}
