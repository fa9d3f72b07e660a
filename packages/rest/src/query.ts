import { type Params, percentEncode } from '@userstream/core';

/** Characters RFC 3986 leaves unencoded (what core's `percentEncode` keeps as is). */
const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;

/**
 * Exactly core's `encodeQuery` (insertion order, `undefined` left out, RFC 3986 encoding of
 * names and values), but values that need no encoding (listenKeys, numbers, symbols) skip
 * the encoder: this runs for every request.
 */
export function encodeParams(params: Params): string {
  let out = '';
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : String(value);
    if (out) out += '&';
    out += UNRESERVED.test(key) ? key : percentEncode(key);
    out += '=';
    out += UNRESERVED.test(text) ? text : percentEncode(text);
  }
  return out;
}
