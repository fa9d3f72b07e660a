import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type Clock,
  type ClockTimer,
  describeValue,
  type VenueId,
  type VenueProfile,
  venues,
  withBaseUrls,
} from '@userstream/core';
import { WebSocketServer } from 'ws';
import { type AccountRecord, createAccounts, type SimAccount } from './accounts.js';
import { describeAddress, type SimulatorAddress } from './address.js';
import { type AdminDeps, handleAdmin } from './admin.js';
import { AdminGuard } from './admin-guard.js';
import { Exchange, VenueCode } from './engine/index.js';
import type { FaultSpec, Faults } from './fault-types.js';
import { FaultController } from './faults.js';
import { Hub } from './hub.js';
import { ListenKeys } from './listen-keys.js';
import { ListenTokens } from './listen-tokens.js';
import { Load, type LoadGenerator } from './load.js';
import { configKit, inputKit } from './option-kits.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { Prng } from './prng.js';
import { RateLimiter } from './rate-limit.js';
import { type AccountTarget, Recorder, type SimRecord } from './record.js';
import { recordedFor } from './record-view.js';
import { RestApi } from './rest.js';
import { targetKeyOf } from './sink.js';
import { isStreamPath, openStream, routeStream } from './streams.js';
import { isVenueId, marketKeyOf } from './venue-map.js';
import { bingxResponse } from './venues/bingx-rest.js';
import { bingxStreamVenue, openBingxStream, routeBingxStream } from './venues/bingx-stream.js';
import { WsApi } from './ws-api.js';

/** The WebSocket API path. */
export const WS_API_PATH = '/ws-api/v3';

/** The URLs the simulator serves. */
export interface SimulatorUrls {
  /** REST base, e.g. `http://127.0.0.1:54321`. */
  readonly rest: string;
  /** Raw stream base, e.g. `ws://127.0.0.1:54321` (streams at `/ws/<listenKey>`, `/private/ws/…`, `/pm/ws/…`, `/openapi/ws/…`). */
  readonly ws: string;
  /** WebSocket API, e.g. `ws://127.0.0.1:54321/ws-api/v3`. */
  readonly wsApi: string;
  /** Admin endpoint, e.g. `http://127.0.0.1:54321/admin`. */
  readonly admin: string;
}

/** A running simulator. `await using sim = await startSimulator()` closes it at scope end. */
export interface Simulator extends AsyncDisposable {
  /** URLs to use from this machine (loopback when bound to every interface). */
  readonly urls: SimulatorUrls;
  /** What is really bound: with `host: '0.0.0.0'` every interface, listed in `reachableAt`. */
  readonly address: SimulatorAddress;
  /** The accounts it serves, with their API keys and key material (test data: never print it). */
  readonly accounts: readonly SimAccount[];
  /**
   * The built-in profile pointed at this simulator: REST and WebSocket API at its URLs, stream
   * base at `urls.ws` plus the real stream base's path (`/private` for USD-M, `/pm` for
   * portfolio margin).
   */
  venue(id: VenueId): VenueProfile;
  /** The account engine: deposits, orders, prices, snapshots. */
  readonly exchange: Exchange;
  /** Misbehaviour on demand: drops, stalls, expiries, rate limits, malformed frames, … */
  readonly faults: Faults;
  /** What happened: events sent, requests, keepalives, credential requests, connections. */
  readonly record: SimRecord;
  /** Pushes valid events into open streams for benchmarks (bursts, steady rates). */
  readonly load: LoadGenerator;
  /** Closes every socket and timer. Safe to call twice. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Starts a local exchange on loopback that speaks every protocol of the built-in venue profiles:
 * listenKey REST and raw streams, the WebSocket API, listenTokens, order and snapshot endpoints,
 * request weights and bans, with faults on demand. All protocol time runs on `options.clock`.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const o = resolveOptions(options);
  const clock = o.clock;
  const logger = o.logger;
  const records = await createAccounts(o.accounts, o.seed);
  const byApiKey = new Map<string, AccountRecord>(records.map((r) => [r.account.apiKey, r]));
  const byId = new Map<string, AccountRecord>(records.map((r) => [r.account.id, r]));
  const accountByApiKey = (apiKey: string) => byApiKey.get(apiKey);

  let faults: FaultController | undefined;
  const serverNow = () => clock.now() + (faults?.skewMs ?? 0);
  // The engine's and the hub's timeline (event and transaction times, order update times) follows
  // a skew forward but never steps back: a venue's matching engine does not stamp a cancel before
  // the order it cancels. After a skew moved back (or was cleared) the timeline keeps the largest
  // skew it saw and runs on at the clock's pace; serverTime and timestamp checks follow the skew
  // at once.
  let timelineSkew = 0;
  const serverClock: Clock = {
    now: () => {
      const skew = faults?.skewMs ?? 0;
      if (skew > timelineSkew) timelineSkew = skew;
      return clock.now() + timelineSkew;
    },
    setTimeout: (cb, ms) => clock.setTimeout(cb, ms),
    clearTimeout: (t) => clock.clearTimeout(t),
  };
  const prng = new Prng(o.seed ^ 0x5eed);
  const recorder = new Recorder(o.recordEvents);
  const hub = new Hub(serverClock, recorder);
  const exchange = new Exchange({
    clock: serverClock,
    seed: o.seed,
    emit: (target, event) => hub.emit(target.accountId, target.venue, event, 'engine', target.symbol),
    ...(logger ? { logger } : {}),
  });
  for (const r of records) exchange.addAccount(r.account.id, r.balances);

  const limiter = new RateLimiter(clock);
  const listenKeys = new ListenKeys(clock, serverNow, hub, recorder, prng);
  let wsApi: WsApi | undefined;
  const tokens = new ListenTokens(clock, prng, (entry) => wsApi?.expireToken(entry));
  const heartbeat = { pingIntervalMs: o.pingIntervalMs, pongTimeoutMs: o.pongTimeoutMs };
  wsApi = new WsApi({
    clock,
    serverNow,
    hub,
    tokens,
    limiter,
    accountByApiKey,
    limits: o.wsApiLimits,
    heartbeat,
  });
  faults = new FaultController({
    clock,
    serverNow,
    hub,
    listenKeys,
    tokens,
    wsApi,
    limiter,
    recorder,
    accountByApiKey,
    accountById: (id) => byId.get(id),
  });
  const faultController = faults;
  const held = new Set<ServerResponse>();
  const rest = new RestApi({
    now: () => clock.now(),
    serverNow,
    limiter,
    recorder,
    listenKeys,
    tokens,
    exchange,
    accountByApiKey,
    retiredLegacyPaths: o.retiredLegacyPaths,
    takeKeepaliveFailure: (accountId, venue) => faultController.takeKeepaliveFailure(accountId, venue),
    takeHang: (method, path, accountId, venue) => faultController.takeHang(method, path, accountId, venue),
    held,
    logger,
  });

  const resolveAccount = (target: AccountTarget): string => {
    if (!target || typeof target !== 'object') {
      throw inputKit.invalid('a target is { apiKey or accountId, venue }', 'target');
    }
    if (!isVenueId(target.venue)) {
      throw inputKit.invalid(
        `target venue must be a built-in venue id (${Object.keys(venues).join(', ')})`,
        'venue',
      );
    }
    const record =
      target.apiKey !== undefined
        ? byApiKey.get(target.apiKey)
        : target.accountId !== undefined
          ? byId.get(target.accountId)
          : undefined;
    if (!record) {
      throw inputKit.invalid(
        'target needs the apiKey or accountId of one of the simulator accounts',
        'accountId',
      );
    }
    return record.account.id;
  };
  const load = new Load({ clock, serverNow, hub, recorder, resolveAccount });

  const record: SimRecord = {
    events: (target) =>
      recordedFor(
        target.venue,
        recorder.events(targetKeyOf(resolveAccount(target), marketKeyOf(target.venue))),
      ),
    keepalives: (listenKey) => recorder.keepalives(listenKey),
    credentialRequests: () => recorder.credentialRequests(),
    requests: () => recorder.requests(),
    requestCount: (method, path) => recorder.requestCount(method, path),
    get connections() {
      return hub.connections.size;
    },
    get connectionsByKind() {
      let stream = 0;
      let ws = 0;
      for (const c of hub.connections) {
        if (c.kind === 'stream') stream++;
        else ws++;
      }
      return { stream, wsApi: ws };
    },
    clear: () => recorder.clear(),
  };

  const state = () => ({
    serverTime: serverNow(),
    skewMs: faultController.skewMs,
    connections: record.connectionsByKind,
    listenKeys: [...listenKeys.entries()].map((e) => ({
      accountId: e.accountId,
      venue: e.venue,
      symbol: e.symbol,
      expiresAt: e.expiresAt,
      streams: e.sinks.size,
    })),
    listenTokens: tokens.size,
    subscriptions: [...(wsApi?.sessions ?? [])].reduce((n, s) => n + s.subs.size, 0),
    faults: faultController.active(),
    accounts: records.map((r) => ({ id: r.account.id, keyType: r.account.keyType })),
    requests: recorder.requests(),
  });

  const adminDeps: AdminDeps = {
    applyFault: (spec: FaultSpec) => faultController.apply(spec),
    clearFaults: () => faultController.clear(),
    state,
    deposit: (body: Record<string, unknown>) => {
      const venue = body.venue as VenueId;
      const accountId = resolveAccount({
        apiKey: body.apiKey as string | undefined,
        accountId: body.accountId as string | undefined,
        venue,
      });
      // describeValue, not String: String() throws on {"toString":1}, which a JSON body can hold.
      exchange.deposit(accountId, venue, describeValue(body.asset), describeValue(body.amount));
    },
    setPrice: (body: Record<string, unknown>) =>
      exchange.setPrice(describeValue(body.symbol), describeValue(body.price)),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    recorder.request(req.method ?? 'GET', url.pathname);
    const done = (error: unknown) => {
      logger?.error(
        { err: String((error as Error)?.message ?? error) },
        '@userstream/simulator: request failed',
      );
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    };
    if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) {
      handleAdmin(req, res, url.pathname, adminDeps).catch(done);
    } else {
      // BingX's paths answer in BingX's form (venues/bingx-rest.ts).
      rest.handle(req, bingxResponse(res, url.pathname), url).catch(done);
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    perMessageDeflate: false,
    maxPayload: 1 << 20,
  });
  const guard = (ws: import('ws').WebSocket, open: () => void): void => {
    try {
      open();
    } catch (error) {
      logger?.error(
        { err: String((error as Error)?.message ?? error) },
        '@userstream/simulator: connection setup failed',
      );
      ws.terminate();
    }
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const refuse = faultController.refusing;
    if (refuse === 'reset') {
      socket.destroy();
      return;
    }
    const reject = (status: number, body: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 503 ? 'Service Unavailable' : status === 404 ? 'Not Found' : 'Bad Request'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (refuse === 'reject') {
      reject(
        503,
        JSON.stringify({
          code: VenueCode.Disconnected,
          msg: 'Internal error; unable to process your request. Please try again.',
        }),
      );
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      reject(400, JSON.stringify({ code: VenueCode.Unknown, msg: 'bad URL' }));
      return;
    }
    if (url.pathname === WS_API_PATH) {
      wss.handleUpgrade(req, socket, head, (ws) => guard(ws, () => wsApi?.open(ws, url)));
      return;
    }
    // BingX: /market?listenKey= (spot) and /swap-market?listenKey= (venues/bingx-stream.ts).
    const bingx = bingxStreamVenue(url.pathname);
    if (bingx !== undefined) {
      const route = routeBingxStream(url, bingx, listenKeys);
      if (!route.ok) reject(route.status, route.body);
      else
        wss.handleUpgrade(req, socket, head, (ws) =>
          guard(ws, () => openBingxStream(ws, route.entry, route.venue, hub, listenKeys, heartbeat)),
        );
      return;
    }
    if (!isStreamPath(url.pathname)) {
      reject(
        404,
        JSON.stringify({
          code: VenueCode.Unknown,
          msg: `@userstream/simulator: no WebSocket endpoint ${url.pathname}`,
        }),
      );
      return;
    }
    const route = routeStream(url, listenKeys);
    if (!route.ok) {
      reject(route.status, route.body);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      guard(ws, () => openStream(ws, route, hub, listenKeys, heartbeat)),
    );
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgrade(req, socket, head);
    } catch (error) {
      // Never let a bad upgrade take the process down.
      logger?.error(
        { err: String((error as Error)?.message ?? error) },
        '@userstream/simulator: upgrade failed',
      );
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger?.error({ err: error.message }, '@userstream/simulator: server error'));
  const address = server.address() as AddressInfo;
  const bound = describeAddress(address);
  adminDeps.guard = new AdminGuard({
    host: o.host,
    boundAddress: address.address,
    port: address.port,
    token: o.adminToken,
    allowedHosts: o.adminAllowedHosts,
    logger,
  });
  if (!bound.loopback) {
    // Off loopback anyone on the network can use the test accounts and, without a token, the admin API.
    logger?.warn(
      {
        address: bound.address,
        port: bound.port,
        reachableAt: bound.reachableAt,
        adminToken: o.adminToken !== undefined,
      },
      `@userstream/simulator: listening off loopback on ${bound.reachableAt.join(', ') || bound.address}: anyone who can reach it can use the test accounts${o.adminToken === undefined ? ' and the admin API (faults, deposits, prices); set admin.token' : ''}`,
    );
  }
  const base = `${urlHost(o.host)}:${address.port}`;
  const urls: SimulatorUrls = Object.freeze({
    rest: `http://${base}`,
    ws: `ws://${base}`,
    wsApi: `ws://${base}${WS_API_PATH}`,
    admin: `http://${base}/admin`,
  });

  let walkTimer: ClockTimer | undefined;
  const walkMs = o.priceWalkMs;
  if (walkMs !== undefined) {
    const step = () => {
      walkTimer = clock.setTimeout(step, walkMs);
      try {
        exchange.tick();
      } catch (error) {
        logger?.error(
          { err: String((error as Error)?.message ?? error) },
          '@userstream/simulator: price walk failed',
        );
      }
    };
    walkTimer = clock.setTimeout(step, walkMs);
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (walkTimer) clock.clearTimeout(walkTimer);
      walkTimer = undefined;
      load.dispose();
      faultController.dispose();
      listenKeys.dispose();
      wsApi?.dispose();
      tokens.clear();
      hub.closeAll();
      for (const res of held) res.destroy();
      held.clear();
      await new Promise<void>((resolve) => {
        wss.close(() => resolve());
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  const accounts = Object.freeze(records.map((r) => r.account));
  const sim: Simulator = {
    urls,
    address: bound,
    accounts,
    venue(id: VenueId): VenueProfile {
      // An own-property check: `toString` or `__proto__` are members of every object, not venues.
      if (!isVenueId(id)) {
        throw configKit.invalid(
          `unknown venue '${String(id).slice(0, 64)}'; known venues: ${Object.keys(venues).join(', ')}`,
          'venue',
        );
      }
      const profile = venues[id];
      let stream: string | undefined;
      if (profile.streamBaseUrl) {
        const path = new URL(profile.streamBaseUrl).pathname.replace(/\/+$/, '');
        stream = urls.ws + path;
      }
      return withBaseUrls(profile, {
        rest: urls.rest,
        ...(stream ? { stream } : {}),
        ...(profile.wsApiUrl ? { wsApi: urls.wsApi } : {}),
      });
    },
    exchange,
    faults: faultController,
    record,
    load,
    close,
    [Symbol.asyncDispose]: close,
  };
  return sim;
}
