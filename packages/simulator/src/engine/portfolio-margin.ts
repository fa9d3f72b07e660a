/**
 * Portfolio margin (`/papi`) reads the same USDⓈ-M book as `binance-usdm` here (the engine keeps
 * one account per market), but its stream speaks the portfolio-margin dialect
 * (developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/): futures events
 * name their business unit in `fs` (UM for USDⓈ-M, CM for COIN-M) and conditional orders come as
 * `ALGO_UPDATE` with the order under `ao`. This is the one place that turns a book event into
 * the frame text a portfolio-margin stream gets; the server calls it once per event.
 */

const WITH_FS: ReadonlySet<string> = new Set(['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE']);

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
