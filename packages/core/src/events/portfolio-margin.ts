/**
 * Portfolio margin (`/papi`, stream `wss://fstream.binance.com/pm`) events of its own; the PM
 * stream also carries the futures events with `fs` (UM/CM) and the account alias `i`, and the
 * margin-side spot events (executionReport, outboundAccountPosition, balanceUpdate, listStatus).
 * Portfolio Margin Pro (`pm-classic`) adds `RISK_LEVEL_CHANGE` and `PM_PRO_ACCOUNT_UPDATE` to a
 * USDⓈ-M stream.
 * Sources: developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/
 * (Event-riskLevelChange, Event-OpenOrderLoss-Update, Event-Liability-Update,
 * Event-Conditional-Order-Trade-Update) and …/portfolio-margin-pro/portfolio-margin-pro-user-data-stream/.
 */
import { z } from 'zod';
import { decimal, int } from './common.js';
import { algoOrderSchema } from './futures-algo.js';

export const riskLevelChangeSchema = z.object({
  e: z.literal('riskLevelChange'),
  /** Event time. */
  E: int,
  /** uniMMR level. */
  u: decimal,
  /** MARGIN_CALL, SUPPLY_MARGIN, REDUCE_ONLY, FORCE_LIQUIDATION. */
  s: z.string(),
  /** Account equity in USD. */
  eq: decimal,
  /** Actual equity without collateral rate in USD. */
  ae: decimal,
  /** Total maintenance margin in USD. */
  m: decimal,
});
/** PM `riskLevelChange`: u uniMMR, s level, eq equity, ae actual equity, m maintenance margin (USD). */
export type PmRiskLevelChange = z.infer<typeof riskLevelChangeSchema>;

export const openOrderLossSchema = z.object({
  e: z.literal('openOrderLoss'),
  /** Event time. */
  E: int,
  /** Open-order loss per asset (cross margin order margin). */
  O: z.array(
    z.object({
      /** Asset. */
      a: z.string(),
      /** Amount. */
      o: decimal,
    }),
  ),
});
/** PM `openOrderLoss`: O [{a asset, o amount}]. */
export type PmOpenOrderLoss = z.infer<typeof openOrderLossSchema>;

export const liabilityChangeSchema = z.object({
  e: z.literal('liabilityChange'),
  /** Event time. */
  E: int,
  /** Asset. */
  a: z.string(),
  /** Type, e.g. BORROW. */
  t: z.string(),
  /**
   * Transaction id, beyond 2^53: kept exact as a string of digits, taken from the frame text
   * (`JSON.parse` would round it). See exact-id.ts.
   */
  T: z
    .string({
      error:
        'expected the transaction id as exact digits; JSON.parse rounds ids beyond 2^53, so parse the frame text (parseFrame, or parseDecodedFrame with the text)',
    })
    .regex(/^\d{1,40}$/, { error: 'expected a string of digits' }),
  /** Principal. */
  p: decimal,
  /** Interest. */
  i: decimal,
  /** Total liability. */
  l: decimal,
});
/** PM `liabilityChange` (margin liability): a asset, t type, T transaction id (exact digit string), p principal, i interest, l total. */
export type PmLiabilityChange = z.infer<typeof liabilityChangeSchema>;

const strategyOrder = z.object({
  /** Symbol. */
  s: z.string(),
  /** Strategy client order id. */
  c: z.string(),
  /** Strategy id. */
  si: int,
  /** Side. */
  S: z.string(),
  /** Strategy type (STOP, TAKE_PROFIT, STOP_MARKET, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET). */
  st: z.string(),
  /** Time in force. */
  f: z.string(),
  /** Quantity. */
  q: decimal,
  /** Price. */
  p: decimal,
  /** Stop price (ignore for TRAILING_STOP_MARKET). */
  sp: decimal.optional(),
  /** Strategy order status: NEW, CANCELED, EXPIRED, TRIGGERED, FINISHED. */
  os: z.string(),
  /** Order book time. */
  T: int,
  /** Order update time. */
  ut: int,
  /** Reduce only. */
  R: z.boolean().optional(),
  /** Stop price working type. */
  wt: z.string().optional(),
  /** Position side. */
  ps: z.string(),
  /** Close-all. */
  cp: z.boolean().optional(),
  /** Activation price (trailing stop). */
  AP: decimal.optional(),
  /** Callback rate (trailing stop). */
  cr: decimal.optional(),
  /** Id of the order placed once triggered. */
  i: int.optional(),
  /** Self-trade prevention mode. */
  V: z.string().optional(),
  /** Auto-cancel time of a GTD order. */
  gtd: int.optional(),
});

export const conditionalOrderTradeUpdateSchema = z.object({
  e: z.literal('CONDITIONAL_ORDER_TRADE_UPDATE'),
  /** Transaction time. */
  T: int,
  /** Event time. */
  E: int,
  /** Business unit, UM or CM. */
  fs: z.string(),
  /** Account alias (CM). */
  i: z.string().optional(),
  /** The conditional (strategy) order. */
  so: strategyOrder,
});
/** PM `CONDITIONAL_ORDER_TRADE_UPDATE`: fs UM/CM, so {s, c, si strategy id, S, st type, f, q, p, sp, os status, T, ut, ps, …}. */
export type PmConditionalOrderTradeUpdate = z.infer<typeof conditionalOrderTradeUpdateSchema>;

export const pmAlgoUpdateSchema = z.object({
  e: z.literal('ALGO_UPDATE'),
  /** Event time (orders the stream, as on USDⓈ-M). */
  E: int,
  /** Transaction time. */
  T: int,
  /** Business unit, UM or CM. */
  fs: z.string().optional(),
  /** The algo order (the USDⓈ-M `o` fields). */
  ao: algoOrderSchema,
});
/** PM `ALGO_UPDATE`: fs UM/CM, ao the algo order {caid, aid, at, o, s, S, ps, f, q, X, …}. */
export type PmAlgoUpdate = z.infer<typeof pmAlgoUpdateSchema>;

export const pmProRiskLevelChangeSchema = z.object({
  e: z.literal('RISK_LEVEL_CHANGE'),
  /** Event time. */
  E: int,
  /** MARGIN_CALL, REDUCE_ONLY, FORCE_LIQUIDATION. */
  s: z.string(),
  /** uniMMR level. */
  u: decimal.optional(),
  /** Account equity in USD. */
  eq: decimal.optional(),
  /** Actual equity without collateral rate in USD. */
  ae: decimal.optional(),
  /** Total maintenance margin in USD. */
  m: decimal.optional(),
});
/** Portfolio Margin Pro `RISK_LEVEL_CHANGE` (pm-classic stream): s level, u uniMMR, eq, ae, m (USD). */
export type PmProRiskLevelChange = z.infer<typeof pmProRiskLevelChangeSchema>;

export const pmProAccountUpdateSchema = z.object({
  e: z.literal('PM_PRO_ACCOUNT_UPDATE'),
  /** Event time. */
  E: int,
  /** uniMMR level. */
  u: decimal,
  /** Account equity in USD. */
  eq: decimal,
  /** Actual equity without collateral rate in USD. */
  ae: decimal,
  /** Total initial margin in USD. */
  im: decimal,
  /** Total maintenance margin in USD. */
  mm: decimal,
  /** Total available balance in USD. */
  avb: decimal,
  /** Virtual max withdraw amount in USD. */
  vmw: decimal,
});
/** Portfolio Margin Pro `PM_PRO_ACCOUNT_UPDATE` (every 5 s): u uniMMR, eq, ae, im, mm, avb, vmw (USD). */
export type PmProAccountUpdate = z.infer<typeof pmProAccountUpdateSchema>;
