/**
 * Toobit USDT-M perpetual futures (issue #13 item 4): the `toobit-spot` profile's protocol (signed
 * listenKey calls with `X-BB-APIKEY`, JSON-array frames, `{"ping"}`/`{"pong"}`, the
 * `listenKeyWillExpire` notice) on the futures paths.
 *
 * Docs checked 2026-12-03:
 * - https://api-docs.toobit.com/api/usdt-m-websocket-account.html: POST/PUT/DELETE
 *   /api/v1/listenKey, weight 1 each, `timestamp` mandatory, `recvWindow` optional (signed
 *   USER_STREAM calls), PUT and DELETE take `listenKey`, an optional `category` (USDC for USDC-M,
 *   USDT-M by default: not sent); keys valid 60 minutes, a POST on an account with an active key
 *   returns it and extends it; stream wss://stream.toobit.com/api/v1/ws/<listenKey>;
 *   `listenKeyWillExpire` every minute from 5 minutes before the expiry; events
 *   outboundContractAccountInfo, outboundContractPositionInfo, contractExecutionReport and
 *   ticketInfo, each frame a JSON array; "order updates with E".
 * - https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (the USDT-M REST reference, the
 *   toobit-docs/apidocs repository): GET /api/v1/futures/balance (weight 5; rows `asset`,
 *   `balance`, `availableBalance`, `positionMargin`, `orderMargin`, `crossUnRealizedPnl`),
 *   GET /api/v1/futures/openOrders (weight 1; `limit` default 20, max 1000), GET
 *   /api/v1/futures/positions (weight 5; `symbol`, `side` LONG/SHORT, `avgPrice`, `position`,
 *   `available`, `unrealizedPnL`, …), POST /api/v1/futures/order (weight 1; side
 *   BUY_OPEN/SELL_OPEN/BUY_CLOSE/SELL_CLOSE); GET /api/v1/time; symbols written
 *   `<BASE>-SWAP-<QUOTE>` (`BTC-SWAP-USDT`); "Each link is valid for no more than 24 hours".
 * Choices where the docs are ambiguous or silent:
 * - Renewal every 30 minutes (the page's "about every 60 minutes" races the 60 min validity), and
 *   at once on `listenKeyWillExpire` (as `toobit-spot`).
 * - Open orders are asked with `limit=1000` (the default 20 would hide open orders from a
 *   reconciliation); conditional (STOP) orders are not listed (`type` defaults to LIMIT) and not
 *   mirrored.
 * - The balance push reuses spot's `{a, f, l}` letters without saying what they are on a margin
 *   account: the mirror reads a futures balance as the wallet balance (`free`, `locked` 0), as it
 *   does on every futures venue, and the snapshot reads `balance` (the total) the same way.
 * - Positions are per side (LONG, SHORT: hedge mode) with an unsigned size in contracts; the
 *   common model signs them (a SHORT position's amount is negative), as Binance's hedge mode does.
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep } from './venues-binance-derivatives.js';

const KEY_PATH = '/api/v1/listenKey';

/** The `toobit-usdm` profile input, built from `toobit-spot`'s (the protocol is the same). */
export function toobitUsdmInput(spot: VenueProfileInput): VenueProfileInput {
  const listenKey = spot.listenKey;
  // A programming error in this package (the spot profile lost its listenKey), never user input.
  if (!listenKey) throw new Error('@userstream/core: the toobit-spot profile has no listenKey endpoints');
  return {
    ...spot,
    id: 'toobit-usdm',
    name: 'Toobit USDT-M Futures (BHEX-style)',
    market: 'usdm',
    listenKey: {
      ...listenKey,
      create: ep('POST', KEY_PATH, 1, true),
      keepAlive: ep('PUT', KEY_PATH, 1, true),
      close: ep('DELETE', KEY_PATH, 1, true),
    },
    endpoints: {
      serverTime: ep('GET', '/api/v1/time', 1, false),
      account: ep('GET', '/api/v1/futures/balance', 5, true),
      openOrders: ep('GET', '/api/v1/futures/openOrders', 1, true),
      order: ep('POST', '/api/v1/futures/order', 1, true),
      positions: ep('GET', '/api/v1/futures/positions', 5, true),
    },
  };
}
