import {
  type Endpoint,
  type Params,
  percentEncode,
  type VenueProfile,
  validateSymbol,
} from '@userstream/core';
import { restEnvelopeOf } from './code-data.js';
import { checkSignal, input } from './request-checks.js';

/**
 * The parameters of the named endpoints, per venue: which take a symbol (isolated margin), which
 * must not, and which a venue lacks. Refusals are USERSTREAM_INVALID_INPUT, before anything is sent.
 */

export function listenKeyProfile(venue: VenueProfile): NonNullable<VenueProfile['listenKey']> {
  const lk = venue.listenKey;
  if (!lk)
    throw input.invalid(
      `venue '${venue.id}' does not use listenKeys (its protocol is ${venue.protocol})`,
      'venue',
    );
  return lk;
}

export function listenKeySymbolParams(
  venue: VenueProfile,
  symbol: string | undefined,
): Record<string, string> {
  if (venue.listenKey?.requiresSymbol) {
    if (symbol === undefined)
      throw input.invalid('isolated margin listenKeys need `symbol` (e.g. { symbol: "BTCUSDT" })', 'symbol');
    return { symbol: validateSymbol(symbol) };
  }
  if (symbol !== undefined) throw input.invalid(`venue '${venue.id}' listenKeys take no symbol`, 'symbol');
  return {};
}

/** Where a profile's keepalive/close path takes the key (core's endpoint path form). */
const LISTEN_KEY_SLOT = '{listenKey}';

/** The host of a venue's listenKey calls, when it is not its `restBaseUrl` (Bitrue's). */
export function listenKeyHost(venue: VenueProfile): { base?: string } {
  return venue.listenKeyBaseUrl ? { base: venue.listenKeyBaseUrl } : {};
}

/**
 * A keepalive or close of `listenKey`: the key in the URL path when the profile's path has a
 * `{listenKey}` slot (Bitrue), else a `listenKey` parameter; on the venue's listenKey host.
 */
export function listenKeyRequest(
  venue: VenueProfile,
  endpoint: Endpoint,
  listenKey: string,
  symbol: string | undefined,
): { endpoint: Endpoint; params: Params; path?: string; base?: string } {
  const params = listenKeySymbolParams(venue, symbol);
  const inPath = endpoint.path.includes(LISTEN_KEY_SLOT);
  return {
    endpoint,
    params: inPath ? params : { ...params, listenKey },
    ...(inPath ? { path: endpoint.path.replace(LISTEN_KEY_SLOT, percentEncode(listenKey)) } : {}),
    ...listenKeyHost(venue),
  };
}

export function listenTokenRequest(
  venue: VenueProfile,
  options: { symbol?: string; validityMs?: number; signal?: AbortSignal },
): { endpoint: Endpoint; params: Params } {
  const lt = venue.listenToken;
  if (!lt)
    throw input.invalid(
      `venue '${venue.id}' does not use listenTokens (its protocol is ${venue.protocol})`,
      'venue',
    );
  checkSignal(options.signal);
  if (lt.isolated && options.symbol === undefined)
    throw input.invalid('isolated margin listenTokens need `symbol` (e.g. { symbol: "BTCUSDT" })', 'symbol');
  if (!lt.isolated && options.symbol !== undefined)
    throw input.invalid(
      'cross margin listenTokens take no symbol; use the isolated margin venue for one pair',
      'symbol',
    );
  const { validityMs } = options;
  if (
    validityMs !== undefined &&
    !(Number.isInteger(validityMs) && validityMs > 0 && validityMs <= lt.maxValidityMs)
  ) {
    throw input.invalid(
      `validityMs must be a whole number of ms from 1 to ${lt.maxValidityMs}`,
      'validityMs',
    );
  }
  const params: Record<string, string | number | undefined> = lt.isolated
    ? { isIsolated: 'TRUE', symbol: validateSymbol(options.symbol) }
    : {};
  params.validity = validityMs;
  return { endpoint: lt.create, params };
}

export function serverTimeEndpoint(venue: VenueProfile): Endpoint {
  const endpoint = venue.endpoints.serverTime;
  if (!endpoint) throw input.invalid(`venue '${venue.id}' has no server-time endpoint`, 'venue');
  return endpoint;
}

export function accountParams(venue: VenueProfile, symbol: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  if (symbol !== undefined) {
    if (venue.market !== 'isolatedMargin')
      throw input.invalid(`venue '${venue.id}' takes no symbol for the account snapshot`, 'symbol');
    params.symbols = validateSymbol(symbol);
  }
  return params;
}

export function openOrdersParams(venue: VenueProfile, symbol: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  if (venue.market === 'isolatedMargin') {
    if (symbol === undefined)
      throw input.invalid('isolated margin open orders need `symbol` (e.g. { symbol: "BTCUSDT" })', 'symbol');
    params.isIsolated = 'TRUE';
  }
  if (symbol !== undefined) params.symbol = validateSymbol(symbol);
  // Tokocrypto's /open/v1/orders lists every order; type=1 asks for the open ones.
  if (restEnvelopeOf(venue) === 'open-v1') params.type = '1';
  // Toobit USDT-M lists 20 open orders unless asked for more (1000 at most): a snapshot needs all.
  if (venue.dialect === 'toobit' && venue.market === 'usdm') params.limit = '1000';
  return params;
}

/**
 * The position endpoints of a venue with the book each one answers for: portfolio margin has two
 * (UM and CM, kept apart), USDⓈ-M and COIN-M one. A venue without positions is refused.
 */
export function positionEndpoints(
  venue: VenueProfile,
): { endpoint: Endpoint; book: 'UM' | 'CM' | undefined }[] {
  const { positions, cmPositions } = venue.endpoints;
  if (!positions)
    throw input.invalid(
      `venue '${venue.id}' has no position endpoint (positions exist on futures and portfolio margin venues)`,
      'venue',
    );
  if (venue.market !== 'portfolioMargin') return [{ endpoint: positions, book: undefined }];
  return [
    { endpoint: positions, book: 'UM' },
    ...(cmPositions ? [{ endpoint: cmPositions, book: 'CM' as const }] : []),
  ];
}

/**
 * The open-algo-orders endpoints with the book each answers for (portfolio margin: UM's Algo
 * service, then CM's conditional orders), or a refusal for a venue without the Algo service.
 */
export function openAlgoOrdersEndpoints(
  venue: VenueProfile,
): { endpoint: Endpoint; book: 'UM' | 'CM' | undefined }[] {
  const { openAlgoOrders, cmOpenAlgoOrders } = venue.endpoints;
  if (!openAlgoOrders)
    throw input.invalid(
      `venue '${venue.id}' has no open-algo-orders endpoint (conditional orders live in the Algo service on USDⓈ-M and portfolio margin UM)`,
      'venue',
    );
  if (venue.market !== 'portfolioMargin') return [{ endpoint: openAlgoOrders, book: undefined }];
  return [
    { endpoint: openAlgoOrders, book: 'UM' },
    ...(cmOpenAlgoOrders ? [{ endpoint: cmOpenAlgoOrders, book: 'CM' as const }] : []),
  ];
}
