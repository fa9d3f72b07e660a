/**
 * EIP-712 as Aster's v3 API verifies it (issue #13 item 2), written from the EIP and Aster's
 * docs (github.com/asterdex/api-docs V3(Recommended)/EN/aster-finance-futures-api-v3.md at
 * 265e024, checked 2026-12-03: typed data `Message { string msg }`, domain AsterSignTransaction /
 * 1 / chainId 1666 / verifyingContract 0x0), independently of core's signer, so a mistake in one
 * is not mirrored by the other. secp256k1 and keccak_256 come from @noble/curves and
 * @noble/hashes (see README: the simulator's dependencies).
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';

const word = (value: bigint): Uint8Array => hexToBytes(value.toString(16).padStart(64, '0'));
const hashText = (text: string): Uint8Array => keccak_256(utf8ToBytes(text));

const DOMAIN_SEPARATOR = keccak_256(
  concatBytes(
    hashText('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
    hashText('AsterSignTransaction'),
    hashText('1'),
    word(1666n),
    word(0n),
  ),
);
const MESSAGE_TYPE = hashText('Message(string msg)');

/** keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(Message{msg})). */
export function asterDigest(msg: string): Uint8Array {
  const struct = keccak_256(concatBytes(MESSAGE_TYPE, hashText(msg)));
  return keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), DOMAIN_SEPARATOR, struct));
}

/** The lower-case address of an uncompressed public key. */
function addressOf(publicKey: Uint8Array): string {
  return `0x${bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12))}`;
}

/** EIP-55 checksum (mixed case) of an address. */
export function checksum(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, '');
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < lower.length; i++)
    out += Number.parseInt(hash.charAt(i), 16) >= 8 ? lower.charAt(i).toUpperCase() : lower.charAt(i);
  return out;
}

/** The checksummed address of a secp256k1 private key (hex, 64 digits). */
export function addressOfKey(privateKeyHex: string): string {
  return checksum(addressOf(secp256k1.getPublicKey(hexToBytes(privateKeyHex), false)));
}

/** True when `hex` (64 digits) is a usable secp256k1 private key. */
export function isSecretKey(hex: string): boolean {
  return /^[0-9a-f]{64}$/i.test(hex) && secp256k1.utils.isValidSecretKey(hexToBytes(hex));
}

/**
 * The lower-case address whose key signed `msg` (0x-hex r‖s‖v, v 27/28 or 0/1), or undefined for
 * a signature that recovers nothing.
 */
export function recoverSigner(msg: string, signature: string): string | undefined {
  const hex = signature.replace(/^0x/, '');
  if (!/^[0-9a-fA-F]{130}$/.test(hex)) return undefined;
  const v = Number.parseInt(hex.slice(128), 16);
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return undefined;
  try {
    const point = secp256k1.Signature.fromCompact(hex.slice(0, 128))
      .addRecoveryBit(recovery)
      .recoverPublicKey(asterDigest(msg));
    return addressOf(point.toRawBytes(false));
  } catch {
    return undefined;
  }
}

/** Signs `msg` (tests and the load generator sign as a client would). */
export function signAster(msg: string, privateKeyHex: string): string {
  const sig = secp256k1.sign(asterDigest(msg), hexToBytes(privateKeyHex));
  return `0x${sig.toCompactHex()}${(27 + sig.recovery).toString(16)}`;
}
