import type { VenueId } from '@userstream/core';
import type { MarketKey } from './markets.js';

/** What the market engines need from the exchange: time, prices, ids and an outbox. */
export interface EngineContext {
  now(): number;
  price(symbol: string): string;
  nextOrderId(): number;
  nextTradeId(): number;
  nextExecutionId(): number;
  /** A generated client order id (digits only for BHEX, whose ids are numbers on the wire). */
  clientOrderId(numeric: boolean): string;
  random(): number;
  /**
   * Queues one event for the stream of (account, market[, isolated symbol]). `E` is assigned
   * when the queue is flushed, after the operation has committed its state.
   */
  send(
    accountId: string,
    market: MarketKey,
    symbol: string | undefined,
    event: Record<string, unknown>,
  ): void;
  /** Queues one event for a venue that has no engine market (binance-options). */
  sendVenue(accountId: string, venue: VenueId, event: Record<string, unknown>): void;
}

export type Side = 'BUY' | 'SELL';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

/** Commission rate on every fill (0.1 %), taken from what the account receives. */
export const COMMISSION_RATE = '0.001';
