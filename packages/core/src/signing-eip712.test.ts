import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex } from '@noble/hashes/utils';
import { describe, expect, it } from 'vitest';
import { ErrorCode, UserstreamError } from './errors.js';
import { createSigner } from './signing.js';
import {
  addressOfPublicKey,
  createEip712Signer,
  eip712MessageDigest,
  isEip712Signer,
  MicrosecondNonce,
  signAsterV3Query,
} from './signing-eip712.js';

// The demo API wallet of Aster's v3 docs ("The values for user, signer, and privateKey are for
// demonstration purposes only"):
// https://github.com/asterdex/api-docs/blob/master/V3(Recommended)/EN/aster-finance-futures-api-v3.md
// ("Example of POST /fapi/v3/order", commit 265e024, checked 2026-12-03). The docs give no
// signature, so the expected values below were computed independently, once, with ethers 6.13.5
// in a scratch directory outside the repo (`new Wallet(KEY).signTypedData(domain, {Message:
// [{name:'msg',type:'string'}]}, {msg})` and `TypedDataEncoder.hash(…)`, domain
// AsterSignTransaction / 1 / 1666 / 0x0). ethers derived the docs' signer address from the key,
// which pins the key-to-address step too.
const KEY = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
const USER = '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e';
const SIGNER = '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0';

const VECTORS = [
  {
    msg: `user=${USER}&signer=${SIGNER}&nonce=1748310859508867`,
    digest: '0xa79e6ee14d8b4cad119717d2615b50ecf8c3d1770b303ec23a9d50e51752303c',
    signature:
      '0xc8edcc2c1c5736639df981a731e340d20f47369b20061e52f6146b2f86703f1a67fbcc6b6d97943b4dae2b3f44d3db59ddfecb137ba672b1d5e3d0672ad016be1c',
  },
  {
    msg: `listenKey=pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1&user=${USER}&signer=${SIGNER}&nonce=1748310859508868`,
    digest: '0x0dfcbe0f8b5db6ca815a1779ede54c70b092f95aab763dfa3f2399eb1c416fb4',
    signature:
      '0xe37610821644d74aff55d2b273e25141699effd66f563afce329c3e621c9aeff4a37616187dad4167905b6fd648186cfe014799916b2b093169d4c96d451878e1b',
  },
  {
    msg: '',
    digest: '0xe0f1aad7fc9bb5b14c501bb69b110286c94406576860971231b381b9eb11dbef',
    signature:
      '0xb7fe1961a997fb3fab846eadbfb0cbf0297029df88d0b5f5f1f738f10f8bbd337a5baeda44397cb37248146bec810048988a5597bb841de18d298dbc1b8994201b',
  },
] as const;

describe('EIP-712 (Aster v3)', () => {
  it("derives the docs' API wallet address from the docs' key", () => {
    const signer = createEip712Signer({ privateKey: KEY, user: USER });
    expect(signer.address).toBe(SIGNER);
    expect(signer.user).toBe(USER);
    expect(signer.keyType).toBe('eip712');
  });

  it.each(VECTORS)('matches ethers on %#', async ({ msg, digest, signature }) => {
    expect(`0x${bytesToHex(eip712MessageDigest(msg))}`).toBe(digest);
    const signer = createEip712Signer({ privateKey: KEY, user: USER });
    expect(await signer.sign(msg)).toBe(signature);
  });

  it('signs what recovers to the signer address (any message)', () => {
    const signer = createEip712Signer({ privateKey: KEY.slice(2), user: USER.toLowerCase() });
    const msg = 'symbol=ASTERUSDT&side=BUY&quantity=20&price=0.5&user=x&nonce=1';
    const sig = signer.sign(msg) as string;
    const compact = sig.slice(2, 130);
    const v = Number.parseInt(sig.slice(130), 16);
    const recovered = secp256k1.Signature.fromCompact(compact)
      .addRecoveryBit(v - 27)
      .recoverPublicKey(eip712MessageDigest(msg))
      .toRawBytes(false);
    expect(addressOfPublicKey(recovered)).toBe(SIGNER);
    expect(signer.user).toBe(USER);
  });

  it('is chosen through createSigner only when declared', async () => {
    const signer = createSigner({ privateKey: KEY, keyType: 'eip712', user: USER });
    expect(isEip712Signer(signer)).toBe(true);
    expect(await signer.sign(VECTORS[0].msg)).toBe(VECTORS[0].signature);
    // Undeclared, the same 64 hex digits read as an Ed25519 seed (the older key type).
    expect(createSigner({ privateKey: KEY.slice(2) }).keyType).toBe('ed25519');
  });

  it('builds the v3 query: own parameters, user, signer, nonce, then the signature', async () => {
    const signer = createEip712Signer({ privateKey: KEY, user: USER });
    const query = await signAsterV3Query(
      'listenKey=pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1',
      signer,
      1748310859508868,
    );
    expect(query).toBe(`${VECTORS[1].msg}&signature=${VECTORS[1].signature}`);
    expect(await signAsterV3Query('', signer, 1748310859508867)).toBe(
      `${VECTORS[0].msg}&signature=${VECTORS[0].signature}`,
    );
  });

  it('refuses bad keys and user addresses with a typed error that never quotes the key', () => {
    const bad = [
      { privateKey: 'not hex', user: USER },
      { privateKey: `0x${'0'.repeat(64)}`, user: USER },
      { privateKey: `0x${'f'.repeat(64)}`, user: USER },
      { privateKey: KEY, user: 'alice' },
      { privateKey: KEY, user: undefined as unknown as string },
    ];
    for (const options of bad) {
      let thrown: unknown;
      try {
        createSigner({ ...options, keyType: 'eip712' });
      } catch (error) {
        thrown = error;
      }
      expect(UserstreamError.isInstance(thrown)).toBe(true);
      expect((thrown as UserstreamError).code).toBe(ErrorCode.Signing);
      expect((thrown as Error).message).not.toContain(KEY.slice(2, 20));
    }
    expect(() => createSigner({ secret: 's', keyType: 'eip712', user: USER })).toThrow(/privateKey/);
  });
});

describe('MicrosecondNonce', () => {
  it('is the clock in microseconds, increasing within one microsecond and small steps back', () => {
    const nonce = new MicrosecondNonce();
    expect(nonce.next(1748310859508.867)).toBe(1748310859508867);
    expect(nonce.next(1748310859508.867)).toBe(1748310859508868);
    expect(nonce.next(1748310859000)).toBe(1748310859508869);
    expect(nonce.next(1748310860000)).toBe(1748310860000000);
  });

  it('follows the clock back after a step of more than a second (a sync to the server)', () => {
    const nonce = new MicrosecondNonce();
    expect(nonce.next(1748310890000)).toBe(1748310890000000);
    expect(nonce.next(1748310830000)).toBe(1748310830000000);
    expect(nonce.next(1748310830000)).toBe(1748310830000001);
  });
});
