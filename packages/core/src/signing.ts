import { createHmac, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { ErrorCode, InvalidInputError, type UserstreamError } from './errors.js';
import { createEip712Signer } from './signing-eip712.js';

/** Signature algorithms venues accept (`eip712`: Aster v3's secp256k1 typed-data signatures). */
export type KeyType = 'hmac' | 'rsa' | 'ed25519' | 'eip712';

/**
 * Signs request payloads. A strategy object: use {@link createSigner} for local keys, or
 * supply your own (a KMS or HSM) with `sign()` returning a promise.
 */
export interface Signer {
  /** What kind of key signs (`hmac`, `rsa`, `ed25519`, `eip712`): decides the signature encoding and `session.logon`. */
  readonly keyType: KeyType;
  /** HMAC: lowercase hex. RSA and Ed25519: base64. EIP-712: 0x hex (r‖s‖v). */
  sign(payload: string): string | Promise<string>;
}

/** What an account signs with. Exactly one of `secret`, `privateKey` or `signer`. */
export interface KeyMaterial {
  /** HMAC secret. */
  secret?: string;
  /** RSA or Ed25519 private key: PEM, base64 DER, or (Ed25519) a raw 32-byte seed in hex or base64. */
  privateKey?: string | KeyObject;
  /** Passphrase of an encrypted PEM private key. */
  passphrase?: string;
  /** Declares the key type instead of detecting it from the key (`eip712` is never detected). */
  keyType?: KeyType;
  /** `eip712` only: the main account's wallet address (Aster v3's `user`); `privateKey` is the API wallet's. */
  user?: string;
  /** An external signer (KMS/HSM). */
  signer?: Signer;
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signingError(message: string, cause?: unknown): UserstreamError {
  return new InvalidInputError(`@userstream/core: ${message}`, {
    code: ErrorCode.Signing,
    field: 'credentials',
    cause,
  });
}

function toKeyObject(key: string | KeyObject, passphrase: string | undefined, declared?: KeyType): KeyObject {
  if (typeof key !== 'string') return key;
  const text = key.trim();
  try {
    if (text.startsWith('-----BEGIN')) return createPrivateKey({ key: text, format: 'pem', passphrase });
    const raw = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    if (raw.length === 32 && declared !== 'rsa') {
      return createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]),
        format: 'der',
        type: 'pkcs8',
      });
    }
    try {
      return createPrivateKey({ key: raw, format: 'der', type: 'pkcs8' });
    } catch {
      return createPrivateKey({ key: raw, format: 'der', type: 'pkcs1' });
    }
  } catch (cause) {
    // The cause from OpenSSL never contains key bytes, but keep only its message class.
    throw signingError(
      'privateKey could not be read: pass a PEM (PKCS#8 or PKCS#1), base64 DER, or a raw 32-byte Ed25519 seed',
      cause,
    );
  }
}

/** HMAC-SHA256 of `payload`, lowercase hex. */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/**
 * Builds a signer from key material, detecting the key type from the key unless declared.
 * Throws `USERSTREAM_SIGNING` when the material is missing, ambiguous or unreadable.
 */
export function createSigner(material: KeyMaterial): Signer {
  const given = [material.secret, material.privateKey, material.signer].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw signingError(
      'credentials need exactly one of `secret` (HMAC), `privateKey` (RSA/Ed25519) or `signer`',
    );
  }
  if (material.signer) {
    if (typeof material.signer.sign !== 'function') throw signingError('`signer.sign` must be a function');
    return material.signer;
  }
  if (material.keyType === 'eip712') {
    // A 64-hex secp256k1 key reads like an Ed25519 seed: EIP-712 is only ever chosen explicitly.
    if (typeof material.privateKey !== 'string')
      throw signingError("keyType 'eip712' needs `privateKey` (the API wallet's hex key) and `user`");
    return createEip712Signer({ privateKey: material.privateKey, user: material.user as string });
  }
  if (material.secret !== undefined) {
    if (material.keyType && material.keyType !== 'hmac') {
      throw signingError(`keyType '${material.keyType}' needs \`privateKey\`, not \`secret\``);
    }
    const secret = material.secret;
    if (typeof secret !== 'string' || secret.length === 0)
      throw signingError('`secret` must be a non-empty string');
    return Object.freeze({
      keyType: 'hmac' as const,
      sign: (payload: string) => hmacSha256Hex(secret, payload),
    });
  }
  const key = toKeyObject(material.privateKey as string | KeyObject, material.passphrase, material.keyType);
  const detected = key.asymmetricKeyType;
  if (detected !== 'rsa' && detected !== 'ed25519') {
    throw signingError(`privateKey is a ${String(detected)} key; venues accept RSA or Ed25519`);
  }
  if (material.keyType && material.keyType !== detected) {
    throw signingError(`keyType '${material.keyType}' was declared but the privateKey is ${detected}`);
  }
  if (detected === 'rsa') {
    return Object.freeze({
      keyType: 'rsa' as const,
      sign: (payload: string) => cryptoSign('sha256', Buffer.from(payload), key).toString('base64'),
    });
  }
  return Object.freeze({
    keyType: 'ed25519' as const,
    sign: (payload: string) => cryptoSign(null, Buffer.from(payload), key).toString('base64'),
  });
}

/** A query or form parameter value. `undefined` values are left out. */
export type ParamValue = string | number | boolean | bigint | undefined;
/** Request parameters by name, in the order they are sent (and signed). */
export type Params = Readonly<Record<string, ParamValue>>;

/** RFC 3986 percent-encoding (also encodes `!'()*`), as venues verify it. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Encodes parameters in their insertion order, percent-encoding keys and values. The result is
 * both the signed payload and what is sent, so the two never differ.
 */
export function encodeQuery(params: Params): string {
  let out = '';
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    if (out) out += '&';
    out += `${percentEncode(key)}=${percentEncode(String(value))}`;
  }
  return out;
}

/** Encodes `params` and appends `&signature=…`. */
export async function signQuery(params: Params, signer: Signer): Promise<string> {
  const payload = encodeQuery(params);
  const signature = await signer.sign(payload);
  return `${payload}${payload ? '&' : ''}signature=${percentEncode(signature)}`;
}

/**
 * The payload a WebSocket API request signs: every parameter except `signature`, sorted by
 * name, as `key=value` joined by `&` (values not percent-encoded, as the WebSocket API expects).
 */
export function wsApiSignaturePayload(params: Params): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}

/** Returns `params` plus `signature`, signed as the WebSocket API verifies it. */
export async function signWsApiParams<P extends Params>(
  params: P,
  signer: Signer,
): Promise<
  P & {
    /** The signature of the sorted parameters, in the signer's encoding. */
    signature: string;
  }
> {
  const signature = await signer.sign(wsApiSignaturePayload(params));
  return { ...params, signature };
}
