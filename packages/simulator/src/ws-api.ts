import { type Clock, type ClockTimer, ExchangeError, type VenueId, venues } from '@userstream/core';
import type { WebSocket } from 'ws';
import type { AccountRecord } from './accounts.js';
import { apiError, checkTimestamp, Errors, verifyWsApiSignature } from './auth.js';
import type { HeartbeatOptions, SimConnection } from './connection.js';
import { channels, publish } from './diagnostics.js';
import { VenueCode } from './engine/index.js';
import type { Hub } from './hub.js';
import type { ListenTokenEntry, ListenTokens } from './listen-tokens.js';
import type { RateLimiter } from './rate-limit.js';
import type { Sink } from './sink.js';
import { marketKeyOf, WEIGHT_LIMITS } from './venue-map.js';

/** WebSocket API subscription limits (Binance: 1,000 active, 65,535 ids per connection). */
export interface WsApiLimits {
  /** @default 1000 */
  maxActiveSubscriptions?: number;
  /** @default 65535 */
  maxSubscriptionIds?: number;
}
/** Active subscriptions per WebSocket API connection (Binance: 1,000; one more is refused with -1191). */
export const DEFAULT_MAX_ACTIVE_SUBSCRIPTIONS = 1000;
/** Subscription ids a connection hands out over its life (Binance: 65,535; then -2042). */
export const DEFAULT_MAX_SUBSCRIPTION_IDS = 65_535;

/** Weight of connecting and of each method. */
const CONNECT_WEIGHT = 2;
const METHOD_WEIGHT: Readonly<Record<string, number>> = {
  ping: 1,
  time: 1,
  'session.logon': 2,
  'session.status': 2,
  'session.logout': 2,
  'session.subscriptions': 2,
  'userDataStream.subscribe': 2,
  'userDataStream.subscribe.signature': 2,
  'userDataStream.subscribe.listenToken': 2,
  'userDataStream.unsubscribe': 2,
};

type SubscriptionVia = 'logon' | 'signature' | 'listenToken';

interface Subscription {
  readonly id: number;
  readonly sink: Sink;
  readonly accountId: string;
  readonly scope: string;
  readonly via: SubscriptionVia;
  token: string | undefined;
  expiresAt: number | undefined;
  timer: ClockTimer | undefined;
}

interface Session {
  readonly connection: SimConnection;
  readonly connectedSince: number;
  readonly returnRateLimits: boolean;
  logon: { record: AccountRecord; since: number } | undefined;
  readonly subs: Map<number, Subscription>;
  readonly byScope: Map<string, Subscription>;
  nextId: number;
}

export interface WsApiDeps {
  clock: Clock;
  serverNow: () => number;
  hub: Hub;
  tokens: ListenTokens;
  limiter: RateLimiter;
  accountByApiKey: (apiKey: string) => AccountRecord | undefined;
  limits: Required<WsApiLimits>;
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>;
}

/** A filter over sessions and subscriptions for faults. */
export interface WsApiFilter {
  accountId?: string | undefined;
  venue?: VenueId | undefined;
}

type Json = Record<string, unknown>;

/** The WebSocket API at `/ws-api/v3`: sessions, user data stream subscriptions, wrapped events. */
export class WsApi {
  readonly sessions = new Set<Session>();
  readonly #d: WsApiDeps;

  constructor(deps: WsApiDeps) {
    this.#d = deps;
  }

  open(ws: WebSocket, url: URL): void {
    const d = this.#d;
    const lifetimeMs = venues['binance-spot'].timing.connectionLifetimeMs;
    const session: Session = {
      connection: undefined as unknown as SimConnection,
      connectedSince: d.serverNow(),
      returnRateLimits: url.searchParams.get('returnRateLimits') !== 'false',
      logon: undefined,
      subs: new Map(),
      byScope: new Map(),
      nextId: 0,
    };
    const connection = d.hub.openConnection(ws, 'wsApi', { ...d.heartbeat, lifetimeMs }, () => {
      for (const sub of session.subs.values()) if (sub.timer) d.clock.clearTimeout(sub.timer);
      session.subs.clear();
      session.byScope.clear();
      this.sessions.delete(session);
    });
    (session as { connection: SimConnection }).connection = connection;
    this.sessions.add(session);
    d.limiter.charge('wsApi', CONNECT_WEIGHT);
    connection.onMessage((text) => this.#onMessage(session, text));
  }

  /** Ends the token's subscriptions now with `eventStreamTerminated` (token expiry fault). */
  expireToken(entry: ListenTokenEntry): void {
    for (const session of this.sessions) {
      for (const sub of [...session.subs.values()])
        if (sub.token === entry.token) this.#terminate(session, sub, true);
    }
  }

  /** Fault: `eventStreamTerminated` on matching subscriptions, which end. Returns how many. */
  terminateSubscriptions(filter: WsApiFilter): number {
    let n = 0;
    for (const session of this.sessions) {
      for (const sub of [...session.subs.values()]) {
        if (!matches(sub, filter)) continue;
        this.#terminate(session, sub, true);
        n++;
      }
    }
    return n;
  }

  /** Fault: `{"event":{"e":"serverShutdown","E":…}}` to matching sessions. Returns the sessions. */
  serverShutdown(filter: WsApiFilter): SimConnection[] {
    const out: SimConnection[] = [];
    const E = this.#d.serverNow();
    const frame = JSON.stringify({ event: { e: 'serverShutdown', E } });
    for (const session of this.sessions) {
      if (filter.accountId !== undefined || filter.venue !== undefined) {
        let any = false;
        for (const sub of session.subs.values()) if (matches(sub, filter)) any = true;
        if (
          session.logon &&
          filter.accountId === session.logon.record.account.id &&
          filter.venue === undefined
        ) {
          any = true;
        }
        if (!any) continue;
      }
      session.connection.send(frame);
      out.push(session.connection);
    }
    return out;
  }

  dispose(): void {
    for (const session of this.sessions) {
      for (const sub of session.subs.values()) if (sub.timer) this.#d.clock.clearTimeout(sub.timer);
    }
    this.sessions.clear();
  }

  #onMessage(session: Session, text: string): void {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      this.#send(session, null, 400, undefined, {
        code: VenueCode.Unknown,
        msg: 'Invalid JSON: the request must be a JSON object.',
      });
      return;
    }
    const req = (typeof request === 'object' && request !== null ? request : {}) as Json;
    const id = req.id;
    const validId = id === null || typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
    if (!validId || typeof req.method !== 'string') {
      this.#send(session, validId ? (id as string | number | null) : null, 400, undefined, {
        code: VenueCode.MandatoryParameter,
        msg: validId
          ? "Mandatory parameter 'method' was not sent, was empty/null, or malformed."
          : "Mandatory parameter 'id' was not sent, was empty/null, or malformed.",
      });
      return;
    }
    const method = req.method.replace(/^v3\//, '');
    const params = (typeof req.params === 'object' && req.params !== null ? req.params : {}) as Json;
    const reqId = id as string | number | null;
    const returnRateLimits =
      typeof params.returnRateLimits === 'boolean' ? params.returnRateLimits : session.returnRateLimits;
    const weight = METHOD_WEIGHT[method];
    if (weight === undefined) {
      this.#send(
        session,
        reqId,
        400,
        undefined,
        { code: VenueCode.UnsupportedOperation, msg: 'This operation is not supported.' },
        returnRateLimits,
      );
      return;
    }
    const charge = this.#d.limiter.charge('wsApi', weight);
    if (!charge.ok) {
      const msg =
        charge.status === 418
          ? `Way too much request weight used; IP banned until ${charge.until}. Please use WebSocket Streams for live updates to avoid bans.`
          : `Too much request weight used; current limit is ${charge.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`;
      this.#send(
        session,
        reqId,
        charge.status,
        undefined,
        {
          code: VenueCode.TooManyRequests,
          msg,
          data: { serverTime: this.#d.serverNow(), retryAfter: charge.until },
        },
        returnRateLimits,
      );
      return;
    }
    try {
      const result = this.#dispatch(session, method, params);
      this.#send(session, reqId, 200, result, undefined, returnRateLimits);
    } catch (error) {
      const e = error instanceof ExchangeError ? error : Errors.unknown();
      this.#send(
        session,
        reqId,
        e.status ?? 400,
        undefined,
        { code: e.exchangeCode, msg: e.exchangeMessage },
        returnRateLimits,
      );
    }
  }

  #dispatch(session: Session, method: string, params: Json): unknown {
    const d = this.#d;
    switch (method) {
      case 'ping':
        return {};
      case 'time':
        return { serverTime: d.serverNow() };
      case 'session.status':
        return this.#status(session);
      case 'session.logon': {
        const record = this.#authenticate(params);
        if (record.account.keyType !== 'ed25519') {
          throw apiError(400, VenueCode.UnsupportedOperation, 'This operation is not supported.');
        }
        session.logon = { record, since: d.serverNow() };
        return this.#status(session);
      }
      case 'session.logout': {
        for (const sub of [...session.subs.values()])
          if (sub.via === 'logon') this.#terminate(session, sub, true);
        session.logon = undefined;
        return this.#status(session);
      }
      case 'session.subscriptions':
        return [...session.subs.keys()].map((subscriptionId) => ({ subscriptionId }));
      case 'userDataStream.subscribe': {
        if (!session.logon)
          throw apiError(401, VenueCode.Unauthorized, 'You are not authorized to execute this request.');
        const sub = this.#subscribe(
          session,
          session.logon.record.account.id,
          'binance-spot',
          undefined,
          'logon',
        );
        return { subscriptionId: sub.id };
      }
      case 'userDataStream.subscribe.signature': {
        const record = this.#authenticate(params);
        const sub = this.#subscribe(session, record.account.id, 'binance-spot', undefined, 'signature');
        return { subscriptionId: sub.id };
      }
      case 'userDataStream.subscribe.listenToken': {
        const token = params.listenToken;
        if (typeof token !== 'string' || token === '') throw Errors.mandatory('listenToken');
        const entry = d.tokens.valid(token);
        if (!entry) throw apiError(400, VenueCode.InvalidListenToken, 'Invalid listenToken.');
        const venue: VenueId = entry.venue ?? (entry.isolated ? 'binance-isolated-margin' : 'binance-margin');
        const scope = scopeOf(entry.accountId, venue, entry.symbol);
        let sub = session.byScope.get(scope);
        if (sub && sub.via !== 'listenToken')
          throw apiError(400, VenueCode.AlreadySubscribed, 'User Data Stream subscription already active.');
        // Subscribing again with a fresh token renews the same subscription to the new expiry.
        sub ??= this.#subscribe(session, entry.accountId, venue, entry.symbol, 'listenToken');
        this.#armExpiry(session, sub, entry);
        return { subscriptionId: sub.id, expirationTime: entry.expiresAt };
      }
      case 'userDataStream.unsubscribe': {
        const raw = params.subscriptionId;
        if (raw === undefined || raw === null) {
          for (const sub of [...session.subs.values()]) this.#terminate(session, sub, true);
          return {};
        }
        const sid = typeof raw === 'number' ? raw : Number(raw);
        if (!Number.isInteger(sid)) throw Errors.invalidParam('subscriptionId');
        const sub = session.subs.get(sid);
        if (!sub) throw apiError(400, VenueCode.NotSubscribed, 'User Data Stream subscription not active.');
        this.#terminate(session, sub, true);
        return {};
      }
      default:
        throw apiError(400, VenueCode.UnsupportedOperation, 'This operation is not supported.');
    }
  }

  #authenticate(params: Json): AccountRecord {
    const apiKey = params.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw Errors.mandatory('apiKey');
    const record = this.#d.accountByApiKey(apiKey);
    if (!record) throw Errors.rejectedKey();
    checkTimestamp(params, this.#d.serverNow());
    verifyWsApiSignature(record, params);
    return record;
  }

  #subscribe(
    session: Session,
    accountId: string,
    venue: VenueId,
    symbol: string | undefined,
    via: SubscriptionVia,
  ): Subscription {
    const d = this.#d;
    const scope = scopeOf(accountId, venue, symbol);
    if (session.byScope.has(scope))
      throw apiError(400, VenueCode.AlreadySubscribed, 'User Data Stream subscription already active.');
    if (session.subs.size >= d.limits.maxActiveSubscriptions) {
      throw apiError(
        400,
        VenueCode.TooManyActiveSubscriptions,
        `Too many subscriptions. Connection may create up to '${d.limits.maxActiveSubscriptions}' subscriptions at a time.`,
      );
    }
    if (session.nextId >= d.limits.maxSubscriptionIds) {
      throw apiError(
        400,
        VenueCode.TooManySubscriptions,
        'Maximum subscription ID reached for this connection.',
      );
    }
    const id = session.nextId++;
    const sink = d.hub.addSink({
      kind: 'wsApi',
      connection: session.connection,
      accountId,
      venue,
      symbol,
      prefix: `{"subscriptionId":${id},"event":`,
      suffix: '}',
    });
    const sub: Subscription = {
      id,
      sink,
      accountId,
      scope,
      via,
      token: undefined,
      expiresAt: undefined,
      timer: undefined,
    };
    session.subs.set(id, sub);
    session.byScope.set(scope, sub);
    publish(channels.subscription, () => ({
      event: 'subscribe',
      via,
      accountId,
      connectionId: session.connection.id,
    }));
    return sub;
  }

  #armExpiry(session: Session, sub: Subscription, entry: ListenTokenEntry): void {
    const d = this.#d;
    if (sub.timer) d.clock.clearTimeout(sub.timer);
    sub.token = entry.token;
    sub.expiresAt = entry.expiresAt;
    sub.timer = d.clock.setTimeout(
      () => {
        sub.timer = undefined;
        this.#terminate(session, sub, true);
      },
      Math.max(0, entry.expiresAt - d.clock.now()),
    );
  }

  /** Ends a subscription, first sending `eventStreamTerminated` on it. */
  #terminate(session: Session, sub: Subscription, notify: boolean): void {
    const d = this.#d;
    if (session.subs.get(sub.id) !== sub) return;
    if (sub.timer) d.clock.clearTimeout(sub.timer);
    sub.timer = undefined;
    if (notify) {
      const E = d.hub.nextE(sub.sink.targetKey, d.serverNow());
      d.hub.control(sub.sink, JSON.stringify({ e: 'eventStreamTerminated', E }));
    }
    d.hub.removeSink(sub.sink);
    session.subs.delete(sub.id);
    session.byScope.delete(sub.scope);
    publish(channels.subscription, () => ({
      event: 'terminate',
      via: sub.via,
      accountId: sub.accountId,
      connectionId: session.connection.id,
    }));
  }

  #status(session: Session): Json {
    return {
      apiKey: session.logon ? session.logon.record.account.apiKey : null,
      authorizedSince: session.logon ? session.logon.since : null,
      connectedSince: session.connectedSince,
      returnRateLimits: session.returnRateLimits,
      serverTime: this.#d.serverNow(),
      userDataStream: session.subs.size > 0,
    };
  }

  #send(
    session: Session,
    id: string | number | null,
    status: number,
    result: unknown,
    error: Json | undefined,
    returnRateLimits = session.returnRateLimits,
  ): void {
    const response: Json = { id, status };
    if (error) response.error = error;
    else response.result = result;
    if (returnRateLimits) {
      response.rateLimits = [
        {
          rateLimitType: 'REQUEST_WEIGHT',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: WEIGHT_LIMITS.wsApi,
          count: this.#d.limiter.used('wsApi'),
        },
      ];
    }
    session.connection.send(JSON.stringify(response));
  }
}

function scopeOf(accountId: string, venue: VenueId, symbol: string | undefined): string {
  return `${accountId}|${marketKeyOf(venue)}|${symbol ?? ''}`;
}

function matches(sub: Subscription, filter: WsApiFilter): boolean {
  if (filter.accountId !== undefined && sub.accountId !== filter.accountId) return false;
  if (filter.venue !== undefined && marketKeyOf(sub.sink.venue) !== marketKeyOf(filter.venue)) return false;
  return true;
}
