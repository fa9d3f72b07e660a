/**
 * Aster spot's user data stream (issue #13 item 2). Aster spot trades on the simulator's spot
 * book; its streams carry that book's events in Aster's documented shapes
 * (https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-spot-api.md at 265e024,
 * checked 2026-12-03, "Payload: ACCOUNT_UPDATE" and "Payload: Order Update"), keys in the
 * documented order:
 * - `outboundAccountPosition`: `B`, `e`, `T` (time of the last account update), `E`, `m` (the
 *   reason). The page shows one reason, WITHDRAW; the simulator says DEPOSIT for the snapshot
 *   that follows a deposit's balanceUpdate and ORDER for one that follows trading (our choice).
 * - `executionReport`: Binance's letters without `r`, `w`, `I`, `M`, `C`, `F`, `g`, plus `ap`
 *   (average price, Z / z to 16 places as in the page's example, "0" before a fill) and `ot`
 *   (the original order type). `c` is the order's own client id (the page has no `C`).
 * - `balanceUpdate` and `listStatus` are not documented for Aster spot and are not sent.
 * Heartbeat ("WebSocket connection limits"): the server pings every 3 minutes and drops a client
 * that has not ponged for 10 minutes. A simulator started with its default (Binance) cadence
 * uses Aster's on Aster spot streams; an explicit pingIntervalMs/pongTimeoutMs applies to all.
 */

import type { HeartbeatOptions } from '../connection.js';
import { divDecimal, fixed, isPositive } from '../engine/decimal-math.js';
import type { Hub } from '../hub.js';
import { DEFAULT_PING_INTERVAL_MS, DEFAULT_PONG_TIMEOUT_MS } from '../options.js';
import type { Sink } from '../sink.js';

/** Aster spot's doors: v1 (API key) and v3 (EIP-712 signed) stream the same shapes. */
export function isAsterSpot(venue: string): boolean {
  return venue === 'aster-spot' || venue === 'aster-spot-v3';
}

/** The last event type each Aster sink was sent, for `m` of the balance snapshot after it. */
const lastType = new WeakMap<Sink, string>();

type Event = Record<string, unknown>;

/** The event in Aster spot's shape, or undefined when Aster spot does not send it. */
export function asterSpotEvent(event: Event, previous: string | undefined): Event | undefined {
  if (event.e === 'outboundAccountPosition') {
    return {
      B: event.B,
      e: event.e,
      T: event.u,
      E: event.E,
      m: previous === 'balanceUpdate' ? 'DEPOSIT' : 'ORDER',
    };
  }
  if (event.e !== 'executionReport') return undefined;
  const z = event.z as string;
  const C = event.C as string | undefined;
  return {
    s: event.s,
    c: C !== undefined && C !== '' ? C : event.c,
    S: event.S,
    o: event.o,
    f: event.f,
    q: event.q,
    p: event.p,
    ap: isPositive(z) ? fixed(divDecimal(event.Z as string, z, 16), 16) : '0',
    P: event.P,
    x: event.x,
    X: event.X,
    i: event.i,
    l: event.l,
    z,
    L: event.L,
    n: event.n,
    N: event.N,
    T: event.T,
    t: event.t,
    m: event.m,
    ot: event.o,
    O: event.O,
    Z: event.Z,
    Y: event.Y,
    Q: event.Q,
    e: event.e,
    E: event.E,
  };
}

/** Delivers one spot-book event to an Aster spot sink, in Aster's shape (or not at all). */
export function deliverAster(hub: Hub, sink: Sink, event: Event): void {
  const type = event.e as string;
  const shaped = asterSpotEvent(event, lastType.get(sink));
  lastType.set(sink, type);
  if (shaped) hub.deliver(sink, JSON.stringify(shaped));
}

const MINUTE = 60_000;

/** Aster spot's server heartbeat, unless the simulator was given a cadence of its own. */
export function asterSpotHeartbeat(
  heartbeat: Omit<HeartbeatOptions, 'lifetimeMs'>,
): Omit<HeartbeatOptions, 'lifetimeMs'> {
  const defaults =
    heartbeat.pingIntervalMs === DEFAULT_PING_INTERVAL_MS &&
    heartbeat.pongTimeoutMs === DEFAULT_PONG_TIMEOUT_MS;
  return defaults ? { ...heartbeat, pingIntervalMs: 3 * MINUTE, pongTimeoutMs: 10 * MINUTE } : heartbeat;
}
