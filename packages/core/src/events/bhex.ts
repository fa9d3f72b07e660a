/**
 * BlueHelix (BHEX) broker user data events (`bhexopen/BHEX-OpenApi`, doc/user-data-stream.md and
 * doc/margin_open_api.md). Frames may carry an array of events (the venue's SDK reads every
 * frame as an array). Fields the spec shows commented out are optional here.
 */
import { z } from 'zod';
import { assetBalance, decimal, int } from './common.js';

/** A client order id: a number in the BHEX spec, a string on Binance-style venues. */
const clientOrderId = z.union([z.string(), z.number()], {
  error: 'Invalid input: expected a string or a number',
});
/** An order id: a number in the spec; accepted as a string too (ids beyond 2^53 are often sent quoted). */
const orderId = z.union([z.number(), z.string()], { error: 'Invalid input: expected a number or a string' });

export const outboundAccountInfoSchema = z.object({
  e: z.literal(['outboundAccountInfo', 'outboundMarginAccountInfo']),
  /** Event time. */
  E: int,
  /** Can trade? */
  T: z.boolean(),
  /** Can withdraw? */
  W: z.boolean(),
  /** Can deposit? */
  D: z.boolean(),
  /** Time of last account update (commented out in the spec). */
  u: int.optional(),
  /** Changed balances. */
  B: z.array(assetBalance),
});
/** BHEX `outboundAccountInfo` (and margin `outboundMarginAccountInfo`): T/W/D can trade/withdraw/deposit, B balances [{a, f, l}]. */
export type BhexOutboundAccountInfo = z.infer<typeof outboundAccountInfoSchema>;

export const bhexExecutionReportSchema = z.object({
  e: z.literal(['executionReport', 'marginExecutionReport']),
  /** Event time. */
  E: int,
  /** Symbol. */
  s: z.string(),
  /** Client order id (number or string; the normalized view makes it a string). */
  c: clientOrderId,
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
  /** Stop price (commented out in the spec). */
  P: decimal.optional(),
  /** Iceberg quantity (commented out in the spec). */
  F: decimal.optional(),
  /** Current execution type (commented out in the spec). */
  x: z.string().optional(),
  /** Current order status. */
  X: z.string(),
  /** Order reject reason (commented out in the spec). */
  r: z.string().optional(),
  /** Order id. */
  i: orderId,
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
  /** Is the trade normal ("ignore for now"). */
  u: z.boolean().optional(),
  /** Transaction time (commented out in the spec). */
  T: int.optional(),
  /** Trade id (commented out in the spec). */
  t: int.optional(),
  /** Is the order working? */
  w: z.boolean(),
  /** Is this trade the maker side? */
  m: z.boolean(),
  /** Order creation time. */
  O: int,
  /** Cumulative quote asset transacted quantity. */
  Z: decimal,
});
/**
 * BHEX `executionReport` (and `marginExecutionReport`): s symbol, c client id (number|string), S side, o type,
 * f tif, q/p qty/price, X status, i order id, l/L last qty/price, z filled, n/N commission, w working, m maker, O created, Z quote filled.
 */
export type BhexExecutionReport = z.infer<typeof bhexExecutionReportSchema>;

/** Every event the bhex dialect knows. */
export type BhexEvent = BhexOutboundAccountInfo | BhexExecutionReport;

export const bhexSchemas = {
  outboundAccountInfo: outboundAccountInfoSchema,
  outboundMarginAccountInfo: outboundAccountInfoSchema,
  executionReport: bhexExecutionReportSchema,
  marginExecutionReport: bhexExecutionReportSchema,
} as const;
