/**
 * USDⓈ-M and COIN-M conditional (algo) order events. Since 2025-12 conditional orders (STOP,
 * TAKE_PROFIT, their MARKET forms, TRAILING_STOP_MARKET) live in Binance's Algo service and report
 * through `ALGO_UPDATE`; a triggered order that the matching engine refuses is reported by
 * `CONDITIONAL_ORDER_TRIGGER_REJECT`.
 * Sources: developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/
 * Event-Algo-Order-Update and Event-Conditional-Order-Trigger-Reject (COIN-M pages alike).
 *
 * Which time orders the stream: `E`. The `ALGO_UPDATE` page labels `T` "Event Time" and `E`
 * "Transaction Time", the reverse of every other futures event, but its own example has
 * `T` (…297) before `E` (…303), which only fits `T` = matching-engine time and `E` = the time the
 * message was made; later copies of the page label them that way, and the "User Data Streams"
 * page recommends ordering every event type by `E`. So here, as for every event, `E` is the event
 * time the stream is ordered by and `T` the transaction time.
 */
import { z } from 'zod';
import { decimal, int } from './common.js';

/** The algo (conditional) order inside `ALGO_UPDATE` (`o` on USDⓈ-M/COIN-M, `ao` on portfolio margin). */
export const algoOrderSchema = z.object({
  /** Client algo id. */
  caid: z.string(),
  /** Algo id. */
  aid: int,
  /** Algo type, `CONDITIONAL`. */
  at: z.string(),
  /** Order type (STOP, TAKE_PROFIT, STOP_MARKET, TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET). */
  o: z.string(),
  /** Symbol. */
  s: z.string(),
  /** Side. */
  S: z.string(),
  /** Position side. */
  ps: z.string(),
  /** Time in force (GTC, IOC, FOK, GTX, GTD, GTE_GTC). */
  f: z.string(),
  /** Quantity. */
  q: decimal,
  /** Algo status: NEW, CANCELED, TRIGGERING, TRIGGERED, FINISHED, REJECTED, EXPIRED. */
  X: z.string(),
  /** Id of the order placed in the matching engine once triggered (`""` before). */
  ai: z.string().optional(),
  /** Average fill price in the matching engine (once triggered). */
  ap: decimal.optional(),
  /** Executed quantity in the matching engine (once triggered). */
  aq: decimal.optional(),
  /** Actual order type in the matching engine (once triggered). */
  act: z.string().optional(),
  /** Trigger price. */
  tp: decimal.optional(),
  /** Order price. */
  p: decimal.optional(),
  /** Self-trade prevention mode. */
  V: z.string().optional(),
  /** Trigger price working type (MARK_PRICE, CONTRACT_PRICE). */
  wt: z.string().optional(),
  /** Price match mode. */
  pm: z.string().optional(),
  /** Close-all (close position) order. */
  cp: z.boolean().optional(),
  /** Price protection on. */
  pP: z.boolean().optional(),
  /** Reduce only. */
  R: z.boolean().optional(),
  /** Trigger time (0 before the trigger). */
  tt: int.optional(),
  /** Auto-cancel time of a GTD order (0 otherwise). */
  gtd: int.optional(),
  /** Failure reason (REJECTED). */
  rm: z.string().optional(),
  /** Callback rate (trailing stop). */
  cr: decimal.optional(),
  /** Activation price (trailing stop). */
  AP: decimal.optional(),
  /** Sent by the live service but not documented (seen `false`). */
  ia: z.boolean().optional(),
});
/** An algo order as `ALGO_UPDATE` carries it. */
export type AlgoOrder = z.infer<typeof algoOrderSchema>;

export const algoUpdateSchema = z.object({
  e: z.literal('ALGO_UPDATE'),
  /** Event time: orders the stream (see the file comment on the docs' swapped labels). */
  E: int,
  /** Transaction (matching engine) time. */
  T: int,
  /** Account alias (COIN-M). */
  i: z.string().optional(),
  /** The algo order. */
  o: algoOrderSchema,
});
/**
 * USDⓈ-M/COIN-M `ALGO_UPDATE`: a conditional order was created or changed status. E event time
 * (orders the stream), T transaction time, o {caid, aid, at, o type, s, S, ps, f, q, X status, ai order id, tp trigger price, …}.
 */
export type FuturesAlgoUpdate = z.infer<typeof algoUpdateSchema>;

export const conditionalOrderTriggerRejectSchema = z.object({
  e: z.literal('CONDITIONAL_ORDER_TRIGGER_REJECT'),
  /** Event time. */
  E: int,
  /** Message send time. */
  T: int,
  /** The rejected order. */
  or: z.object({
    /** Symbol. */
    s: z.string(),
    /** Order id. */
    i: int,
    /** Reject reason. */
    r: z.string(),
  }),
});
/** `CONDITIONAL_ORDER_TRIGGER_REJECT`: a triggered TP/SL order was rejected; or {s symbol, i order id, r reason}. */
export type FuturesConditionalOrderTriggerReject = z.infer<typeof conditionalOrderTriggerRejectSchema>;
