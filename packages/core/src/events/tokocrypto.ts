/**
 * Tokocrypto user data events (issue #13 item 7): Binance spot's letters with Tokocrypto's own
 * field set, as its "Web Socket Payloads" document them (https://www.tokocrypto.com/apidocs/,
 * checked 2026-12-03; see venues-tokocrypto.ts for how the section was read):
 * `outboundAccountPosition` still carries Binance's older commission rates (`m`, `t`, `b`, `s`,
 * bips) and can-trade/withdraw/deposit flags (`T`, `W`, `D`) beside `u`; `executionReport` has no
 * `Q` (quote order quantity) and no `V` (self-trade prevention mode). `eventStreamTerminated` ends
 * a subscription whose listenToken lapsed, as on Binance.
 */
import { z } from 'zod';
import { assetBalance, int } from './common.js';
import {
  type EventStreamTerminated,
  eventStreamTerminatedSchema,
  spotExecutionReportSchema,
} from './spot.js';

export const tokocryptoOutboundAccountPositionSchema = z.object({
  e: z.literal('outboundAccountPosition'),
  /** Event time. */
  E: int,
  /** Maker commission rate (bips). */
  m: int,
  /** Taker commission rate (bips). */
  t: int,
  /** Buyer commission rate (bips). */
  b: int,
  /** Seller commission rate (bips). */
  s: int,
  /** Can trade? */
  T: z.boolean(),
  /** Can withdraw? */
  W: z.boolean(),
  /** Can deposit? */
  D: z.boolean(),
  /** Time of the last account update. */
  u: int,
  /** Balances [{a asset, f free, l locked}]. */
  B: z.array(assetBalance),
});
/** Tokocrypto `outboundAccountPosition`: Binance's u and B plus commission rates and permission flags. */
export type TokocryptoOutboundAccountPosition = z.infer<typeof tokocryptoOutboundAccountPositionSchema>;

export const tokocryptoExecutionReportSchema = spotExecutionReportSchema.omit({ Q: true, V: true });
/** Tokocrypto `executionReport`: Binance spot's letters without Q and V. */
export type TokocryptoExecutionReport = z.infer<typeof tokocryptoExecutionReportSchema>;

/** Every event the tokocrypto dialect knows. */
export type TokocryptoEvent =
  | TokocryptoOutboundAccountPosition
  | TokocryptoExecutionReport
  | EventStreamTerminated;

export const tokocryptoSchemas = {
  outboundAccountPosition: tokocryptoOutboundAccountPositionSchema,
  executionReport: tokocryptoExecutionReportSchema,
  eventStreamTerminated: eventStreamTerminatedSchema,
} as const;
