import { DEFAULT_RECV_WINDOW, ExchangeError, MAX_RECV_WINDOW, wsApiSignaturePayload } from '@userstream/core';
import type { AccountRecord } from './accounts.js';
import { VenueCode } from './engine/index.js';

/** An error answer `{code, msg}` with its HTTP status (or WebSocket API `status`). */
export function apiError(status: number, code: number, msg: string): ExchangeError {
  return new ExchangeError(code, msg, { status, context: '@userstream/simulator' });
}

export const Errors = {
  badApiKeyFormat: () => apiError(401, VenueCode.ApiKeyFormatInvalid, 'API-key format invalid.'),
  rejectedKey: () =>
    apiError(401, VenueCode.RejectedApiKey, 'Invalid API-key, IP, or permissions for action.'),
  badSignature: () => apiError(400, VenueCode.InvalidSignature, 'Signature for this request is not valid.'),
  outsideRecvWindow: () =>
    apiError(
      400,
      VenueCode.TimestampOutsideRecvWindow,
      'Timestamp for this request is outside of the recvWindow.',
    ),
  aheadOfServer: () =>
    apiError(
      400,
      VenueCode.TimestampOutsideRecvWindow,
      "Timestamp for this request was 1000ms ahead of the server's time.",
    ),
  mandatory: (name: string) =>
    apiError(
      400,
      VenueCode.MandatoryParameter,
      `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
    ),
  recvWindowTooBig: () =>
    apiError(
      400,
      VenueCode.MandatoryParameter,
      `'recvWindow' contains unexpected value. Cannot be greater than ${MAX_RECV_WINDOW}.`,
    ),
  invalidParam: (name: string) =>
    apiError(400, VenueCode.InvalidParameterData, `Data sent for parameter '${name}' is not valid.`),
  listenKeyNotFound: () => apiError(400, VenueCode.ListenKeyNotFound, 'This listenKey does not exist.'),
  internal: () =>
    apiError(
      500,
      VenueCode.Disconnected,
      'Internal error; unable to process your request. Please try again.',
    ),
  unknown: () => apiError(500, VenueCode.Unknown, 'An unknown error occurred while processing the request.'),
} as const;

/**
 * Checks `timestamp` and `recvWindow` as Binance documents: reject when the timestamp is more
 * than 1 s ahead of server time or older than `recvWindow` (default 5000, at most 60000).
 */
export function checkTimestamp(params: Readonly<Record<string, unknown>>, serverNow: number): void {
  const rawTs = params.timestamp;
  if (rawTs === undefined || rawTs === null || rawTs === '') throw Errors.mandatory('timestamp');
  const timestamp = typeof rawTs === 'number' ? rawTs : Number(rawTs);
  if (!Number.isFinite(timestamp) || !/^\d{1,16}$/.test(String(rawTs))) throw Errors.mandatory('timestamp');
  // Timestamps may be sent in microseconds (16 digits).
  const timestampMs = timestamp > 1e14 ? Math.floor(timestamp / 1000) : timestamp;
  let recvWindow = DEFAULT_RECV_WINDOW;
  const rawWindow = params.recvWindow;
  if (rawWindow !== undefined && rawWindow !== null && rawWindow !== '') {
    recvWindow = typeof rawWindow === 'number' ? rawWindow : Number(rawWindow);
    if (!Number.isFinite(recvWindow) || recvWindow <= 0 || !/^\d+(\.\d{1,3})?$/.test(String(rawWindow))) {
      throw Errors.invalidParam('recvWindow');
    }
    if (recvWindow > MAX_RECV_WINDOW) throw Errors.recvWindowTooBig();
  }
  if (timestampMs >= serverNow + 1000) throw Errors.aheadOfServer();
  if (serverNow - timestampMs > recvWindow) throw Errors.outsideRecvWindow();
}

/**
 * The signed payload of a REST request: the query string concatenated with the form body
 * (Binance's `totalParams`), with the `signature` parameter taken out, and the signature itself
 * (percent-decoded).
 */
export function splitSignature(
  query: string,
  body: string,
): { payload: string; signature: string | undefined } {
  let signature: string | undefined;
  const strip = (text: string): string => {
    if (!text) return text;
    const parts = text.split('&');
    const kept: string[] = [];
    for (const part of parts) {
      if (part.startsWith('signature=')) {
        try {
          signature = decodeURIComponent(part.slice('signature='.length).replace(/\+/g, '%20'));
        } catch {
          signature = '';
        }
      } else kept.push(part);
    }
    return kept.join('&');
  };
  const q = strip(query);
  const b = strip(body);
  return { payload: q + b, signature };
}

/** Verifies a REST request's signature; throws -1102 (missing) or -1022 (wrong). */
export function verifyRestSignature(account: AccountRecord, query: string, body: string): void {
  const { payload, signature } = splitSignature(query, body);
  if (signature === undefined || signature === '') throw Errors.mandatory('signature');
  if (!account.verify(payload, signature)) throw Errors.badSignature();
}

/**
 * Verifies a WebSocket API request's signature: every parameter except `signature`, sorted by
 * name, `key=value` joined by `&`.
 */
export function verifyWsApiSignature(
  account: AccountRecord,
  params: Readonly<Record<string, unknown>>,
): void {
  const signature = params.signature;
  if (typeof signature !== 'string' || signature === '') throw Errors.mandatory('signature');
  const signed: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') signed[k] = v;
  }
  if (!account.verify(wsApiSignaturePayload(signed), signature)) throw Errors.badSignature();
}
