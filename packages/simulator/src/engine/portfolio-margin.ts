/**
 * Portfolio margin (`/papi`) reads the same USDⓈ-M book as `binance-usdm` here (the engine keeps
 * one account per market), but its stream speaks the portfolio-margin dialect
 * (developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/): futures events
 * name their business unit in `fs` (UM for USDⓈ-M, CM for COIN-M) and conditional orders come as
 * `ALGO_UPDATE` with the order under `ao`. This is the one place that turns a book event into
 * the frame text a portfolio-margin stream gets; the server calls it once per event.
 */

import { addDecimal, compareDecimal, divDecimal, fixed } from './decimal-math.js';
import type { FuturesLedger } from './futures-ledger.js';
import { marginSummary } from './futures-math.js';
import type { FuturesInstrument } from './markets.js';

const WITH_FS: ReadonlySet<string> = new Set(['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE']);
/**
 * Events only a portfolio-margin stream carries (the USD-M streams of the same book skip them):
 * PM's own, and the PM margin account's spot-shaped events, which portfolio-margin-desk.ts
 * addresses to this book's key (no USDⓈ-M event has these names).
 */
export const PORTFOLIO_MARGIN_ONLY: ReadonlySet<string> = new Set([
  'liabilityChange',
  'riskLevelChange',
  'openOrderLoss',
  'CONDITIONAL_ORDER_TRADE_UPDATE',
  'executionReport',
  'outboundAccountPosition',
  'balanceUpdate',
]);

/**
 * Whether an event on the USDⓈ-M book's streams is for portfolio-margin streams alone: a type
 * only PM carries, or an event that already names its business unit (`fs`, which no USDⓈ-M event
 * has): the CM book's events portfolio-margin-desk.ts addresses to the PM stream.
 */
export function isPortfolioMarginOnly(event: Readonly<Record<string, unknown>>): boolean {
  return PORTFOLIO_MARGIN_ONLY.has(event.e as string) || event.fs !== undefined;
}

/**
 * The portfolio-margin text of a USDⓈ-M book event, or `undefined` when the PM stream gets the
 * same text as the USDⓈ-M stream. `fs` follows `T` (as the PM pages print it): the event's own
 * when it names one (a CM book event), else `unit`; COIN-M events keep their account alias `i`.
 */
export function portfolioMarginText(
  event: Readonly<Record<string, unknown>>,
  unit: 'UM' | 'CM' = 'UM',
): string | undefined {
  const type = event.e;
  if (typeof type !== 'string') return undefined;
  if (event.fs === 'UM' || event.fs === 'CM') unit = event.fs;
  if (type === 'liabilityChange') return liabilityChangeText(event);
  if (type === 'ALGO_UPDATE') {
    const { o, ...rest } = event;
    return JSON.stringify({ ...rest, fs: unit, ao: o });
  }
  if (!WITH_FS.has(type)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === 'fs') continue;
    out[k] = v;
    if (k === 'T') out.fs = unit;
  }
  if (!('fs' in out)) out.fs = unit;
  return JSON.stringify(out);
}

/** The first PM transaction id: the documented `liabilityChange` example's, beyond 2^53. */
export const FIRST_PM_TRANSACTION_ID = 1352286576452864727n;

/**
 * Portfolio-margin loans (POST /papi/v1/marginLoan, /papi/v1/repayLoan): each changes the
 * account's margin liability and sends `liabilityChange` on the PM stream only, its `T` a
 * transaction id beyond 2^53 written as exact digits in the frame text (`JSON.parse` would round
 * it; core re-reads it from the text). The loan lands in the PM margin account's wallet (the
 * desk credits its ledger), which /papi/v1/balance reports (`crossMarginBorrowed`,
 * `crossMarginFree`). No interest accrues.
 */
export class PortfolioMarginLoans {
  readonly #loans = new Map<string, Map<string, string>>();
  #transactionId = FIRST_PM_TRANSACTION_ID - 1n;

  /** Outstanding principal of `asset` ("0" when none). */
  borrowed(accountId: string, asset: string): string {
    return this.#loans.get(accountId)?.get(asset) ?? '0';
  }

  /** Assets with a loan. */
  assets(accountId: string): string[] {
    return [...(this.#loans.get(accountId)?.keys() ?? [])];
  }

  /** Records a loan or repayment and returns the `liabilityChange` event (T as an exact digit string). */
  change(
    accountId: string,
    asset: string,
    type: 'BORROW' | 'REPAY',
    amount: string,
    add: (a: string, b: string) => string,
  ): { event: Record<string, unknown>; tranId: string } {
    let book = this.#loans.get(accountId);
    if (!book) {
      book = new Map();
      this.#loans.set(accountId, book);
    }
    const total = add(book.get(asset) ?? '0', type === 'BORROW' ? amount : `-${amount}`);
    if (total === '0') book.delete(asset);
    else book.set(asset, total);
    this.#transactionId += 1n;
    const T = this.#transactionId.toString();
    return {
      tranId: T,
      event: { e: 'liabilityChange', E: 0, a: asset, t: type, T, p: amount, i: '0', l: total },
    };
  }
}

/** The frame text of a PM `liabilityChange`: `T` as bare digits (exact beyond 2^53). */
export function liabilityChangeText(event: Readonly<Record<string, unknown>>): string {
  // A placeholder no JSON text of ours contains, swapped for the digits after serializing.
  const json = JSON.stringify({ ...event, T: '\u0000' });
  return json.replace('"\\u0000"', String(event.T));
}

/**
 * uniMMR floors of the portfolio-margin risk levels, worst last: the level is the last whose
 * ceiling the uniMMR is under. The riskLevelChange page (developers.binance.com/docs/derivatives/
 * portfolio-margin/user-data-streams/Event-riskLevelChange) names the levels, not the numbers;
 * these are named here so a test can drive them.
 */
export const PM_RISK_LEVELS: readonly (readonly [below: string, level: string])[] = Object.freeze([
  ['1.2', 'MARGIN_CALL'],
  ['1.05', 'REDUCE_ONLY'],
  ['1', 'FORCE_LIQUIDATION'],
]);

/** The risk figures of one account's UM book, in USD (USDT at 1). */
export interface PmRiskFigures {
  /** Account equity: wallet plus unrealized PnL. */
  equity: string;
  /** Total maintenance margin. */
  maint: string;
}

/**
 * `riskLevelChange` (PM streams only): after each operation, an account whose uniMMR (equity /
 * maintenance margin) enters another risk level gets one event with `u`, `s`, `eq`, `ae`, `m`.
 * Back above every floor is the healthy state, which the page does not announce.
 */
export class PortfolioMarginRisk {
  readonly #level = new Map<string, string>();

  /** `settle` over UM ledgers: accounts with a position and a maintenance margin are rated. */
  settleBooks(
    books: readonly { id: string; ledger: FuturesLedger }[],
    instrumentOf: (symbol: string) => FuturesInstrument | undefined,
    mark: (symbol: string) => string,
    send: (accountId: string, event: Record<string, unknown>) => void,
  ): void {
    const ledgers = new Map(books.filter((b) => b.ledger.positions.size > 0).map((b) => [b.id, b.ledger]));
    if (ledgers.size === 0 && this.#level.size === 0) return;
    this.settle(
      new Set([...ledgers.keys(), ...this.#level.keys()]),
      (id) => {
        const ledger = ledgers.get(id);
        if (!ledger) return undefined;
        const s = marginSummary(ledger, 'USDT', instrumentOf, mark);
        if (compareDecimal(s.maint, '0') === 0) return undefined;
        return { equity: addDecimal(s.wallet, s.unrealized), maint: s.maint };
      },
      {
        div: (a, b) => divDecimal(a, b, 8, 'down'),
        below: (a, b) => compareDecimal(a, b) < 0,
        fixed: (a) => fixed(a),
      },
      send,
    );
  }

  settle(
    accounts: Iterable<string>,
    figures: (accountId: string) => PmRiskFigures | undefined,
    math: {
      div: (a: string, b: string) => string;
      below: (a: string, b: string) => boolean;
      fixed: (a: string) => string;
    },
    send: (accountId: string, event: Record<string, unknown>) => void,
  ): void {
    for (const id of accounts) {
      const f = figures(id);
      if (f === undefined) {
        this.#level.delete(id);
        continue;
      }
      const u = math.div(f.equity, f.maint);
      let level: string | undefined;
      for (const [below, name] of PM_RISK_LEVELS) if (math.below(u, below)) level = name;
      const before = this.#level.get(id);
      if (level === before) continue;
      if (level === undefined) this.#level.delete(id);
      else this.#level.set(id, level);
      if (level === undefined) continue;
      const eq = math.fixed(f.equity);
      send(id, {
        e: 'riskLevelChange',
        E: 0,
        u: math.fixed(u),
        s: level,
        eq,
        ae: eq,
        m: math.fixed(f.maint),
      });
    }
  }
}
