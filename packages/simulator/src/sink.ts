import type { ClockTimer, VenueId } from '@userstream/core';
import type { SimConnection } from './connection.js';
import type { MarketKey } from './venue-map.js';

/** How a sink frames an event: raw stream, combined stream (`{stream, data}`) or WebSocket API (`{subscriptionId, event}`). */
export type SinkKind = 'raw' | 'combined' | 'wsApi';

/** Fault state of a sink that holds frames back to deliver them out of order. */
export interface ReorderState {
  window: number;
  remaining: number;
  buffer: (string | Buffer)[];
  timer: ClockTimer | undefined;
}

/**
 * One destination of an account's events on one connection: a raw listenKey stream, one key of
 * a combined stream, or a WebSocket API subscription. A frame is `prefix + eventJson + suffix`.
 */
export interface Sink {
  readonly kind: SinkKind;
  readonly connection: SimConnection;
  readonly accountId: string;
  readonly venue: VenueId;
  readonly market: MarketKey;
  /** Isolated margin symbol, when the credential is for one. */
  readonly symbol: string | undefined;
  readonly prefix: string;
  readonly suffix: string;
  /**
   * Event types this stream asked for (`/private/ws?listenKey=…&events=A/B`); undefined: all.
   * Control events (`listenKeyExpired`) are always sent.
   */
  readonly events: ReadonlySet<string> | undefined;
  /** `accountId|market`: the target key events are routed and recorded by. */
  readonly targetKey: string;
  /** Next N events are sent twice. */
  duplicate: number;
  reorder: ReorderState | undefined;
}

export function targetKeyOf(accountId: string, market: MarketKey): string {
  return `${accountId}|${market}`;
}
