/**
 * Coins.ph user data events (coins-docs.github.io/user-data-stream, "Web Socket Payloads").
 * Same letters as Binance spot, fewer fields, plus sub-account extras (`em`, `BS`, `BI`).
 */
import { z } from 'zod';
import { assetBalance, decimal, int } from './common.js';

export const coinsOutboundAccountPositionSchema = z.object({
  e: z.literal('outboundAccountPosition'),
  /** Event time. */
  E: int,
  /** Account last update time. */
  u: int,
  /** Balance snapshot of the changed assets. */
  B: z.array(assetBalance),
  /** Account email (whitelisted master accounts, sub-account changes only). */
  em: z.string().optional(),
});
/** Coins.ph `outboundAccountPosition`: u last update time, B balances [{a, f, l}], em sub-account email. */
export type CoinsOutboundAccountPosition = z.infer<typeof coinsOutboundAccountPositionSchema>;

export const coinsBalanceUpdateSchema = z.object({
  e: z.literal('balanceUpdate'),
  /** Event time. */
  E: int,
  /** Asset. */
  a: z.string(),
  /** Balance delta. */
  d: decimal,
  /** Clear time. */
  T: int,
  /** Business type, e.g. CHAIN_DEPOSIT, TRADE, FEE, CONVERT. */
  BS: z.string().optional(),
  /** Account email (whitelisted master accounts, sub-account changes only). */
  em: z.string().optional(),
  /** Business serial number (whitelisted master accounts, sub-account changes only). */
  BI: z.string().optional(),
});
/** Coins.ph `balanceUpdate` (transfer, deposit, withdrawal): a asset, d delta, T clear time, BS business type. */
export type CoinsBalanceUpdate = z.infer<typeof coinsBalanceUpdateSchema>;

export const coinsExecutionReportSchema = z.object({
  e: z.literal('executionReport'),
  /** Event time. */
  E: int,
  /** Symbol. */
  s: z.string(),
  /** Client order id. */
  c: z.string(),
  /** Side. */
  S: z.string(),
  /** Order type. */
  o: z.string(),
  /** Time in force. */
  f: z.string(),
  /** Order quantity. */
  q: decimal,
  /** Order price. */
  p: decimal,
  /** Stop price. */
  P: decimal,
  /** Current execution type. */
  x: z.string(),
  /** Current order status. */
  X: z.string(),
  /** Order reject reason. */
  r: z.string(),
  /** Order id. Coins.ph ids exceed 2^53: JSON.parse rounds them (see the fixtures README). */
  i: int,
  /** Last executed quantity. */
  l: decimal,
  /** Cumulative filled quantity. */
  z: decimal,
  /** Last executed price. */
  L: decimal,
  /** Commission amount. */
  n: decimal,
  /** Commission asset, null when none. */
  N: z.string().nullable(),
  /** Transaction time (-1 when none). */
  T: int,
  /** Trade id (-1 when none). */
  t: int,
  /** Is the order on the book? */
  w: z.boolean(),
  /** Is this trade the maker side? */
  m: z.boolean(),
  /** Order creation time. */
  O: int,
  /** Cumulative quote asset transacted quantity. */
  Z: decimal,
  /** Last quote asset transacted quantity. */
  Y: decimal,
  /** Quote order quantity. */
  Q: decimal,
});
/**
 * Coins.ph `executionReport`: s symbol, c client id, S side, o type, f tif, q/p qty/price, x exec type, X status,
 * i order id, l/L last qty/price, z filled, n/N commission, T trade time, t trade id, Z/Y quote filled/last.
 */
export type CoinsExecutionReport = z.infer<typeof coinsExecutionReportSchema>;

/** Every event the coins dialect knows. */
export type CoinsEvent = CoinsOutboundAccountPosition | CoinsBalanceUpdate | CoinsExecutionReport;

export const coinsSchemas = {
  outboundAccountPosition: coinsOutboundAccountPositionSchema,
  balanceUpdate: coinsBalanceUpdateSchema,
  executionReport: coinsExecutionReportSchema,
} as const;
