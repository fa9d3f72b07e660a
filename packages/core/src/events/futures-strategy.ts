/**
 * USDⓈ-M and COIN-M strategy (grid) trading events.
 * Sources: developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/
 * Event-STRATEGY-UPDATE and Event-GRID-UPDATE (COIN-M pages alike).
 */
import { z } from 'zod';
import { decimal, int } from './common.js';

export const strategyUpdateSchema = z.object({
  e: z.literal('STRATEGY_UPDATE'),
  /** Transaction time. */
  T: int,
  /** Event time. */
  E: int,
  /** The strategy. */
  su: z.object({
    /** Strategy id. */
    si: int,
    /** Strategy type, e.g. GRID. */
    st: z.string(),
    /** Strategy status: NEW, WORKING, CANCELLED, EXPIRED. */
    ss: z.string(),
    /** Symbol. */
    s: z.string(),
    /** Update time. */
    ut: int,
    /** opCode (8001 params updated … 8015 position empty or liquidated). */
    c: int,
  }),
});
/** `STRATEGY_UPDATE`: a strategy was created, cancelled, expired…; su {si id, st type, ss status, s symbol, ut update time, c opCode}. */
export type FuturesStrategyUpdate = z.infer<typeof strategyUpdateSchema>;

export const gridUpdateSchema = z.object({
  e: z.literal('GRID_UPDATE'),
  /** Transaction time. */
  T: int,
  /** Event time. */
  E: int,
  /** The grid. */
  gu: z.object({
    /** Strategy id. */
    si: int,
    /** Strategy type, GRID. */
    st: z.string(),
    /** Strategy status: NEW, WORKING, CANCELLED, EXPIRED. */
    ss: z.string(),
    /** Symbol. */
    s: z.string(),
    /** Realized PnL. */
    r: decimal,
    /** Unmatched average price. */
    up: decimal,
    /** Unmatched quantity. */
    uq: decimal,
    /** Unmatched fee. */
    uf: decimal,
    /** Matched PnL. */
    mp: decimal,
    /** Update time. */
    ut: int,
  }),
});
/** `GRID_UPDATE`: a grid sub-order filled (partly or fully); gu {si, st, ss, s, r realized PnL, up/uq/uf unmatched price/qty/fee, mp matched PnL, ut}. */
export type FuturesGridUpdate = z.infer<typeof gridUpdateSchema>;
