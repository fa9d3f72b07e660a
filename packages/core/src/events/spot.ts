/**
 * Binance spot / margin user data events (`binance/binance-spot-api-docs`, user-data-stream.md
 * and web-socket-api.md). The listenToken stream and the margin listenKey stream send the same
 * events. Field letters are the venue's; comments give their meaning.
 */
import { z } from 'zod';
import { assetBalance, decimal, int, millisLoose } from './common.js';

export const outboundAccountPositionSchema = z.object({
  e: z.literal('outboundAccountPosition'),
  /** Event time. */
  E: int,
  /** Time of last account update. */
  u: int,
  /** Balances of the assets possibly changed by the event. */
  B: z.array(assetBalance),
});
/** Spot `outboundAccountPosition`: E event time, u last account update time, B balances [{a asset, f free, l locked}]. */
export type OutboundAccountPosition = z.infer<typeof outboundAccountPositionSchema>;

export const balanceUpdateSchema = z.object({
  e: z.literal('balanceUpdate'),
  /** Event time. */
  E: int,
  /** Asset. */
  a: z.string(),
  /** Balance delta. */
  d: decimal,
  /** Clear time. */
  T: int,
});
/** Spot `balanceUpdate` (deposit, withdrawal, transfer): E event time, a asset, d delta, T clear time. */
export type BalanceUpdate = z.infer<typeof balanceUpdateSchema>;

export const spotExecutionReportSchema = z.object({
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
  /** Stop price. */
  P: decimal,
  /** Iceberg quantity. */
  F: decimal,
  /** Order list id (-1 when none). */
  g: int,
  /** Original client order id (of the order being canceled), or "". */
  C: z.string(),
  /** Current execution type. */
  x: z.string(),
  /** Current order status. */
  X: z.string(),
  /** Order reject reason. */
  r: z.string(),
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
  /** Commission asset, null when none. */
  N: z.string().nullable(),
  /** Transaction time. */
  T: int,
  /** Trade id (-1 when none). */
  t: int,
  /** Execution id. */
  I: int,
  /** Is the order on the book? */
  w: z.boolean(),
  /** Is this trade the maker side? */
  m: z.boolean(),
  /** Ignore. */
  M: z.boolean().optional(),
  /** Order creation time. */
  O: int,
  /** Cumulative quote asset transacted quantity. */
  Z: decimal,
  /** Last quote asset transacted quantity (last price * last quantity). */
  Y: decimal,
  /** Quote order quantity. */
  Q: decimal,
  /** Self-trade prevention mode. */
  V: z.string(),
  // Conditional fields (present only in some cases, see "Conditional Fields in Execution Report").
  /** Working time: only when the order is working on the book. */
  W: int.optional(),
  /** Trailing delta: trailing stop orders only. */
  d: int.optional(),
  /** Trailing time: trailing stop orders only. */
  D: int.optional(),
  /** Strategy id, when given at placement. */
  j: int.optional(),
  /** Strategy type, when given at placement. */
  J: int.optional(),
  /** Prevented match id: orders expired by self-trade prevention only. */
  v: int.optional(),
  /** Prevented quantity (STP). */
  A: decimal.optional(),
  /** Last prevented quantity (STP). */
  B: decimal.optional(),
  /** Trade group id (STP). */
  u: int.optional(),
  /** Counter order id (STP). */
  U: int.optional(),
  /** Counter symbol (STP). */
  Cs: z.string().optional(),
  /** Prevented execution quantity (STP). */
  pl: decimal.optional(),
  /** Prevented execution price (STP). */
  pL: decimal.optional(),
  /** Prevented execution quote quantity (STP). */
  pY: decimal.optional(),
  /** Match type: orders with allocations. */
  b: z.string().optional(),
  /** Allocation id: orders with allocations. */
  a: int.optional(),
  /** Working floor: orders that potentially have allocations. */
  k: z.string().optional(),
  /** Used SOR. */
  uS: z.boolean().optional(),
  /** Pegged price type: pegged orders only. */
  gP: z.string().optional(),
  /** Pegged offset type: pegged orders only. */
  gOT: z.string().optional(),
  /** Pegged offset value: pegged orders only. */
  gOV: int.optional(),
  /** Pegged price: pegged orders only. */
  gp: decimal.optional(),
  /** Expiry reason: expired orders only. */
  eR: z.string().optional(),
});
/**
 * Spot `executionReport`: s symbol, c client id, S side, o type, f tif, q qty, p price, x exec type,
 * X status, i order id, l/L last qty/price, z filled, n/N commission/asset, T trade time, t trade id, Z quote filled.
 */
export type SpotExecutionReport = z.infer<typeof spotExecutionReportSchema>;

const listOrder = z.object({
  /** Symbol. */
  s: z.string(),
  /** Order id. */
  i: int,
  /** Client order id. */
  c: z.string(),
});

export const listStatusSchema = z.object({
  e: z.literal('listStatus'),
  /** Event time. */
  E: int,
  /** Symbol. */
  s: z.string(),
  /** Order list id. */
  g: int,
  /** Contingency type, e.g. OCO. */
  c: z.string(),
  /** List status type. */
  l: z.string(),
  /** List order status. */
  L: z.string(),
  /** List reject reason. */
  r: z.string(),
  /** List client order id. */
  C: z.string(),
  /** Transaction time. */
  T: int,
  /** Orders of the list. */
  O: z.array(listOrder),
});
/** Spot `listStatus` (order lists such as OCO): g list id, c contingency, l/L statuses, C list client id, O orders [{s, i, c}]. */
export type ListStatus = z.infer<typeof listStatusSchema>;

export const spotListenKeyExpiredSchema = z.object({
  /** Event type: the listenKey lapsed; the stream sends nothing more until a new key is used. */
  e: z.literal('listenKeyExpired'),
  /** Event time (a number, or a digit string on some venues; always a number once parsed). */
  E: millisLoose,
  /** The expired listenKey, as documented. A secret: `parseFrame`/`parseEvent` take it out, so delivered events never carry it (the stream knows which key expired). */
  listenKey: z.string().optional(),
});
/** `listenKeyExpired` on listenKey streams: E event time, listenKey the expired key (secret: do not log). */
export type ListenKeyExpired = z.infer<typeof spotListenKeyExpiredSchema>;

export const eventStreamTerminatedSchema = z.object({
  e: z.literal('eventStreamTerminated'),
  /** Event time. */
  E: int,
});
/** `eventStreamTerminated` (WebSocket API): the subscription ended (unsubscribe, logout, listenToken expiry); E event time. */
export type EventStreamTerminated = z.infer<typeof eventStreamTerminatedSchema>;

export const externalLockUpdateSchema = z.object({
  e: z.literal('externalLockUpdate'),
  /** Event time. */
  E: int,
  /** Asset. */
  a: z.string(),
  /** Delta locked (positive) or unlocked (negative). */
  d: decimal,
  /** Transaction time. */
  T: int,
});
/** `externalLockUpdate`: part of the spot balance locked/unlocked externally; a asset, d delta, T transaction time. */
export type ExternalLockUpdate = z.infer<typeof externalLockUpdateSchema>;

export const serverShutdownSchema = z.object({
  e: z.literal('serverShutdown'),
  /** Event time. */
  E: int,
});
/** `serverShutdown` (WebSocket API, no subscriptionId): the server is about to close the connection; reconnect now. */
export type ServerShutdown = z.infer<typeof serverShutdownSchema>;

/** Every event the spot dialect knows (Binance spot, margin, listenToken streams). */
export type SpotEvent =
  | OutboundAccountPosition
  | BalanceUpdate
  | SpotExecutionReport
  | ListStatus
  | ListenKeyExpired
  | EventStreamTerminated
  | ExternalLockUpdate
  | ServerShutdown;

export const spotSchemas = {
  outboundAccountPosition: outboundAccountPositionSchema,
  balanceUpdate: balanceUpdateSchema,
  executionReport: spotExecutionReportSchema,
  listStatus: listStatusSchema,
  listenKeyExpired: spotListenKeyExpiredSchema,
  eventStreamTerminated: eventStreamTerminatedSchema,
  externalLockUpdate: externalLockUpdateSchema,
  serverShutdown: serverShutdownSchema,
} as const;
