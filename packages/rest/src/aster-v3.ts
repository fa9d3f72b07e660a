/**
 * Aster v3 requests (profiles with `signing: 'aster-eip712'`): instead of `timestamp`,
 * `recvWindow` and an HMAC, a signed request carries `user`, `signer`, a microsecond `nonce`
 * and the API wallet's EIP-712 signature (core's signing-eip712.ts has the scheme and the docs).
 */
import {
  type Eip712Signer,
  isEip712Signer,
  MicrosecondNonce,
  type Signer,
  signAsterV3Query,
  type VenueProfile,
} from '@userstream/core';
import { kit } from './options.js';

/** What a client holds to sign Aster v3 requests. */
export interface AsterV3Auth {
  readonly signer: Eip712Signer;
  readonly nonce: MicrosecondNonce;
}

/**
 * Checks that the credentials fit the venue's signing scheme, both ways, so a wrong pairing
 * fails at creation and not as a venue's -1022 at the first request. Returns the v3 signing
 * state for an `aster-eip712` venue, undefined for every other venue.
 */
export function asterV3Auth(venue: VenueProfile, signer: Signer, apiKey: string): AsterV3Auth | undefined {
  const eip712 = isEip712Signer(signer);
  if (venue.signing !== 'aster-eip712') {
    if (eip712 || signer.keyType === 'eip712')
      throw kit.invalid(
        `credentials are an EIP-712 API wallet, but venue '${venue.id}' signs with HMAC, RSA or Ed25519; use an Aster v3 profile such as 'aster-futures-v3'`,
        'credentials.keyType',
      );
    return undefined;
  }
  if (!eip712)
    throw kit.invalid(
      `venue '${venue.id}' signs with EIP-712: pass credentials with keyType 'eip712', the API wallet's address as apiKey, its key as privateKey and the main wallet's address as user`,
      'credentials.keyType',
    );
  if (apiKey.toLowerCase() !== signer.address.toLowerCase())
    throw kit.invalid(
      "credentials.apiKey must be the API wallet's address (the `signer` Aster v3 checks), the address of credentials.privateKey",
      'credentials.apiKey',
    );
  return { signer, nonce: new MicrosecondNonce() };
}

/**
 * The query of one signed v3 request and its signature (the client redacts it from errors).
 * `nowMs` is the server-corrected clock: the venue refuses a nonce more than 10 s off its time.
 */
export async function asterV3Query(
  auth: AsterV3Auth,
  head: string,
  nowMs: number,
): Promise<{ query: string; signature: string }> {
  const query = await signAsterV3Query(head, auth.signer, auth.nonce.next(nowMs));
  return { query, signature: query.slice(query.lastIndexOf('&signature=') + '&signature='.length) };
}
