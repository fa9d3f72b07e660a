/**
 * Binance derivatives user data events: USDⓈ-M (`/fapi`), COIN-M (`/dapi`) and portfolio margin
 * (`/papi`, which adds `fs` business unit). Fields only some products send are optional.
 * Source: developers.binance.com, derivatives, "User Data Streams" event pages.
 */
import { z } from 'zod';
import { decimal, int, millisLoose } from './common.js';
import type { FuturesAlgoUpdate, FuturesConditionalOrderTriggerReject } from './futures-algo.js';
import type { FuturesGridUpdate, FuturesStrategyUpdate } from './futures-strategy.js';
import type { PmProAccountUpdate, PmProRiskLevelChange } from './portfolio-margin.js';

const futuresOrder = z.object({
  /** Symbol. */
  s: z.string(),
  /** Client order id (`autoclose-…` liquidation, `adl_autoclose`, `settlement_autoclose-…`). */
  c: z.string(),
  /** Side. */
  S: z.string(),
  /** Order type. */
  o: z.string(),
  /** Time in force. */
  f: z.string(),
  /** Original quantity. */
  q: decimal,
  /** Original price. */
  p: decimal,
  /** Average price. */
  ap: decimal,
  /** Stop price. */
  sp: decimal.optional(),
  /** Execution type. */
  x: z.string(),
  /** Order status. */
  X: z.string(),
  /** Order id. */
  i: int,
  /** Last filled quantity. */
  l: decimal,
  /** Accumulated filled quantity. */
  z: decimal,
  /** Last filled price. */
  L: decimal,
  /** Commission asset; not sent when there is no commission. */
  N: z.string().optional(),
  /** Commission; not sent when there is no commission. */
  n: decimal.optional(),
  /** Order trade time. */
  T: int,
  /** Trade id. */
  t: int,
  /** Bids notional. */
  b: decimal.optional(),
  /** Ask notional. */
  a: decimal.optional(),
  /** Is this trade the maker side? */
  m: z.boolean(),
  /** Is this reduce only? */
  R: z.boolean(),
  /** Stop price working type. */
  wt: z.string().optional(),
  /** Original order type. */
  ot: z.string().optional(),
  /** Position side. */
  ps: z.string(),
  /** Close-all (conditional orders). */
  cp: z.boolean().optional(),
  /** Activation price (trailing stop only). */
  AP: decimal.optional(),
  /** Callback rate (trailing stop only). */
  cr: decimal.optional(),
  /** Price protection on. */
  pP: z.boolean().optional(),
  /** Realized profit of the trade. */
  rp: decimal.optional(),
  /** Self-trade prevention mode. */
  V: z.string().optional(),
  /** Price match mode. */
  pm: z.string().optional(),
  /** Auto-cancel time of a GTD order (0 otherwise). */
  gtd: int.optional(),
  /** Expiry reason code as a digit string (`"0"` none, `"1"` self-trade prevention, …); newer frames only. */
  er: z.string().optional(),
  /** Margin asset (COIN-M). */
  ma: z.string().optional(),
});

export const orderTradeUpdateSchema = z.object({
  e: z.literal('ORDER_TRADE_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Business unit, `UM` or `CM` (portfolio margin). */
  fs: z.string().optional(),
  /** Account alias (COIN-M, portfolio margin). */
  i: z.string().optional(),
  /** The order. */
  o: futuresOrder,
});
/**
 * Futures `ORDER_TRADE_UPDATE`: E event time, T transaction time, o order {s symbol, c client id, S side,
 * o type, x exec type, X status, i id, q/p qty/price, l/L last qty/price, z filled, n/N commission, t trade id, ps position side}.
 */
export type FuturesOrderTradeUpdate = z.infer<typeof orderTradeUpdateSchema>;

const futuresBalance = z.object({
  /** Asset. */
  a: z.string(),
  /** Wallet balance. */
  wb: decimal,
  /** Cross wallet balance. */
  cw: decimal,
  /** Balance change except PnL and commission. */
  bc: decimal.optional(),
});

const futuresPosition = z.object({
  /** Symbol. */
  s: z.string(),
  /** Position amount (signed). */
  pa: decimal,
  /** Entry price. */
  ep: decimal,
  /** Break-even price. */
  bep: decimal.optional(),
  /** (Pre-fee) accumulated realized PnL. */
  cr: decimal,
  /** Unrealized PnL. */
  up: decimal,
  /** Margin type (`isolated`, `cross`). */
  mt: z.string(),
  /** Isolated wallet (isolated positions). */
  iw: decimal.optional(),
  /** Position side (`BOTH`, `LONG`, `SHORT`). */
  ps: z.string(),
  /** Margin asset (some products). */
  ma: z.string().optional(),
});

export const accountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Business unit (portfolio margin). */
  fs: z.string().optional(),
  /** Account alias (COIN-M). */
  i: z.string().optional(),
  /** Update data. */
  a: z.object({
    /** Reason, e.g. ORDER, FUNDING_FEE, DEPOSIT. */
    m: z.string(),
    /** Changed balances. */
    B: z.array(futuresBalance),
    /** Changed positions (may be empty or absent). */
    P: z.array(futuresPosition).optional(),
  }),
});
/**
 * Futures `ACCOUNT_UPDATE`: a.m reason, a.B balances [{a asset, wb wallet, cw cross wallet, bc change}],
 * a.P positions [{s, pa amount, ep entry, up unrealized PnL, mt margin type, ps side}].
 */
export type FuturesAccountUpdate = z.infer<typeof accountUpdateSchema>;

export const tradeLiteSchema = z.object({
  e: z.literal('TRADE_LITE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Symbol. */
  s: z.string(),
  /** Original quantity. */
  q: decimal,
  /** Original price. */
  p: decimal,
  /** Is this trade the maker side? */
  m: z.boolean(),
  /** Client order id. */
  c: z.string(),
  /** Side. */
  S: z.string(),
  /** Last filled price. */
  L: decimal,
  /** Last filled quantity. */
  l: decimal,
  /** Trade id. */
  t: int,
  /** Order id. */
  i: int,
});
/** USD-M `TRADE_LITE` (fills only, low latency): s symbol, c client id, i order id, S side, l/L last qty/price, t trade id, m maker. */
export type FuturesTradeLite = z.infer<typeof tradeLiteSchema>;

export const accountConfigUpdateSchema = z.object({
  e: z.literal('ACCOUNT_CONFIG_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Business unit (portfolio margin). */
  fs: z.string().optional(),
  /** Leverage of a symbol changed: s symbol, l leverage. */
  ac: z.object({ s: z.string(), l: int }).optional(),
  /** Account configuration changed: j multi-assets mode. */
  ai: z.object({ j: z.boolean() }).optional(),
});
/** Futures `ACCOUNT_CONFIG_UPDATE`: ac {s symbol, l leverage} or ai {j multi-assets mode}. */
export type FuturesAccountConfigUpdate = z.infer<typeof accountConfigUpdateSchema>;

const marginCallPosition = z.object({
  /** Symbol. */
  s: z.string(),
  /** Position side. */
  ps: z.string(),
  /** Position amount. */
  pa: decimal,
  /** Margin type (`CROSSED`, `ISOLATED`). */
  mt: z.string(),
  /** Isolated wallet. */
  iw: decimal,
  /** Mark price. */
  mp: decimal,
  /** Unrealized PnL. */
  up: decimal,
  /** Maintenance margin required. */
  mm: decimal,
});

export const marginCallSchema = z.object({
  e: z.literal('MARGIN_CALL'),
  /** Event time. */
  E: int,
  /** Account alias (COIN-M). */
  i: z.string().optional(),
  /** Cross wallet balance (crossed positions only). */
  cw: decimal.optional(),
  /** Positions in margin call. */
  p: z.array(marginCallPosition),
});
/** Futures `MARGIN_CALL`: cw cross wallet balance, p positions [{s, ps, pa, mt, iw, mp mark price, up, mm maintenance margin}]. */
export type FuturesMarginCall = z.infer<typeof marginCallSchema>;

export const futuresListenKeyExpiredSchema = z.object({
  e: z.literal('listenKeyExpired'),
  /** Event time; USD-M documents it as a digit string, COIN-M as a number. Always a number once parsed. */
  E: millisLoose,
  /** The expired listenKey, as documented. A secret: `parseFrame`/`parseEvent` take it out, so delivered events never carry it (the stream knows which key expired). */
  listenKey: z.string().optional(),
});
/** Futures `listenKeyExpired`: E event time, listenKey the expired key (secret: kept in the object, never log it). */
export type FuturesListenKeyExpired = z.infer<typeof futuresListenKeyExpiredSchema>;

/** Every event the futures dialect knows (USDⓈ-M, COIN-M, Portfolio Margin Pro); the PM stream shares the first six. */
export type FuturesEvent =
  | FuturesOrderTradeUpdate
  | FuturesAccountUpdate
  | FuturesTradeLite
  | FuturesAccountConfigUpdate
  | FuturesMarginCall
  | FuturesListenKeyExpired
  | FuturesAlgoUpdate
  | FuturesConditionalOrderTriggerReject
  | FuturesStrategyUpdate
  | FuturesGridUpdate
  | PmProRiskLevelChange
  | PmProAccountUpdate;

/** The classic futures events (also on the portfolio margin stream); dialects.ts adds the newer ones. */
export const futuresSchemas = {
  ORDER_TRADE_UPDATE: orderTradeUpdateSchema,
  ACCOUNT_UPDATE: accountUpdateSchema,
  TRADE_LITE: tradeLiteSchema,
  ACCOUNT_CONFIG_UPDATE: accountConfigUpdateSchema,
  MARGIN_CALL: marginCallSchema,
  listenKeyExpired: futuresListenKeyExpiredSchema,
} as const;
