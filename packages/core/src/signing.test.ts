import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserstreamError } from './errors.js';
import { createSigner, encodeQuery, signQuery, signWsApiParams, wsApiSignaturePayload } from './signing.js';

describe('HMAC-SHA256', () => {
  it("reproduces Binance's documented example", async () => {
    const signer = createSigner({
      secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
    });
    const payload =
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    expect(signer.keyType).toBe('hmac');
    expect(await signer.sign(payload)).toBe(
      'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
    );
    const query = await signQuery(
      {
        symbol: 'LTCBTC',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: 1,
        price: '0.1',
        recvWindow: 5000,
        timestamp: 1499827319559,
      },
      signer,
    );
    expect(query).toBe(
      `${payload}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`,
    );
  });
});

describe('asymmetric keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');

  it('detects RSA from PEM (PKCS#8 and PKCS#1) and signs PKCS#1 v1.5 SHA-256 in base64', async () => {
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const pem = rsa.privateKey.export({ format: 'pem', type }).toString();
      const signer = createSigner({ privateKey: pem });
      expect(signer.keyType).toBe('rsa');
      const sig = await signer.sign('timestamp=1');
      expect(verify('sha256', Buffer.from('timestamp=1'), rsa.publicKey, Buffer.from(sig, 'base64'))).toBe(
        true,
      );
    }
  });

  it('detects Ed25519 from PEM, base64 DER and a raw 32-byte seed (hex or base64)', async () => {
    const der = ed.privateKey.export({ format: 'der', type: 'pkcs8' });
    const seed = der.subarray(der.length - 32);
    const forms = [
      ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      der.toString('base64'),
      seed.toString('hex'),
      seed.toString('base64'),
    ];
    for (const privateKey of forms) {
      const signer = createSigner({ privateKey });
      expect(signer.keyType).toBe('ed25519');
      const sig = await signer.sign('apiKey=a&timestamp=1');
      expect(
        verify(
          null,
          Buffer.from('apiKey=a&timestamp=1'),
          createPublicKey(ed.privateKey),
          Buffer.from(sig, 'base64'),
        ),
      ).toBe(true);
    }
  });

  it('reads encrypted PEM with a passphrase', async () => {
    const pem = ed.privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    expect(createSigner({ privateKey: pem, passphrase: 'pw' }).keyType).toBe('ed25519');
  });

  it('rejects a declared type that does not match the key, and unreadable keys, without echoing them', () => {
    const pem = ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => createSigner({ privateKey: pem, keyType: 'rsa' })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/core: keyType 'rsa' was declared but the privateKey is ed25519]`,
    );
    let caught: unknown;
    try {
      createSigner({ privateKey: 'not-a-key-at-all-SECRETBYTES' });
    } catch (e) {
      caught = e;
    }
    expect(UserstreamError.isInstance(caught)).toBe(true);
    expect((caught as UserstreamError).code).toBe('USERSTREAM_SIGNING');
    expect(JSON.stringify(caught)).not.toContain('SECRETBYTES');
    expect((caught as Error).message).not.toContain('SECRETBYTES');
  });

  it('needs exactly one kind of key material', () => {
    expect(() => createSigner({})).toThrow(/exactly one of/);
    expect(() => createSigner({ secret: 's', signer: { keyType: 'hmac', sign: () => '' } })).toThrow(
      /exactly one of/,
    );
    expect(() => createSigner({ secret: 's', keyType: 'ed25519' })).toThrow(/needs `privateKey`/);
  });

  it('passes an external (KMS) signer through, async allowed', async () => {
    const calls: string[] = [];
    const signer = createSigner({
      signer: {
        keyType: 'ed25519',
        sign: async (p) => {
          calls.push(p);
          return 'c2ln';
        },
      },
    });
    expect(await signQuery({ timestamp: 5 }, signer)).toBe('timestamp=5&signature=c2ln');
    expect(calls).toEqual(['timestamp=5']);
  });
});

describe('query encoding', () => {
  it('percent-encodes keys and values in insertion order and skips undefined', () => {
    expect(encodeQuery({ symbol: 'BTCUSDT', note: "a b&c=d/é!*'()", skip: undefined, n: 1, ok: true })).toBe(
      'symbol=BTCUSDT&note=a%20b%26c%3Dd%2F%C3%A9%21%2A%27%28%29&n=1&ok=true',
    );
    expect(encodeQuery({})).toBe('');
  });

  it('round-trips through URLSearchParams for any string keys and values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (params) => {
        const decoded = Object.fromEntries(new URLSearchParams(encodeQuery(params)));
        expect(decoded).toEqual(params);
      }),
    );
  });

  it('is stable: the same params give the same payload', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())), (params) => {
        expect(encodeQuery({ ...params })).toBe(encodeQuery(params));
      }),
    );
  });
});

describe('WebSocket API signing', () => {
  it('signs the params sorted by name, without signature', async () => {
    expect(wsApiSignaturePayload({ timestamp: 2, apiKey: 'k', recvWindow: 100, signature: 'x' })).toBe(
      'apiKey=k&recvWindow=100&timestamp=2',
    );
    const signer = createSigner({
      secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
    });
    const signed = await signWsApiParams({ timestamp: 1, apiKey: 'key' }, signer);
    expect(signed.signature).toBe(await signer.sign('apiKey=key&timestamp=1'));
    expect(signed.apiKey).toBe('key');
  });
});
