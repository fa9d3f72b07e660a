import {
  type ClockTimer,
  ClosedError,
  ErrorCode,
  ExchangeCode,
  ExchangeError,
  ProtocolError,
  parseDecodedFrame,
  type Signer,
  signWsApiParams,
  TransportError,
  type UserDataEvent,
  type UserstreamError,
  validateApiKey,
  validateListenToken,
  validateRecvWindow,
} from '@userstream/core';
import type { Link, LinkEnd } from './link.js';
import {
  backoffDelay,
  invalid,
  type ResolvedOptions,
  resolveOptions,
  type StreamOptions,
} from './options.js';
import { SecretRing, secretsOf } from './secret-ring.js';
import { Transport } from './transport.js';
import { type GapReason, type StreamSink, UserDataStream } from './user-data-stream.js';

/** How a WebSocket API subscription is authorized. */
export type WsApiAuth =
  /** `userDataStream.subscribe.signature`: any key type (HMAC, RSA, Ed25519). */
  | { type: 'signature'; apiKey: string; signer: Signer; recvWindow?: number }
  /** `session.logon` (Ed25519 keys only) then `userDataStream.subscribe`: one per connection. */
  | { type: 'logon'; apiKey: string; signer: Signer; recvWindow?: number }
  /** `userDataStream.subscribe.listenToken` (margin): renew with `replaceListenToken`. */
  | { type: 'listenToken'; token: string };

export interface WsApiSessionOptions extends StreamOptions {}

export interface WsApiStreamOptions extends StreamOptions {
  auth: WsApiAuth;
}

type Json = Record<string, unknown>;

interface Pending {
  readonly link: Link;
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ClockTimer;
  /** The secrets this request carried (API key, signature, listenToken): never echoed back. */
  readonly secrets: readonly string[];
  /** Runs on success before `resolve`, in the same turn as the response frame (see #doSubscribe). */
  readonly onOk?: ((result: unknown) => void) | undefined;
}

interface Member {
  auth: WsApiAuth;
  readonly stream: WsApiStream;
  readonly sink: StreamSink;
  /** Subscription id per link. */
  readonly ids: Map<Link, number>;
  live: boolean;
  pendingGap: GapReason | undefined;
  /** Waiting for a new credential (token lapsed or refused). */
  needsCredential: boolean;
  /** A refusal retrying cannot fix (bad key or signature): wait for a reconnect. */
  refused: boolean;
  retryTimer: ClockTimer | undefined;
  retryAttempt: number;
  /** Subscribing in progress, per link. */
  readonly inFlight: Map<Link, Promise<void>>;
}

/** Errors that will not go away by asking again with the same credential. */
const PERMANENT = new Set<number>([
  ExchangeCode.Unauthorized,
  ExchangeCode.InvalidSignature,
  ExchangeCode.RejectedApiKey,
  ExchangeCode.UnsupportedOperation,
  ExchangeCode.IllegalParameter,
  ExchangeCode.MandatoryParameter,
]);

/**
 * One WebSocket API connection carrying the user data subscriptions of one or many accounts
 * (up to 1,000 per connection on Binance), events routed by `subscriptionId`. Requests are
 * matched to responses by id with a timeout. After a reconnect every subscription is made again;
 * before the 24 h cutoff and on `serverShutdown` a new connection is opened and subscribed before
 * the old one is closed.
 */
export class WsApiSession extends Transport {
  readonly #members = new Map<WsApiStream, Member>();
  readonly #pending = new Map<number, Pending>();
  readonly #shared: boolean;
  readonly #loggedOn = new WeakSet<Link>();
  /** Every secret this connection sent, to redact what a venue quotes back in its errors. */
  readonly #sent = new SecretRing();
  #nextId = 1;
  /** Server time minus local clock, measured with `time` after a -1021. */
  #offsetMs = 0;
  /** On a scaled clock the venue's 5 s default window is a few real ms: widen it (max 60 s). */
  readonly #recvWindow: number | undefined;

  constructor(options: WsApiSessionOptions);
  /** @internal */
  constructor(options: ResolvedOptions, shared: boolean);
  constructor(options: WsApiSessionOptions | ResolvedOptions, shared = true) {
    const resolved = shared
      ? resolveOptions(options, 'createWsApiSession', [])
      : (options as ResolvedOptions);
    super(resolved, 'wsApi');
    this.#shared = shared;
    const venue = resolved.venue;
    if (!venue.wsApiUrl) {
      throw invalid(
        `venue '${venue.id}' has no WebSocket API (its protocol is ${venue.protocol}); use openListenKeyStream`,
        'venue',
      );
    }
    this.checkUrl(venue.wsApiUrl);
    const speed = (resolved.clock as { speed?: unknown }).speed;
    this.#recvWindow =
      typeof speed === 'number' && speed > 1 ? Math.min(60_000, Math.round(5_000 * speed)) : undefined;
  }

  /** Streams on this connection. */
  get size(): number {
    return this.#members.size;
  }

  /** Subscribes one account's user data stream on this connection. */
  subscribe(options: { auth: WsApiAuth }): WsApiStream {
    if (this.closing) throw invalid('the session is closed', 'session');
    const auth = checkAuth(options?.auth);
    if (auth.type === 'logon') {
      for (const m of this.#members.values()) {
        if (m.auth.type === 'logon') {
          throw invalid(
            "only one 'logon' subscription fits a connection (session.logon is per connection); use type 'signature' for the others",
            'auth.type',
          );
        }
      }
    }
    const stream = new WsApiStream(this.options, this);
    this.add(stream, auth);
    return stream;
  }

  /**
   * Sends a request on the current connection and resolves its `result` (rejects with an
   * `ExchangeError` for an error response, a `TransportError` on timeout or a lost connection).
   */
  request(method: string, params?: Json): Promise<unknown> {
    const link = this.current;
    if (!link?.isOpen) {
      return Promise.reject(
        new TransportError(
          '@userstream/stream: the WebSocket API connection is not open; retry when the stream is open',
        ),
      );
    }
    return this.#request(link, method, params);
  }

  /** Closes every stream and the socket. */
  async close(): Promise<void> {
    await Promise.all([...this.#members.keys()].map((s) => s.close()));
    this.#rejectAll(undefined);
    await this.closeTransport();
  }

  /** @internal */
  add(stream: WsApiStream, auth: WsApiAuth): void {
    const member: Member = {
      auth,
      stream,
      sink: (stream as unknown as { sink: StreamSink }).sink,
      ids: new Map(),
      live: false,
      pendingGap: undefined,
      needsCredential: false,
      refused: false,
      retryTimer: undefined,
      retryAttempt: 0,
      inFlight: new Map(),
    };
    this.#members.set(stream, member);
    if (this.current?.isOpen) void this.#activate(this.current, member);
    else if (!this.candidate) this.connect();
  }

  /** @internal */
  async remove(stream: WsApiStream): Promise<void> {
    const member = this.#members.get(stream);
    if (!member) return;
    this.#members.delete(stream);
    if (member.retryTimer) this.options.clock.clearTimeout(member.retryTimer);
    const link = this.current;
    const id = link ? member.ids.get(link) : undefined;
    for (const [l, sid] of member.ids) l.routes.delete(sid);
    if (link?.isOpen && id !== undefined) {
      await this.#request(link, 'userDataStream.unsubscribe', { subscriptionId: id }).catch(() => {});
    }
    if (this.#members.size === 0) {
      // Keep nothing open (or pending) for no one; the next subscribe() connects again.
      if (!this.#shared) this.#rejectAll(undefined);
      await (this.#shared ? this.disconnect() : this.closeTransport());
    }
  }

  /** @internal */
  async replaceToken(stream: WsApiStream, token: string): Promise<void> {
    const member = this.#members.get(stream);
    if (!member) return;
    member.auth = { type: 'listenToken', token };
    member.needsCredential = false;
    member.refused = false;
    const links = [this.current, this.candidate].filter((l): l is Link => l?.isOpen === true);
    if (links.length === 0) {
      this.reconnectNow();
      return;
    }
    // Subscribing again with the new token renews the same subscription (no gap) or, after a
    // lapse, makes a new one (then `gap`).
    await Promise.all(links.map((l) => this.#activate(l, member, true)));
  }

  protected url(): string {
    return this.options.venue.wsApiUrl as string;
  }

  protected async prepare(link: Link): Promise<boolean> {
    if (this.#members.size === 0) return false;
    await Promise.all([...this.#members.values()].map((m) => this.#subscribeOn(link, m).catch(() => {})));
    return link.isOpen;
  }

  protected override overlapping(active: boolean): void {
    for (const m of this.#members.values()) m.sink.overlap(active);
  }

  protected promoted(next: Link, previous: Link | undefined, reason: string): void {
    for (const member of this.#members.values()) {
      if (previous) {
        const old = member.ids.get(previous);
        if (old !== undefined) previous.routes.delete(old);
        member.ids.delete(previous);
      }
      if (member.ids.has(next)) this.#ready(member, previous !== undefined && reason !== 'connect');
      else if (!member.needsCredential && !member.refused) void this.#activate(next, member);
    }
  }

  protected lost(info: LinkEnd, attempt: number, delayMs: number): void {
    for (const member of this.#members.values()) {
      if (member.live) member.pendingGap = 'reconnect';
      member.refused = false;
      member.sink.down({ attempt, delayMs, reason: info.reason });
    }
  }

  protected refused(_link: Link, info: LinkEnd): void {
    const error = this.refusalError(info, 'WebSocket API connect');
    for (const m of this.#members.values()) m.sink.report(error);
  }

  protected onMessage(link: Link, text: string): void {
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch {
      this.#malformedAll(link, `not valid JSON (${text.length} characters)`);
      return;
    }
    if (typeof value !== 'object' || value === null) {
      this.#malformedAll(link, 'expected a JSON object');
      return;
    }
    const sid = value.subscriptionId;
    if (typeof sid === 'number') {
      const member = link.routes.get(sid) as Member | undefined;
      if (!member) return; // A subscription we already ended.
      const parsed = parseDecodedFrame(value, member.sink.dialect);
      if (!parsed.ok) {
        member.sink.malformed(parsed.error);
        return;
      }
      // Dedupe reads the event from `"event":` on: the same whatever the subscription id.
      const at = text.indexOf('"event":');
      const from = at >= 0 ? at : 0;
      const events = parsed.events;
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as UserDataEvent;
        member.sink.ingest(event, text, link.lastActivity, from, i);
        if (event.e === 'eventStreamTerminated') this.#terminated(link, member, sid);
      }
      return;
    }
    if ('id' in value && 'status' in value) {
      this.#response(value);
      return;
    }
    const event = value.event as Json | undefined;
    if (event && event.e === 'serverShutdown') {
      if (link === this.current) this.rotate('serverShutdown');
      return;
    }
    if (event) {
      // An event no subscription names is an account's only when the session has one: with
      // several, handing it to each would deliver one account's events to another.
      const only = this.#members.size === 1 ? (this.#members.values().next().value as Member) : undefined;
      if (!only) {
        this.#malformedAll(
          link,
          `an event with no subscriptionId on a connection shared by ${this.#members.size} subscriptions; delivered to none`,
        );
        return;
      }
      const parsed = parseDecodedFrame(value, only.sink.dialect);
      if (!parsed.ok) {
        only.sink.malformed(parsed.error);
        return;
      }
      for (let i = 0; i < parsed.events.length; i++)
        only.sink.ingest(parsed.events[i] as UserDataEvent, text, link.lastActivity, 0, i);
      return;
    }
    this.#malformedAll(link, 'neither a response nor an event');
  }

  // ---- subscriptions ----

  /** Subscribes `member` on `link` and marks it ready when `link` is the current one. */
  async #activate(link: Link, member: Member, renewal = false): Promise<void> {
    try {
      await this.#subscribeOn(link, member, renewal);
    } catch {
      return;
    }
    if (link === this.current && this.#members.has(member.stream)) this.#ready(member, false);
  }

  #ready(member: Member, rotation: boolean): void {
    const gap = member.pendingGap;
    member.pendingGap = undefined;
    member.retryAttempt = 0;
    if (rotation && gap === undefined) member.sink.rotated();
    member.sink.subscribed(member.live ? gap : undefined);
    member.live = true;
  }

  #subscribeOn(link: Link, member: Member, renewal = false): Promise<void> {
    const running = member.inFlight.get(link);
    if (running && !renewal) return running;
    const p = this.#doSubscribe(link, member, renewal).finally(() => {
      if (member.inFlight.get(link) === p) member.inFlight.delete(link);
    });
    member.inFlight.set(link, p);
    return p;
  }

  async #doSubscribe(link: Link, member: Member, renewal: boolean): Promise<void> {
    if (!renewal && member.ids.has(link)) return;
    if (member.needsCredential && !renewal) throw new Error('waiting for a credential');
    const auth = member.auth;
    let result: Json;
    try {
      // Route the subscription id as soon as its response is read: events the venue sends right
      // behind the response arrive in the same socket read, before this function resumes.
      const route = (r: unknown) => {
        const id = (r as Json | undefined)?.subscriptionId;
        if (typeof id === 'number' && member.auth === auth && !link.routes.has(id))
          link.routes.set(id, member);
      };
      result = (await this.#subscribeRequest(link, auth, true, route)) as Json;
    } catch (error) {
      if (member.auth === auth) this.#subscribeFailed(link, member, error as UserstreamError);
      // Otherwise the credential was replaced meanwhile: the refusal was about the old one, and
      // the replacement subscribes with the new one.
      throw error;
    }
    if (!this.#members.has(member.stream) || !link.isOpen) throw new Error('gone');
    const id = result?.subscriptionId;
    if (typeof id !== 'number') {
      const error = new ProtocolError('@userstream/stream: the subscribe response carried no subscriptionId');
      member.sink.report(error);
      throw error;
    }
    const previous = member.ids.get(link);
    if (previous !== undefined && previous !== id) {
      link.routes.delete(previous);
      // The old subscription ended (token lapsed) and this is a new one: continuity unknown.
      if (member.live) member.pendingGap ??= 'resubscribed';
    }
    member.ids.set(link, id);
    link.routes.set(id, member);
  }

  async #subscribeRequest(
    link: Link,
    auth: WsApiAuth,
    retryClock: boolean,
    onOk?: (result: unknown) => void,
  ): Promise<unknown> {
    try {
      if (auth.type === 'listenToken') {
        return await this.#request(
          link,
          'userDataStream.subscribe.listenToken',
          { listenToken: auth.token },
          onOk,
        );
      }
      if (auth.type === 'logon') {
        if (!this.#loggedOn.has(link)) {
          await this.#request(link, 'session.logon', await this.#signed(auth));
          this.#loggedOn.add(link);
        }
        return await this.#request(link, 'userDataStream.subscribe', undefined, onOk);
      }
      return await this.#request(link, 'userDataStream.subscribe.signature', await this.#signed(auth), onOk);
    } catch (error) {
      const e = error as UserstreamError;
      if (
        retryClock &&
        e instanceof ExchangeError &&
        e.exchangeCode === ExchangeCode.TimestampOutsideRecvWindow
      ) {
        await this.#syncTime(link);
        return this.#subscribeRequest(link, auth, false, onOk);
      }
      throw error;
    }
  }

  async #signed(auth: Extract<WsApiAuth, { apiKey: string }>): Promise<Json> {
    const params: Record<string, string | number> = {
      apiKey: auth.apiKey,
      timestamp: this.options.clock.now() + this.#offsetMs,
    };
    if (auth.recvWindow !== undefined) params.recvWindow = auth.recvWindow;
    else if (this.#recvWindow !== undefined) params.recvWindow = this.#recvWindow;
    return signWsApiParams(params, auth.signer);
  }

  async #syncTime(link: Link): Promise<void> {
    const before = this.options.clock.now();
    const result = (await this.#request(link, 'time')) as { serverTime?: unknown };
    const after = this.options.clock.now();
    if (typeof result?.serverTime === 'number') {
      this.#offsetMs = result.serverTime - Math.round((before + after) / 2);
      this.options.logger.info(
        { venue: this.options.venue.id, offsetMs: this.#offsetMs },
        'server time offset measured',
      );
    }
  }

  #subscribeFailed(link: Link, member: Member, error: UserstreamError): void {
    if (!this.#members.has(member.stream) || link.ended) return;
    const code = error instanceof ExchangeError ? error.exchangeCode : undefined;
    if (code === ExchangeCode.InvalidListenToken || code === ExchangeCode.ListenKeyNotFound) {
      member.needsCredential = true;
      member.sink.report(error);
      member.sink.credentialExpired({ reason: 'invalid-credential', code });
      return;
    }
    if (code === ExchangeCode.AlreadySubscribed) {
      // A subscribe of ours whose answer came too late left a subscription nobody routes:
      // end such orphans (only our own requests can create subscriptions on our connection), then subscribe again.
      member.sink.report(error);
      void this.#dropOrphans(link).then(() => {
        if (
          link === this.current &&
          link.isOpen &&
          this.#members.has(member.stream) &&
          !member.ids.has(link)
        ) {
          void this.#activate(link, member);
        }
      });
      return;
    }
    const status = error instanceof ExchangeError ? error.status : undefined;
    const clientError =
      status !== undefined &&
      status < 500 &&
      status !== 429 &&
      status !== 418 &&
      code !== ExchangeCode.TooManyRequests &&
      code !== ExchangeCode.TooManySubscriptions;
    if (code !== undefined && (PERMANENT.has(code) || clientError)) {
      member.refused = true;
      member.sink.fail(error);
      return;
    }
    if (code === ExchangeCode.TooManySubscriptions) {
      // 65,535 ids used on this connection: a fresh connection resets the count.
      member.sink.report(error);
      if (link === this.current) this.rotate('subscription-ids');
      return;
    }
    // Rate limits, 5xx and timeouts: try again after a backoff (a dead connection is ended by the heartbeat).
    member.sink.report(error);
    member.retryAttempt++;
    const delay = Math.max(1, backoffDelay(member.retryAttempt, this.options.reconnect, this.options.random));
    if (member.retryTimer) this.options.clock.clearTimeout(member.retryTimer);
    member.retryTimer = this.options.clock.setTimeout(() => {
      member.retryTimer = undefined;
      const current = this.current;
      if (current?.isOpen && this.#members.has(member.stream) && !member.ids.has(current))
        void this.#activate(current, member);
    }, delay);
  }

  async #dropOrphans(link: Link): Promise<void> {
    try {
      const list = (await this.#request(link, 'session.subscriptions')) as { subscriptionId?: unknown }[];
      for (const entry of Array.isArray(list) ? list : []) {
        const id = entry?.subscriptionId;
        if (typeof id === 'number' && !link.routes.has(id)) {
          await this.#request(link, 'userDataStream.unsubscribe', { subscriptionId: id }).catch(() => {});
        }
      }
    } catch {
      // The connection is going away; a reconnect subscribes afresh.
    }
  }

  #terminated(link: Link, member: Member, sid: number): void {
    link.routes.delete(sid);
    if (member.ids.get(link) === sid) member.ids.delete(link);
    if (link !== this.current) return;
    if (member.live) member.pendingGap = 'resubscribed';
    member.sink.down({ attempt: 0, delayMs: 0, reason: 'eventStreamTerminated' });
    if (member.auth.type === 'listenToken') {
      member.needsCredential = true;
      member.sink.credentialExpired({ reason: 'eventStreamTerminated' });
      return;
    }
    // Signature and logon subscriptions can be made again right away.
    void this.#activate(link, member);
  }

  // ---- requests ----

  #request(link: Link, method: string, params?: Json, onOk?: (result: unknown) => void): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        if (this.#pending.delete(id)) {
          reject(
            new TransportError(
              `@userstream/stream: no answer to ${method} within ${this.options.requestTimeoutMs} ms`,
              { timeout: true },
            ),
          );
        }
      }, this.options.requestTimeoutMs);
      const secrets = secretsOf(params);
      for (const secret of secrets) this.#sent.remember(secret);
      this.#pending.set(id, { link, method, resolve, reject, timer, secrets, onOk });
      const frame = JSON.stringify(params === undefined ? { id, method } : { id, method, params });
      if (!link.send(frame)) {
        this.#pending.delete(id);
        this.options.clock.clearTimeout(timer);
        reject(new TransportError(`@userstream/stream: the connection closed before ${method} was sent`));
      }
    });
  }

  #response(value: Json): void {
    const id = value.id;
    if (typeof id !== 'number') return;
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.options.clock.clearTimeout(pending.timer);
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
        secrets: this.#secrets(pending.secrets),
      }),
    );
  }

  /** What this session knows to be secret: `first`, what it sent, and its members' credentials. */
  #secrets(first: readonly string[]): string[] {
    const out = [...first, ...this.#sent.values()];
    for (const m of this.#members.values())
      out.push(m.auth.type === 'listenToken' ? m.auth.token : m.auth.apiKey);
    return out;
  }

  #rejectAll(link: Link | undefined): void {
    for (const [id, p] of this.#pending) {
      if (link && p.link !== link) continue;
      this.#pending.delete(id);
      this.options.clock.clearTimeout(p.timer);
      p.reject(new ClosedError(`@userstream/stream: the connection closed before ${p.method} was answered`));
    }
  }

  protected override linkEnded(link: Link): void {
    this.#rejectAll(link);
  }

  #malformedAll(link: Link, what: string): void {
    const error = new ProtocolError(`Malformed ${this.options.venue.dialect} frame: ${what}`, {
      code: ErrorCode.MalformedFrame,
    });
    for (const member of this.#members.values()) if (member.ids.has(link)) member.sink.malformed(error);
  }
}

function checkAuth(auth: unknown): WsApiAuth {
  if (typeof auth !== 'object' || auth === null) {
    throw invalid(
      "auth must be { type: 'signature' | 'logon', apiKey, signer } or { type: 'listenToken', token }",
      'auth',
    );
  }
  const a = auth as Record<string, unknown>;
  if (a.type === 'listenToken') {
    try {
      validateListenToken(a.token, 'auth.token');
    } catch (error) {
      throw invalid((error as Error).message, 'auth.token');
    }
    return { type: 'listenToken', token: a.token as string };
  }
  if (a.type !== 'signature' && a.type !== 'logon') {
    throw invalid("auth.type must be 'signature', 'logon' or 'listenToken'", 'auth.type');
  }
  try {
    validateApiKey(a.apiKey, 'auth.apiKey');
  } catch (error) {
    throw invalid((error as Error).message, 'auth.apiKey');
  }
  const signer = a.signer as Signer | undefined;
  if (typeof signer?.sign !== 'function') {
    throw invalid('auth.signer must be a signer from createSigner() in @userstream/core', 'auth.signer');
  }
  if (a.type === 'logon' && signer.keyType !== 'ed25519') {
    throw invalid(
      "session.logon needs an Ed25519 key; use type 'signature' for HMAC or RSA keys",
      'auth.type',
    );
  }
  if (a.recvWindow !== undefined) {
    try {
      validateRecvWindow(a.recvWindow);
    } catch (error) {
      throw invalid((error as Error).message, 'auth.recvWindow');
    }
  }
  return {
    type: a.type,
    apiKey: a.apiKey as string,
    signer,
    ...(a.recvWindow === undefined ? {} : { recvWindow: a.recvWindow as number }),
  };
}

/**
 * One account's user data stream over the WebSocket API (Binance spot via signature or logon,
 * margin via listenTokens). Renew a listenToken with {@link replaceListenToken} before it lapses;
 * `@userstream/keepalive` does that for you.
 */
export class WsApiStream extends UserDataStream {
  readonly #session: WsApiSession;

  /** @internal use {@link openWsApiStream} or {@link WsApiSession.subscribe}. */
  constructor(options: ResolvedOptions, session: WsApiSession) {
    super(options);
    this.#session = session;
  }

  /** The connection this stream's subscription lives on (shared when made by `session.subscribe`). */
  get session(): WsApiSession {
    return this.#session;
  }

  /**
   * Subscribes with a new listenToken on the same connection: before expiry this renews the
   * subscription without a gap; after a lapse (`eventStreamTerminated`) it subscribes again and
   * emits `gap`.
   */
  async replaceListenToken(token: string): Promise<void> {
    try {
      validateListenToken(token);
    } catch (error) {
      throw invalid((error as Error).message, 'listenToken');
    }
    if (this.closed) return;
    await this.#session.replaceToken(this, token);
  }

  protected async release(): Promise<void> {
    await this.#session.remove(this);
  }
}

/**
 * Opens one account's user data stream on its own WebSocket API connection and keeps it up.
 *
 * ```ts
 * const stream = openWsApiStream({
 *   venue: 'binance-spot',
 *   auth: { type: 'signature', apiKey, signer: createSigner({ secret }) },
 * });
 * stream.on('executionReport', (e) => console.log(e.s, e.X, e.z));
 * ```
 */
export function openWsApiStream(options: WsApiStreamOptions): WsApiStream {
  const resolved = resolveOptions(options, 'openWsApiStream', ['auth']);
  const auth = checkAuth((options as { auth?: unknown }).auth);
  const session = new WsApiSession(resolved, false);
  const stream = new WsApiStream(resolved, session);
  session.add(stream, auth);
  return stream;
}

/** A WebSocket API connection for many accounts' subscriptions. */
export function createWsApiSession(options: WsApiSessionOptions): WsApiSession {
  return new WsApiSession(options);
}
