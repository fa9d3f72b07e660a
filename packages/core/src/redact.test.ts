import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExchangeError, ProtocolError } from './errors.js';
import { REDACTED, redactText } from './redact.js';

const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const LISTEN_KEY = 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1';
const HMAC_SIGNATURE = createHmac('sha256', 'secret').update('timestamp=1').digest('hex');
const ED25519_SIGNATURE = sign(
  null,
  Buffer.from('timestamp=1'),
  generateKeyPairSync('ed25519').privateKey,
).toString('base64');
const RSA_SIGNATURE = sign(
  'sha256',
  Buffer.from('timestamp=1'),
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
).toString('base64');

describe('issue 16 item 2: redaction without being told the secret', () => {
  // A venue or proxy may echo a secret of a request this process did not make (another client's),
  // or in a form no field name announces: the shapes themselves are redacted.
  it.each([
    ['a bare HMAC signature', `Signature ${HMAC_SIGNATURE} is not valid.`, HMAC_SIGNATURE],
    ['a bare Ed25519 signature', `bad signature ${ED25519_SIGNATURE}`, ED25519_SIGNATURE],
    ['a bare RSA signature', `bad signature ${RSA_SIGNATURE}.`, RSA_SIGNATURE],
    ['a bare API key', `API-key ${API_KEY} has no permission`, API_KEY],
    ['a bare listenKey', `listen key ${LISTEN_KEY} does not exist`, LISTEN_KEY],
    ['an API key header line', `X-MBX-APIKEY: ${API_KEY.slice(0, 20)}\r\nhost: x`, API_KEY.slice(0, 20)],
    ['an inspected object', inspect({ listenKey: 'short-key-1234', apiKey: 'abc12345' }), 'short-key-1234'],
    ['a single-quoted field', `{'signature': 'abc123def', 'x': 1}`, 'abc123def'],
  ])('%s', (_what, text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('errors built from such text carry none of it (message, stack, JSON, inspect)', () => {
    const error = new ExchangeError(-1022, `Signature ${HMAC_SIGNATURE} for ${API_KEY} is not valid`, {
      status: 400,
    });
    const printed = [
      error.message,
      error.stack,
      JSON.stringify(error),
      inspect(error),
      error.exchangeMessage,
    ].join('\n');
    expect(printed).not.toContain(HMAC_SIGNATURE);
    expect(printed).not.toContain(API_KEY);
  });

  it('leaves ordinary text alone', () => {
    const ordinary = [
      'Malformed spot "executionReport" event: field E: Invalid input: expected number, received string',
      '@userstream/rest: GET /fapi/v3/account failed (timed out after 10000 ms)',
      "unknown venue 'nope'; known venues: binance-spot, binance-isolated-margin-legacy, coins-ph",
      'order 28457 of BTCUSDT filled at 50000.00000000, clientOrderId web_0a1b2c3d4e5f6a7b8c9d',
      'Timestamp for this request was 1000ms ahead of the server time 1733212800000.',
      '    at Transport.#open (/work/main/packages/stream/src/transport.ts:130:18)',
      'CONDITIONAL_ORDER_TRIGGER_REJECT ACCOUNT_CONFIG_UPDATE outboundAccountPosition',
    ];
    for (const text of ordinary) expect(redactText(text)).toBe(text);
  });

  it('a malformed-frame error quoting a secret-shaped value is redacted too', () => {
    const error = new ProtocolError(`Malformed spot frame: event type ${API_KEY}`);
    expect(error.message).not.toContain(API_KEY);
  });
});

describe('redaction properties (fast-check)', () => {
  const KEYISH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=_-~'.split('');
  /** What a venue or proxy might wrap a secret in: any printable text. */
  const text = fc.string({ maxLength: 60 });

  it('a named secret (9+ key-like characters) never survives in message, stack, JSON or inspect', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...KEYISH), minLength: 9, maxLength: 90 }),
        text,
        text,
        (secret, before, after) => {
          const error = new ExchangeError(-1022, `${before}${secret}${after}`, {
            status: 400,
            secrets: [secret],
          });
          const printed = [error.message, error.stack, JSON.stringify(error), inspect(error)].join('\n');
          return !printed.includes(secret);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('secret-shaped values nobody named never survive, whatever surrounds them', () => {
    const hex = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
    const b64 = fc
      .uint8Array({ minLength: 64, maxLength: 256 })
      .map((b) => Buffer.from(b).toString('base64'));
    const key = fc
      .string({ unit: fc.constantFrom(...KEYISH.slice(0, 62)), minLength: 40, maxLength: 64 })
      .filter((k) => /[0-9]/.test(k) && /[A-Za-z]/.test(k));
    const b64Mixed = b64.filter((s) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s));
    fc.assert(
      fc.property(fc.oneof(hex, b64Mixed, key), text, text, (secret, before, after) => {
        return !redactText(`${before}${secret}${after}`).includes(secret);
      }),
      { numRuns: 500 },
    );
  });
});
