/**
 * BingX's user data WebSockets (issue #13 item 3), as documented (checked 2026-12-03):
 * - spot: `/market?listenKey=<key>` (https://bingx-api.github.io/docs/spot/socket-account.html);
 *   nothing is pushed until the client subscribes per dataType, `{"id":…,"reqType":"sub",
 *   "dataType":"spot.executionReport"|"ACCOUNT_UPDATE"}`, acknowledged `{"id":…,"code":0,"msg":""}`
 *   (an unknown dataType: code 100400, ILLEGAL_ARGUMENT, from the spot socket page's code list);
 *   `reqType: "unsub"` ends one.
 * - swap: `/swap-market?listenKey=<key>`, every event pushed without a subscription.
 * - Every frame the server sends is GZIP-compressed binary (events, acks, heartbeats, the
 *   expiry notice): this module wraps the connection's send, so the hub's faults (duplicate,
 *   reorder, stall) act on the compressed frames. The malformed-frame fault's text becomes a gzip
 *   frame cut short (a corrupt gzip, what a broken BingX frame looks like).
 * - Heartbeat: every 5 s the server sends `Ping` (swap, https://bingx-api.github.io/docs/swap/
 *   socket.html) or `{"ping":"<id>","time":"…"}` (spot, …/zh-hk/spot/socket.html), to be answered
 *   `Pong` / `{"pong":"<id>",…}`. The pages do not say when a silent client is dropped: the
 *   simulator drops one that has answered nothing for 30 s (six pings), our choice. A simulator
 *   started with its own pingIntervalMs/pongTimeoutMs uses those instead; no WebSocket pings.
 * - An unknown or lapsed key is refused at the upgrade with HTTP 400 and the -1125 body, as the
 *   simulator does for every venue (BingX documents no answer).
 * The listenKey is the account's: POST hands out one key for both markets (the key's entry names
 * bingx-spot, the first profile on the path); the stream's path picks the market.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Clock, ClockTimer, VenueId } from '@userstream/core';
import type { HeartbeatOptions, SimConnection } from '../connection.js';
import { VenueCode } from '../engine/index.js';
import type { Hub } from '../hub.js';
import type { ListenKeyEntry, ListenKeys } from '../listen-keys.js';
import { DEFAULT_PING_INTERVAL_MS, DEFAULT_PONG_TIMEOUT_MS } from '../options.js';
import type { Sink } from '../sink.js';
import { profileOf } from '../venue-map.js';
import {
  type BingxAccountState,
  type BingxPush,
  bingxSpotPush,
  bingxSwapPush,
  newBingxAccountState,
} from './bingx.js';

export const BINGX_PING_INTERVAL_MS = 5_000;
export const BINGX_SILENCE_MS = 30_000;
const SPOT_CHANNELS: ReadonlySet<string> = new Set(['spot.executionReport', 'ACCOUNT_UPDATE']);
const PATHS: Readonly<Record<string, VenueId>> = { '/market': 'bingx-spot', '/swap-market': 'bingx-swap' };

/** True for a BingX venue id. */
export function isBingx(venue: VenueId): boolean {
  return venue === 'bingx-spot' || venue === 'bingx-swap';
}

/** The BingX market a WebSocket path serves, if it is one of BingX's. */
export function bingxStreamVenue(pathname: string): VenueId | undefined {
  return Object.hasOwn(PATHS, pathname) ? PATHS[pathname] : undefined;
}

export type BingxRoute =
  | { ok: true; entry: ListenKeyEntry; venue: VenueId }
  | { ok: false; status: number; body: string };

/** Resolves `/market?listenKey=` or `/swap-market?listenKey=` to the key's entry. */
export function routeBingxStream(url: URL, venue: VenueId, listenKeys: ListenKeys): BingxRoute {
  const key = url.searchParams.get('listenKey') ?? '';
  const entry = /^[A-Za-z0-9]{1,128}$/.test(key) ? listenKeys.get(key) : undefined;
  if (!entry || !isBingx(entry.venue))
    return {
      ok: false,
      status: 400,
      body: JSON.stringify({ code: VenueCode.ListenKeyNotFound, msg: 'This listenKey does not exist.' }),
    };
  return { ok: true, entry, venue };
}

interface Session {
  readonly connection: SimConnection;
  readonly venue: VenueId;
  /** Spot: the dataTypes subscribed. Swap: unused (everything is pushed). */
  readonly channels: Set<string>;
}

/** Per simulator (its Hub): sessions by sink, BingX balance state per account. */
interface BingxState {
  readonly sessions: WeakMap<Sink, Session>;
  readonly accounts: Map<string, BingxAccountState>;
  /** Each event's push, built once for all of its sinks (`bc` counts from the last push). */
  readonly built: WeakMap<object, BingxPush | null>;
}
const states = new WeakMap<object, BingxState>();

function stateOf(owner: object): BingxState {
  let state = states.get(owner);
  if (!state) {
    state = { sessions: new WeakMap(), accounts: new Map(), built: new WeakMap() };
    states.set(owner, state);
  }
  return state;
}

/** Every frame gzip-compressed; text that is not JSON (the malformed-frame fault) a cut gzip. */
function gzipSends(connection: SimConnection): void {
  const send = connection.send.bind(connection);
  connection.send = (frame: string | Buffer) => {
    if (typeof frame !== 'string') return send(frame);
    const zipped = gzipSync(frame);
    send(isControlOrJson(frame) ? zipped : zipped.subarray(0, zipped.length - 8));
  };
}

function isControlOrJson(text: string): boolean {
  if (text === 'Ping' || text.length > 64) return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** BingX's cadence, unless the simulator was started with a cadence of its own. */
function cadence(heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>): { every: number; silence: number } {
  const defaults =
    heartbeat.pingIntervalMs === DEFAULT_PING_INTERVAL_MS &&
    heartbeat.pongTimeoutMs === DEFAULT_PONG_TIMEOUT_MS;
  return defaults
    ? { every: BINGX_PING_INTERVAL_MS, silence: BINGX_SILENCE_MS }
    : { every: heartbeat.pingIntervalMs, silence: heartbeat.pongTimeoutMs };
}

/** Opens a BingX user data connection for `entry` on `venue` (the route checked the key). */
export function openBingxStream(
  ws: import('ws').WebSocket,
  entry: ListenKeyEntry,
  venue: VenueId,
  hub: Hub,
  listenKeys: ListenKeys,
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>,
): void {
  const clock: Clock = hub.clock;
  const lifetimeMs = profileOf(venue).timing.connectionLifetimeMs;
  const { every, silence } = cadence(heartbeat);
  let sink: Sink | undefined;
  let timer: ClockTimer | undefined;
  // BingX sends no WebSocket pings: the connection's own are pushed past its lifetime.
  const connection = hub.openConnection(
    ws,
    'stream',
    { pingIntervalMs: lifetimeMs, pongTimeoutMs: lifetimeMs, lifetimeMs },
    () => {
      if (timer) clock.clearTimeout(timer);
      timer = undefined;
      if (sink) listenKeys.detach(sink, entry.key);
    },
  );
  gzipSends(connection);
  const spot = venue === 'bingx-spot';
  const session: Session = { connection, venue, channels: new Set() };
  let answeredAt = clock.now();
  const beat = () => {
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (connection.ended) return;
      // A stalled connection sends and reads nothing (the stall fault): the clock restarts after.
      if (connection.stalled) answeredAt = clock.now();
      else if (clock.now() - answeredAt >= silence) {
        connection.terminate();
        return;
      } else
        connection.send(
          spot
            ? JSON.stringify({
                ping: randomUUID().replaceAll('-', ''),
                time: new Date(clock.now()).toISOString(),
              })
            : 'Ping',
        );
      beat();
    }, every);
  };
  beat();
  connection.onMessage((text) => {
    const t = text.trim();
    if (t === 'Pong' || t === 'pong') {
      answeredAt = clock.now();
      return;
    }
    let request: { id?: unknown; reqType?: unknown; dataType?: unknown; pong?: unknown };
    try {
      request = JSON.parse(t) as typeof request;
    } catch {
      return;
    }
    if (request === null || typeof request !== 'object') return;
    if (request.pong !== undefined) {
      answeredAt = clock.now();
      return;
    }
    if (!spot || request.dataType === undefined) return;
    const id = typeof request.id === 'string' ? request.id : '';
    const dataType = typeof request.dataType === 'string' ? request.dataType : '';
    if (!SPOT_CHANNELS.has(dataType)) {
      connection.send(JSON.stringify({ id, code: 100400, msg: 'ILLEGAL_ARGUMENT' }));
      return;
    }
    if (request.reqType === 'unsub') session.channels.delete(dataType);
    else session.channels.add(dataType);
    connection.send(JSON.stringify({ id, code: 0, msg: '' }));
  });
  if (listenKeys.get(entry.key) !== entry) {
    connection.close(1000, 'listenKey expired');
    return;
  }
  sink = hub.addSink({ kind: 'raw', connection, accountId: entry.accountId, venue, prefix: '', suffix: '' });
  stateOf(hub).sessions.set(sink, session);
  listenKeys.attach(entry, sink);
}

/** The hub's BingX path: `event` in BingX's shape, to the sink if its session wants it. */
export function deliverBingx(hub: Hub, sink: Sink, event: Record<string, unknown>): void {
  const state = stateOf(hub);
  const session = state.sessions.get(sink);
  let pushed = state.built.get(event);
  if (pushed === undefined) {
    if (sink.venue === 'bingx-spot') {
      let account = state.accounts.get(sink.accountId);
      if (!account) {
        account = newBingxAccountState();
        state.accounts.set(sink.accountId, account);
      }
      pushed = bingxSpotPush(event, account) ?? null;
    } else pushed = bingxSwapPush(event) ?? null;
    state.built.set(event, pushed);
  }
  if (pushed === null) return;
  if (pushed.dataType !== undefined && !session?.channels.has(pushed.dataType)) return;
  hub.deliver(sink, pushed.text);
}
