/**
 * Futures positions in one shape, whether an event reported them (USDⓈ-M / COIN-M / portfolio
 * margin `ACCOUNT_UPDATE` `a.P`) or a REST snapshot listed them (`/fapi/v3/positionRisk`,
 * `/dapi/v1/positionRisk`, `/papi/v1/um|cm/positionRisk`), so a mirror folds both alike.
 */
import type { FuturesAccountUpdate } from './futures.js';
import { bingxRestPosition, isBingxRestPosition } from './normalize-bingx-rest.js';
import { isToobitRestPosition, toobitRestPosition } from './normalize-toobit-rest.js';
import type { FuturesBook, NormalizedAccountUpdate, NormalizedPosition } from './normalize-types.js';
import type { OptionsBalancePositionUpdate } from './options.js';

/**
 * A position as a snapshot or a mirror holds it. Amounts are the venue's decimal strings as sent.
 * A position is named by `book` (portfolio margin's UM/CM, else undefined), `symbol` and
 * `positionSide` (BOTH in one-way mode; LONG and SHORT in hedge mode).
 */
export interface PositionSnapshot {
  /** Portfolio margin's book (`UM`/`CM`); undefined on USDⓈ-M and COIN-M accounts. */
  book: FuturesBook | undefined;
  /** Market symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** `BOTH` (one-way mode), `LONG` or `SHORT` (hedge mode). */
  positionSide: string;
  /** Signed: negative is short. */
  positionAmount: string;
  /** Average entry price, a decimal string. */
  entryPrice: string;
  /** Unrealized profit and loss, a decimal string. */
  unrealizedPnl: string;
  /** `cross` or `isolated`. */
  marginType: string;
  /** Isolated wallet; "0" for a cross position. */
  isolatedWallet: string;
  /** When the position last changed (epoch ms). */
  updateTime: number;
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const epochMs = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** `fs` of a portfolio margin event, when the event carries one. */
export function bookOf(raw: unknown): FuturesBook | undefined {
  const fs = (raw as { fs?: unknown } | null)?.fs;
  return fs === 'UM' || fs === 'CM' ? fs : undefined;
}

/** Futures `ACCOUNT_UPDATE` (USDⓈ-M, COIN-M, portfolio margin with `fs`) in its readable shape. */
export function futuresAccount(event: FuturesAccountUpdate): NormalizedAccountUpdate {
  return {
    kind: 'accountUpdate',
    eventType: event.e,
    venueEventTime: event.E,
    transactionTime: event.T,
    reason: event.a.m,
    book: bookOf(event),
    balances: event.a.B.map((b) => ({
      asset: b.a,
      walletBalance: b.wb,
      crossWalletBalance: b.cw,
      balanceChange: b.bc,
    })),
    positions: (event.a.P ?? []).map((p) => ({
      symbol: p.s,
      positionAmount: p.pa,
      entryPrice: p.ep,
      breakEvenPrice: p.bep,
      unrealizedPnl: p.up,
      accumulatedRealized: p.cr,
      marginType: p.mt,
      isolatedWallet: p.iw,
      positionSide: p.ps,
    })),
    raw: event,
  };
}

/**
 * Options `BALANCE_POSITION_UPDATE` in the futures account update's shape: `b` is the wallet
 * balance, each position `{s, c signed quantity, a average entry price}` (options positions have
 * no side, no margin type and no PnL in the event: BOTH, "" and "").
 * https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Balance-and-Position-Update
 */
export function optionsBalancePosition(event: OptionsBalancePositionUpdate): NormalizedAccountUpdate {
  return {
    kind: 'accountUpdate',
    eventType: event.e,
    venueEventTime: event.E,
    transactionTime: event.T,
    reason: event.m,
    book: undefined,
    balances: event.B.map((b) => ({
      asset: b.a,
      walletBalance: b.b,
      crossWalletBalance: b.b,
      balanceChange: b.bc,
    })),
    positions: event.P.map((p) => ({
      symbol: p.s,
      positionAmount: p.c,
      entryPrice: p.a,
      breakEvenPrice: undefined,
      unrealizedPnl: '',
      accumulatedRealized: '',
      marginType: '',
      isolatedWallet: undefined,
      positionSide: 'BOTH',
    })),
    raw: event,
  };
}

/** The position an `ACCOUNT_UPDATE` reports, as of `updateTime` (the event's `T`). */
export function positionSnapshotOf(
  position: NormalizedPosition,
  book: FuturesBook | undefined,
  updateTime: number,
): PositionSnapshot {
  return {
    book,
    symbol: position.symbol,
    positionSide: position.positionSide,
    positionAmount: position.positionAmount,
    entryPrice: position.entryPrice,
    unrealizedPnl: position.unrealizedPnl,
    marginType: position.marginType,
    isolatedWallet: position.isolatedWallet ?? '0',
    updateTime,
  };
}

/**
 * A venue's REST position object as a {@link PositionSnapshot}: USDⓈ-M `/fapi/v3/positionRisk`,
 * COIN-M `/dapi/v1/positionRisk`, portfolio margin `/papi/v1/um|cm/positionRisk` (`book` says
 * which, the body does not), options `/eapi/v1/position` (`quantity` signed, `unrealizedPNL`; its
 * `side` is the sign of the quantity, so the position is BOTH as in the options event).
 * Toobit USDT-M's `/api/v1/futures/positions` objects are read by normalize-toobit-rest.ts, BingX
 * swap's `/openApi/swap/v2/user/positions` objects by normalize-bingx-rest.ts.
 * Tolerant: a missing text is `""`, a missing time 0. v3 of the USDⓈ-M endpoint dropped
 * `marginType`: a position with an isolated margin or wallet other than zero is `isolated`, any
 * other `cross` (a flat isolated position reads as cross; the mirror leaves flat ones out).
 */
export function normalizeRestPosition(
  body: Readonly<Record<string, unknown>>,
  book?: FuturesBook,
): PositionSnapshot {
  // Toobit USDT-M: a side and an unsigned size (normalize-toobit-rest.ts).
  if (isToobitRestPosition(body)) return toobitRestPosition(body);
  // BingX swap: avgPrice, unrealizedProfit and an isolated flag (normalize-bingx-rest.ts).
  if (isBingxRestPosition(body)) return bingxRestPosition(body);
  const options = body.positionAmt === undefined && body.quantity !== undefined;
  const isolatedWallet = text(body.isolatedWallet) || '0';
  const marginType = options
    ? ''
    : typeof body.marginType === 'string'
      ? body.marginType.toLowerCase()
      : Number(body.isolatedMargin ?? 0) !== 0 || Number(isolatedWallet) !== 0
        ? 'isolated'
        : 'cross';
  return {
    book,
    symbol: text(body.symbol),
    positionSide: options ? 'BOTH' : text(body.positionSide) || 'BOTH',
    positionAmount: text(options ? body.quantity : body.positionAmt),
    entryPrice: text(body.entryPrice),
    unrealizedPnl: text(options ? body.unrealizedPNL : body.unRealizedProfit),
    marginType,
    isolatedWallet,
    updateTime: epochMs(body.updateTime ?? body.time),
  };
}

/** One key per position: book, symbol and side (the book is "" outside portfolio margin). */
export function positionKey(p: Pick<PositionSnapshot, 'book' | 'symbol' | 'positionSide'>): string {
  return `${p.book ?? ''} ${p.symbol} ${p.positionSide}`;
}
