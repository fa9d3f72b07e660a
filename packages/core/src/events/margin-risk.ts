/**
 * Cross margin risk events: the risk data stream (`/sapi/v1/margin/listen-key`,
 * `wss://margin-stream.binance.com`), which also appear on the cross margin user data stream.
 * Sources: developers.binance.com/docs/margin_trading/risk-data-stream/Event-Margin-Call and
 * Event-Liability-Update; field list also in the margin trading WebSocket schema catalog
 * (developers.binance.com/en/docs/catalog/core-trading-margin-trading/api/ws-streams/~schemas).
 */
import { z } from 'zod';
import { decimal, int } from './common.js';

export const marginLevelStatusChangeSchema = z.object({
  e: z.literal('MARGIN_LEVEL_STATUS_CHANGE'),
  /** Event time. */
  E: int,
  /** Margin level. */
  l: decimal,
  /** Margin level status: EXCESSIVE, NORMAL, MARGIN_CALL, PRE_LIQUIDATION, FORCE_LIQUIDATION. */
  s: z.string(),
});
/** Cross margin `MARGIN_LEVEL_STATUS_CHANGE` (margin call): l margin level, s status. */
export type MarginLevelStatusChange = z.infer<typeof marginLevelStatusChangeSchema>;

export const userLiabilityChangeSchema = z.object({
  e: z.literal('USER_LIABILITY_CHANGE'),
  /** Event time. */
  E: int,
  /** Asset. */
  a: z.string(),
  /** Liability update type: BORROW, REPAY, INTEREST… */
  t: z.string(),
  /** Principal quantity. */
  p: decimal,
  /** Interest quantity. */
  i: decimal,
});
/** Cross margin `USER_LIABILITY_CHANGE` (borrow, repay, interest): a asset, t type, p principal, i interest. */
export type UserLiabilityChange = z.infer<typeof userLiabilityChangeSchema>;
