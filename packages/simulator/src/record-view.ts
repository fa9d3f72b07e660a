import type { VenueId } from '@userstream/core';
import { isPortfolioMarginOnly, portfolioMarginText } from './engine/index.js';
import type { RecordedEvent } from './record.js';
import { marketKeyOf } from './venue-map.js';

/**
 * The cross-margin risk data stream carries the margin account's risk events only, never its
 * trades and balances (https://developers.binance.com/docs/margin_trading/risk-data-stream).
 */
export const RISK_STREAM_EVENTS: ReadonlySet<string> = new Set([
  'MARGIN_LEVEL_STATUS_CHANGE',
  'USER_LIABILITY_CHANGE',
]);

/**
 * A book's recorded events as one venue's streams were sent them (the risk data stream: its
 * risk events only). Venues that share a book do
 * not share a dialect: portfolio margin gets the USD-M book's events with `fs` (and `ALGO_UPDATE`
 * with `ao`), and events only portfolio margin carries skip the USD-M streams. The hub writes
 * each stream its own text; a consumer comparing what arrived with the record (the chaos suite,
 * the demo's audit) must see that same text, or every PM event looks lost.
 */
export function recordedFor(venue: VenueId, events: readonly RecordedEvent[]): readonly RecordedEvent[] {
  if (venue === 'binance-margin-risk') return events.filter((r) => RISK_STREAM_EVENTS.has(r.e));
  // PM-only types are PM's on the USD-M book alone: a spot book's executionReport is its own.
  if (marketKeyOf(venue) !== 'usdm') return events;
  const pm = venue === 'binance-portfolio-margin';
  const pmOnly = (r: RecordedEvent) => isPortfolioMarginOnly(r.event ?? { e: r.e });
  if (!pm && !events.some(pmOnly)) return events;
  const out: RecordedEvent[] = [];
  for (const r of events) {
    if (!pm) {
      if (!pmOnly(r)) out.push(r);
      continue;
    }
    // liabilityChange's T is beyond 2^53: its text cannot go through JSON.parse; the record keeps
    // the engine's own payload for it.
    const text =
      r.event === undefined || r.e === 'liabilityChange' ? undefined : portfolioMarginText(r.event);
    out.push(text === undefined ? r : { ...r, event: JSON.parse(text) as Record<string, unknown> });
  }
  return out;
}
