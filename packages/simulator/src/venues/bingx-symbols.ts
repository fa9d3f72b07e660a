/**
 * BingX's symbols (issue #13 leftovers): BASE-QUOTE with a hyphen, `BTC-USDT`, in REST requests,
 * REST answers and pushes alike, spot and USDT-M swap (checked 2026-12-03:
 * https://skills.sh/bingx-api/api-ai-skills/bingx-swap-account, "symbol: Trading pair in
 * BASE-QUOTE format (e.g., BTC-USDT)"; https://bingx-api.github.io/docs/spot/socket-account.html).
 * The simulator's book says `BTCUSDT`: BingX's doors translate both ways with the book's own
 * instrument table (base and quote assets), so `ETHBTC` is `ETH-BTC`.
 */
import { SPOT_INSTRUMENTS, USDM_INSTRUMENTS } from '../engine/index.js';

const TO_BINGX = new Map<string, string>();
const TO_BOOK = new Map<string, string>();
for (const i of [...Object.values(SPOT_INSTRUMENTS), ...Object.values(USDM_INSTRUMENTS)]) {
  const bingx = `${i.baseAsset}-${i.quoteAsset}`;
  TO_BINGX.set(i.symbol, bingx);
  TO_BOOK.set(bingx, i.symbol);
}

/** The book's `BTCUSDT` as BingX writes it, `BTC-USDT` (a symbol the book does not list: as is). */
export function bingxSymbol(symbol: unknown): unknown {
  return typeof symbol === 'string' ? (TO_BINGX.get(symbol) ?? symbol) : symbol;
}

/** BingX's `BTC-USDT` as the book's `BTCUSDT` (anything else as is: the book refuses what it lacks). */
export function bookSymbol(symbol: string): string {
  return TO_BOOK.get(symbol) ?? symbol;
}

type Body = Record<string, unknown>;

/** A REST answer of the book with its `symbol` fields in BingX's form (an object or an array of them). */
function withBingxSymbols(result: unknown): unknown {
  const one = (b: unknown) =>
    b !== null && typeof b === 'object' && 'symbol' in (b as Body)
      ? { ...(b as Body), symbol: bingxSymbol((b as Body).symbol) }
      : b;
  return Array.isArray(result) ? result.map(one) : one(result);
}

/**
 * BingX's door on the simulator's REST routes (rest.ts, beside Tokocrypto's and Toobit's): the
 * request's `symbol` in the book's terms, the answer's in BingX's. venues/bingx-rest.ts then puts
 * the answer in BingX's envelope and shapes. Undefined for other venues.
 */
export function bingxDoor(
  venue: string,
):
  | { params(p: Record<string, string>): Record<string, string>; answer(result: unknown): unknown }
  | undefined {
  if (venue !== 'bingx-spot' && venue !== 'bingx-swap') return undefined;
  return {
    params: (p) => (p.symbol === undefined ? p : { ...p, symbol: bookSymbol(p.symbol) }),
    answer: withBingxSymbols,
  };
}
