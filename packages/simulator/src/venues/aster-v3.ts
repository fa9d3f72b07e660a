/**
 * Aster v3's request authentication (issue #13 item 2): no API-key header; a signed request
 * carries `user` (main wallet), `signer` (API wallet), `nonce` (µs) and `signature`, the API
 * wallet's EIP-712 signature of the request's parameters (everything before `&signature=`).
 * Docs: https://github.com/asterdex/api-docs V3(Recommended)/EN/aster-finance-futures-api-v3.md at
 * 265e024, checked 2026-12-03 ("API authentication type", "Authentication signature payload",
 * "V3 Nonce Mechanism", "Example of POST /fapi/v3/order", error codes).
 * - Nonce: within 10 s of server time; each user keeps its last 100 nonces; a nonce seen before is
 *   refused, and so is one older than all 100 when the list is full.
 * Choices where the docs are silent:
 * - Refusals keep Aster's (Binance's) `{code, msg}` shape: an unknown signer, or a signer that is
 *   not the user's, is -2015 (HTTP 401); a bad signature -1022; a missing field -1102; every nonce
 *   refusal -4225 "Nonce Expired", the one nonce answer the docs show (their Python example).
 * - The signature is checked before the nonce is remembered, so a forged request burns no nonce.
 * - Addresses compare case-insensitively (EIP-55 case is a checksum, not part of the address).
 */

import { venues } from '@userstream/core';
import type { AccountRecord } from '../accounts.js';
import { apiError, Errors, splitSignature } from '../auth.js';
import { checksum } from '../eip712.js';

const NONCE_WINDOW_MS = 10_000;
const NONCES_KEPT = 100;

const nonceExpired = () => apiError(400, -4225, 'Nonce Expired');

/** Checks Aster v3 requests; remembers each user's last nonces. */
export class AsterV3Auth {
  readonly #accountBySigner: (signer: string) => AccountRecord | undefined;
  readonly #serverNow: () => number;
  /** Per user (lower case): the last nonces, ascending. */
  readonly #nonces = new Map<string, number[]>();

  constructor(accountByApiKey: (apiKey: string) => AccountRecord | undefined, serverNow: () => number) {
    this.#accountBySigner = (signer) => accountByApiKey(checksum(signer));
    this.#serverNow = serverNow;
  }

  /** The account a v3 request proves, or the venue's refusal (thrown). */
  authenticate(query: string, body: string, params: Readonly<Record<string, string>>): AccountRecord {
    for (const name of ['user', 'signer', 'nonce'] as const) {
      if (!params[name]) throw Errors.mandatory(name);
    }
    const user = params.user as string;
    const signer = params.signer as string;
    if (!/^0x[0-9a-fA-F]{40}$/.test(signer) || !/^0x[0-9a-fA-F]{40}$/.test(user)) throw Errors.rejectedKey();
    const record = this.#accountBySigner(signer);
    if (record?.account.keyType !== 'eip712') throw Errors.rejectedKey();
    if (record.account.user?.toLowerCase() !== user.toLowerCase()) throw Errors.rejectedKey();
    const { payload, signature } = splitSignature(query, body);
    if (signature === undefined || signature === '') throw Errors.mandatory('signature');
    if (!record.verify(payload, signature)) throw Errors.badSignature();
    this.#useNonce(user.toLowerCase(), params.nonce as string);
    return record;
  }

  #useNonce(user: string, text: string): void {
    if (!/^\d{1,17}$/.test(text)) throw Errors.mandatory('nonce');
    const nonce = Number(text);
    if (Math.abs(nonce / 1000 - this.#serverNow()) > NONCE_WINDOW_MS) throw nonceExpired();
    const list = this.#nonces.get(user) ?? [];
    if (list.includes(nonce)) throw nonceExpired();
    if (list.length >= NONCES_KEPT) {
      if (nonce < (list[0] as number)) throw nonceExpired();
      list.shift();
    }
    let i = list.length;
    while (i > 0 && (list[i - 1] as number) > nonce) i--;
    list.splice(i, 0, nonce);
    this.#nonces.set(user, list);
  }
}

/**
 * Aster spot v3's account and order paths are Binance spot's (`/api/v3/account`, `/openOrders`,
 * `/order`): a request signed the v3 way (it names a `signer`) takes these routes instead.
 */
const spot = venues['aster-spot-v3'].endpoints;
export const ASTER_SPOT_V3_ROUTE_SPECS = [
  { method: 'GET', path: spot.account.path, weight: spot.account.weight, action: 'account' },
  { method: 'GET', path: spot.openOrders.path, weight: spot.openOrders.weight, action: 'openOrders' },
  { method: 'POST', path: spot.order!.path, weight: spot.order!.weight, action: 'placeOrder' },
  { method: 'DELETE', path: spot.order!.path, weight: spot.order!.weight, action: 'cancelOrder' },
] as const;

/** True when a request carries Aster v3's `signer` (in the query or the form body). */
export function namesV3Signer(query: string, body: string): boolean {
  return /(?:^|&)signer=/.test(query) || /(?:^|&)signer=/.test(body);
}
