import { createOptionKit, type Endpoint, ErrorCode, type Params } from '@userstream/core';

/**
 * Refusals of values passed to methods, before anything is sent: core's kit with
 * USERSTREAM_INVALID_INPUT (factory options are USERSTREAM_INVALID_CONFIG, options.ts's `kit`).
 */
export const input = createOptionKit('@userstream/rest', { code: ErrorCode.InvalidInput });

const PATH = /^(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/;
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
/** The client adds these to signed requests; a caller may not. */
const RESERVED_PARAMS = new Set(['signature', 'timestamp', 'recvWindow']);

/** Per-call options every method of the client takes. */
export interface RequestOptions {
  /** Aborts the request (and its retries): the call rejects with `ClosedError` (`aborted: true`). */
  signal?: AbortSignal;
}

/** A request to any endpoint of the venue, for `rest.request()`. A bad field throws `InvalidInputError` naming it. */
export interface RestRequest extends RequestOptions {
  /** `GET`, `POST`, `PUT` or `DELETE`. */
  method: Endpoint['method'];
  /** A path on the venue's REST host, e.g. `/api/v3/order`; no query, no `..`. */
  path: string;
  /** Query parameters; names are letters, digits and `_`; values are percent-encoded. */
  params?: Params;
  /** Sign it: `timestamp`, `recvWindow` and `signature` are added (you may not pass them). @default false */
  signed?: boolean;
  /** Weight counted by `weightShare`. @default 1 */
  weight?: number;
  /** A POST that may safely be sent twice (retried on 5xx and timeouts like GET). @default false */
  idempotent?: boolean;
}

export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw input.invalid('signal must be an AbortSignal', 'signal');
}

/**
 * Checks a `request()` call: the path cannot name another host or add a query, no parameter can
 * add another (names are plain, values percent-encoded later), and the client's own signing
 * parameters are refused.
 */
export function checkRequest(req: RestRequest): { endpoint: Endpoint; params: Params; idempotent: boolean } {
  if (typeof req !== 'object' || req === null)
    throw input.invalid('request needs { method, path }', 'request');
  if (!METHODS.has(req.method)) throw input.invalid('method must be GET, POST, PUT or DELETE', 'method');
  if (typeof req.path !== 'string' || req.path.length > 256 || !PATH.test(req.path))
    throw input.invalid(
      'path must look like /api/v3/account (letters, digits, _ . - between slashes; no query, no ..)',
      'path',
    );
  const weight = req.weight ?? 1;
  if (!(Number.isInteger(weight) && weight >= 0))
    throw input.invalid('weight must be a whole number >= 0', 'weight');
  checkSignal(req.signal);
  const params: Record<string, string | number | boolean | bigint> = {};
  if (req.params !== undefined) {
    if (typeof req.params !== 'object' || req.params === null || Array.isArray(req.params))
      throw input.invalid('params must be an object of names to values', 'params');
    for (const [name, value] of Object.entries(req.params)) {
      if (!PARAM_NAME.test(name))
        throw input.invalid(
          `parameter names are letters, digits and _ (got ${JSON.stringify(name.slice(0, 40))})`,
          'params',
        );
      if (RESERVED_PARAMS.has(name))
        throw input.invalid(
          `'${name}' is added by the client; leave it out (set recvWindow on the client)`,
          'params',
        );
      if (value === undefined) continue;
      const ok =
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        typeof value === 'bigint' ||
        (typeof value === 'number' && Number.isFinite(value));
      if (!ok)
        throw input.invalid(
          `parameter '${name}' must be a string, finite number, boolean or bigint`,
          'params',
        );
      if (typeof value === 'string' && LONE_SURROGATE.test(value))
        throw input.invalid(
          `parameter '${name}' is not well-formed text (a lone UTF-16 surrogate)`,
          'params',
        );
      params[name] = value;
    }
  }
  return {
    endpoint: { method: req.method, path: req.path, signed: req.signed === true, weight },
    params,
    idempotent: req.method !== 'POST' || req.idempotent === true,
  };
}
