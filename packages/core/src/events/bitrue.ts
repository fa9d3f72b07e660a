/**
 * Bitrue spot user data events (issue #13 item 5), from the `user_order_update` and
 * `user_balance_update` channels of wss://wsapi.bitrue.com/stream?listenKey=… (gzip frames,
 * decoded by `@userstream/stream`). Docs checked 2026-12-03:
 * https://github.com/Bitrue-exchange/Spot-official-api-docs ("Order Update", "balance update",
 * "ENUM definitions"); the live type names from ccxt's bitrue pro client (handleOrder /
 * handleBalance samples, 2022-12), which the official page does not show.
 * Choices where the sources disagree:
 * - The order event's `e`: the page's example says `executionReport`, the live samples `ORDER`:
 *   both are typed with one schema.
 * - Enums are numbers (`S`, `o`, `x`, `X`); normalize-bitrue.ts maps them to the common model's
 *   strings, the table beside the code.
 * - `I` (event id) is a digit string in one sample and a bare number beyond 2^53 in another:
 *   either is accepted (a number has lost its last digits to JSON.parse; it is not used).
 */
import { z } from 'zod';
import { decimal, int } from './common.js';

/** A number or a string (ids, sent either way). */
const id = z.union([z.number(), z.string()], { error: 'Invalid input: expected a number or a string' });

export const bitrueOrderSchema = z.object({
  e: z.literal(['ORDER', 'executionReport']),
  E: int,
  /** Event id. */
  I: id.optional(),
  /** UID. */
  u: int.optional(),
  /** Symbol, lower-case in the live samples (`btcusdt`). */
  s: z.string(),
  /** Client order id (absent in a live sample). */
  c: z.string().optional(),
  /** Side: 1 buy, 2 sell. */
  S: int,
  /** Order type: 1 limit, 2 market (3 also limit in ccxt's table). */
  o: int,
  q: decimal,
  p: decimal,
  /** Order event: 1 created, 2 canceled by the user, 3 filled by the engine, 4 canceled by the engine. */
  x: int,
  /** Status: 0 not accepted yet, 1 accepted, 2 completed, 3 partly filled, 4 canceled (7 stop placed, ccxt). */
  X: int,
  /** Order id. */
  i: id,
  l: decimal,
  L: decimal,
  n: decimal,
  N: z.string().nullable(),
  /** Trade time. */
  T: int.optional(),
  /** Trade id (-1 when none). */
  t: int.optional(),
  O: int,
  z: decimal,
  /** Cumulative quote amount. */
  Y: decimal,
  /** Original client order id. */
  C: z.string().optional(),
});
/** Bitrue's order event (`ORDER`; the page's example calls it `executionReport`). */
export type BitrueOrder = z.infer<typeof bitrueOrderSchema>;

export const bitrueBalanceSchema = z.object({
  e: z.literal('BALANCE'),
  /** Why: OutboundAccountPositionTradeEvent (a fill), …OrderEvent (an order placed or canceled), … */
  x: z.string(),
  E: int,
  I: id.optional(),
  i: int.optional(),
  B: z.array(
    z.object({
      /** Asset, lower-case (`usdt`). */
      a: z.string(),
      /** Free balance, sent when it changed (`T` not 0). */
      F: decimal.optional(),
      /** When the free balance changed (0: it did not). */
      T: int.optional(),
      /** Free balance delta. */
      f: decimal.optional(),
      /** Locked balance, sent when it changed (`t` not 0). */
      L: decimal.optional(),
      /** Locked balance delta. */
      l: decimal.optional(),
      /** When the locked balance changed (0: it did not). */
      t: int.optional(),
    }),
  ),
  /** UID. */
  u: int.optional(),
});
/** Bitrue's balance event: per asset, the free and locked balances that changed. */
export type BitrueBalance = z.infer<typeof bitrueBalanceSchema>;

export type BitrueEvent = BitrueOrder | BitrueBalance;

export const bitrueSchemas = {
  ORDER: bitrueOrderSchema,
  executionReport: bitrueOrderSchema,
  BALANCE: bitrueBalanceSchema,
};
