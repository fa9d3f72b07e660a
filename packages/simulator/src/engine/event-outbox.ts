import type { Clock, Logger, VenueId } from '@userstream/core';
import type { ExchangeEmit, ExchangeTarget } from './exchange-options.js';
import { CANONICAL_VENUE, type MarketKey } from './markets.js';

interface Queued {
  accountId: string;
  market: MarketKey;
  symbol: string | undefined;
  event: Record<string, unknown>;
  /** A venue with no engine market of its own (binance-options): addressed directly. */
  venue?: VenueId;
}

/**
 * The events of one operation, held until it has committed its state, then stamped with the
 * exchange's `E` and handed to `emit` in order.
 */
export class EventOutbox {
  readonly #clock: Clock;
  readonly #emit: ExchangeEmit;
  readonly #logger: Logger | undefined;
  readonly #queue: Queued[] = [];
  /** Last `E` per stream (account + market + isolated pair). */
  readonly #lastE = new Map<string, number>();

  constructor(clock: Clock, emit: ExchangeEmit, logger: Logger | undefined) {
    this.#clock = clock;
    this.#emit = emit;
    this.#logger = logger;
  }

  /** Queues one event for the stream of (account, market[, isolated symbol]). */
  send(
    accountId: string,
    market: MarketKey,
    symbol: string | undefined,
    event: Record<string, unknown>,
  ): void {
    this.#queue.push({ accountId, market, symbol, event });
  }

  /** Queues one event for the streams of a venue that has no market key (binance-options). */
  sendVenue(accountId: string, venue: VenueId, event: Record<string, unknown>): void {
    this.#queue.push({ accountId, market: 'usdm', symbol: undefined, event, venue });
  }

  /** Stamps and emits every queued event; an `emit` that throws is logged and costs no other event. */
  flush(): void {
    while (this.#queue.length > 0) {
      const { accountId, market, symbol, event, venue } = this.#queue.shift() as Queued;
      const key = `${accountId}\u0000${venue ?? market}\u0000${symbol ?? ''}`;
      // The exchange's millisecond clock: every event of one operation (a matching step and the
      // account update it causes) carries the same E; E never goes backwards on a stream, but it
      // is not unique (a sequence number would hide what clients must cope with).
      const last = this.#lastE.get(key) ?? Number.NEGATIVE_INFINITY;
      const E = Math.max(this.#clock.now(), last);
      this.#lastE.set(key, E);
      event.E = E;
      const target: ExchangeTarget = { accountId, venue: venue ?? CANONICAL_VENUE[market] };
      if (symbol !== undefined) target.symbol = symbol;
      try {
        this.#emit(target, event);
      } catch (error) {
        this.#logger?.error(
          {
            err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
            event: event.e,
          },
          '@userstream/simulator: emit threw; the engine carried on',
        );
      }
    }
  }
}
