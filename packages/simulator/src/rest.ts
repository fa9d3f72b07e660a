import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExchangeError, type Logger, UserstreamError, type VenueId, venues } from '@userstream/core';
import type { AccountRecord } from './accounts.js';
import { apiError, checkTimestamp, Errors, verifyRestSignature } from './auth.js';
import { CredentialNote } from './credential-note.js';
import { channels, publish } from './diagnostics.js';
import type { Exchange } from './engine/index.js';
import { VenueCode } from './engine/index.js';
import type { ListenKeyEntry, ListenKeys } from './listen-keys.js';
import { type ListenTokens, MAX_LISTEN_TOKEN_VALIDITY_MS } from './listen-tokens.js';
import type { RateLimiter } from './rate-limit.js';
import type { Recorder } from './record.js';
import { DERIVATIVE_ROUTES, type DerivativeAction } from './rest-derivatives.js';
import { engineParams, parseParams, readBody } from './rest-request.js';
import { marketKeyOf, weightGroupOf } from './venue-map.js';
import { ASTER_SPOT_V3_ROUTE_SPECS, AsterV3Auth, namesV3Signer } from './venues/aster-v3.js';
import { bingxDoor } from './venues/bingx-symbols.js';
import { bitrueAnswer, bitrueError, bitrueKeyRoute, isBitrueKeyPath } from './venues/bitrue-rest.js';
import { MEXC_KEYS_PER_ACCOUNT, MEXC_ROUTE_SPECS } from './venues/mexc-rest.js';
import { openV1Door, openV1Refusal, TOKOCRYPTO_ROUTE_SPECS } from './venues/tokocrypto.js';
import { TOOBIT_ROUTE_SPECS } from './venues/toobit-rest.js';
import { toobitUsdmDoor } from './venues/toobit-usdm-rest.js';

type Auth = 'none' | 'apiKey' | 'signed';
type Action =
  | 'time'
  | 'ping'
  | 'listenKeyCreate'
  | 'listenKeyKeepAlive'
  | 'listenKeyClose'
  /** MEXC's GET /api/v3/userDataStream: the account's valid keys. */
  | 'listenKeyList'
  | 'listenToken'
  | 'placeOrder'
  | 'cancelOrder'
  | 'account'
  | 'openOrders'
  | DerivativeAction;

/** `openapi`: BHEX or Coins.ph, told apart by the API-key header. */
type RouteVenue = VenueId | 'openapi';

interface Route {
  readonly venue: RouteVenue;
  readonly weight: number;
  readonly auth: Auth;
  readonly action: Action;
  /** One of the three Binance listenKey paths retired on binance.com on 2026-02-20. */
  readonly retired: boolean;
  /** Extra parameters the engine needs for this path. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** What a keepalive fault makes the server do with the next keepalive. */
export type KeepaliveFailure = '-1125' | '5xx' | 'timeout';

export interface RestDeps {
  /** The simulator's clock (unskewed): when a listenKey request arrived (see credential-note.ts). */
  now: () => number;
  serverNow: () => number;
  limiter: RateLimiter;
  recorder: Recorder;
  listenKeys: ListenKeys;
  tokens: ListenTokens;
  exchange: Exchange;
  accountByApiKey: (apiKey: string) => AccountRecord | undefined;
  retiredLegacyPaths: boolean;
  /** Consumes one pending keepalive failure for this account and venue, if a fault set one. */
  takeKeepaliveFailure: (accountId: string, venue: VenueId) => KeepaliveFailure | undefined;
  /** Consumes one pending hangRequests fault matching this request, if a fault set one. */
  takeHang: (method: string, path: string, accountId: string | undefined, venue: VenueId) => boolean;
  /** Requests held open by the `timeout` keepalive and hangRequests faults; destroyed on close. */
  held: Set<ServerResponse>;
  logger: Logger | undefined;
}

function buildRoutes(): Map<string, Route> {
  const routes = new Map<string, Route>();
  const add = (method: string, path: string, route: Omit<Route, 'retired'> & { retired?: boolean }) => {
    const key = `${method} ${path}`;
    const existing = routes.get(key);
    if (existing) {
      // BHEX and Coins.ph share paths; the header decides at request time.
      if (existing.venue !== route.venue && (route.venue === 'bhex' || route.venue === 'coins-ph')) {
        routes.set(key, { ...existing, venue: 'openapi' });
      }
      return;
    }
    routes.set(key, { retired: false, ...route });
  };
  for (const profile of Object.values(venues)) {
    const lk = profile.listenKey;
    if (!lk) continue;
    const venue = profile.id as VenueId;
    const auth: Auth = lk.create.signed ? 'signed' : 'apiKey';
    const retired = profile.retired !== undefined;
    add(lk.create.method, lk.create.path, {
      venue,
      weight: lk.create.weight,
      auth,
      action: 'listenKeyCreate',
      retired,
    });
    add(lk.keepAlive.method, lk.keepAlive.path, {
      venue,
      weight: lk.keepAlive.weight,
      auth,
      action: 'listenKeyKeepAlive',
      retired,
    });
    add(lk.close.method, lk.close.path, {
      venue,
      weight: lk.close.weight,
      auth,
      action: 'listenKeyClose',
      retired,
    });
  }
  for (const profile of Object.values(venues)) {
    const venue = profile.id as VenueId;
    if (profile.listenToken) {
      const ep = profile.listenToken.create;
      add(ep.method, ep.path, { venue, weight: ep.weight, auth: 'signed', action: 'listenToken' });
    }
    const { serverTime, account, openOrders, order } = profile.endpoints;
    if (serverTime)
      add('GET', serverTime.path, { venue, weight: serverTime.weight, auth: 'none', action: 'time' });
    add('GET', account.path, { venue, weight: account.weight, auth: 'signed', action: 'account' });
    add('GET', openOrders.path, { venue, weight: openOrders.weight, auth: 'signed', action: 'openOrders' });
    if (order) {
      add('POST', order.path, { venue, weight: order.weight, auth: 'signed', action: 'placeOrder' });
      add('DELETE', order.path, { venue, weight: order.weight, auth: 'signed', action: 'cancelOrder' });
    }
  }
  // Paths the profiles do not name.
  add('GET', '/fapi/v2/account', {
    venue: 'binance-usdm',
    weight: 5,
    auth: 'signed',
    action: 'account',
    extra: { version: 'v2' },
  });
  add('GET', '/papi/v1/account', {
    venue: 'binance-portfolio-margin',
    weight: 20,
    auth: 'signed',
    action: 'account',
    extra: { view: 'account' },
  });
  add('GET', '/papi/v1/time', { venue: 'binance-portfolio-margin', weight: 1, auth: 'none', action: 'time' });
  for (const [path, venue] of [
    ['/api/v3/ping', 'binance-spot'],
    ['/fapi/v1/ping', 'binance-usdm'],
    ['/dapi/v1/ping', 'binance-coinm'],
    ['/papi/v1/ping', 'binance-portfolio-margin'],
    ['/openapi/v1/ping', 'bhex'],
  ] as const) {
    add('GET', path, { venue, weight: 1, auth: 'none', action: 'ping' });
  }
  for (const { method, path, ...route } of DERIVATIVE_ROUTES) add(method, path, { ...route, auth: 'signed' });
  for (const { method, path, ...r } of TOKOCRYPTO_ROUTE_SPECS)
    add(method, path, { ...r, venue: 'tokocrypto' });
  // The profiles share margin endpoints between cross and isolated: cross answers, and the engine
  // switches on `isIsolated=TRUE` as Binance does.
  return routes;
}

const ROUTES = buildRoutes();

/** MEXC spot (issue #13): venues/mexc-rest.ts. */
const MEXC_ROUTES = new Map<string, Route>(
  MEXC_ROUTE_SPECS.map(({ method, path, ...r }) => [
    `${method} ${path}`,
    { ...r, venue: 'mexc', retired: false },
  ]),
);
/** Toobit spot and USDT-M (issue #13): venues/toobit*-rest.ts, picked by the X-BB-APIKEY header. */
const TOOBIT_ROUTES = new Map<string, Route>(
  TOOBIT_ROUTE_SPECS.map(({ method, path, ...r }) => [`${method} ${path}`, { ...r, retired: false }]),
);
/** Aster spot v3 on Binance spot's /api/v3 paths, picked by the v3 `signer` (venues/aster-v3.ts). */
const ASTER_SPOT_V3_ROUTES = new Map<string, Route>(
  ASTER_SPOT_V3_ROUTE_SPECS.map(({ method, path, ...r }) => [
    `${method} ${path}`,
    { ...r, auth: 'signed', venue: 'aster-spot-v3', retired: false },
  ]),
);
// Futures-style keys (USD-M, COIN-M, options' /eapi): PUT and DELETE name no key, the account's
// active one is meant (https://developers.binance.com/docs/derivatives/option/user-data-streams).
const LISTEN_KEY_NOT_NEEDED = new Set(['usdm', 'coinm', 'options']);

const JSON_TYPE = 'application/json;charset=UTF-8';

/** True when the simulator serves `METHOD path`. */
export function hasRoute(method: string, path: string): boolean {
  return ROUTES.has(`${method} ${path}`);
}

function retiredBody(venue: RouteVenue): string {
  const instead =
    venue === 'binance-spot-legacy'
      ? 'subscribe on the WebSocket API with userDataStream.subscribe.signature'
      : 'create a listenToken (POST /sapi/v1/userListenToken) and subscribe with userDataStream.subscribe.listenToken';
  return JSON.stringify({
    code: VenueCode.UnsupportedOperation,
    msg: `This endpoint was retired on 2026-02-20 07:00 UTC and is no longer available; ${instead}.`,
  });
}

/**
 * Serves the REST API: routing by path (and, for the shared BHEX/Coins.ph paths, by API-key
 * header), request weight with `X-MBX-USED-WEIGHT-1M`, 429/418, API-key and signature checks,
 * listenKeys, listenTokens, server time and the engine's order and snapshot endpoints.
 */
export class RestApi {
  readonly #d: RestDeps;
  readonly #asterV3: AsterV3Auth;

  constructor(deps: RestDeps) {
    this.#d = deps;
    this.#asterV3 = new AsterV3Auth(deps.accountByApiKey, deps.serverNow);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const d = this.#d;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    let body = '';
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        body = await readBody(req);
      } catch (error) {
        this.#error(res, error, 0);
        return;
      }
    }
    // MEXC speaks Binance's /api/v3 paths (its retired spot listenKey ones too): its API-key
    // header picks its routes.
    let route =
      req.headers['x-mexc-apikey'] !== undefined
        ? MEXC_ROUTES.get(`${method} ${path}`)
        : req.headers['x-bb-apikey'] !== undefined
          ? TOOBIT_ROUTES.get(`${method} ${path}`)
          : (namesV3Signer(url.search.slice(1), body) && ASTER_SPOT_V3_ROUTES.get(`${method} ${path}`)) ||
            ROUTES.get(`${method} ${path}`);
    // Bitrue keeps the key in the path (venues/bitrue-rest.ts).
    const keyed = route ? undefined : bitrueKeyRoute(method, path);
    if (keyed)
      route = { venue: 'bitrue-spot', weight: 1, auth: 'apiKey', action: keyed.action, retired: false };
    const bitrue = isBitrueKeyPath(path);
    if (!route) {
      this.#json(res, 404, {
        code: VenueCode.Unknown,
        msg: `@userstream/simulator: no endpoint ${method} ${path}`,
      });
      return;
    }
    let venue: VenueId;
    if (route.venue === 'openapi') {
      venue = req.headers['x-coins-apikey'] !== undefined ? 'coins-ph' : 'bhex';
    } else venue = route.venue;
    const profile = venues[venue];
    const credential = CredentialNote.start(d, req, route.action, { method, path, venue, res });
    const group = weightGroupOf(venue);
    const charge = d.limiter.charge(group, route.weight);
    res.setHeader('X-MBX-USED-WEIGHT-1M', String(charge.used));
    res.setHeader('X-MBX-USED-WEIGHT', String(charge.used));
    publish(channels.request, () => ({ method, path, venue, weight: route.weight }));
    if (!charge.ok) {
      res.setHeader('Retry-After', String(charge.retryAfterSeconds));
      const msg =
        charge.status === 418
          ? `Way too much request weight used; IP banned until ${charge.until}. Please use WebSocket Streams for live updates to avoid bans.`
          : `Too much request weight used; current limit is ${charge.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`;
      this.#json(res, charge.status, { code: VenueCode.TooManyRequests, msg });
      credential?.done(VenueCode.TooManyRequests);
      return;
    }
    if (route.retired && d.retiredLegacyPaths) {
      res.writeHead(410, { 'Content-Type': JSON_TYPE });
      res.end(retiredBody(venue));
      credential?.done(VenueCode.UnsupportedOperation);
      return;
    }
    try {
      let account: AccountRecord | undefined;
      const v3 = profile.signing === 'aster-eip712' && route.auth !== 'none';
      if (v3) {
        // Aster v3: the signer address and an EIP-712 signature, no API-key header (venues/aster-v3.ts).
        const q = url.search.startsWith('?') ? url.search.slice(1) : url.search;
        account = this.#asterV3.authenticate(q, body, parseParams(q, body));
        if (credential) credential.accountId = account.account.id;
      } else if (route.auth !== 'none') {
        const header = req.headers[profile.apiKeyHeader.toLowerCase()];
        const apiKey = Array.isArray(header) ? header[0] : header;
        if (!apiKey) throw Errors.badApiKeyFormat();
        account = d.accountByApiKey(apiKey);
        if (!account) throw Errors.rejectedKey();
        if (credential) credential.accountId = account.account.id;
      }
      const query = url.search.startsWith('?') ? url.search.slice(1) : url.search;
      const params = parseParams(query, body);
      if (keyed) params.listenKey = keyed.listenKey;
      if (route.auth === 'signed' && account && !v3) {
        checkTimestamp(params, d.serverNow());
        verifyRestSignature(account, query, body);
      }
      if (d.takeHang(method, path, account?.account.id, venue)) {
        // Never answer: the client's own timeout or abort has to end it. Destroyed on close().
        d.held.add(res);
        res.on('close', () => d.held.delete(res));
        credential?.done();
        return;
      }
      if (route.action === 'listenKeyKeepAlive' && account) {
        const failure = d.takeKeepaliveFailure(account.account.id, venue);
        if (failure === 'timeout') {
          // Never answer: the client's own timeout has to fire. Destroyed on close().
          d.held.add(res);
          res.on('close', () => d.held.delete(res));
          credential?.done();
          return;
        }
        if (failure === '5xx') throw Errors.internal();
        if (failure === '-1125') throw Errors.listenKeyNotFound();
      }
      // Tokocrypto's /open/v1: its own parameters in, envelopes out (venues/tokocrypto.ts).
      const v1 =
        openV1Door(profile, route.action, d, account?.account.id) ??
        toobitUsdmDoor(venue, route.action, d, account?.account.id) ??
        bingxDoor(venue);
      const result = this.#dispatch(route, venue, account, v1 ? v1.params(params) : params, credential);
      this.#json(res, 200, v1 ? v1.answer(result) : bitrue ? bitrueAnswer(result) : result);
      credential?.done();
    } catch (error) {
      this.#error(res, bitrue ? bitrueError(error) : error, 0, profile.restEnvelope === 'open-v1');
      credential?.done(error instanceof ExchangeError ? error.exchangeCode : undefined);
    }
  }

  #dispatch(
    route: Route,
    venue: VenueId,
    record: AccountRecord | undefined,
    params: Record<string, string>,
    credential?: { key: string | undefined }, // gets the key created, renewed or closed
  ): unknown {
    const d = this.#d;
    const accountId = record?.account.id ?? '';
    switch (route.action) {
      case 'time':
        return { serverTime: d.serverNow() };
      case 'ping':
        return {};
      case 'listenKeyCreate': {
        if (venue === 'mexc') {
          // At most 60 valid keys per account; the docs name no error code for the 61st: the
          // simulator answers MEXC's generic 400 with code 10072 (the choice written down).
          let count = 0;
          for (const entry of d.listenKeys.entries())
            if (entry.accountId === accountId && entry.venue === venue) count++;
          if (count >= MEXC_KEYS_PER_ACCOUNT)
            throw apiError(
              400,
              10072,
              `@userstream/simulator: at most ${MEXC_KEYS_PER_ACCOUNT} listenKeys per account`,
            );
        }
        const symbol = this.#symbolFor(venue, params);
        const key = d.listenKeys.create(accountId, venue, symbol).key;
        if (credential) credential.key = key;
        return { listenKey: key };
      }
      case 'listenKeyKeepAlive': {
        const entry = this.#findKey(accountId, venue, params);
        if (credential) credential.key = entry.key;
        d.listenKeys.keepAlive(entry);
        return LISTEN_KEY_NOT_NEEDED.has(marketKeyOf(venue)) || venue === 'mexc'
          ? { listenKey: entry.key }
          : {};
      }
      case 'listenKeyClose': {
        const entry = this.#findKey(accountId, venue, params);
        if (credential) credential.key = entry.key;
        d.listenKeys.close(entry);
        return venue === 'mexc' ? { listenKey: entry.key } : {};
      }
      case 'listenKeyList': {
        const keys: string[] = [];
        for (const entry of d.listenKeys.entries())
          if (entry.accountId === accountId && entry.venue === venue) keys.push(entry.key);
        return { listenKey: keys };
      }
      case 'listenToken': {
        const isolated = (params.isIsolated ?? '').toUpperCase() === 'TRUE';
        const symbol = params.symbol;
        if (isolated && !symbol) throw Errors.mandatory('symbol');
        let validity = MAX_LISTEN_TOKEN_VALIDITY_MS;
        if (params.validity !== undefined) {
          if (!/^\d{1,12}$/.test(params.validity) || Number(params.validity) <= 0)
            throw Errors.invalidParam('validity');
          validity = Number(params.validity);
          if (validity > MAX_LISTEN_TOKEN_VALIDITY_MS) throw Errors.invalidParam('validity');
        }
        // Binance margin's tokens pick their book by isIsolated; another venue's token is its own.
        const own = venue === 'binance-margin' ? undefined : venue;
        const entry = d.tokens.create(accountId, isolated, isolated ? symbol : undefined, validity, own);
        return { token: entry.token, expirationTime: entry.expiresAt };
      }
      case 'placeOrder':
        return d.exchange.placeOrder(accountId, venue, engineParams(params, route.extra));
      case 'cancelOrder':
        return d.exchange.cancelOrder(accountId, venue, engineParams(params, route.extra));
      case 'account':
        return d.exchange.account(accountId, venue, engineParams(params, route.extra));
      case 'openOrders':
        return d.exchange.openOrders(accountId, venue, engineParams(params, route.extra));
      case 'placeAlgoOrder':
        return d.exchange.placeAlgoOrder(accountId, venue, engineParams(params, route.extra));
      case 'cancelAlgoOrder':
        return d.exchange.cancelAlgoOrder(accountId, venue, engineParams(params, route.extra));
      case 'openAlgoOrders':
        return d.exchange.openAlgoOrders(accountId, venue, engineParams(params, route.extra));
      case 'positionRisk':
        return d.exchange.positionRisk(accountId, venue, engineParams(params, route.extra));
      case 'borrowRepay':
        return d.exchange.borrowRepay(accountId, venue, engineParams(params, route.extra));
      case 'optionPositions':
        return d.exchange.options(accountId, 'positions', engineParams(params, route.extra));
      case 'pmLoan': {
        const p = engineParams(params, route.extra);
        return d.exchange.pmLoan(accountId, p.type === 'REPAY' ? 'REPAY' : 'BORROW', p);
      }
      case 'portfolioMargin': {
        const { op, ...p } = engineParams(params, route.extra);
        return d.exchange.portfolioMargin(accountId, op as Parameters<Exchange['portfolioMargin']>[1], p);
      }
    }
  }

  #symbolFor(venue: VenueId, params: Record<string, string>): string | undefined {
    if (!venues[venue].listenKey?.requiresSymbol) return undefined;
    const symbol = params.symbol;
    if (!symbol) throw Errors.mandatory('symbol');
    return symbol;
  }

  /**
   * The key a PUT/DELETE names. Futures send no `listenKey` (the account's active key is meant);
   * the others must name an active key of this account on this venue, else -1125.
   */
  #findKey(accountId: string, venue: VenueId, params: Record<string, string>): ListenKeyEntry {
    const d = this.#d;
    const symbol = this.#symbolFor(venue, params);
    const key = params.listenKey;
    if (key === undefined || key === '') {
      if (!LISTEN_KEY_NOT_NEEDED.has(marketKeyOf(venue)) && venue !== 'binance-portfolio-margin') {
        throw Errors.mandatory('listenKey');
      }
      const active = d.listenKeys.active(accountId, venue, symbol);
      if (!active) throw Errors.listenKeyNotFound();
      return active;
    }
    const entry = d.listenKeys.get(key);
    if (!entry || entry.accountId !== accountId || entry.venue !== venue || entry.symbol !== symbol) {
      throw Errors.listenKeyNotFound();
    }
    return entry;
  }

  #error(res: ServerResponse, error: unknown, _depth: number, openV1 = false): void {
    if (error instanceof ExchangeError) {
      // Tokocrypto answers a refusal in a 200 envelope with a non-zero code.
      const v1 = openV1 ? openV1Refusal(error, this.#d.serverNow()) : undefined;
      this.#json(
        res,
        v1 ? 200 : (error.status ?? 400),
        v1 ?? { code: error.exchangeCode, msg: error.exchangeMessage },
      );
      return;
    }
    const e = error as { message?: unknown };
    if (UserstreamError.isInstance(error)) {
      // Misuse reported by the engine (bad amount, unknown account): the request's fault.
      this.#json(res, 400, { code: VenueCode.IllegalParameter, msg: error.message });
      return;
    }
    this.#d.logger?.error({ err: String(e?.message ?? error) }, '@userstream/simulator: REST handler failed');
    const unknown = Errors.unknown();
    this.#json(res, 500, { code: unknown.exchangeCode, msg: unknown.exchangeMessage });
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': JSON_TYPE });
    res.end(JSON.stringify(body));
  }
}
