/**
 * Bitrue spot's user data stream (issue #13 item 5), as documented at
 * https://github.com/Bitrue-exchange/Spot-official-api-docs ("User Data Streams", "Order
 * Update", "balance update", "ENUM definitions"; checked 2026-12-03), with the live names of
 * ccxt's bitrue pro client where the page differs:
 * - `/stream?listenKey=<key>` pushes nothing until the client subscribes per channel with
 *   `{"event":"sub","params":{"channel":"user_order_update"}}` (and `user_balance_update`),
 *   acknowledged `{"channel":…,"event_rep":"subed","status":"ok","ts":…}`;
 * - every frame is gzip-compressed JSON in a binary frame (acks and pings too);
 * - the server sends `{"ping":<ms>}` every 30 s and drops a client that has not answered
 *   `{"pong":…}` for 10 minutes ("send pong within 10 minutes"); a client's own `{"ping"}` is
 *   answered `{"pong"}` (the cadence and the answer are the simulator's choice: undocumented);
 * - Bitrue spot trades on the simulator's spot book; its order channel carries `ORDER` (the live
 *   name; the page's example says executionReport) with numeric enums and a lower-case symbol,
 *   its balance channel `BALANCE` with, per asset, the free and locked balances, their deltas and
 *   times. A deposit shows in the BALANCE after it (x OutboundAccountPositionTransferEvent).
 * - Bitrue documents no expiry push: a lapsed key's connections just close.
 */
import { gzipSync } from 'node:zlib';
import { type Clock, type ClockTimer, subDecimal } from '@userstream/core';
import type { HeartbeatOptions } from '../connection.js';
import type { Hub } from '../hub.js';
import type { ListenKeyEntry, ListenKeys } from '../listen-keys.js';
import type { Sink } from '../sink.js';
import { profileOf } from '../venue-map.js';

export const BITRUE_PING_MS = 30_000;
export const BITRUE_PONG_WITHIN_MS = 10 * 60_000;
const CHANNEL_OF: Readonly<Record<string, string>> = {
  ORDER: 'user_order_update',
  BALANCE: 'user_balance_update',
};
const KNOWN = new Set(Object.values(CHANNEL_OF));

type Event = Record<string, unknown>;

interface Session {
  readonly channels: Set<string>;
  /** Free and locked balances last pushed, per asset (for the deltas). */
  readonly balances: Map<string, { free: string; locked: string }>;
  lastType: string | undefined;
}
const sessions = new WeakMap<Sink, Session>();
let eventIds = 208_810_488_108_744_704n;

export function isBitrue(venue: string): boolean {
  return venue === 'bitrue-spot';
}

const SIDES: Readonly<Record<string, number>> = { BUY: 1, SELL: 2 };
const TYPES: Readonly<Record<string, number>> = { LIMIT: 1, MARKET: 2 };
/** Binance execution type → Bitrue order event (1 created, 2 canceled by the user, 3 filled, 4 canceled by the engine). */
const EVENTS: Readonly<Record<string, number>> = { NEW: 1, CANCELED: 2, TRADE: 3, EXPIRED: 4 };
/** Binance status → Bitrue status (0 not accepted, 1 accepted, 2 completed, 3 partly filled, 4 canceled). */
const STATUSES: Readonly<Record<string, number>> = {
  NEW: 1,
  PARTIALLY_FILLED: 3,
  FILLED: 2,
  CANCELED: 4,
  EXPIRED: 4,
  REJECTED: 0,
};

/** A spot-book executionReport in Bitrue's ORDER shape (the page's key order). */
export function bitrueOrder(event: Event): Event {
  const C = event.C as string | undefined;
  return {
    e: 'ORDER',
    I: String(++eventIds),
    E: event.E,
    u: 1814396,
    s: String(event.s).toLowerCase(),
    c: C !== undefined && C !== '' ? C : event.c,
    S: SIDES[event.S as string] ?? 0,
    o: TYPES[event.o as string] ?? 1,
    q: event.q,
    p: event.p,
    x: EVENTS[event.x as string] ?? 1,
    X: STATUSES[event.X as string] ?? 0,
    i: event.i,
    l: event.l,
    L: event.L,
    n: event.n,
    N: typeof event.N === 'string' ? event.N.toLowerCase() : null,
    T: event.T,
    t: event.t,
    O: event.O,
    z: event.z,
    Y: event.Z,
  };
}

/** A spot-book outboundAccountPosition in Bitrue's BALANCE shape, with deltas since the last one. */
export function bitrueBalance(event: Event, session: Session): Event {
  const time = Math.floor(Number(event.E) / 1000) * 1000;
  const B = (event.B as { a: string; f: string; l: string }[]).map((b) => {
    const before = session.balances.get(b.a) ?? { free: '0', locked: '0' };
    session.balances.set(b.a, { free: b.f, locked: b.l });
    return {
      a: b.a.toLowerCase(),
      F: b.f,
      T: time,
      f: subDecimal(b.f, before.free),
      L: b.l,
      l: subDecimal(b.l, before.locked),
      t: time,
    };
  });
  const x =
    session.lastType === 'balanceUpdate'
      ? 'OutboundAccountPositionTransferEvent'
      : session.lastType === 'executionReport'
        ? 'OutboundAccountPositionTradeEvent'
        : 'OutboundAccountPositionOrderEvent';
  return { e: 'BALANCE', x, E: event.E, I: String(++eventIds), i: event.E, B, u: 1814396 };
}

/** Delivers one spot-book event to a Bitrue sink: gzip frames on the subscribed channels only. */
export function deliverBitrue(hub: Hub, sink: Sink, event: Event): void {
  const session = sessions.get(sink);
  if (!session) return;
  const type = event.e as string;
  let shaped: Event | undefined;
  if (type === 'executionReport') shaped = bitrueOrder(event);
  else if (type === 'outboundAccountPosition') shaped = bitrueBalance(event, session);
  session.lastType = type;
  if (!shaped || !session.channels.has(CHANNEL_OF[shaped.e as string] as string)) return;
  hub.deliverFrame(sink, gzipSync(JSON.stringify(shaped)));
}

/** Opens a Bitrue user data connection for `entry` (the route already checked the key). */
export function openBitrueStream(
  ws: import('ws').WebSocket,
  entry: ListenKeyEntry,
  hub: Hub,
  listenKeys: ListenKeys,
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>,
): void {
  const clock: Clock = hub.clock;
  const lifetimeMs = profileOf(entry.venue).timing.connectionLifetimeMs;
  let sink: Sink | undefined;
  let ping: ClockTimer | undefined;
  let lastPong = clock.now();
  const connection = hub.openConnection(ws, 'stream', { ...heartbeat, lifetimeMs }, () => {
    if (ping) clock.clearTimeout(ping);
    ping = undefined;
    if (sink) listenKeys.detach(sink, entry.key);
  });
  const send = (value: unknown) => connection.send(gzipSync(JSON.stringify(value)));
  const beat = () => {
    ping = clock.setTimeout(() => {
      ping = undefined;
      if (connection.ended) return;
      if (clock.now() - lastPong >= BITRUE_PONG_WITHIN_MS) {
        connection.close(1000, 'no pong');
        return;
      }
      send({ ping: clock.now() });
      beat();
    }, BITRUE_PING_MS);
  };
  beat();
  const session: Session = { channels: new Set(), balances: new Map(), lastType: undefined };
  connection.onMessage((text) => {
    let message: { ping?: unknown; pong?: unknown; event?: unknown; params?: { channel?: unknown } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (message.pong !== undefined) {
      lastPong = clock.now();
      return;
    }
    if (typeof message.ping === 'number') {
      send({ pong: message.ping });
      return;
    }
    const channel = message.params?.channel;
    if (message.event !== 'sub' || typeof channel !== 'string' || !KNOWN.has(channel)) return;
    session.channels.add(channel);
    send({ channel, event_rep: 'subed', status: 'ok', ts: clock.now() });
    if (!sink && listenKeys.get(entry.key) === entry) {
      sink = hub.addSink({
        kind: 'raw',
        connection,
        accountId: entry.accountId,
        venue: entry.venue,
        symbol: undefined,
        prefix: '',
        suffix: '',
      });
      sessions.set(sink, session);
      listenKeys.attach(entry, sink);
    }
  });
}
