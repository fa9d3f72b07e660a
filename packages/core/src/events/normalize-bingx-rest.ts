/**
 * BingX perpetual swap's REST positions in the common snapshot shape (issue #13 leftovers), read
 * where the shared REST position normalizer meets a BingX body (normalize-positions.ts).
 * GET /openApi/swap/v2/user/positions (https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account,
 * checked 2026-12-03) answers `{code, msg, data: [position…]}`; the REST client takes the envelope
 * off. BingX's field list page is not in the search store: the fields are those of
 * JKorf/BingX.Net's BingXPosition model: `positionId, symbol, currency, positionAmt, availableAmt,
 * positionSide, isolated (boolean), avgPrice, initialMargin, leverage, unrealizedProfit,
 * realisedProfit, liquidationPrice`. Choices where that leaves gaps:
 * - the entry price is `avgPrice`, the margin type `isolated` as `isolated`/`cross`;
 * - no update time is listed: one sent (`updateTime`) is read, else 0 (older than any push, so a
 *   replayed push restates the position);
 * - the snapshot's amount is signed (negative is short): a hedge-mode SHORT sent with a positive
 *   `positionAmt` is negated; one-way (`BOTH`) amounts are taken as sent.
 */
import { isDecimal, isZeroDecimal } from '../decimal.js';
import type { PositionSnapshot } from './normalize-positions.js';

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** True for a BingX swap position object (`positionAmt` with `avgPrice`, no `entryPrice`). */
export function isBingxRestPosition(body: Readonly<Record<string, unknown>>): boolean {
  return body.positionAmt !== undefined && body.avgPrice !== undefined && body.entryPrice === undefined;
}

/** A BingX swap position object as a {@link PositionSnapshot}. */
export function bingxRestPosition(body: Readonly<Record<string, unknown>>): PositionSnapshot {
  const side = text(body.positionSide) || 'BOTH';
  const amount = text(body.positionAmt);
  const isolated = body.isolated === true || body.isolated === 'true';
  return {
    book: undefined,
    symbol: text(body.symbol),
    positionSide: side,
    // The venue's digits kept: only a sign is added.
    positionAmount:
      side === 'SHORT' && isDecimal(amount) && !amount.startsWith('-') && !isZeroDecimal(amount)
        ? `-${amount.replace(/^\+/, '')}`
        : amount,
    entryPrice: text(body.avgPrice),
    unrealizedPnl: text(body.unrealizedProfit),
    marginType: isolated ? 'isolated' : 'cross',
    isolatedWallet: '0',
    updateTime: typeof body.updateTime === 'number' ? body.updateTime : Number(body.updateTime ?? 0) || 0,
  };
}
