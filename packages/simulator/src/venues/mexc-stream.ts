/**
 * MEXC's user data WebSocket (issue #13 item 1), as documented at
 * https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams (checked 2026-12-03):
 * - `wss://wbs-api.mexc.com/ws?listenKey=<key>`; nothing is pushed until the client sends
 *   `{"method":"SUBSCRIPTION","params":[<channels>]}`, acknowledged with
 *   `{"id":0,"code":0,"msg":"<channels joined by ,>"}`;
 * - `{"method":"PING"}` is answered with `{"id":0,"code":0,"msg":"PONG"}`;
 * - the server drops a connection that has no subscription 30 s after it opened, and one that
 *   has carried no data (pushes or client messages) for 60 s;
 * - at most 5 connections per listenKey. The docs do not say how a sixth is refused: the
 *   simulator accepts the upgrade and closes it at once with 1008 (policy violation), the
 *   choice written down here;
 * - event frames are binary protobuf (mexc.ts); acks and PONG are JSON text.
 * MEXC documents no `listenKeyExpired` push: when a key lapses its connections just close.
 */
import type { Clock, ClockTimer } from '@userstream/core';
import type { HeartbeatOptions, SimConnection } from '../connection.js';
import type { Hub } from '../hub.js';
import type { ListenKeyEntry, ListenKeys } from '../listen-keys.js';
import type { Sink } from '../sink.js';
import { profileOf } from '../venue-map.js';
import { MEXC_CHANNELS, mexcPushes } from './mexc.js';

export const MEXC_SUBSCRIBE_WITHIN_MS = 30_000;
export const MEXC_IDLE_MS = 60_000;
export const MEXC_CONNECTIONS_PER_KEY = 5;

const KNOWN_CHANNELS: ReadonlySet<string> = new Set(Object.values(MEXC_CHANNELS));

interface Session {
  readonly connection: SimConnection;
  readonly channels: Set<string>;
  readonly clock: Clock;
  lastData: number;
}

/** Per simulator (its ListenKeys): sessions by sink, connections per key, balances per account. */
interface MexcState {
  readonly sessions: WeakMap<Sink, Session>;
  readonly perKey: Map<string, number>;
  readonly balances: Map<string, Map<string, { free: string; locked: string }>>;
}
const states = new WeakMap<object, MexcState>();

function stateOf(owner: object): MexcState {
  let state = states.get(owner);
  if (!state) {
    state = { sessions: new WeakMap(), perKey: new Map(), balances: new Map() };
    states.set(owner, state);
  }
  return state;
}

/** Opens a MEXC user data connection for `entry` (the route already checked the key). */
export function openMexcStream(
  ws: import('ws').WebSocket,
  entry: ListenKeyEntry,
  hub: Hub,
  listenKeys: ListenKeys,
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>,
): void {
  const clock = hub.clock;
  const state = stateOf(hub);
  const lifetimeMs = profileOf(entry.venue).timing.connectionLifetimeMs;
  let sink: Sink | undefined;
  let timer: ClockTimer | undefined;
  const count = state.perKey.get(entry.key) ?? 0;
  const over = count >= MEXC_CONNECTIONS_PER_KEY;
  if (!over) state.perKey.set(entry.key, count + 1);
  const connection = hub.openConnection(ws, 'stream', { ...heartbeat, lifetimeMs }, () => {
    if (timer) clock.clearTimeout(timer);
    timer = undefined;
    if (sink) listenKeys.detach(sink, entry.key);
    if (over) return;
    const left = (state.perKey.get(entry.key) ?? 1) - 1;
    if (left <= 0) state.perKey.delete(entry.key);
    else state.perKey.set(entry.key, left);
  });
  if (over) {
    connection.close(1008, 'too many connections for this listenKey');
    return;
  }
  const session: Session = { connection, channels: new Set(), clock, lastData: clock.now() };
  // 30 s to subscribe, then 60 s without data: one timer, re-armed from the last data.
  const arm = (at: number) => {
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        if (connection.ended) return;
        if (session.channels.size === 0) {
          connection.close(1000, 'no subscription');
          return;
        }
        const idle = clock.now() - session.lastData;
        if (idle >= MEXC_IDLE_MS) connection.close(1000, 'no data');
        else arm(session.lastData + MEXC_IDLE_MS);
      },
      Math.max(0, at - clock.now()),
    );
  };
  arm(clock.now() + MEXC_SUBSCRIBE_WITHIN_MS);
  connection.onMessage((text) => {
    session.lastData = clock.now();
    let request: { method?: unknown; params?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      connection.send('{"id":0,"code":0,"msg":"Not Subscribed successfully! [] Reason： Invalid request"}');
      return;
    }
    const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
    if (method === 'PING') {
      connection.send('{"id":0,"code":0,"msg":"PONG"}');
      return;
    }
    const params = Array.isArray(request.params) ? request.params.filter((p) => typeof p === 'string') : [];
    if (method === 'SUBSCRIPTION' || method === 'UNSUBSCRIPTION') {
      const known = params.filter((p) => KNOWN_CHANNELS.has(p));
      for (const channel of known) {
        if (method === 'SUBSCRIPTION') session.channels.add(channel);
        else session.channels.delete(channel);
      }
      connection.send(JSON.stringify({ id: 0, code: 0, msg: known.join(',') }));
      if (
        method === 'SUBSCRIPTION' &&
        !sink &&
        session.channels.size > 0 &&
        listenKeys.get(entry.key) === entry
      ) {
        sink = hub.addSink({
          kind: 'raw',
          connection,
          accountId: entry.accountId,
          venue: entry.venue,
          symbol: undefined,
          prefix: '',
          suffix: '',
        });
        state.sessions.set(sink, session);
        listenKeys.attach(entry, sink);
      }
    }
  });
}

/**
 * The hub's MEXC path: the pushes of `event` (built once per event and account), written to the
 * sink's subscribed channels as binary frames. Returns the pushes for the next MEXC sink.
 */
export function deliverMexc(
  hub: Hub,
  sink: Sink,
  event: Record<string, unknown>,
  built: { channel: string; frame: Buffer }[] | undefined,
): { channel: string; frame: Buffer }[] {
  const state = stateOf(hub);
  let balances = state.balances.get(sink.accountId);
  if (!balances) {
    balances = new Map();
    state.balances.set(sink.accountId, balances);
  }
  const pushes = built ?? mexcPushes(event, balances);
  const session = state.sessions.get(sink);
  if (!session) return pushes;
  for (const push of pushes) {
    if (!session.channels.has(push.channel)) continue;
    session.lastData = session.clock.now();
    hub.deliverFrame(sink, push.frame);
  }
  return pushes;
}
