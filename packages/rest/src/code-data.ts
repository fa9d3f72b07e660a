/**
 * Bitrue's listenKey answers (`restEnvelope: 'code-data-200'`, issue #13 item 5) are the same
 * envelope with code 200 for success, and -1150 for an unknown key (`missingKeyCode`):
 * https://github.com/Bitrue-exchange/Spot-official-api-docs (checked 2026-12-03).
 * BingX's REST answers (the `restEnvelope: 'code-data'` profiles, issue #13 item 3): HTTP 200
 * and `{"code":0,"msg":"","data":…}` on success, HTTP 200 and `{"code":<non-zero>,"msg":…}` on a
 * refusal; the listenKey calls answer bare (`{"listenKey":…}`, or nothing) and say "unknown key"
 * with a 404 and no body (https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html,
 * checked 2026-12-03).
 */
import { type Endpoint, ExchangeCode, ExchangeError, redactText, type VenueProfile } from '@userstream/core';

/**
 * How `venue` wraps its REST answers: core's `restEnvelope`, or for a profile object made before
 * that field covered Tokocrypto, its deprecated `restFormat`. Every reader in this package asks here.
 */
export function restEnvelopeOf(venue: VenueProfile): VenueProfile['restEnvelope'] {
  return venue.restEnvelope ?? venue.restFormat;
}

/** Longest exchange message kept (as response-errors.ts). */
const MAX_MESSAGE = 500;

/**
 * An `orderId` (or `i`) of 16 digits or more: BingX's exceed 2^53 and `JSON.parse` would round
 * them. Quoted before parsing, they stay exact digit strings: the same rule as
 * `@userstream/stream`'s BingX wire, so the REST snapshot and the stream name an order alike.
 */
const BIG_ID = /"(i|orderId)"\s*:\s*(\d{16,})(?=[,}\s])/g;

/** `body`, parsed again from `text` with long order ids kept exact, when `text` has any. */
function exactIds(body: unknown, text: string): unknown {
  const quoted = text.replace(BIG_ID, '"$1":"$2"');
  if (quoted === text) return body;
  try {
    return JSON.parse(quoted) as unknown;
  } catch {
    return body;
  }
}

/**
 * The payload of a 2xx `body` on a code-data venue: `data` when the body is an envelope with
 * code 0 (open orders: `data.orders`, the array the other venues answer), the body itself when it
 * is not an envelope. A non-zero code is thrown as the venue's `ExchangeError`, redacted.
 */
export function codeDataPayload(
  parsed: unknown,
  text: string,
  venue: VenueProfile,
  endpoint: Endpoint,
  context: string,
  secrets: readonly string[],
): unknown {
  // BingX's ids only: its stream wire quotes them by the same rule (wire-bingx.ts).
  const envelope = restEnvelopeOf(venue);
  const body = envelope === 'code-data' ? exactIds(parsed, text) : parsed;
  if (typeof body !== 'object' || body === null) return body;
  const raw = (body as { code?: unknown }).code;
  // Bitrue ('code-data-200') answers code 200 for success, once even as the string "200".
  const code = typeof raw === 'string' && /^-?\d{1,9}$/.test(raw) ? Number(raw) : raw;
  if (typeof code !== 'number') return body;
  const { msg, data } = body as { msg?: unknown; data?: unknown };
  if (code !== (envelope === 'code-data-200' ? 200 : 0)) {
    throw new ExchangeError(
      code,
      typeof msg === 'string' ? redactText(msg, secrets).slice(0, MAX_MESSAGE) : '',
      { status: 200, context: `@userstream/rest: ${context}`, secrets },
    );
  }
  const orders = (data as { orders?: unknown } | null | undefined)?.orders;
  if (endpoint === venue.endpoints.openOrders && Array.isArray(orders)) return orders;
  return data ?? {};
}

/**
 * A listenKey call's error as the lease reads it: a venue that says "unknown key" with a bare
 * HTTP status (BingX: 404, no code) gets -1125, so the key is re-created at once.
 */
export function missingKeyError(
  error: unknown,
  venue: VenueProfile,
  context: string,
  secrets: readonly string[],
): unknown {
  const status = venue.listenKey?.missingKeyStatus;
  const code = venue.listenKey?.missingKeyCode;
  if (!(error instanceof ExchangeError)) return error;
  // The venue's own code for the same answer (Bitrue's -1150 INVALID_LISTEN_KEY).
  const ownCode = code !== undefined && error.exchangeCode === code;
  if (!ownCode && (status === undefined || error.status !== status || error.exchangeCode !== 0)) return error;
  return new ExchangeError(ExchangeCode.ListenKeyNotFound, 'This listenKey does not exist.', {
    status: error.status,
    context: `@userstream/rest: ${context}`,
    secrets,
  });
}
