import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ClosedError,
  ErrorCode,
  ExchangeError,
  InvalidInputError,
  ProtocolError,
  RateLimitError,
  RetiredEndpointError,
  TransportError,
  UserstreamError,
} from './errors.js';

const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const LISTEN_KEY = 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1';
const SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';

function everyRendering(error: Error): string {
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    inspect(error.cause, { depth: 10 }),
    String(error),
  ].join('\n');
}

describe('UserstreamError', () => {
  it('has a stable code, retryability and a cross-version instance check', () => {
    const e = new TransportError('socket hang up');
    expect(e.code).toBe(ErrorCode.Transport);
    expect(e.isRetryable).toBe(true);
    expect(UserstreamError.isInstance(e)).toBe(true);
    // An error from another copy of the package carries the same global symbol.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@userstream/error')]: true });
    expect(UserstreamError.isInstance(foreign)).toBe(true);
    expect(UserstreamError.isInstance(new Error('x'))).toBe(false);
    expect(UserstreamError.isInstance(null)).toBe(false);
  });

  it('redacts secrets from message, details, cause, toJSON and inspect when built', () => {
    const cause = new Error(
      `GET /api/v3/account?timestamp=1&signature=${SIGNATURE} failed for /ws/${LISTEN_KEY}`,
    );
    const e = new TransportError(`request to /ws/${LISTEN_KEY}?listenKey=${LISTEN_KEY} failed`, {
      cause,
      secrets: [SECRET],
      details: {
        listenKey: LISTEN_KEY,
        headers: { 'X-MBX-APIKEY': 'my-api-key-123' },
        note: `secret ${SECRET}`,
      },
    });
    const all = everyRendering(e);
    for (const s of [SECRET, LISTEN_KEY, SIGNATURE, 'my-api-key-123']) expect(all).not.toContain(s);
    expect(e.message).toMatchInlineSnapshot(`"request to /ws/[REDACTED]?listenKey=[REDACTED] failed"`);
    expect(e.details).toMatchInlineSnapshot(`
      {
        "headers": {
          "X-MBX-APIKEY": "[REDACTED]",
        },
        "listenKey": "[REDACTED]",
        "note": "secret [REDACTED]",
      }
    `);
  });

  it('ExchangeError carries the exchange code and a hint', () => {
    const e = new ExchangeError(-1125, 'This listenKey does not exist.', {
      status: 400,
      context: 'PUT /fapi/v1/listenKey',
    });
    expect(e.exchangeCode).toBe(-1125);
    expect(e.status).toBe(400);
    expect(e.isRetryable).toBe(false);
    expect(e.message).toMatchInlineSnapshot(
      `"PUT /fapi/v1/listenKey: exchange error -1125: This listenKey does not exist. (the listenKey expired or was closed: create a new one)"`,
    );
    expect(new ExchangeError(-1001, 'Internal error', { status: 503 }).isRetryable).toBe(true);
    expect(e.toJSON()).toMatchObject({
      code: 'USERSTREAM_EXCHANGE_ERROR',
      details: { exchangeCode: -1125, status: 400 },
    });
  });

  it('subclasses have their own codes', () => {
    const until = Date.now() + 120_000;
    expect(new RateLimitError('slow down', { retryAfterMs: 1000, banned: false, until }).code).toBe(
      'USERSTREAM_RATE_LIMITED',
    );
    const ban = new RateLimitError('banned', { retryAfterMs: 120_000, banned: true, until });
    expect([ban.code, ban.banned, ban.until]).toEqual(['USERSTREAM_IP_BANNED', true, until]);
    expect(new InvalidInputError('bad', { field: 'symbol' }).field).toBe('symbol');
    expect(new ProtocolError('bad frame', { code: ErrorCode.MalformedFrame }).code).toBe(
      'USERSTREAM_MALFORMED_FRAME',
    );
    expect(new RetiredEndpointError('gone', { replacement: 'binance-spot' }).replacement).toBe(
      'binance-spot',
    );
    expect(new ClosedError('closed', { aborted: true }).code).toBe('USERSTREAM_ABORTED');
    expect(new TransportError('t', { timeout: true }).code).toBe('USERSTREAM_TIMEOUT');
  });
});
