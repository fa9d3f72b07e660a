/**
 * Toobit spot's user data stream (issue #13 item 4), as documented (checked 2026-12-03):
 * https://api-docs.toobit.com/api/spot-websocket-account.html (payloads, paths),
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html (listenKeyWillExpire),
 * https://api-docs.toobit.com/api/spot-websocket-market-data.html (heartbeat).
 * - Toobit spot trades on the simulator's BHEX book (BHEX's lineage: the same event letters);
 *   its streams carry that book's events in Toobit's shapes, keys in the documented order, each
 *   frame a JSON array: `outboundAccountInfo` (e, E, T, W, D, B), `executionReport` (BHEX's
 *   letters with `pt`, INPUT for a priced order and MARKET for a market one, and `w` "fixed
 *   value-true"), then a `ticketInfo` per fill (E, t and the ids as strings, as documented).
 * - Heartbeat: the client sends `{"ping":<ms>}`, answered `{"pong":<ms>}`; a client silent for
 *   5 minutes is dropped ("the server will actively disconnect within 5 minutes").
 * - `{"eventTime","eventType":"listenKeyWillExpire","listenKey"}` (a bare object, not an array)
 *   every minute from 5 minutes before a key expires. The page documents it for USDT-M; the
 *   simulator sends it on spot streams too (one stream server for both: the choice written down).
 * - Toobit documents no expiry push: when a key lapses its connections just close.
 */
import { type Clock, type ClockTimer, isZeroDecimal } from '@userstream/core';
import type { HeartbeatOptions } from '../connection.js';
import type { Hub } from '../hub.js';
import type { ListenKeyEntry, ListenKeys } from '../listen-keys.js';
import type { Sink } from '../sink.js';
import { targetKeyOf } from '../sink.js';
import { marketKeyOf, profileOf } from '../venue-map.js';
import { toobitUsdmEvents } from './toobit-usdm.js';

const MINUTE = 60_000;
/** A client that sends nothing for this long is dropped. */
export const TOOBIT_SILENCE_MS = 5 * MINUTE;
/** listenKeyWillExpire starts this long before the key's expiry, then repeats every minute. */
export const TOOBIT_WARN_BEFORE_MS = 5 * MINUTE;

type Event = Record<string, unknown>;

/** Per simulator (its Hub): ticket ids, and the warning timers of each key. */
interface ToobitState {
  ticket: number;
  readonly warnings: WeakMap<ListenKeyEntry, ClockTimer>;
}
const states = new WeakMap<object, ToobitState>();

function stateOf(owner: object): ToobitState {
  let state = states.get(owner);
  if (!state) {
    state = { ticket: 1_291_488_620_385_157_000, warnings: new WeakMap() };
    states.set(owner, state);
  }
  return state;
}

/** True for the venue ids played as Toobit (spot on the BHEX book, USDT-M on the USDⓈ-M book). */
export function isToobit(venue: string): boolean {
  return venue === 'toobit-spot' || venue === 'toobit-usdm';
}

/** One BHEX-book event in Toobit spot's documented shapes (ticketInfo after a fill). */
export function toobitSpotEvents(event: Event, ticketId: () => number): Event[] {
  if (event.e === 'outboundAccountInfo') {
    return [{ e: event.e, E: event.E, T: event.T, W: event.W, D: event.D, B: event.B }];
  }
  if (event.e !== 'executionReport') return [];
  const report: Event = {
    e: event.e,
    E: event.E,
    s: event.s,
    c: event.c,
    S: event.S,
    o: event.o,
    f: event.f,
    q: event.q,
    p: event.p,
    pt: event.o === 'MARKET' ? 'MARKET' : 'INPUT',
    X: event.X,
    i: event.i,
    l: event.l,
    z: event.z,
    L: event.L,
    n: event.n,
    N: event.N,
    u: true,
    w: true,
    m: event.m,
    O: event.O,
    Z: event.Z,
  };
  // No fill in this report (`l`, the last executed quantity, a decimal string): no ticket.
  if (isZeroDecimal(String(event.l ?? '0'))) return [report];
  const ticket: Event = {
    e: 'ticketInfo',
    E: String(event.E),
    s: event.s,
    q: event.l,
    t: String(event.E),
    p: event.L,
    T: String(ticketId()),
    o: String(event.i),
    c: String(event.c),
    a: '1286424214388204801',
    m: event.m,
    S: event.S,
  };
  return [report, ticket];
}

/**
 * Delivers one book event to a Toobit sink (its sink frames each event as an array): spot's
 * shapes, or USDT-M's (toobit-usdm.ts) on a `toobit-usdm` stream.
 */
export function deliverToobit(hub: Hub, sink: Sink, event: Event): void {
  const state = stateOf(hub);
  const shaped =
    sink.venue === 'toobit-usdm'
      ? toobitUsdmEvents(hub, event, () => ++state.ticket)
      : toobitSpotEvents(event, () => ++state.ticket);
  for (const one of shaped) hub.deliver(sink, JSON.stringify(one));
}

/**
 * Opens a Toobit user data connection for `entry` (the route already checked the key): array
 * frames, JSON ping/pong, a drop after 5 silent minutes.
 */
export function openToobitStream(
  ws: import('ws').WebSocket,
  entry: ListenKeyEntry,
  hub: Hub,
  listenKeys: ListenKeys,
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>,
): void {
  const clock = hub.clock;
  const lifetimeMs = profileOf(entry.venue).timing.connectionLifetimeMs;
  let sink: Sink | undefined;
  let silence: ClockTimer | undefined;
  const connection = hub.openConnection(ws, 'stream', { ...heartbeat, lifetimeMs }, () => {
    if (silence) clock.clearTimeout(silence);
    silence = undefined;
    if (sink) listenKeys.detach(sink, entry.key);
  });
  const arm = () => {
    if (silence) clock.clearTimeout(silence);
    silence = clock.setTimeout(() => {
      silence = undefined;
      connection.close(1000, 'no ping for 5 minutes');
    }, TOOBIT_SILENCE_MS);
  };
  arm();
  connection.onMessage((text) => {
    arm();
    let message: { ping?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message === 'object' && message !== null && typeof message.ping === 'number')
      connection.send(JSON.stringify({ pong: message.ping }));
  });
  if (listenKeys.get(entry.key) !== entry) {
    connection.close(1000, 'listenKey expired');
    return;
  }
  sink = hub.addSink({
    kind: 'raw',
    connection,
    accountId: entry.accountId,
    venue: entry.venue,
    symbol: undefined,
    prefix: '[',
    suffix: ']',
  });
  listenKeys.attach(entry, sink);
}

/**
 * (Re)arms a Toobit key's listenKeyWillExpire pushes after a create or keepalive: the first
 * 5 minutes before `entry.expiresAt`, then every minute while the key lives.
 */
export function armToobitWarnings(
  hub: Hub,
  clock: Clock,
  serverNow: () => number,
  entry: ListenKeyEntry,
): void {
  if (!isToobit(entry.venue)) return;
  const state = stateOf(hub);
  stopToobitWarnings(hub, clock, entry);
  const warn = () => {
    const E = hub.nextE(targetKeyOf(entry.accountId, marketKeyOf(entry.venue)), serverNow());
    const json = JSON.stringify({ eventTime: E, eventType: 'listenKeyWillExpire', listenKey: entry.key });
    // A bare object, past any duplicate/reorder fault (a control notice, as an expiry is).
    for (const s of entry.sinks) s.connection.send(json);
    state.warnings.set(entry, clock.setTimeout(warn, MINUTE));
  };
  const at = entry.expiresAt - TOOBIT_WARN_BEFORE_MS;
  state.warnings.set(entry, clock.setTimeout(warn, Math.max(0, at - clock.now())));
}

/** Stops a key's listenKeyWillExpire pushes (keepalive, close, lapse). */
export function stopToobitWarnings(hub: Hub, clock: Clock, entry: ListenKeyEntry): void {
  const state = states.get(hub);
  const timer = state?.warnings.get(entry);
  if (timer === undefined) return;
  clock.clearTimeout(timer);
  state?.warnings.delete(entry);
}
