/**
 * BingX user data events (issue #13 item 3), two dialects: `bingxSpot` and `bingxSwap`.
 *
 * Spot, https://bingx-api.github.io/docs/spot/socket-account.html (checked 2026-12-03): pushes
 * arrive as `{"data":{…},"dataType":"spot.executionReport"|"ACCOUNT_UPDATE"}` (core's parser
 * unwraps `data`). `executionReport` carries Binance's letters s S o q p x X i l z L n N T t O Z Y
 * Q; the page lists no client order id, later payloads carry `c` (and `C` on a cancel), so both
 * are optional. The balance push `ACCOUNT_UPDATE` is not shown on that page: its fields (`T`,
 * `a.m`, `a.B[]` of `{a, wb, cw, bc, lk}`) are BingX's skill pages'
 * (https://cph.heiberik.com/skills/bingx-api-bingx-ai-skills/spot-ws-account) and the BingX.Net
 * models'; `lk` (locked) is optional.
 *
 * Swap, https://bingx-api.github.io/docs/swap/socket.html and
 * https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account (checked 2026-12-03):
 * Binance USDⓈ-M's event names and letters, with fewer fields: `ORDER_TRADE_UPDATE` (`o` with
 * s c i S o q p sp ap x X N n T wt ps rp z, and on fills l L t m), `ACCOUNT_UPDATE` (`a.m`,
 * `a.B[]` {a wb cw bc}, `a.P[]` {s pa ep up mt iw ps}), `ACCOUNT_CONFIG_UPDATE` (`ac` {s l S mt})
 * and `listenKeyExpired`. Everything the pages do not show on every sample is optional; order
 * ids are numbers (BingX's exceed 2^53 and lose digits in `JSON.parse`, as its REST ids do).
 */
import { z } from 'zod';
import { decimal, int, millisLoose } from './common.js';

const optionalDecimal = decimal.optional();
/**
 * An order id: a number, or the exact digit string `@userstream/stream` hands on for an id beyond
 * 2^53 (BingX's are; `JSON.parse` would round them).
 */
const orderId = z.union([int, z.string().regex(/^\d{1,24}$/)]);

export const bingxSpotExecutionReportSchema = z.object({
  e: z.literal('executionReport'),
  /** Event time. */
  E: int,
  /** Symbol, e.g. BTC-USDT. */
  s: z.string(),
  /** Side. */
  S: z.string(),
  /** Order type. */
  o: z.string(),
  /** Order quantity. */
  q: decimal,
  /** Order price. */
  p: decimal,
  /** Execution type: NEW, CANCELED, TRADE. */
  x: z.string(),
  /** Order status: NEW, PENDING, PARTIALLY_FILLED, FILLED, CANCELED, FAILED. */
  X: z.string(),
  /** Order id (a digit string beyond 2^53). */
  i: orderId,
  /** Last executed quantity. */
  l: decimal,
  /** Cumulative filled quantity. */
  z: decimal,
  /** Last executed price. */
  L: decimal,
  /** Commission. */
  n: decimal,
  /** Commission asset. */
  N: z.string().nullable(),
  /** Transaction time. */
  T: int,
  /** Trade id (-1 without a trade). */
  t: int,
  /** Order creation time. */
  O: int,
  /** Cumulative quote quantity. */
  Z: decimal,
  /** Last quote quantity. */
  Y: decimal,
  /** Quote order quantity. */
  Q: decimal,
  /** Client order id (not on the docs page's sample). */
  c: z.string().optional(),
  /** Original client order id of a cancel. */
  C: z.string().optional(),
});
/** BingX spot `executionReport` (inside the `{data, dataType}` push). */
export type BingxSpotExecutionReport = z.infer<typeof bingxSpotExecutionReportSchema>;

export const bingxSpotAccountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time. */
  T: int.optional(),
  a: z.object({
    /** Reason, e.g. ORDER, DEPOSIT. */
    m: z.string().optional(),
    B: z.array(
      z.object({
        /** Asset. */
        a: z.string(),
        /** Wallet balance (free and locked). */
        wb: decimal,
        /** The balance BingX calls cw (equal to wb on spot). */
        cw: optionalDecimal,
        /** Balance change. */
        bc: optionalDecimal,
        /** Locked amount. */
        lk: optionalDecimal,
      }),
    ),
  }),
});
/** BingX spot `ACCOUNT_UPDATE`: the changed assets' balances, `wb` total and `lk` locked. */
export type BingxSpotAccountUpdate = z.infer<typeof bingxSpotAccountUpdateSchema>;

export const bingxSwapOrderTradeUpdateSchema = z.object({
  e: z.literal('ORDER_TRADE_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time (not on every sample). */
  T: int.optional(),
  o: z.object({
    /** Symbol, e.g. BTC-USDT. */
    s: z.string(),
    /** Client order id. */
    c: z.string().optional(),
    /** Client order id (BingX.Net reads it as `C`). */
    C: z.string().optional(),
    /** Order id (a digit string beyond 2^53). */
    i: orderId,
    /** Side. */
    S: z.string(),
    /** Order type. */
    o: z.string(),
    /** Quantity. */
    q: optionalDecimal,
    /** Price. */
    p: optionalDecimal,
    /** Trigger price. */
    sp: optionalDecimal,
    /** Average price. */
    ap: optionalDecimal,
    /** Execution type. */
    x: z.string(),
    /** Order status. */
    X: z.string(),
    /** Commission asset. */
    N: z.string().optional(),
    /** Commission (negative: paid). */
    n: optionalDecimal,
    /** Trade time (0 on an order not yet traded). */
    T: int.optional(),
    /** Trigger price type. */
    wt: z.string().optional(),
    /** Position side. */
    ps: z.string().optional(),
    /** Realized profit. */
    rp: optionalDecimal,
    /** Cumulative filled quantity. */
    z: optionalDecimal,
    /** Last filled quantity. */
    l: optionalDecimal,
    /** Last filled price. */
    L: optionalDecimal,
    /** Trade id. */
    t: int.optional(),
    /** Maker side. */
    m: z.boolean().optional(),
    /** Time in force. */
    f: z.string().optional(),
  }),
});
/** BingX swap `ORDER_TRADE_UPDATE`: USDⓈ-M's letters, most of them optional. */
export type BingxSwapOrderTradeUpdate = z.infer<typeof bingxSwapOrderTradeUpdateSchema>;

export const bingxSwapAccountUpdateSchema = z.object({
  e: z.literal('ACCOUNT_UPDATE'),
  /** Event time. */
  E: int,
  /** Transaction time (not on BingX's sample). */
  T: int.optional(),
  a: z.object({
    /** Reason, e.g. ORDER, DEPOSIT. */
    m: z.string(),
    B: z.array(z.object({ a: z.string(), wb: decimal, cw: optionalDecimal, bc: optionalDecimal })),
    P: z
      .array(
        z.object({
          s: z.string(),
          pa: decimal,
          ep: optionalDecimal,
          up: optionalDecimal,
          mt: z.string().optional(),
          iw: optionalDecimal,
          ps: z.string().optional(),
          cr: optionalDecimal,
        }),
      )
      .optional(),
  }),
});
/** BingX swap `ACCOUNT_UPDATE`: wallet balances `a.B` and positions `a.P`. */
export type BingxSwapAccountUpdate = z.infer<typeof bingxSwapAccountUpdateSchema>;

export const bingxSwapAccountConfigUpdateSchema = z.object({
  e: z.literal('ACCOUNT_CONFIG_UPDATE'),
  E: int,
  /** Symbol, long and short leverage, margin type. */
  ac: z.object({ s: z.string(), l: int.optional(), S: int.optional(), mt: z.string().optional() }),
});
/** BingX swap `ACCOUNT_CONFIG_UPDATE`: leverage and margin mode of one symbol. */
export type BingxSwapAccountConfigUpdate = z.infer<typeof bingxSwapAccountConfigUpdateSchema>;

export const bingxListenKeyExpiredSchema = z.object({ e: z.literal('listenKeyExpired'), E: millisLoose });
/** BingX swap `listenKeyExpired` (the frame also names the key: never log it). */
export type BingxListenKeyExpired = z.infer<typeof bingxListenKeyExpiredSchema>;

export type BingxSpotEvent = BingxSpotExecutionReport | BingxSpotAccountUpdate;
export type BingxSwapEvent =
  | BingxSwapOrderTradeUpdate
  | BingxSwapAccountUpdate
  | BingxSwapAccountConfigUpdate
  | BingxListenKeyExpired;

export const bingxSpotSchemas = {
  executionReport: bingxSpotExecutionReportSchema,
  ACCOUNT_UPDATE: bingxSpotAccountUpdateSchema,
} as const;

export const bingxSwapSchemas = {
  ORDER_TRADE_UPDATE: bingxSwapOrderTradeUpdateSchema,
  ACCOUNT_UPDATE: bingxSwapAccountUpdateSchema,
  ACCOUNT_CONFIG_UPDATE: bingxSwapAccountConfigUpdateSchema,
  listenKeyExpired: bingxListenKeyExpiredSchema,
} as const;
