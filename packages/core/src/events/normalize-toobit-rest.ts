/**
 * Toobit USDT-M's REST objects in the common snapshot shapes (issue #13 item 4), read where the
 * shared REST normalizers meet a Toobit body (normalize-positions.ts, normalize-orders.ts).
 * https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (checked 2026-12-03):
 * - GET /api/v1/futures/positions: `[{symbol, side: LONG|SHORT, avgPrice, position (contracts,
 *   unsigned), available, leverage, lastPrice, positionValue, flp, margin, marginRate,
 *   unrealizedPnL, profitRate, realizedPnL}]`, no update time and no margin type: the position is
 *   signed as its push is (normalize-toobit.ts), its time is 0 (older than any event, so a
 *   replayed push restates it) and its margin type "" (the mirror compares amounts and prices).
 * - GET /api/v1/futures/openOrders: Binance's order letters (`orderId`, `clientOrderId`, `price`,
 *   `origQty`, `executedQty`, `time`, `updateTime`, `status`), but `side` is BUY_OPEN, SELL_OPEN,
 *   BUY_CLOSE or SELL_CLOSE where the order push says BUY or SELL (and `C` for a close).
 */
import { isDecimal, subDecimal } from '../decimal.js';
import type { PositionSnapshot } from './normalize-positions.js';

/** A Toobit position side's unsigned size, signed: SHORT is negative ("0" stays "0"). */
export function signedToobitSize(side: string, size: string): string {
  return side === 'SHORT' && isDecimal(size) ? subDecimal('0', size) : size;
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** True for a Toobit position object (`side` and `position`, no `positionAmt`). */
export function isToobitRestPosition(body: Readonly<Record<string, unknown>>): boolean {
  return (
    body.positionAmt === undefined &&
    body.position !== undefined &&
    (body.side === 'LONG' || body.side === 'SHORT')
  );
}

/** A Toobit position object as a {@link PositionSnapshot}. */
export function toobitRestPosition(body: Readonly<Record<string, unknown>>): PositionSnapshot {
  const side = text(body.side);
  return {
    book: undefined,
    symbol: text(body.symbol),
    positionSide: side,
    positionAmount: signedToobitSize(side, text(body.position)),
    entryPrice: text(body.avgPrice),
    unrealizedPnl: text(body.unrealizedPnL),
    marginType: '',
    isolatedWallet: '0',
    updateTime: 0,
  };
}

const FUTURES_SIDE = /^(BUY|SELL)_(?:OPEN|CLOSE)$/;

/** An order's side as its push names it: Toobit's `BUY_OPEN` is `BUY`; any other side as sent. */
export function restOrderSide(side: unknown): string {
  const s = text(side);
  return FUTURES_SIDE.exec(s)?.[1] ?? s;
}
