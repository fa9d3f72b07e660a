/**
 * The WebSocket API session: one connection carrying the user data subscriptions of one or many
 * accounts, events routed by `subscriptionId`, subscriptions made again after a reconnect and on
 * the new connection of a rotation. Requests are `WsApiRequests`' (ws-api-requests.ts), signing
 * and secrets `WsApiSigning`'s (ws-api-auth.ts), what a refusal means `classifyRefusal`'s
 * (ws-api-refusals.ts).
 */
import {
  backoffDelay,
  ClosedError,
  CredentialExpiredError,
  ErrorCode,
  ExchangeError,
  ProtocolError,
  parseDecodedFrame,
  TransportError,
  type UserDataEvent,
  type UserstreamError,
} from '@userstream/core';
import type { LinkEnd } from './link.js';
import { invalidInput, kit, type ResolvedOptions, resolveOptions, type StreamOptions } from './options.js';
import type { WsApiCarrier } from './stream-contract.js';
import { Transport } from './transport.js';
import { sinkOf } from './user-data-stream.js';
import { checkAuth, type Json, type WsApiAuth, WsApiSigning } from './ws-api-auth.js';
import type { LinkState, Member, SessionLink } from './ws-api-member.js';
import { classifyRefusal } from './ws-api-refusals.js';
import { WsApiRequests } from './ws-api-requests.js';
import { createWsApiStream, type WsApiStream } from './ws-api-stream.js';

export interface WsApiSessionOptions extends StreamOptions {}

/** `openWsApiStream`'s way into its own (unshared) session, which has no public add. */
export let subscribeOwn: (session: WsApiSession, auth: WsApiAuth) => WsApiStream;

/**
 * One WebSocket API connection carrying the user data subscriptions of one or many accounts
 * (up to 1,000 per connection on Binance), events routed by `subscriptionId`. Requests are
 * matched to responses by id with a timeout. After a reconnect every subscription is made again;
 * before the 24 h cutoff and on `serverShutdown` a new connection is opened and subscribed before
 * the old one is closed.
 */
export class WsApiSession extends Transport<LinkState> {
  readonly #members = new Map<WsApiStream, Member>();
  readonly #shared: boolean;
  readonly #signing: WsApiSigning;
  readonly #requests: WsApiRequests<SessionLink>;
  /** What this session's streams call on it (see stream-contract.ts). */
  readonly #carrier: WsApiCarrier<WsApiStream> = {
    release: (stream) => this.#remove(stream),
    replaceToken: (stream, token) => this.#replaceToken(stream, token),
    lastActivity: () => this.lastActivity,
  };

  static {
    subscribeOwn = (session, auth) => session.#add(auth);
  }

  constructor(options: WsApiSessionOptions);
  /** @internal `openWsApiStream`'s own session (stripped from the published types). */
  constructor(options: ResolvedOptions, shared: boolean);
  constructor(options: WsApiSessionOptions | ResolvedOptions, shared = true) {
    const resolved = shared
      ? resolveOptions(options, 'createWsApiSession', [])
      : (options as ResolvedOptions);
    super(resolved, 'wsApi');
    this.#shared = shared;
    const venue = resolved.venue;
    if (!venue.wsApiUrl) {
      throw kit.invalid(
        `venue '${venue.id}' has no WebSocket API (its protocol is ${venue.protocol}); use openListenKeyStream`,
        'venue',
      );
    }
    this.checkUrl(venue.wsApiUrl);
    const signing = new WsApiSigning(resolved.clock, resolved.logger, venue.id);
    this.#signing = signing;
    this.#requests = new WsApiRequests(resolved.clock, resolved.requestTimeoutMs, {
      remember: (params) => signing.remember(params),
      redact: (own) =>
        signing.redact(
          own,
          [...this.#members.values()].map((m) => m.auth),
        ),
    });
  }

  /** Streams on this connection. */
  get size(): number {
    return this.#members.size;
  }

  /** Subscribes one account's user data stream on this connection. */
  subscribe(options: { auth: WsApiAuth }): WsApiStream {
    if (this.closing) throw invalidInput('the session is closed', 'session');
    const auth = checkAuth(options?.auth, invalidInput);
    if (auth.type === 'logon') {
      for (const m of this.#members.values()) {
        if (m.auth.type === 'logon') {
          throw invalidInput(
            "only one 'logon' subscription fits a connection (session.logon is per connection); use type 'signature' for the others",
            'auth.type',
          );
        }
      }
    }
    return this.#add(auth);
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
    return this.#requests.send(link, method, params);
  }

  /** Closes every stream and the socket. */
  async close(): Promise<void> {
    await Promise.all([...this.#members.keys()].map((s) => s.close()));
    this.#requests.rejectAll(undefined);
    await this.closeTransport();
  }

  /** `await using session = createWsApiSession(...)`: `close()` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #add(auth: WsApiAuth): WsApiStream {
    const stream = createWsApiStream(this.options, this, this.#carrier);
    const member: Member = {
      auth,
      stream,
      sink: sinkOf(stream),
      ids: new Map(),
      live: false,
      pendingGap: undefined,
      needsCredential: undefined,
      refused: false,
      retryTimer: undefined,
      retryAttempt: 0,
      inFlight: new Map(),
    };
    this.#members.set(stream, member);
    if (this.current?.isOpen) void this.#activate(this.current, member);
    else if (!this.candidate) this.connect();
    return stream;
  }

  async #remove(stream: WsApiStream): Promise<void> {
    const member = this.#members.get(stream);
    if (!member) return;
    this.#members.delete(stream);
    if (member.retryTimer) this.options.clock.clearTimeout(member.retryTimer);
    const link = this.current;
    const id = link ? member.ids.get(link) : undefined;
    for (const [l, sid] of member.ids) l.state.routes.delete(sid);
    if (link?.isOpen && id !== undefined) {
      await this.#requests.send(link, 'userDataStream.unsubscribe', { subscriptionId: id }).catch(() => {});
    }
    if (this.#members.size === 0) {
      // Keep nothing open (or pending) for no one; the next subscribe() connects again.
      if (!this.#shared) this.#requests.rejectAll(undefined);
      await (this.#shared ? this.disconnect() : this.closeTransport());
    }
  }

  async #replaceToken(stream: WsApiStream, token: string): Promise<void> {
    const member = this.#members.get(stream);
    if (!member) return;
    member.auth = { type: 'listenToken', token };
    member.needsCredential = undefined;
    member.refused = false;
    const links = [this.current, this.candidate].filter((l): l is SessionLink => l?.isOpen === true);
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

  protected linkState(): LinkState {
    return { routes: new Map(), loggedOn: false };
  }

  protected async prepare(link: SessionLink): Promise<boolean> {
    if (this.#members.size === 0) return false;
    await Promise.all([...this.#members.values()].map((m) => this.#subscribeOn(link, m).catch(() => {})));
    return link.isOpen;
  }

  protected override overlapping(active: boolean): void {
    for (const m of this.#members.values()) m.sink.overlap(active);
  }

  protected promoted(next: SessionLink, previous: SessionLink | undefined, reason: string): void {
    for (const member of this.#members.values()) {
      if (previous) {
        const old = member.ids.get(previous);
        if (old !== undefined) previous.state.routes.delete(old);
        member.ids.delete(previous);
      }
      if (member.ids.has(next)) this.#ready(member, previous !== undefined && reason !== 'connect');
      else {
        // Its subscribe on the new link failed (a ban, a timeout) and the old link, which carried
        // it, is being closed: events until it is subscribed again are lost. Say so when it is.
        if (previous && member.live) member.pendingGap ??= 'resubscribed';
        if (!member.needsCredential && !member.refused) void this.#activate(next, member);
      }
    }
  }

  protected lost(info: LinkEnd, attempt: number, delayMs: number): void {
    for (const member of this.#members.values()) {
      if (member.live) member.pendingGap = 'reconnect';
      member.refused = false;
      member.sink.down({
        attempt,
        delayMs,
        reason: info.reason,
        ...(info.cause === undefined ? {} : { cause: info.cause }),
      });
    }
  }

  protected refused(_link: SessionLink, info: LinkEnd): void {
    const error = this.refusalError(info, 'WebSocket API connect');
    for (const m of this.#members.values()) m.sink.report(error);
  }

  protected override linkEnded(link: SessionLink): void {
    this.#requests.rejectAll(link);
  }

  protected onMessage(link: SessionLink, text: string): void {
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
      const member = link.state.routes.get(sid);
      if (!member) return; // A subscription we already ended.
      const parsed = parseDecodedFrame(value, member.sink.dialect);
      if (!parsed.ok) {
        member.sink.malformed(parsed.error);
        return;
      }
      // Dedupe reads the event from `"event":` on: the same whatever the subscription id.
      const at = text.indexOf('"event":');
      const from = Math.max(at, 0);
      const events = parsed.events;
      // Events can arrive before the subscribe's answer has been acted on (same socket read):
      // a pending gap goes out before them, or it would name a time after the hole.
      if (member.pendingGap !== undefined && member.live) this.#announce(member);
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as UserDataEvent;
        member.sink.ingest(event, text, link.lastActivity, from, i);
        if (event.e === 'eventStreamTerminated') this.#terminated(link, member, sid);
      }
      return;
    }
    if ('id' in value && 'status' in value) {
      this.#requests.answer(value);
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
  async #activate(link: SessionLink, member: Member, renewal = false): Promise<void> {
    try {
      await this.#subscribeOn(link, member, renewal);
    } catch {
      return;
    }
    if (link === this.current && this.#members.has(member.stream)) this.#ready(member, false);
  }

  /** Announces a member's pending gap now (its stream is open again: events are flowing). */
  #announce(member: Member): void {
    const gap = member.pendingGap;
    member.pendingGap = undefined;
    member.sink.subscribed(gap);
  }

  #ready(member: Member, rotation: boolean): void {
    const gap = member.pendingGap;
    member.pendingGap = undefined;
    member.retryAttempt = 0;
    if (rotation && gap === undefined) member.sink.rotated();
    member.sink.subscribed(member.live ? gap : undefined);
    member.live = true;
  }

  #subscribeOn(link: SessionLink, member: Member, renewal = false): Promise<void> {
    const running = member.inFlight.get(link);
    if (running && !renewal) return running;
    const p = this.#doSubscribe(link, member, renewal).finally(() => {
      if (member.inFlight.get(link) === p) member.inFlight.delete(link);
    });
    member.inFlight.set(link, p);
    return p;
  }

  async #doSubscribe(link: SessionLink, member: Member, renewal: boolean): Promise<void> {
    if (!renewal && member.ids.has(link)) return;
    if (member.needsCredential && !renewal) {
      // Callers catch this rejection: it stops the subscribe until a new credential comes.
      throw new CredentialExpiredError('@userstream/stream: waiting for a new listenToken', {
        reason: member.needsCredential,
      });
    }
    const auth = member.auth;
    let result: Json;
    try {
      // Route the subscription id as soon as its response is read: events the venue sends right
      // behind the response arrive in the same socket read, before this function resumes.
      const route = (r: unknown) => {
        const id = (r as Json | undefined)?.subscriptionId;
        if (typeof id === 'number' && member.auth === auth && !link.state.routes.has(id))
          link.state.routes.set(id, member);
      };
      const send = (method: string, params?: Json, onOk?: (result: unknown) => void) =>
        this.#requests.send(link, method, params, onOk);
      result = (await this.#signing.subscribe(auth, link.state, send, route)) as Json;
    } catch (error) {
      if (member.auth === auth) this.#subscribeFailed(link, member, error as UserstreamError);
      // Otherwise the credential was replaced meanwhile: the refusal was about the old one, and
      // the replacement subscribes with the new one.
      throw error;
    }
    if (!this.#members.has(member.stream) || !link.isOpen) {
      throw new ClosedError('@userstream/stream: the stream or its connection closed while subscribing');
    }
    const id = result?.subscriptionId;
    if (typeof id !== 'number') {
      const error = new ProtocolError('@userstream/stream: the subscribe response carried no subscriptionId');
      member.sink.report(error);
      throw error;
    }
    const previous = member.ids.get(link);
    if (previous !== undefined && previous !== id) {
      link.state.routes.delete(previous);
      // The old subscription ended (token lapsed) and this is a new one: continuity unknown.
      if (member.live) member.pendingGap ??= 'resubscribed';
    }
    member.ids.set(link, id);
    link.state.routes.set(id, member);
  }

  #subscribeFailed(link: SessionLink, member: Member, error: UserstreamError): void {
    if (!this.#members.has(member.stream) || link.ended) return;
    switch (classifyRefusal(error)) {
      case 'credential': {
        member.needsCredential = 'invalid-credential';
        member.sink.report(error);
        const code = error instanceof ExchangeError ? error.exchangeCode : undefined;
        member.sink.credentialExpired({
          reason: 'invalid-credential',
          ...(code === undefined ? {} : { code }),
        });
        return;
      }
      case 'orphan':
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
      case 'permanent':
        member.refused = true;
        member.sink.fail(error);
        return;
      case 'subscription-ids':
        // 65,535 ids used on this connection: a fresh connection resets the count.
        member.sink.report(error);
        if (link === this.current) this.rotate('subscription-ids');
        return;
      case 'retry':
        // Rate limits, 5xx and timeouts: try again after a backoff (a dead connection is ended by the heartbeat).
        member.sink.report(error);
        this.#retryLater(member);
    }
  }

  #retryLater(member: Member): void {
    member.retryAttempt++;
    const delay = backoffDelay(member.retryAttempt, { ...this.options.backoff, minDelayMs: 1 });
    if (member.retryTimer) this.options.clock.clearTimeout(member.retryTimer);
    member.retryTimer = this.options.clock.setTimeout(() => {
      member.retryTimer = undefined;
      const current = this.current;
      if (current?.isOpen && this.#members.has(member.stream) && !member.ids.has(current))
        void this.#activate(current, member);
    }, delay);
  }

  async #dropOrphans(link: SessionLink): Promise<void> {
    try {
      const list = (await this.#requests.send(link, 'session.subscriptions')) as {
        subscriptionId?: unknown;
      }[];
      for (const entry of Array.isArray(list) ? list : []) {
        const id = entry?.subscriptionId;
        if (typeof id === 'number' && !link.state.routes.has(id)) {
          await this.#requests
            .send(link, 'userDataStream.unsubscribe', { subscriptionId: id })
            .catch(() => {});
        }
      }
    } catch {
      // The connection is going away; a reconnect subscribes afresh.
    }
  }

  #terminated(link: SessionLink, member: Member, sid: number): void {
    link.state.routes.delete(sid);
    if (member.ids.get(link) === sid) member.ids.delete(link);
    if (link !== this.current) return;
    if (member.live) member.pendingGap = 'resubscribed';
    member.sink.down({ attempt: 0, delayMs: 0, reason: 'eventStreamTerminated' });
    if (member.auth.type === 'listenToken') {
      member.needsCredential = 'eventStreamTerminated';
      member.sink.credentialExpired({ reason: 'eventStreamTerminated' });
      return;
    }
    // Signature and logon subscriptions can be made again right away.
    void this.#activate(link, member);
  }

  #malformedAll(link: SessionLink, what: string): void {
    const error = new ProtocolError(`Malformed ${this.options.venue.dialect} frame: ${what}`, {
      code: ErrorCode.MalformedFrame,
    });
    for (const member of this.#members.values()) if (member.ids.has(link)) member.sink.malformed(error);
  }
}
