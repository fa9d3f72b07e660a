/** The shape of a venue profile (zod), checked by `defineVenue`. */
import { z } from 'zod';
import type { Dialect } from './events/index.js';
import { MAX_TIMER_MS } from './validate.js';
import { pathProblem } from './venue-url.js';

/** How a venue hands out access to an account's event stream. */
export type CredentialProtocol = 'listenKey' | 'wsApi' | 'listenToken';
/** The kind of account a profile streams. */
export type Market = 'spot' | 'margin' | 'isolatedMargin' | 'usdm' | 'coinm' | 'portfolioMargin' | 'options';

const endpointSchema = z.object({
  /** The HTTP method. */
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  /** The path on the venue's REST host, e.g. `/fapi/v1/listenKey` (no query, no `..`). */
  path: z
    .string()
    // `{listenKey}`: the key in the path (Bitrue's PUT/DELETE …/listenKey/{listenKey}); only the
    // keepalive and close endpoints may hold it (venues.ts checks).
    .regex(/^\/(?:[A-Za-z0-9/_.-]|\{listenKey\})*$/, 'a path such as /api/v3/account')
    .refine((p) => pathProblem(p) === undefined, 'a plain path such as /api/v3/account (no //, . or ..)'),
  /** Request weight counted against the venue's per-minute limit. */
  weight: z.number().int().min(0),
  /** Whether the request carries timestamp + signature. */
  signed: z.boolean(),
});
/** One REST endpoint of a venue profile: method, path, weight, and whether it is signed. */
export type Endpoint = z.infer<typeof endpointSchema>;

const urlString = z.string().url();
/** A path appended to a stream base: never anything that could name another host. */
const streamPathString = z
  .string()
  .includes('{listenKey}')
  .superRefine((p, ctx) => {
    const problem = pathProblem(p);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });
/**
 * How a venue's stream frames are encoded (issue #13): JSON text (Binance and its clones, also
 * Toobit's JSON arrays, which core's parser reads as they are), gzip-compressed JSON in binary
 * frames (BingX, Bitrue), MEXC's protobuf push wrapper.
 */
export const FRAME_ENCODINGS = ['json', 'json-array', 'gzip-json', 'protobuf-mexc'] as const;
/** One of `json`, `json-array`, `gzip-json` or `protobuf-mexc`: how the profile's stream frames are decoded. */
export type FrameEncoding = (typeof FRAME_ENCODINGS)[number];
/**
 * How a venue checks liveness: WebSocket ping/pong control frames (Binance), a text `Ping`
 * answered with `Pong` (BingX), `{"ping":ts}` / `{"pong":ts}` (Toobit), the client's
 * `{"method":"PING"}` answered with a JSON `PONG` (MEXC).
 */
export const HEARTBEAT_STYLES = ['ws', 'text-ping', 'json-ping', 'method-ping'] as const;
/** One of `ws`, `text-ping`, `json-ping` or `method-ping`: how the profile's connections prove liveness. */
export type HeartbeatStyle = (typeof HEARTBEAT_STYLES)[number];

/** A duration a timer waits for: Node fires anything above 2^31-1 ms after 1 ms. */
const timerMs = z.number().int().positive().max(MAX_TIMER_MS);

/**
 * The zod schema of a venue profile: what {@link defineVenue} checks a hand-made profile
 * against (unknown fields are refused). Build profiles with `defineVenue` or `withBaseUrls`
 * rather than parsing with it directly.
 */
export const venueProfileSchema = z.object({
  /** Stable identifier, e.g. `binance-usdm`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'lower-case letters, digits and dashes'),
  /** Human-readable name. */
  name: z.string().min(1),
  /** The kind of account the profile streams (see {@link Market}). */
  market: z.enum(['spot', 'margin', 'isolatedMargin', 'usdm', 'coinm', 'portfolioMargin', 'options']),
  /** How the venue hands out the stream's credential (see {@link CredentialProtocol}). */
  protocol: z.enum(['listenKey', 'wsApi', 'listenToken']),
  /** Which event schemas apply. */
  dialect: z.enum([
    'spot',
    'futures',
    'bhex',
    'coins',
    'options',
    'portfolioMargin',
    'marginRisk',
    'bingxSpot',
    'bingxSwap',
    'mexc',
    'aster',
    'asterFutures',
    'tokocrypto',
    'toobit',
    'bitrue',
  ]),
  /** True for a venue's test network (no real funds). */
  testnet: z.boolean(),
  /** REST base URL, e.g. `https://fapi.binance.com`; `https:` off loopback unless `allowInsecure`. */
  restBaseUrl: urlString,
  /** Raw stream base for listenKey venues, e.g. `wss://fstream.binance.com/private`. */
  streamBaseUrl: urlString.optional(),
  /**
   * REST base of the listenKey calls when they live on another host than the other endpoints
   * (Bitrue: https://open.bitrue.com, its snapshots on https://openapi.bitrue.com).
   */
  listenKeyBaseUrl: urlString.optional(),
  /** WebSocket API endpoint for `wsApi` and `listenToken` venues. */
  wsApiUrl: urlString.optional(),
  /** Header carrying the API key. */
  apiKeyHeader: z.string().regex(/^[A-Za-z0-9-]+$/),
  /**
   * How signed requests prove the account. Absent: `timestamp`, `recvWindow` and `signature`
   * (HMAC, RSA or Ed25519: Binance's scheme). `aster-eip712`: Aster v3's `user`, `signer`, a
   * microsecond `nonce` and the API wallet's EIP-712 `signature` (credentials with
   * `keyType: 'eip712'`).
   */
  signing: z.enum(['aster-eip712']).optional(),
  /** The listenKey endpoints and stream paths (`protocol: 'listenKey'` venues). */
  listenKey: z
    .object({
      /** `POST`: create (or return the account's active) key. */
      create: endpointSchema,
      /** `PUT`: extend the key's validity. */
      keepAlive: endpointSchema,
      /** `DELETE`: close the key. */
      close: endpointSchema,
      /** Whether create/keepalive/close need `symbol` (isolated margin). */
      requiresSymbol: z.boolean(),
      /**
       * The HTTP status a keepalive on an unknown key gets when the venue sends no -1125 body
       * (BingX: a bare 404); the REST client reads it as -1125, so the key is re-created at once.
       */
      missingKeyStatus: z.number().int().min(400).max(499).optional(),
      /** The venue's own code for an unknown key (Bitrue's -1150): read as -1125, the key is re-created. */
      missingKeyCode: z.number().int().optional(),
      /** Stream path with `{listenKey}` placeholder. */
      streamPath: streamPathString,
      /** Combined-stream path with `{listenKey}`, where the venue offers one. */
      combinedStreamPath: streamPathString.optional(),
      /**
       * Path used when the client filters event types (`events=`), e.g. USD-M's
       * `/ws?listenKey={listenKey}`. A venue without it accepts no filter.
       */
      filteredStreamPath: streamPathString.optional(),
      /** Event types the venue's `events=` filter accepts (its documented user data events). */
      streamEvents: z
        .array(z.string().regex(/^[A-Za-z][A-Za-z_]{0,63}$/))
        .max(64)
        .optional(),
      /**
       * Event types that announce the key's coming expiry (Toobit's `listenKeyWillExpire`): the
       * client renews the key at once when one arrives, instead of waiting for its interval.
       */
      renewOn: z
        .array(z.string().regex(/^[A-Za-z][A-Za-z_]{0,63}$/))
        .max(4)
        .optional(),
    })
    .optional(),
  /** The listenToken endpoint (`protocol: 'listenToken'` venues: Binance margin). */
  listenToken: z
    .object({
      /** `POST /sapi/v1/userListenToken`. */
      create: endpointSchema,
      /** Whether the token is per isolated-margin symbol (`isIsolated` and `symbol` sent). */
      isolated: z.boolean(),
      /** Longest validity the venue grants, in ms. */
      maxValidityMs: z.number().int().positive(),
    })
    .optional(),
  /**
   * Frame encoding, heartbeat style and the messages sent right after connecting. Absent: JSON
   * text frames and WebSocket pings (Binance), the stream's path with no decoder at all.
   */
  frames: z
    .object({
      /** How frames are decoded (one of `json`, `json-array`, `gzip-json` or `protobuf-mexc`). */
      encoding: z.enum(FRAME_ENCODINGS),
      /** How liveness is checked (one of `ws`, `text-ping`, `json-ping` or `method-ping`). */
      heartbeat: z.enum(HEARTBEAT_STYLES),
      /** Text messages sent on every new connection, in order (MEXC's SUBSCRIPTION, Bitrue's per-channel subscribe). */
      subscribe: z.array(z.string().min(2).max(1024)).max(16).optional(),
    })
    .optional(),
  /**
   * @deprecated Use `restEnvelope: 'open-v1'` (one field for how a venue wraps its REST answers).
   * Still read: a profile that sets it gets `restEnvelope: 'open-v1'`, and every profile whose
   * `restEnvelope` is `open-v1` carries it too, for code that reads the old field.
   */
  restFormat: z.enum(['open-v1']).optional(),
  /** Protocol timing. */
  timing: z.object({
    /** How long a credential is valid after create or keepalive. */
    keyValidityMs: timerMs,
    /** Recommended keepalive interval. */
    renewIntervalMs: timerMs,
    /** The venue drops connections at this age. */
    connectionLifetimeMs: timerMs,
  }),
  /** The REST endpoints the clients use besides the credential's. */
  endpoints: z.object({
    /** Server time (clock skew correction after `-1021`). */
    serverTime: endpointSchema.optional(),
    /** The account snapshot (balances) a mirror reconciles from. */
    account: endpointSchema,
    /** Open orders, for snapshots. */
    openOrders: endpointSchema,
    /** Order entry and cancel (the demo's trading; not needed to stream). */
    order: endpointSchema.optional(),
    /**
     * Futures positions (USDⓈ-M `/fapi/v3/positionRisk`, COIN-M `/dapi/v1/positionRisk`;
     * portfolio margin's UM book `/papi/v1/um/positionRisk`).
     */
    positions: endpointSchema.optional(),
    /** Portfolio margin's CM book positions (`/papi/v1/cm/positionRisk`). */
    cmPositions: endpointSchema.optional(),
    /** Open conditional orders of the Algo service (`/fapi/v1/openAlgoOrders`, PM's UM `/papi/v1/um/algo/openAlgoOrders`). */
    openAlgoOrders: endpointSchema.optional(),
    /** Portfolio margin's open CM conditional orders (`/papi/v1/cm/conditional/openOrders`), read as algo orders of book CM. */
    cmOpenAlgoOrders: endpointSchema.optional(),
  }),
  /** Request-weight limit per minute. */
  weightLimitPerMinute: z.number().int().positive(),
  /**
   * How the venue wraps its REST answers. Absent: Binance's bare bodies (an error is a non-2xx
   * status with `{code, msg}`).
   * - `code-data` (BingX): `{code, msg, data}` with HTTP 200 whatever the outcome; code 0 is
   *   success (the payload is `data`), any other code an exchange error.
   * - `code-data-200` (Bitrue's listenKey answers): the same envelope with code 200 (a number or
   *   a digit string) for success.
   * - `open-v1` (Tokocrypto's `/open/v1`): `{code, msg, data, timestamp}`, code 0 is success,
   *   any other an error even with HTTP 200; balances in `data.accountAssets`, orders in
   *   `data.list` with numeric enums and `BASE_QUOTE` symbols.
   */
  restEnvelope: z.enum(['code-data', 'code-data-200', 'open-v1']).optional(),
  /** Present when the venue switched this profile's credential endpoints off. */
  retired: z
    .object({
      /** When the endpoints were switched off (ISO 8601, UTC). */
      since: z.string(),
      /** The host where they are off (a copy pointed elsewhere drops `retired`). */
      host: z.string(),
      /** What to tell a caller: the venue's announcement, in short. */
      message: z.string(),
      /** The profile to use instead on that host. */
      replacement: z.string().optional(),
    })
    .optional(),
});

/** Everything a client needs to know about one venue and market. */
export type VenueProfile = Readonly<z.infer<typeof venueProfileSchema>> & {
  /** Which event schemas apply to the profile's streams. */
  readonly dialect: Dialect;
};
/** What {@link defineVenue} takes: a profile before the schema's checks (the same fields, as plain input). */
export type VenueProfileInput = z.input<typeof venueProfileSchema>;
