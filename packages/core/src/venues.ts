import type { z } from 'zod';
import { ErrorCode, InvalidInputError } from './errors.js';
import type { Dialect } from './events/index.js';
import { assertSecureUrl } from './validate.js';
import {
  type CredentialProtocol,
  type Endpoint,
  type Market,
  type VenueProfile,
  type VenueProfileInput,
  venueProfileSchema,
} from './venue-schema.js';
import { ASTER_PROFILES } from './venues-aster.js';
import {
  BINANCE_DERIVATIVES_PROFILES,
  ep,
  LISTEN_KEY_TIMING,
  listenKeyEndpoints,
} from './venues-binance-derivatives.js';
import { BINGX_PROFILES } from './venues-bingx.js';
import { BITRUE_PROFILES } from './venues-bitrue.js';
import { type CoinsSisterId, coinsSisterProfiles } from './venues-coins.js';
import { MEXC_PROFILES } from './venues-mexc.js';
import { TOKOCRYPTO_PROFILES } from './venues-tokocrypto.js';
import { type ToobitId, toobitProfiles } from './venues-toobit.js';

export type { CredentialProtocol, Endpoint, Market, VenueProfile, VenueProfileInput };
export { venueProfileSchema };

const HOUR = 3_600_000;

const SPOT_ENDPOINTS = {
  serverTime: ep('GET', '/api/v3/time', 1, false),
  account: ep('GET', '/api/v3/account', 20, true),
  openOrders: ep('GET', '/api/v3/openOrders', 6, true),
  order: ep('POST', '/api/v3/order', 1, true),
};
const MARGIN_ENDPOINTS = {
  serverTime: ep('GET', '/api/v3/time', 1, false),
  account: ep('GET', '/sapi/v1/margin/account', 10, true),
  openOrders: ep('GET', '/sapi/v1/margin/openOrders', 10, true),
  order: ep('POST', '/sapi/v1/margin/order', 6, true),
};
const ISOLATED_ENDPOINTS = {
  ...MARGIN_ENDPOINTS,
  account: ep('GET', '/sapi/v1/margin/isolated/account', 10, true),
};

const RETIRED_SPOT_LISTEN_KEYS = {
  since: '2026-02-20T07:00:00Z',
  host: 'api.binance.com',
  message:
    'Binance retired the spot and margin listenKey endpoints on 2026-02-20 07:00 UTC (they answer HTTP 410). ' +
    'This profile remains for Binance-compatible venues and the simulator.',
};

const BINANCE_PROFILES = [
  {
    id: 'binance-spot',
    name: 'Binance Spot (WebSocket API)',
    market: 'spot',
    protocol: 'wsApi',
    dialect: 'spot',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    wsApiUrl: 'wss://ws-api.binance.com:443/ws-api/v3',
    apiKeyHeader: 'X-MBX-APIKEY',
    timing: { keyValidityMs: 24 * HOUR, renewIntervalMs: 24 * HOUR, connectionLifetimeMs: 24 * HOUR },
    endpoints: SPOT_ENDPOINTS,
    weightLimitPerMinute: 6000,
  },
  {
    id: 'binance-spot-testnet',
    name: 'Binance Spot Testnet (WebSocket API)',
    market: 'spot',
    protocol: 'wsApi',
    dialect: 'spot',
    testnet: true,
    restBaseUrl: 'https://testnet.binance.vision',
    wsApiUrl: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
    apiKeyHeader: 'X-MBX-APIKEY',
    timing: { keyValidityMs: 24 * HOUR, renewIntervalMs: 24 * HOUR, connectionLifetimeMs: 24 * HOUR },
    endpoints: SPOT_ENDPOINTS,
    weightLimitPerMinute: 6000,
  },
  {
    id: 'binance-margin',
    name: 'Binance Cross Margin (listenToken)',
    market: 'margin',
    protocol: 'listenToken',
    dialect: 'spot',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    wsApiUrl: 'wss://ws-api.binance.com:443/ws-api/v3',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenToken: {
      create: ep('POST', '/sapi/v1/userListenToken', 1, true),
      isolated: false,
      maxValidityMs: 24 * HOUR,
    },
    timing: { keyValidityMs: 24 * HOUR, renewIntervalMs: 12 * HOUR, connectionLifetimeMs: 24 * HOUR },
    endpoints: MARGIN_ENDPOINTS,
    weightLimitPerMinute: 6000,
  },
  {
    id: 'binance-isolated-margin',
    name: 'Binance Isolated Margin (listenToken)',
    market: 'isolatedMargin',
    protocol: 'listenToken',
    dialect: 'spot',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    wsApiUrl: 'wss://ws-api.binance.com:443/ws-api/v3',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenToken: {
      create: ep('POST', '/sapi/v1/userListenToken', 1, true),
      isolated: true,
      maxValidityMs: 24 * HOUR,
    },
    timing: { keyValidityMs: 24 * HOUR, renewIntervalMs: 12 * HOUR, connectionLifetimeMs: 24 * HOUR },
    endpoints: ISOLATED_ENDPOINTS,
    weightLimitPerMinute: 6000,
  },
  {
    id: 'binance-spot-legacy',
    name: 'Binance Spot listenKey (legacy; retired on binance.com)',
    market: 'spot',
    protocol: 'listenKey',
    dialect: 'spot',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    streamBaseUrl: 'wss://stream.binance.com:9443',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/api/v3/userDataStream', 2, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: SPOT_ENDPOINTS,
    weightLimitPerMinute: 6000,
    retired: { ...RETIRED_SPOT_LISTEN_KEYS, replacement: 'binance-spot' },
  },
  {
    id: 'binance-margin-legacy',
    name: 'Binance Cross Margin listenKey (legacy; retired on binance.com)',
    market: 'margin',
    protocol: 'listenKey',
    dialect: 'spot',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    streamBaseUrl: 'wss://stream.binance.com:9443',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/sapi/v1/userDataStream', 1, false),
    timing: LISTEN_KEY_TIMING,
    endpoints: MARGIN_ENDPOINTS,
    weightLimitPerMinute: 6000,
    retired: { ...RETIRED_SPOT_LISTEN_KEYS, replacement: 'binance-margin' },
  },
  {
    id: 'binance-isolated-margin-legacy',
    name: 'Binance Isolated Margin listenKey (legacy; retired on binance.com)',
    market: 'isolatedMargin',
    protocol: 'listenKey',
    dialect: 'spot',
    testnet: false,
    restBaseUrl: 'https://api.binance.com',
    streamBaseUrl: 'wss://stream.binance.com:9443',
    apiKeyHeader: 'X-MBX-APIKEY',
    listenKey: listenKeyEndpoints('/sapi/v1/userDataStream/isolated', 1, false, true),
    timing: LISTEN_KEY_TIMING,
    endpoints: ISOLATED_ENDPOINTS,
    weightLimitPerMinute: 6000,
    retired: { ...RETIRED_SPOT_LISTEN_KEYS, replacement: 'binance-isolated-margin' },
  },
] as const satisfies readonly VenueProfileInput[];

const bhexLike = (
  id: string,
  name: string,
  restBaseUrl: string,
  streamBaseUrl: string,
  apiKeyHeader: string,
  dialect: Dialect,
): VenueProfileInput => ({
  id,
  name,
  market: 'spot',
  protocol: 'listenKey',
  dialect,
  testnet: false,
  restBaseUrl,
  streamBaseUrl,
  apiKeyHeader,
  listenKey: {
    ...listenKeyEndpoints('/openapi/v1/userDataStream', 1, true),
    streamPath: '/openapi/ws/{listenKey}',
    combinedStreamPath: undefined,
  },
  timing: LISTEN_KEY_TIMING,
  endpoints: {
    serverTime: ep('GET', '/openapi/v1/time', 1, false),
    account: ep('GET', '/openapi/v1/account', 5, true),
    openOrders: ep('GET', '/openapi/v1/openOrders', 1, true),
    order: ep('POST', '/openapi/v1/order', 1, true),
  },
  weightLimitPerMinute: 1200,
});

const BROKER_PROFILES = [
  bhexLike(
    'bhex',
    'BlueHelix (BHEX) broker API',
    'https://api.bhex.com',
    'wss://wsapi.bhex.com',
    'X-BH-APIKEY',
    'bhex',
  ),
  bhexLike(
    'coins-ph',
    'Coins.ph (BHEX-style)',
    'https://api.pro.coins.ph',
    'wss://wsapi.pro.coins.ph',
    'X-COINS-APIKEY',
    'coins',
  ),
];

/** Ids of the built-in venue profiles. */
export type VenueId =
  | (typeof BINANCE_PROFILES)[number]['id']
  | (typeof BINANCE_DERIVATIVES_PROFILES)[number]['id']
  | 'bhex'
  | 'coins-ph'
  | (typeof BINGX_PROFILES)[number]['id']
  | (typeof MEXC_PROFILES)[number]['id']
  | CoinsSisterId
  | (typeof ASTER_PROFILES)[number]['id']
  | ToobitId
  | (typeof BITRUE_PROFILES)[number]['id']
  | (typeof TOKOCRYPTO_PROFILES)[number]['id'];

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function checkConsistency(p: z.infer<typeof venueProfileSchema>): string | undefined {
  if (p.protocol === 'listenKey' && (!p.listenKey || !p.streamBaseUrl)) {
    return 'a listenKey venue needs `listenKey` endpoints and `streamBaseUrl`';
  }
  if (p.protocol === 'listenToken' && (!p.listenToken || !p.wsApiUrl)) {
    return 'a listenToken venue needs `listenToken` and `wsApiUrl`';
  }
  if (p.protocol === 'wsApi' && !p.wsApiUrl) return 'a wsApi venue needs `wsApiUrl`';
  if (p.timing.renewIntervalMs > p.timing.keyValidityMs)
    return 'timing.renewIntervalMs must not exceed keyValidityMs';
  if (p.restFormat !== undefined && p.restEnvelope !== undefined && p.restEnvelope !== p.restFormat)
    return `restFormat (deprecated) says '${p.restFormat}' but restEnvelope says '${p.restEnvelope}': set restEnvelope only`;
  // A key in the path is sent only by keepalive and close (the create answers the key).
  const slotted = [
    ...Object.entries(p.endpoints),
    ...(p.listenToken ? [['listenToken.create', p.listenToken.create] as const] : []),
    ...(p.listenKey ? [['listenKey.create', p.listenKey.create] as const] : []),
  ].find(([, e]) => e?.path.includes('{listenKey}'));
  if (slotted)
    return `${slotted[0]} cannot hold {listenKey}: only listenKey.keepAlive and listenKey.close take the key in their path`;
  return undefined;
}

/** Options of {@link defineVenue} and {@link withBaseUrls}. */
export interface DefineVenueOptions {
  /** Accept plain http:/ws: URLs off loopback. Never needed for real venues. @default false */
  allowInsecure?: boolean;
}

/**
 * Validates a venue definition (a compatible exchange, a proxy, the simulator) and returns a
 * frozen profile. Throws `USERSTREAM_INVALID_CONFIG` saying which fields are wrong.
 */
export function defineVenue(input: VenueProfileInput, options: DefineVenueOptions = {}): VenueProfile {
  const parsed = venueProfileSchema.safeParse(input);
  const id = typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : '(no id)';
  if (!parsed.success) {
    throw new InvalidInputError(`@userstream/core: venue '${id}' is invalid: ${formatIssues(parsed.error)}`, {
      code: ErrorCode.InvalidConfig,
      field: 'venue',
    });
  }
  const problem = checkConsistency(parsed.data);
  if (problem) {
    throw new InvalidInputError(`@userstream/core: venue '${id}' is invalid: ${problem}`, {
      code: ErrorCode.InvalidConfig,
      field: 'venue',
    });
  }
  for (const field of ['restBaseUrl', 'listenKeyBaseUrl', 'streamBaseUrl', 'wsApiUrl'] as const) {
    const url = parsed.data[field];
    if (!url) continue;
    const u = assertSecureUrl(url, `venue.${field}`, options.allowInsecure);
    // A base URL is scheme, host, port and path: userinfo (`https://api.binance.com@evil`) hides
    // the real host from a reader, and a query or fragment swallows the paths appended to it.
    if (u.username || u.password || u.search || u.hash || url.includes('#') || url.includes('?')) {
      throw new InvalidInputError(
        `@userstream/core: venue '${id}' is invalid: ${field} must be a plain base URL (no user@, ? or #)`,
        { code: ErrorCode.InvalidConfig, field: `venue.${field}` },
      );
    }
  }
  // One field for the REST envelope; the deprecated restFormat is read and kept in step with it.
  if (parsed.data.restFormat === 'open-v1') parsed.data.restEnvelope = 'open-v1';
  if (parsed.data.restEnvelope === 'open-v1') parsed.data.restFormat = 'open-v1';
  return deepFreeze(parsed.data) as VenueProfile;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The built-in profiles, by id. */
export const venues: Readonly<Record<VenueId, VenueProfile>> = Object.freeze(
  Object.fromEntries(
    [
      ...BINANCE_PROFILES,
      ...BINANCE_DERIVATIVES_PROFILES,
      ...BROKER_PROFILES,
      ...BINGX_PROFILES,
      ...MEXC_PROFILES,
      ...coinsSisterProfiles(BROKER_PROFILES),
      ...ASTER_PROFILES,
      ...toobitProfiles(BROKER_PROFILES),
      ...BITRUE_PROFILES,
      ...TOKOCRYPTO_PROFILES,
    ].map((p) => [p.id, defineVenue(p)]),
  ) as Record<VenueId, VenueProfile>,
);

/**
 * True when `id` names a built-in profile. An own-property check: `toString`, `constructor` or
 * `__proto__` are members of every object, never venue ids.
 */
export function isVenueId(id: unknown): id is VenueId {
  return typeof id === 'string' && Object.hasOwn(venues, id);
}

/** Looks a built-in profile up by id; the error lists the ids that exist. */
export function getVenue(id: string): VenueProfile {
  if (!isVenueId(id)) {
    const shown = typeof id === 'string' ? `'${id.slice(0, 64)}'` : `of type ${typeof id}`;
    throw new InvalidInputError(`unknown venue ${shown}; known venues: ${Object.keys(venues).join(', ')}`, {
      code: ErrorCode.InvalidConfig,
      field: 'venue',
    });
  }
  return venues[id];
}

/** The URLs {@link withBaseUrls} replaces; a field left out keeps the profile's. */
export interface BaseUrls {
  /** REST base, e.g. `https://testnet.binancefuture.com` (becomes `restBaseUrl`). */
  rest?: string;
  /** Raw stream base, e.g. `wss://fstream.binancefuture.com` (becomes `streamBaseUrl`). */
  stream?: string;
  /** WebSocket API URL (becomes `wsApiUrl`). */
  wsApi?: string;
}

/**
 * A copy of `venue` pointed at other hosts: a Binance-compatible exchange, a proxy, or the
 * simulator. The copy drops the `retired` note, which only applies to the original host.
 */
export function withBaseUrls(
  venue: VenueProfile,
  urls: BaseUrls,
  options: DefineVenueOptions = {},
): VenueProfile {
  const { retired: _retired, ...rest } = venue;
  return defineVenue(
    {
      ...(rest as VenueProfileInput),
      restBaseUrl: urls.rest ?? venue.restBaseUrl,
      // A venue whose listenKey calls have a host of their own (Bitrue) moves them with the rest.
      listenKeyBaseUrl:
        venue.listenKeyBaseUrl === undefined ? undefined : (urls.rest ?? venue.listenKeyBaseUrl),
      streamBaseUrl: urls.stream ?? venue.streamBaseUrl,
      wsApiUrl: urls.wsApi ?? venue.wsApiUrl,
    },
    options,
  );
}
