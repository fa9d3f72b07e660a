import type { HeartbeatOptions } from './connection.js';
import { VenueCode } from './engine/index.js';
import type { Hub } from './hub.js';
import type { ListenKeyEntry, ListenKeys } from './listen-keys.js';
import { RISK_STREAM_EVENTS } from './record-view.js';
import { profileOf } from './venue-map.js';
import { asterSpotHeartbeat, isAsterSpot } from './venues/aster-spot.js';
import { isBitrue, openBitrueStream } from './venues/bitrue.js';
import { openMexcStream } from './venues/mexc-stream.js';
import { isToobit, openToobitStream } from './venues/toobit.js';

/** `/ws/<key>` under any prefix (`/private`, `/pm`, `/openapi`). */
const RAW_PATH = /^(?:\/[A-Za-z0-9_-]+)*\/ws\/([A-Za-z0-9]{1,128})\/?$/;
/**
 * `/ws` under any prefix with `?listenKey=<key>[&events=<type>/<type>…]`: the form Binance's USD-M
 * `/private` routing documents besides `/private/ws/<key>`.
 */
const QUERY_PATH = /^(?:\/[A-Za-z0-9_-]+)*\/ws\/?$/;
/** `/stream` under any prefix, with `?streams=<key>[/<key>…]`. */
const COMBINED_PATH = /^(?:\/[A-Za-z0-9_-]+)*\/stream\/?$/;

export type StreamRoute =
  | {
      readonly ok: true;
      readonly kind: 'raw' | 'combined';
      readonly entries: readonly ListenKeyEntry[];
      /** Per entry (same order): event types asked for with that key's `events=`; undefined: all. */
      readonly events: readonly (ReadonlySet<string> | undefined)[];
    }
  | { readonly ok: false; readonly status: number; readonly body: string };

/** True when a path is a raw or combined stream path. */
export function isStreamPath(pathname: string): boolean {
  return RAW_PATH.test(pathname) || QUERY_PATH.test(pathname) || COMBINED_PATH.test(pathname);
}

/**
 * Resolves a stream URL to the listenKeys it reads. An unknown or expired key is refused at the
 * upgrade with HTTP 400 and the -1125 body (the simulator's choice: it gives clients a definite
 * answer instead of a silent socket).
 */
export function routeStream(url: URL, listenKeys: ListenKeys): StreamRoute {
  const raw = RAW_PATH.exec(url.pathname);
  const keys: string[] = [];
  const filters: (ReadonlySet<string> | undefined)[] = [];
  let kind: 'raw' | 'combined';
  if (raw) {
    kind = 'raw';
    keys.push(raw[1] as string);
  } else if (
    (QUERY_PATH.test(url.pathname) || COMBINED_PATH.test(url.pathname)) &&
    url.searchParams.has('listenKey')
  ) {
    // USD-M's `/private` forms: `/ws?listenKey=K&events=A/B` (one key, raw frames) and
    // `/stream?listenKey=K1&events=A&listenKey=K2&events=B` (several keys, each `events=`
    // belonging to the key before it, frames in the `{stream,data}` envelope).
    kind = COMBINED_PATH.test(url.pathname) ? 'combined' : 'raw';
    for (const [name, value] of url.searchParams) {
      if (name === 'listenKey') {
        if (!/^[A-Za-z0-9]{1,128}$/.test(value)) return notFound('listenKey= must be a listenKey');
        if (keys.includes(value)) return notFound('each listenKey= may appear once');
        keys.push(value);
        filters.push(undefined);
      } else if (name === 'events') {
        if (keys.length === 0) return notFound('events= must follow a listenKey=');
        filters[keys.length - 1] = new Set(value.split('/').filter((t) => t !== ''));
      }
    }
    if (kind === 'raw' && keys.length > 1) return notFound('several listenKeys need /stream');
  } else if (COMBINED_PATH.test(url.pathname)) {
    kind = 'combined';
    const streams = url.searchParams.get('streams') ?? '';
    for (const key of streams.split('/')) if (key) keys.push(key);
    if (keys.length === 0) return notFound('streams= must name at least one listenKey');
  } else {
    return notFound('unknown stream path');
  }
  const entries: ListenKeyEntry[] = [];
  for (const key of keys) {
    const entry = listenKeys.get(key);
    if (!entry)
      return {
        ok: false,
        status: 400,
        body: JSON.stringify({ code: VenueCode.ListenKeyNotFound, msg: 'This listenKey does not exist.' }),
      };
    entries.push(entry);
  }
  return { ok: true, kind, entries, events: entries.map((_, i) => filters[i]) };
}

function notFound(msg: string): StreamRoute {
  return {
    ok: false,
    status: 404,
    body: JSON.stringify({ code: VenueCode.Unknown, msg: `@userstream/simulator: ${msg}` }),
  };
}

/** Opens a raw or combined stream connection and attaches a sink per listenKey. */
export function openStream(
  ws: import('ws').WebSocket,
  route: Extract<StreamRoute, { ok: true }>,
  hub: Hub,
  listenKeys: ListenKeys,
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>,
): void {
  const first = route.entries[0] as ListenKeyEntry;
  // MEXC: subscriptions, JSON PING/PONG and protobuf pushes (venues/mexc-stream.ts).
  if (first.venue === 'mexc' && route.entries.length === 1) {
    openMexcStream(ws, first, hub, listenKeys, heartbeat);
    return;
  }
  // Toobit: array frames, JSON ping/pong, a drop after 5 silent minutes (venues/toobit.ts).
  if (isToobit(first.venue) && route.entries.length === 1) {
    openToobitStream(ws, first, hub, listenKeys, heartbeat);
    return;
  }
  // Bitrue: per-channel subscriptions, gzip frames, JSON pings (venues/bitrue.ts).
  if (isBitrue(first.venue) && route.entries.length === 1) {
    openBitrueStream(ws, first, hub, listenKeys, heartbeat);
    return;
  }
  const lifetimeMs = profileOf(first.venue).timing.connectionLifetimeMs;
  const attached: { key: string; sink: import('./sink.js').Sink }[] = [];
  // Aster spot pings on its own cadence (venues/aster-spot.ts).
  const beat = isAsterSpot(first.venue) ? asterSpotHeartbeat(heartbeat) : heartbeat;
  const connection = hub.openConnection(ws, 'stream', { ...beat, lifetimeMs }, () => {
    for (const { key, sink } of attached) listenKeys.detach(sink, key);
  });
  for (const [i, entry] of route.entries.entries()) {
    // A key may have lapsed between routing and the upgrade completing.
    if (listenKeys.get(entry.key) !== entry) continue;
    const sink = hub.addSink({
      kind: route.kind,
      connection,
      accountId: entry.accountId,
      venue: entry.venue,
      symbol: entry.symbol,
      prefix: route.kind === 'combined' ? `{"stream":${JSON.stringify(entry.key)},"data":` : '',
      suffix: route.kind === 'combined' ? '}' : '',
      events: entry.venue === 'binance-margin-risk' ? RISK_STREAM_EVENTS : route.events[i],
    });
    listenKeys.attach(entry, sink);
    attached.push({ key: entry.key, sink });
  }
  if (attached.length === 0) connection.close(1000, 'listenKey expired');
}
