/**
 * EIP-712 signing for Aster's v3 API (issue #13 item 2), behind the {@link Signer} seam.
 *
 * Aster's v3 docs (github.com/asterdex/api-docs at 265e024, checked 2026-12-03:
 * `V3(Recommended)/EN/aster-finance-futures-api-v3.md` and `…/aster-finance-spot-api-v3.md`,
 * "Authentication signature payload" and "Example of POST /fapi/v3/order"; `demo/aster-code.py`
 * `sign_v3`): a signed request carries `user` (the main wallet), `signer` (the API wallet) and
 * `nonce` (microseconds, within 10 s of server time, never reused), and `signature` is the
 * API wallet's EIP-712 signature of the typed data `Message { string msg }` under the domain
 * `AsterSignTransaction` / version 1 / chainId 1666 / verifyingContract 0x0, with `msg` the
 * request's parameters as `key=value` joined by `&` (everything but `signature`).
 * Choices where the docs are loose:
 * - The docs' Python example omits `user` from the message; the payload table and the demo
 *   include it: we send and sign `user`, `signer` and `nonce`, in that order, after the request's
 *   own parameters, and `msg` is exactly the query sent before `&signature=`.
 * - eth_account's `signature.hex()` has no `0x` in recent releases and has it in older ones; we
 *   send the `0x` form (65 bytes r‖s‖v, v = 27 or 28), as ethers and viem print it.
 * Crypto comes from @noble/curves (secp256k1, RFC 6979 deterministic, low-s) and @noble/hashes
 * (keccak_256); nothing here is hand-rolled beyond EIP-712's byte layout.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { ErrorCode, InvalidInputError, type UserstreamError } from './errors.js';
import type { Signer } from './signing.js';

/** An EIP-712 domain with the four fields Aster's typed data declares. */
export interface Eip712Domain {
  /** The domain name (`AsterSignTransaction`). */
  readonly name: string;
  /** The domain version (`1`). */
  readonly version: string;
  /** The EIP-155 chain id the signature is bound to. */
  readonly chainId: number;
  /** The verifying contract address, 0x hex (Aster uses the zero address). */
  readonly verifyingContract: string;
}

/** Aster's mainnet signing domain (chainId 1666; the docs' testnet demo uses 714). */
export const ASTER_EIP712_DOMAIN: Eip712Domain = Object.freeze({
  name: 'AsterSignTransaction',
  version: '1',
  chainId: 1666,
  verifyingContract: '0x0000000000000000000000000000000000000000',
});

/** A signer holding a secp256k1 API-wallet key: `sign(msg)` is the EIP-712 signature, 0x hex. */
export interface Eip712Signer extends Signer {
  /** Always `eip712`. */
  readonly keyType: 'eip712';
  /** The API wallet's address (Aster's `signer`), EIP-55 checksummed. */
  readonly address: string;
  /** The main account's wallet address (Aster's `user`). */
  readonly user: string;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

function signingError(message: string): UserstreamError {
  return new InvalidInputError(`@userstream/core: ${message}`, {
    code: ErrorCode.Signing,
    field: 'credentials',
  });
}

const keccak = (bytes: Uint8Array): Uint8Array => keccak_256(bytes);
const text = (value: string): Uint8Array => keccak(utf8ToBytes(value));

const DOMAIN_TYPEHASH = text(
  'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)',
);
const MESSAGE_TYPEHASH = text('Message(string msg)');

function uint256(value: number | bigint): Uint8Array {
  return hexToBytes(BigInt(value).toString(16).padStart(64, '0'));
}

function addressWord(address: string): Uint8Array {
  return hexToBytes(address.slice(2).toLowerCase().padStart(64, '0'));
}

/** The EIP-712 domain separator: hashStruct(EIP712Domain). */
export function eip712DomainSeparator(domain: Eip712Domain): Uint8Array {
  return keccak(
    concatBytes(
      DOMAIN_TYPEHASH,
      text(domain.name),
      text(domain.version),
      uint256(domain.chainId),
      addressWord(domain.verifyingContract),
    ),
  );
}

/** The digest an EIP-712 `Message { string msg }` signature covers: keccak(0x1901 ‖ domain ‖ struct). */
export function eip712MessageDigest(msg: string, domain: Eip712Domain = ASTER_EIP712_DOMAIN): Uint8Array {
  const struct = keccak(concatBytes(MESSAGE_TYPEHASH, text(msg)));
  return keccak(concatBytes(Uint8Array.of(0x19, 0x01), eip712DomainSeparator(domain), struct));
}

/** EIP-55 mixed-case checksum of a 20-byte address. */
export function checksumAddress(address: string): string {
  const lower = address.slice(2).toLowerCase();
  const hash = bytesToHex(keccak(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    const c = lower[i] as string;
    out += Number.parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/** The Ethereum address of an uncompressed secp256k1 public key (65 bytes, 0x04 ‖ x ‖ y). */
export function addressOfPublicKey(uncompressed: Uint8Array): string {
  return checksumAddress(`0x${bytesToHex(keccak(uncompressed.subarray(1)).subarray(12))}`);
}

/**
 * Options of {@link createEip712Signer} (what `createSigner` passes for `keyType: 'eip712'`). A malformed key
 * or address throws `USERSTREAM_SIGNING`, never quoting the key.
 */
export interface Eip712SignerOptions {
  /** The API wallet's secp256k1 private key, 64 hex digits with or without `0x`. */
  privateKey: string;
  /** The main account's wallet address (`0x` and 40 hex digits). */
  user: string;
  /** @default ASTER_EIP712_DOMAIN */
  domain?: Eip712Domain;
}

/**
 * Builds an {@link Eip712Signer}. Throws `USERSTREAM_SIGNING` (never quoting the key) when the
 * key or the user address is malformed.
 */
export function createEip712Signer(options: Eip712SignerOptions): Eip712Signer {
  const { privateKey, user, domain = ASTER_EIP712_DOMAIN } = options;
  if (typeof privateKey !== 'string' || !PRIVATE_KEY.test(privateKey.trim())) {
    throw signingError('an eip712 privateKey is 64 hex digits (the API wallet key), with or without 0x');
  }
  if (typeof user !== 'string' || !ADDRESS.test(user)) {
    throw signingError('an eip712 signer needs `user`, the main wallet address (0x and 40 hex digits)');
  }
  const key = hexToBytes(privateKey.trim().replace(/^0x/, ''));
  if (!secp256k1.utils.isValidSecretKey(key)) {
    throw signingError('the eip712 privateKey is not a valid secp256k1 key (zero or beyond the curve order)');
  }
  const address = addressOfPublicKey(secp256k1.getPublicKey(key, false));
  const separator = eip712DomainSeparator(domain);
  return Object.freeze({
    keyType: 'eip712' as const,
    address,
    user: checksumAddress(user),
    sign(msg: string): string {
      const struct = keccak(concatBytes(MESSAGE_TYPEHASH, text(msg)));
      const digest = keccak(concatBytes(Uint8Array.of(0x19, 0x01), separator, struct));
      const signature = secp256k1.sign(digest, key);
      return `0x${signature.toCompactHex()}${(27 + signature.recovery).toString(16)}`;
    },
  });
}

/** True when `signer` can sign Aster v3 requests (ours, or an external one shaped like it). */
export function isEip712Signer(signer: Signer): signer is Eip712Signer {
  const s = signer as Partial<Eip712Signer>;
  return (
    s.keyType === 'eip712' &&
    typeof s.address === 'string' &&
    ADDRESS.test(s.address) &&
    typeof s.user === 'string' &&
    ADDRESS.test(s.user)
  );
}

/** A clock step back by more than this is a resync, not jitter: the nonce follows it. */
const NONCE_STEP_BACK_US = 1_000_000;

/**
 * Hands out Aster v3 nonces: microseconds of the (server-corrected) clock, never the same twice
 * in a row, so requests within one microsecond or millisecond (or a clock jittering back) do not
 * reuse one; the venue refuses a reused nonce as a duplicate. A step back of more than a second
 * is a clock sync (after the venue refused nonces as too far ahead): the nonce follows the clock
 * then, since one kept above the last would stay as far ahead and be refused again.
 */
export class MicrosecondNonce {
  #last = 0;

  /**
   * The nonce for a request at `nowMs` (ms, fractional allowed): microseconds, above the previous
   * one unless the clock went back by more than a second (a sync), when it is the clock's.
   */
  next(nowMs: number): number {
    const candidate = Math.floor(nowMs * 1000);
    this.#last =
      candidate > this.#last || this.#last - candidate > NONCE_STEP_BACK_US ? candidate : this.#last + 1;
    return this.#last;
  }
}

/**
 * The query of an Aster v3 signed request: `head` (the request's own parameters, already
 * encoded), then `user`, `signer`, `nonce`, then `signature` over everything before it.
 */
export async function signAsterV3Query(head: string, signer: Eip712Signer, nonce: number): Promise<string> {
  const payload = `${head}${head ? '&' : ''}user=${signer.user}&signer=${signer.address}&nonce=${nonce}`;
  const signature = await signer.sign(payload);
  return `${payload}&signature=${signature}`;
}
