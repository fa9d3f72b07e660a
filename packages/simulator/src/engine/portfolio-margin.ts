/**
 * Portfolio margin (`/papi`) reads the same USDⓈ-M book as `binance-usdm` here (the engine keeps
 * one account per market), but its stream speaks the portfolio-margin dialect
 * (developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/): futures events
 * name their business unit in `fs` (UM for USDⓈ-M, CM for COIN-M) and conditional orders come as
 * `ALGO_UPDATE` with the order under `ao`. This is the one place that turns a book event into
 * the frame text a portfolio-margin stream gets; the server calls it once per event.
 */

const WITH_FS: ReadonlySet<string> = new Set(['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE']);
/** Events only a portfolio-margin stream carries (the USD-M streams of the same book skip them). */
export const PORTFOLIO_MARGIN_ONLY: ReadonlySet<string> = new Set(['liabilityChange']);

/**
 * The portfolio-margin text of a USDⓈ-M book event, or `undefined` when the PM stream gets the
 * same text as the USDⓈ-M stream. `fs` follows `T` (as the PM pages print it); COIN-M events keep
 * their account alias `i`.
 */
export function portfolioMarginText(
  event: Readonly<Record<string, unknown>>,
  unit: 'UM' | 'CM' = 'UM',
): string | undefined {
  const type = event.e;
  if (typeof type !== 'string') return undefined;
  if (type === 'liabilityChange') return liabilityChangeText(event);
  if (type === 'ALGO_UPDATE') {
    const { o, ...rest } = event;
    return JSON.stringify({ ...rest, fs: unit, ao: o });
  }
  if (!WITH_FS.has(type)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
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
 * it; core re-reads it from the text). The loan lands in the PM cross-margin wallet, which
 * /papi/v1/balance reports (`crossMarginBorrowed`, `crossMarginFree`). No interest accrues.
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
