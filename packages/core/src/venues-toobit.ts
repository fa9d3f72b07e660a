/**
 * Toobit (issue #13 item 4): the BHEX broker API's descendant. Its profiles are the `bhex`
 * profile with Toobit's hosts, header, paths and frames put in (nothing of the protocol copied).
 *
 * Docs checked 2026-12-03:
 * - Spot, https://api-docs.toobit.com/api/spot-websocket-account.html (and the toobit-docs
 *   apidocs copy of the spot REST page): REST base https://api.toobit.com; POST/PUT/DELETE
 *   /api/v1/userDataStream, weight 1, `timestamp` mandatory and `recvWindow` optional (a signed
 *   USER_STREAM call, as BHEX's); PUT and DELETE take `listenKey`; 60 min keys, a PUT about
 *   every 30 min; a POST on an account with an active key returns it and extends it; stream base
 *   wss://stream.toobit.com, path /api/v1/ws/<listenKey>; "each link is valid for no more than
 *   24 hours"; payloads outboundAccountInfo and executionReport (BHEX's letters plus `pt`) and
 *   ticketInfo, each frame a JSON array; "order updates with E". GET /api/v1/account (weight
 *   5), GET /api/v1/spot/openOrders (1), POST /api/v1/spot/order (1); API key header
 *   `X-BB-APIKEY` (the page's signed-endpoint examples).
 * - USDT-M futures, https://api-docs.toobit.com/api/usdt-m-websocket-account.html: POST/PUT/DELETE
 *   /api/v1/listenKey (weight 1, `timestamp` mandatory, `category` USDC for USDC-M); the same
 *   stream path; `{"eventTime":…,"eventType":"listenKeyWillExpire","listenKey":…}` pushed every
 *   minute from 5 minutes before a key expires; events outboundContractAccountInfo,
 *   outboundContractPositionInfo, contractExecutionReport, ticketInfo (arrays) and
 *   planExecutionReport (named with `eventType`).
 * - Heartbeat, https://api-docs.toobit.com/api/spot-websocket-market-data.html: the client sends
 *   `{"ping":<ms>}`, the server answers `{"pong":<ms>}` and drops a client silent for 5 minutes.
 * Choices where the docs are ambiguous or silent:
 * - The futures PUT page advises "a ping about every 60 minutes" against a 60 min validity: a
 *   PUT on the hour races the expiry, so both profiles renew every 30 min (the spot page's
 *   advice), and a `listenKeyWillExpire` makes the client renew at once (`renewOn`).
 * - listenKeyWillExpire is documented on the futures page only; the spot stream is given the
 *   same notice (one stream server, wss://stream.toobit.com, for both).
 * - Request-weight limit per minute: the pages in the store give none; BHEX's 1200.
 * - USDT-M futures is the `toobit-usdm` profile (venues-toobit-usdm.ts), built from this one.
 */
import type { VenueProfileInput } from './venue-schema.js';
import { ep } from './venues-binance-derivatives.js';
import { toobitUsdmInput } from './venues-toobit-usdm.js';

/** The client's ping interval Toobit needs: the server drops a client silent for 5 minutes. */
export const TOOBIT_SILENCE_LIMIT_MS = 5 * 60_000;

const toobit = (
  bhex: VenueProfileInput,
  id: string,
  name: string,
  market: VenueProfileInput['market'],
  keyPath: string,
  endpoints: VenueProfileInput['endpoints'],
): VenueProfileInput => ({
  ...bhex,
  id,
  name,
  market,
  dialect: 'toobit',
  restBaseUrl: 'https://api.toobit.com',
  streamBaseUrl: 'wss://stream.toobit.com',
  apiKeyHeader: 'X-BB-APIKEY',
  listenKey: {
    create: ep('POST', keyPath, 1, true),
    keepAlive: ep('PUT', keyPath, 1, true),
    close: ep('DELETE', keyPath, 1, true),
    requiresSymbol: false,
    streamPath: '/api/v1/ws/{listenKey}',
    renewOn: ['listenKeyWillExpire'],
  },
  frames: { encoding: 'json-array', heartbeat: 'json-ping' },
  endpoints,
});

/** Ids of the Toobit profiles: spot and USDT-M perpetual futures. */
export type ToobitId = 'toobit-spot' | 'toobit-usdm';

/** The Toobit profiles, built from the `bhex` profile input among `brokers`. */
export function toobitProfiles(brokers: readonly VenueProfileInput[]): VenueProfileInput[] {
  const bhex = brokers.find((p) => p.id === 'bhex');
  // A programming error in this package (the bhex profile renamed), never user input.
  if (!bhex) throw new Error('@userstream/core: the bhex profile is missing');
  const spot = toobit(bhex, 'toobit-spot', 'Toobit Spot (BHEX-style)', 'spot', '/api/v1/userDataStream', {
    serverTime: ep('GET', '/api/v1/time', 1, false),
    account: ep('GET', '/api/v1/account', 5, true),
    openOrders: ep('GET', '/api/v1/spot/openOrders', 1, true),
    order: ep('POST', '/api/v1/spot/order', 1, true),
  });
  return [spot, toobitUsdmInput(spot)];
}
