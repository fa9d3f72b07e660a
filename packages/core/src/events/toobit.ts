/**
 * Toobit user data events (issue #13 item 4), BHEX's lineage: the spot account and order events
 * are BHEX's schemas (events/bhex.ts), reused as they are; Toobit adds its trade push
 * (`ticketInfo`), its USDT-M contract events and the `listenKeyWillExpire` notice.
 * Docs checked 2026-12-03: https://api-docs.toobit.com/api/spot-websocket-account.html and
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html.
 * Event frames are JSON arrays (core's parser reads every element). Some pushes name their type
 * and time `eventType`/`eventTime` instead of `e`/`E` (`listenKeyWillExpire`): the parser reads
 * those as `e`/`E` in this dialect (parse.ts), so they are typed like the others.
 */
import { z } from 'zod';
import { bhexExecutionReportSchema, outboundAccountInfoSchema } from './bhex.js';
import { assetBalance, decimal, int, millisLoose } from './common.js';

/** An id the docs show as a number in one payload and a quoted string in another. */
const id = z.union([z.number(), z.string()], { error: 'Invalid input: expected a number or a string' });

export const toobitListenKeyWillExpireSchema = z.object({
  e: z.literal('listenKeyWillExpire'),
  /** `eventTime` of the push, ms. */
  E: millisLoose,
});
/**
 * `{"eventTime", "eventType": "listenKeyWillExpire", "listenKey"}`: pushed every minute from 5
 * minutes before the key expires. The key itself is not kept in the typed event.
 */
export type ToobitListenKeyWillExpire = z.infer<typeof toobitListenKeyWillExpireSchema>;

export const toobitTicketInfoSchema = z.object({
  e: z.literal('ticketInfo'),
  /** Event time: a string of digits in the docs' example. */
  E: millisLoose,
  s: z.string(),
  /** Quantity. */
  q: decimal,
  /** Trade time (digits). */
  t: z.string(),
  /** Price. */
  p: decimal,
  /** Ticket (trade) id. */
  T: z.string(),
  /** Order id. */
  o: z.string(),
  /** Client order id. */
  c: z.string(),
  /** Account id. */
  a: z.string().optional(),
  /** Is maker. */
  m: z.boolean(),
  /** BUY or SELL. */
  S: z.string(),
});
/** `ticketInfo`: one fill (already in the order's `executionReport`). */
export type ToobitTicketInfo = z.infer<typeof toobitTicketInfoSchema>;

export const toobitContractAccountInfoSchema = z.object({
  e: z.literal('outboundContractAccountInfo'),
  E: int,
  T: z.boolean(),
  W: z.boolean(),
  D: z.boolean(),
  B: z.array(assetBalance),
});
/** USDT-M `outboundContractAccountInfo`: the changed balances, free and locked. */
export type ToobitContractAccountInfo = z.infer<typeof toobitContractAccountInfoSchema>;

export const toobitContractPositionInfoSchema = z.object({
  e: z.literal('outboundContractPositionInfo'),
  E: millisLoose,
  /** Account id. */
  A: z.string().optional(),
  s: z.string(),
  /** LONG or SHORT. */
  S: z.string(),
  /** Average price. */
  p: decimal,
  /** Total position. */
  P: decimal,
  /** Available position. */
  a: decimal.optional(),
  /** Liquidation price. */
  f: decimal.optional(),
  /** Position margin. */
  m: decimal.optional(),
  /** Realized profit and loss. */
  r: decimal.optional(),
  /** CROSS or ISOLATED. */
  mt: z.string().optional(),
  /** Unrealized profit and loss. */
  up: decimal.optional(),
  /** Leverage. */
  v: decimal.optional(),
});
/** USDT-M `outboundContractPositionInfo`: one symbol's position after a change. */
export type ToobitContractPositionInfo = z.infer<typeof toobitContractPositionInfoSchema>;

export const toobitContractExecutionReportSchema = z.object({
  e: z.literal('contractExecutionReport'),
  E: int,
  s: z.string(),
  c: id,
  /** Is a close order. */
  C: z.boolean().optional(),
  S: z.string(),
  o: z.string(),
  f: z.string(),
  /** Quantity in contracts. */
  q: decimal,
  p: decimal,
  /** Price type: INPUT or MARKET. */
  pt: z.string().optional(),
  X: z.string(),
  i: id,
  l: decimal,
  z: decimal,
  L: decimal,
  n: decimal,
  N: z.string().nullable(),
  w: z.boolean().optional(),
  m: z.boolean(),
  mt: z.string().optional(),
  O: int,
  Z: decimal,
  v: decimal.optional(),
  /** Update time. */
  U: int.optional(),
  /** Realized PnL of a close order. */
  rp: decimal.optional(),
});
/** USDT-M `contractExecutionReport`: BHEX's executionReport letters plus close flag, leverage, update time. */
export type ToobitContractExecutionReport = z.infer<typeof toobitContractExecutionReportSchema>;

/** Every event the toobit dialect types. */
export type ToobitEvent =
  | z.infer<typeof outboundAccountInfoSchema>
  | z.infer<typeof bhexExecutionReportSchema>
  | ToobitTicketInfo
  | ToobitListenKeyWillExpire
  | ToobitContractAccountInfo
  | ToobitContractPositionInfo
  | ToobitContractExecutionReport;

export const toobitSchemas = {
  // Spot: BHEX's own schemas (Toobit adds `pt` to executionReport, passed through untyped).
  outboundAccountInfo: outboundAccountInfoSchema,
  executionReport: bhexExecutionReportSchema,
  ticketInfo: toobitTicketInfoSchema,
  listenKeyWillExpire: toobitListenKeyWillExpireSchema,
  outboundContractAccountInfo: toobitContractAccountInfoSchema,
  outboundContractPositionInfo: toobitContractPositionInfoSchema,
  contractExecutionReport: toobitContractExecutionReportSchema,
};
