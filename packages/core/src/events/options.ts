/**
 * Options (`/eapi`) user data events, as the current "options-trading" pages show them (URL path
 * `/private`); on the connection every event comes in a `{stream, data}` envelope, which
 * parseFrame unwraps.
 * Sources: developers.binance.com/docs/derivatives/options-trading/user-data-streams/
 * (Event-Account-data, Event-Order-update, Event-Balance-and-Position-Update, Event-Greek-Update,
 * Event-Risk-level-change).
 */
import { z } from 'zod';
import { decimal, int } from './common.js';

export const optionsAccountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Account equity in USDT. */
  eq: decimal,
  /** Account adjusted equity in USDT. */
  aeq: decimal,
  /** Account wallet balance in USDT. */
  b: decimal,
  /** Position value. */
  m: decimal,
  /** Unrealized PnL. */
  u: decimal,
  /** Initial margin in USDT. */
  i: decimal,
  /** Maintenance margin in USDT. */
  M: decimal,
});
/** Options `ACCOUNT_UPDATE` (account data, also every 10 s with positions): eq, aeq, b balance, m position value, u unrealized PnL, i/M margins. */
export type OptionsAccountUpdate = z.infer<typeof optionsAccountUpdateSchema>;

const optionsOrder = z.object({
  /** Symbol, e.g. BTC-251123-126000-C. */
  s: z.string(),
  /** Client order id. */
  c: z.string(),
  /** Side. */
  S: z.string(),
  /** Order type (LIMIT). */
  o: z.string(),
  /** Time in force. */
  f: z.string(),
  /** Original quantity. */
  q: decimal,
  /** Original price. */
  p: decimal,
  /** Average price. */
  ap: decimal,
  /** Execution type: NEW, CANCELED, EXPIRED, TRADE. */
  x: z.string(),
  /** Order status: NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED. */
  X: z.string(),
  /** Order id. */
  i: int,
  /** Last filled quantity. */
  l: decimal,
  /** Accumulated filled quantity. */
  z: decimal,
  /** Last filled price. */
  L: decimal,
  /** Commission asset. */
  N: z.string().optional(),
  /** Commission (negative: fee charged). */
  n: decimal.optional(),
  /** Order trade time. */
  T: int,
  /** Trade id. */
  t: int,
  /** Bids quantity. */
  b: decimal.optional(),
  /** Asks quantity. */
  a: decimal.optional(),
  /** Maker side? */
  m: z.boolean(),
  /** Reduce only. */
  R: z.boolean(),
  /** Original order type. */
  ot: z.string().optional(),
  /** Realized profit of the trade. */
  rp: decimal.optional(),
  /** Position side. */
  ps: z.string().optional(),
  /** Self-trade prevention mode. */
  V: z.string().optional(),
  /** Price match mode. */
  pm: z.string().optional(),
  /** Auto-cancel time of a GTD order. */
  gtd: int.optional(),
});

export const optionsOrderTradeUpdateSchema = z.object({
  e: z.literal('ORDER_TRADE_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** The order. */
  o: optionsOrder,
});
/** Options `ORDER_TRADE_UPDATE`: o {s option symbol, c, S, o type, f, q, p, ap, x, X, i, l, z, L, n/N, T, t, m, R}. */
export type OptionsOrderTradeUpdate = z.infer<typeof optionsOrderTradeUpdateSchema>;

export const balancePositionUpdateSchema = z.object({
  e: z.literal('BALANCE_POSITION_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Reason: DEPOSIT, WITHDRAW, ORDER. */
  m: z.string(),
  /** Changed balances. */
  B: z.array(
    z.object({
      /** Margin asset. */
      a: z.string(),
      /** Account balance. */
      b: decimal,
      /** Balance change except PnL and commission. */
      bc: decimal,
    }),
  ),
  /** Changed positions. */
  P: z.array(
    z.object({
      /** Symbol. */
      s: z.string(),
      /** Position quantity (signed). */
      c: decimal,
      /** Position value. */
      p: decimal,
      /** Average entry price. */
      a: decimal,
    }),
  ),
});
/** Options `BALANCE_POSITION_UPDATE`: m reason, B [{a, b balance, bc change}], P [{s, c quantity, p value, a entry price}]. */
export type OptionsBalancePositionUpdate = z.infer<typeof balancePositionUpdateSchema>;

export const greekUpdateSchema = z.object({
  e: z.literal('GREEK_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int,
  /** Greeks per underlying. */
  G: z.array(
    z.object({
      /** Underlying, e.g. BTCUSDT. */
      u: z.string(),
      /** Delta. */
      d: decimal,
      /** Gamma. */
      g: decimal,
      /** Theta. */
      t: decimal,
      /** Vega. */
      v: decimal,
    }),
  ),
});
/** Options `GREEK_UPDATE` (on position change, every 10 s with positions): G [{u underlying, d, g, t, v}]. */
export type OptionsGreekUpdate = z.infer<typeof greekUpdateSchema>;

export const optionsRiskLevelChangeSchema = z.object({
  e: z.literal('RISK_LEVEL_CHANGE'),
  /** Event time. */
  E: int,
  /** Risk level: NORMAL, REDUCE_ONLY. */
  s: z.string(),
  /** Margin balance. */
  mb: decimal,
  /** Maintenance margin. */
  mm: decimal,
});
/** Options `RISK_LEVEL_CHANGE`: s level (NORMAL, REDUCE_ONLY), mb margin balance, mm maintenance margin. */
export type OptionsRiskLevelChange = z.infer<typeof optionsRiskLevelChangeSchema>;
