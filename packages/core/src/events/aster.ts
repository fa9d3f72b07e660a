/**
 * Aster spot user data events (issue #13 item 2): Binance spot's letters with Aster's own field
 * set. https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-spot-api.md (commit
 * 265e024, checked 2026-12-03), "Payload: ACCOUNT_UPDATE" and "Payload: Order Update":
 * `outboundAccountPosition` carries `T` (time of the last account update) and `m` (the reason)
 * instead of Binance's `u`; `executionReport` adds `ap` (average price) and `ot` (original order
 * type) and has no `r`, `w`, `I`, `M`, `C`, `F`, `g`. Aster futures speak the `futures` dialect.
 */
import { z } from 'zod';
import { assetBalance, decimal, int } from './common.js';

export const asterOutboundAccountPositionSchema = z.object({
  e: z.literal('outboundAccountPosition'),
  /** Event time. */
  E: int,
  /** Time of the last account update. */
  T: int,
  /** Event reason type, e.g. WITHDRAW. */
  m: z.string(),
  /** Balances of the changed assets. */
  B: z.array(assetBalance),
});
/** Aster spot `outboundAccountPosition`: T last update time, m reason, B balances [{a, f, l}]. */
export type AsterOutboundAccountPosition = z.infer<typeof asterOutboundAccountPositionSchema>;

export const asterExecutionReportSchema = z.object({
  e: z.literal('executionReport'),
  /** Event time. */
  E: int,
  /** Symbol. */
  s: z.string(),
  /** Client order id. */
  c: z.string(),
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
  /** Average price. */
  ap: decimal,
  /** Stop price. */
  P: decimal,
  /** Current execution type. */
  x: z.string(),
  /** Current order status. */
  X: z.string(),
  /** Order id. */
  i: int,
  /** Last executed quantity. */
  l: decimal,
  /** Cumulative filled quantity. */
  z: decimal,
  /** Last executed price. */
  L: decimal,
  /** Commission amount. */
  n: decimal,
  /** Commission asset (null when none: the docs do not say, Binance's convention). */
  N: z.string().nullable(),
  /** Transaction time. */
  T: int,
  /** Trade id. */
  t: int,
  /** Is this trade the maker side? */
  m: z.boolean(),
  /** Original order type. */
  ot: z.string(),
  /** Order creation time. */
  O: int,
  /** Cumulative quote asset transacted quantity. */
  Z: decimal,
  /** Last quote asset transacted quantity. */
  Y: decimal,
  /** Quote order quantity. */
  Q: decimal,
});
/**
 * Aster spot `executionReport`: Binance's letters (s, c, S, o, f, q, p, P, x, X, i, l, z, L, n, N,
 * T, t, m, O, Z, Y, Q) plus ap average price and ot original order type.
 */
export type AsterExecutionReport = z.infer<typeof asterExecutionReportSchema>;

/**
 * One language's copy of an announcement (Aster futures v3, "Event: Public Announcement" and
 * "Event: Direct Announcement", V3(Recommended)/EN/aster-finance-futures-api-v3.md at 265e024,
 * checked 2026-12-03).
 */
export const asterAnnouncementContentSchema = z.object({
  /** Announcement id (the same in every language). */
  i: int,
  /** Title. */
  t: z.string(),
  /** Subtitle. */
  s: z.string(),
  /** Category: `NEW_LISTING` (public), `DIRECT` (a personal message). */
  c: z.string(),
  /** Announcement time (ms). */
  d: int,
  /** Read status (`false`: unread). */
  S: z.boolean(),
  /** Link to the full announcement. */
  j: z.string(),
  /** Content (HTML). */
  C: z.string(),
});
/** An announcement in one language: i id, t title, s subtitle, c category, d time, S read, j link, C HTML content. */
export type AsterAnnouncementContent = z.infer<typeof asterAnnouncementContentSchema>;

/**
 * Aster futures `announcement`: the same notice in English (`en`) and Chinese (`zh`). It has no
 * `E`: the stream neither orders nor dedupes it (events without a numeric `E` pass the sequencer
 * straight through, in arrival order, never dropped as late or as a duplicate), so across a
 * reconnect's overlap the same announcement can arrive twice; `en.i` identifies it. Only `en` is
 * required: the docs show both languages, and a notice in one language is still a notice.
 */
export const asterAnnouncementSchema = z.object({
  e: z.literal('announcement'),
  /** English copy. */
  en: asterAnnouncementContentSchema,
  /** Chinese copy. */
  zh: asterAnnouncementContentSchema.optional(),
});
/** Aster futures `announcement` (public or direct): en and zh copies {i, t, s, c, d, S, j, C}; no E. */
export type AsterAnnouncement = z.infer<typeof asterAnnouncementSchema>;

/** Every event the aster (spot) dialect knows. */
export type AsterEvent = AsterOutboundAccountPosition | AsterExecutionReport;

export const asterSchemas = {
  outboundAccountPosition: asterOutboundAccountPositionSchema,
  executionReport: asterExecutionReportSchema,
} as const;
