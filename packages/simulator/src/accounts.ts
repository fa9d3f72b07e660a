import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  verify as cryptoVerify,
  generateKeyPair,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { VenueId } from '@userstream/core';
import { addressOfKey, checksum, isSecretKey, recoverSigner } from './eip712.js';
import { configKit } from './option-kits.js';
import { Prng } from './prng.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Signature scheme of a simulated API key (`eip712`: an Aster v3 API wallet, secp256k1). */
export type SimKeyType = 'hmac' | 'ed25519' | 'rsa' | 'eip712';

/** Balances per venue id, as decimal strings (`{ 'binance-spot': { USDT: '10000' } }`). */
export type AccountBalances = Partial<Record<VenueId, Record<string, string>>>;

/** An account to create in the simulator. Everything is optional and generated from the seed. */
export interface AccountSpec {
  /** Stable id used by `record`, `load` and `faults` targets. @default the key type, then a counter */
  id?: string;
  /** @default 'hmac' */
  keyType?: SimKeyType;
  /** @default 64 seeded letters and digits */
  apiKey?: string;
  /** HMAC secret. @default 64 seeded letters and digits */
  secret?: string;
  /** RSA or Ed25519 private key (PKCS#8 PEM). @default Ed25519 from the seed; RSA 2048 generated */
  privateKeyPem?: string;
  /** `eip712`: the API wallet's secp256k1 key, 64 hex digits. @default from the seed */
  privateKeyHex?: string;
  /** `eip712`: the main wallet's address (Aster's `user`). @default derived from the seed */
  user?: string;
  /** Starting balances handed to the engine. @default the engine's demo balances */
  balances?: AccountBalances;
}

/** An account the simulator serves, with the credentials a client signs with. */
export interface SimAccount {
  /** The account's id (`acct-1`, or the one you gave): how faults, the exchange and the record name it. */
  readonly id: string;
  /** The API key a client sends (seeded, so the same every run with the same seed). */
  readonly apiKey: string;
  /** Which key signs its requests: `hmac`, `ed25519` or `rsa`. */
  readonly keyType: SimKeyType;
  /** HMAC secret (hmac accounts). */
  readonly secret?: string;
  /** PKCS#8 PEM private key (rsa and ed25519 accounts). */
  readonly privateKeyPem?: string;
  /** eip712 accounts: the API wallet's key (64 hex digits); `apiKey` is its address (the `signer`). */
  readonly privateKeyHex?: string;
  /** eip712 accounts: the main wallet's address (Aster's `user`). */
  readonly user?: string;
}

/** The simulator's side of an account: credentials plus signature verification. */
export interface AccountRecord {
  readonly account: SimAccount;
  readonly balances: AccountBalances | undefined;
  /** Checks `signature` over `payload` as the venue does (HMAC hex, case-insensitive; RSA/Ed25519 base64). */
  verify(payload: string, signature: string): boolean;
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const DEFAULT_KEY_TYPES: readonly SimKeyType[] = ['hmac', 'ed25519', 'rsa'];
/** eip712 accounts are made on request only: the default accounts stay as they were. */
const KEY_TYPES: readonly SimKeyType[] = [...DEFAULT_KEY_TYPES, 'eip712'];

/** Account specs are startSimulator's options: refusals are USERSTREAM_INVALID_CONFIG. */
function fail(message: string, field: string): never {
  throw configKit.invalid(message, field);
}

function hmacVerifier(secret: string): (payload: string, signature: string) => boolean {
  return (payload, signature) => {
    if (!/^[0-9a-fA-F]{64}$/.test(signature)) return false;
    const expected = createHmac('sha256', secret).update(payload).digest();
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  };
}

function asymmetricVerifier(publicKey: KeyObject, keyType: 'rsa' | 'ed25519') {
  return (payload: string, signature: string): boolean => {
    const sig = Buffer.from(signature, 'base64');
    if (sig.length === 0) return false;
    try {
      return cryptoVerify(keyType === 'rsa' ? 'sha256' : null, Buffer.from(payload), publicKey, sig);
    } catch {
      return false;
    }
  };
}

function readPrivateKey(pem: string, keyType: 'rsa' | 'ed25519', field: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return fail(`${field} is not a readable PEM private key (PKCS#8 or PKCS#1)`, field);
  }
  if (key.asymmetricKeyType !== keyType) {
    fail(`${field} is a ${String(key.asymmetricKeyType)} key but keyType is '${keyType}'`, field);
  }
  return key;
}

/**
 * Builds the simulator's accounts. API keys, HMAC secrets and Ed25519 keys come from the seed,
 * so the same seed gives the same credentials; RSA keys are generated (RSA key generation cannot
 * be seeded cheaply), unless `privateKeyPem` is given.
 */
export async function createAccounts(
  specs: readonly AccountSpec[] | undefined,
  seed: number,
): Promise<AccountRecord[]> {
  const prng = new Prng(seed);
  const list = specs ?? DEFAULT_KEY_TYPES.map((keyType) => ({ keyType, id: keyType }));
  if (!Array.isArray(list) || list.length === 0) fail('accounts must be a non-empty array', 'accounts');
  const ids = new Set<string>();
  const apiKeys = new Set<string>();
  const counters: Record<string, number> = {};
  const out: AccountRecord[] = [];
  for (let i = 0; i < list.length; i++) {
    const spec = list[i] as AccountSpec;
    const field = `accounts[${i}]`;
    const keyType = spec.keyType ?? 'hmac';
    if (!KEY_TYPES.includes(keyType))
      fail(`${field}.keyType must be 'hmac', 'ed25519', 'rsa' or 'eip712'`, field);
    counters[keyType] = (counters[keyType] ?? 0) + 1;
    const id = spec.id ?? (counters[keyType] === 1 ? keyType : `${keyType}-${counters[keyType]}`);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id))
      fail(`${field}.id must be 1 to 64 letters, digits, _ . -`, field);
    if (ids.has(id)) fail(`${field}.id '${id}' is used twice`, field);
    ids.add(id);
    // Always draw from the generator, so a given account's generated values do not depend on
    // whether earlier accounts supplied their own.
    const generatedKey = prng.string(64);
    const generatedSecret = prng.string(64);
    const generatedSeed = prng.bytes(32);
    // An API wallet's "API key" is its address: derived from its key, never given apart from it.
    const wallet =
      keyType === 'eip712' ? eip712Wallet(spec, field, generatedSeed, generatedSecret) : undefined;
    const apiKey = wallet?.address ?? spec.apiKey ?? generatedKey;
    if (!/^[\x21-\x7e]{8,256}$/.test(apiKey))
      fail(`${field}.apiKey must be 8 to 256 printable characters`, field);
    if (apiKeys.has(apiKey)) fail(`${field}.apiKey is used by two accounts`, field);
    apiKeys.add(apiKey);
    if (keyType === 'eip712' && wallet) {
      const signer = wallet.address.toLowerCase();
      out.push({
        account: Object.freeze({
          id,
          apiKey,
          keyType,
          privateKeyHex: wallet.privateKeyHex,
          user: wallet.user,
        }),
        balances: spec.balances,
        verify: (payload, signature) => recoverSigner(payload, signature) === signer,
      });
      continue;
    }
    if (keyType === 'eip712') continue; // (handled above; narrows the type for what follows)
    if (keyType === 'hmac') {
      if (spec.privateKeyPem !== undefined)
        fail(`${field}: an hmac account takes \`secret\`, not \`privateKeyPem\``, field);
      const secret = spec.secret ?? generatedSecret;
      if (typeof secret !== 'string' || secret.length === 0)
        fail(`${field}.secret must be a non-empty string`, field);
      out.push({
        account: Object.freeze({ id, apiKey, keyType, secret }),
        balances: spec.balances,
        verify: hmacVerifier(secret),
      });
      continue;
    }
    if (spec.secret !== undefined)
      fail(`${field}: a ${keyType} account takes \`privateKeyPem\`, not \`secret\``, field);
    let privateKey: KeyObject;
    if (spec.privateKeyPem !== undefined) {
      privateKey = readPrivateKey(spec.privateKeyPem, keyType, `${field}.privateKeyPem`);
    } else if (keyType === 'ed25519') {
      privateKey = createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, generatedSeed]),
        format: 'der',
        type: 'pkcs8',
      });
    } else {
      privateKey = (await generateKeyPairAsync('rsa', { modulusLength: 2048 })).privateKey;
    }
    const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    out.push({
      account: Object.freeze({ id, apiKey, keyType, privateKeyPem }),
      balances: spec.balances,
      verify: asymmetricVerifier(createPublicKey(privateKey), keyType),
    });
  }
  return out;
}

/** An eip712 account's wallet: the given or seeded key, its address, the main wallet's address. */
function eip712Wallet(
  spec: AccountSpec,
  field: string,
  seed: Uint8Array,
  secret: string,
): { privateKeyHex: string; address: string; user: string } {
  if (spec.secret !== undefined || spec.privateKeyPem !== undefined || spec.apiKey !== undefined)
    fail(
      `${field}: an eip712 account takes \`privateKeyHex\` and \`user\` (its apiKey is the key's address)`,
      field,
    );
  const privateKeyHex = (spec.privateKeyHex ?? Buffer.from(seed).toString('hex')).replace(/^0x/, '');
  if (!isSecretKey(privateKeyHex))
    fail(`${field}.privateKeyHex must be a secp256k1 key, 64 hex digits`, field);
  const user =
    spec.user ?? `0x${createHmac('sha256', 'aster-user').update(secret).digest('hex').slice(0, 40)}`;
  if (!/^0x[0-9a-fA-F]{40}$/.test(user))
    fail(`${field}.user must be an address (0x and 40 hex digits)`, field);
  return { privateKeyHex, address: addressOfKey(privateKeyHex), user: checksum(user) };
}
