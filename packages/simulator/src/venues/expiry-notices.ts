/**
 * What a venue pushes when a listenKey lapses (issue #13, per-venue expiry notices). The
 * simulator used to send Binance's `listenKeyExpired`, key included, on every stream; each venue
 * now gets what its docs describe, and a venue whose user-data pages name no expiry push gets
 * none (its connection just closes, as MEXC's and Toobit's already did).
 * - Binance and the venues played as Binance: `listenKeyExpired` with the key
 *   (listen-keys.ts, `listenKeyExpiredEvent`).
 * - BHEX (github.com/bhexopen/BHEX-OpenApi doc/user-data-stream.md: outboundAccountInfo and
 *   executionReport only), Coins.ph and its sisters (coins-docs.github.io/user-data-stream:
 *   outboundAccountPosition, balanceUpdate, executionReport), Aster spot v1 and v3
 *   (github.com/asterdex/api-docs at 265e024: account and order payloads only), MEXC: none.
 * - Aster futures v3 (V3(Recommended)/EN/aster-finance-futures-api-v3.md, "Event: User Data
 *   Stream Expired"): `{"e":"listenKeyExpired","E":<number>}`, no key. Aster futures v1 shares
 *   USD-M's paths and header, so the simulator cannot tell it apart and sends USD-M's.
 * Checked 2026-12-03.
 */
import type { VenueId } from '@userstream/core';
import { listenKeyExpiredEvent } from '../listen-keys.js';

const SILENT: ReadonlySet<string> = new Set([
  'mexc',
  'bhex',
  'coins-ph',
  'coins-xyz',
  'coins-th',
  'aster-spot',
  'aster-spot-v3',
  // BingX spot's pages list order and balance pushes only (BingX swap documents listenKeyExpired).
  'bingx-spot',
  // Toobit (api-docs.toobit.com spot and USDT-M websocket-account pages): listenKeyWillExpire
  // before the lapse (venues/toobit.ts), nothing at it.
  'toobit-spot',
  'toobit-usdm',
  // Bitrue's page documents order and balance pushes only.
  'bitrue-spot',
]);

/** The text frame a lapsed key's stream gets on `venue`, or undefined for none (a close only). */
export function expiryNotice(venue: VenueId, E: number, listenKey: string): string | undefined {
  if (SILENT.has(venue)) return undefined;
  if ((venue as string) === 'aster-futures-v3') return JSON.stringify({ e: 'listenKeyExpired', E });
  return JSON.stringify(listenKeyExpiredEvent(venue, E, listenKey));
}
