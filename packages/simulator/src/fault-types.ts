import type { VenueId } from '@userstream/core';
import type { KeepaliveFailure } from './rest.js';
import type { AnnouncementOptions } from './venues/aster-announcement.js';

/*
 * The fault catalogue: what each fault takes and what it answers, as `sim.faults` and
 * `POST /admin/faults` expose them. The controller is faults.ts.
 */

/** Which streams a fault hits: every stream (no fields), or one account (by API key or id), optionally on one venue. */
export interface FaultTarget {
  /** Only the account with this API key. */
  apiKey?: string;
  /** Only the account with this id (`acct-1`, …). */
  accountId?: string;
  /** Matches every venue id of the same book (e.g. `binance-spot` also hits `binance-spot-legacy` streams). */
  venue?: VenueId;
}

/** Which connections a connection fault hits. @default 'all' */
export type ConnectionSelector = 'stream' | 'wsApi' | 'all';

/** Options of `faults.drop()`: which connections end, and how. */
export interface DropOptions extends FaultTarget {
  /** `close`: a close handshake; `terminate`: the TCP socket is destroyed. @default 'close' */
  mode?: 'close' | 'terminate';
  /** Close code for `mode: 'close'`. @default 1001 */
  code?: number;
  /** Raw streams, WebSocket API connections, or both. @default 'all' */
  connections?: ConnectionSelector;
}

export interface StallOptions extends FaultTarget {
  /** Release by itself after this much clock time. @default until released */
  durationMs?: number;
  /** On release, send what the stall held back (`false`: discard it). @default true */
  flush?: boolean;
  /** Raw streams, WebSocket API connections, or both. @default 'all' */
  connections?: ConnectionSelector;
}

export interface ExpireOptions extends FaultTarget {
  /** Only this listenKey. */
  listenKey?: string;
  /** Only this listenToken. */
  listenToken?: string;
}

export interface FailKeepalivesOptions extends FaultTarget {
  /** How many keepalives fail. @default 1 */
  count?: number;
  /** `-1125`: "This listenKey does not exist." (the key stays valid); `5xx`: HTTP 503 -1001; `timeout`: never answered. */
  mode: KeepaliveFailure;
}

export interface HangRequestsOptions extends FaultTarget {
  /** The REST path, e.g. `/sapi/v1/userListenToken`. */
  path: string;
  /** Only this method. @default every method */
  method?: string;
  /** How many requests are never answered. @default 1 */
  count?: number;
}

/** Options of `faults.rateLimit()`. */
export interface RateLimitOptions {
  /** Only this venue's host (weight is per host). @default every host */
  venue?: VenueId;
  /** How long requests get 429 (then 418 if they continue). @default 60000 */
  retryAfterMs?: number;
}

/** Options of `faults.ban()`. */
export interface BanOptions {
  /** Only this venue's host. @default every host */
  venue?: VenueId;
  /** @default 120000 (Binance's shortest ban) */
  durationMs?: number;
}

export interface DuplicateOptions extends FaultTarget {
  /** How many of the next events are each sent twice. @default 1 */
  count?: number;
}

export interface ReorderOptions extends FaultTarget {
  /** Events held back and then sent last-first. @default 3 */
  window?: number;
  /** How many windows in a row. @default 1 */
  windows?: number;
}

export interface ServerShutdownOptions extends FaultTarget {
  /** Close the connections this long (clock ms) after the event. @default they stay open */
  closeAfterMs?: number;
}

/** Options of `faults.refuseConnections()`: new WebSocket connections are refused until released. */
export interface RefuseOptions {
  /** @default until released */
  durationMs?: number;
  /** `reject`: HTTP 503 to the upgrade request; `reset`: the TCP socket is destroyed. @default 'reject' */
  mode?: 'reject' | 'reset';
}

/** A fault as the admin endpoint takes it: `{"type": "drop", ...options}`. */
export type FaultSpec =
  | ({
      /** Which fault (the method of `sim.faults` of the same name). */
      type: 'drop';
    } & DropOptions)
  | ({
      /** Selects the `stall` fault. */
      type: 'stall';
    } & StallOptions)
  | {
      /** Ends lasting faults. */
      type: 'release';
      /** The fault to end (from its result); every lasting fault without it. */
      id?: number;
    }
  | ({
      /** Selects the `expire` fault. */
      type: 'expire';
    } & ExpireOptions)
  | ({
      /** Selects the `failKeepalives` fault. */
      type: 'failKeepalives';
    } & FailKeepalivesOptions)
  | ({
      /** Selects the `hangRequests` fault. */
      type: 'hangRequests';
    } & HangRequestsOptions)
  | ({
      /** Selects the `rateLimit` fault. */
      type: 'rateLimit';
    } & RateLimitOptions)
  | ({
      /** Selects the `ban` fault. */
      type: 'ban';
    } & BanOptions)
  | {
      /** Moves server time. */
      type: 'skewClock';
      /** The skew, ms (absolute, not cumulative; negative is behind). */
      ms: number;
    }
  | ({
      /** Selects the `malformedFrame` fault. */
      type: 'malformedFrame';
    } & FaultTarget)
  | ({
      /** Selects the `unknownEvent` fault. */
      type: 'unknownEvent';
    } & FaultTarget)
  | ({
      /** Selects the `duplicate` fault. */
      type: 'duplicate';
    } & DuplicateOptions)
  | ({
      /** Selects the `reorder` fault. */
      type: 'reorder';
    } & ReorderOptions)
  | ({
      /** Selects the `serverShutdown` fault. */
      type: 'serverShutdown';
    } & ServerShutdownOptions)
  | ({
      /** Selects the `eventStreamTerminated` fault. */
      type: 'eventStreamTerminated';
    } & FaultTarget)
  | ({
      /** Selects the `refuseConnections` fault. */
      type: 'refuseConnections';
    } & RefuseOptions)
  | {
      /** Selects `clear`. */
      type: 'clear';
    };

/** The name of a fault (`drop`, `stall`, …): the `type` of a {@link FaultSpec}. */
export type FaultType = FaultSpec['type'];

/** A fault that lasts until released (stall, refuseConnections, failKeepalives, hangRequests). */
export interface FaultHandle {
  /** The fault's id (for `{"type": "release", "id": …}` on the admin endpoint). */
  readonly id: number;
  /** Which fault it is. */
  readonly type: FaultType;
  /** Ends the fault now. Safe to call twice. */
  release(): void;
}

/** What `apply` (and the admin endpoint) returns. */
export interface FaultResult {
  /** The fault's id (lasting faults can be released by it). */
  readonly id: number;
  /** Which fault was applied. */
  readonly type: FaultType;
  /** Connections, streams, keys or subscriptions the fault touched. */
  readonly affected: number;
}

/** Misbehaviour on demand. Every method can target all streams or one account (+ venue). */
export interface Faults {
  /** Applies a fault described as data (what `POST /admin/faults` does). */
  apply(spec: FaultSpec): FaultResult;
  /** Drops matching connections (clean close or abrupt terminate). Returns how many. */
  drop(options?: DropOptions): number;
  /** Stalls matching connections: no data, no pings, no pongs, requests unread. */
  stall(options?: StallOptions): FaultHandle;
  /** Expires matching listenKeys and listenTokens now. Returns how many. */
  expire(options?: ExpireOptions): number;
  /** Makes the next `count` keepalives (PUT) of matching listenKeys fail. */
  failKeepalives(options: FailKeepalivesOptions): FaultHandle;
  /**
   * Never answers the next `count` requests to one REST path (after their checks pass): only the
   * client's own timeout or abort ends them. Held requests end when the simulator closes.
   */
  hangRequests(options: HangRequestsOptions): FaultHandle;
  /** Requests get 429 with Retry-After; continuing earns a 418 ban. */
  rateLimit(options?: RateLimitOptions): void;
  /** Requests get 418 with Retry-After. */
  ban(options?: BanOptions): void;
  /** Moves server time (serverTime, timestamps checks, event times) by `ms` (absolute, not cumulative). */
  skewClock(ms: number): void;
  /** The current server time skew, ms (0 without `skewClock`). */
  readonly skewMs: number;
  /** Sends a truncated JSON frame on matching streams. Returns the streams written to. */
  malformedFrame(options?: FaultTarget): number;
  /** Sends a well-formed event of a type no venue defines. */
  unknownEvent(options?: FaultTarget): number;
  /**
   * Sends Aster's `announcement` (no `E`) on matching Aster futures v3 streams: public
   * (`NEW_LISTING`) or direct (`DIRECT`); name an account for a direct one. Returns the streams written to.
   */
  announce(options?: FaultTarget & AnnouncementOptions): number;
  /** Sends each of the next `count` events twice on matching streams. */
  duplicate(options?: DuplicateOptions): number;
  /** Delivers the next `window` events on matching streams last-first. */
  reorder(options?: ReorderOptions): number;
  /** Sends `serverShutdown` on matching WebSocket API connections. */
  serverShutdown(options?: ServerShutdownOptions): number;
  /** Ends matching WebSocket API subscriptions with `eventStreamTerminated`. */
  eventStreamTerminated(options?: FaultTarget): number;
  /** Refuses new WebSocket connections (503 or a reset) until released. */
  refuseConnections(options?: RefuseOptions): FaultHandle;
  /** Releases every fault: stalls, refusals, pending keepalive failures, rate limits, skew. */
  clear(): void;
  /** Faults in force, for `GET /admin/state`. */
  active(): readonly {
    /** The fault's id. */
    id: number;
    /** Which fault. */
    type: FaultType;
  }[];
}
