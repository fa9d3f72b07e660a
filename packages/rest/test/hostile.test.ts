import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, type VenueProfile, type VenueProfileInput, venues, withBaseUrls } from '@userstream/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestClient, type RestClient } from '../src/index.js';
import { LeakWatch } from './helpers.js';

const API_KEY = 'CanaryRestApiKey0000000000000000000000000000000000000000000000001';
const SECRET = 'CanaryRestSecret000000000000000000000000000000000000000000000001';

type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void;

/** A hostile venue on loopback: the test writes what it answers. */
async function venueServer(handler: Handler) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    handler(req, res, url.searchParams);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('issue 16 item 2: a bare signature the venue echoes back is redacted', () => {
  it('the signature of the request, quoted on its own (no signature=), never leaves the client', async () => {
    const signatures: string[] = [];
    const server = await venueServer((_req, res, query) => {
      const signature = query.get('signature') ?? '';
      signatures.push(signature);
      res.writeHead(400, { 'content-type': 'application/json' });
      // Bare, with no field name the pattern-based redaction could key on.
      res.end(JSON.stringify({ code: -1022, msg: `Signature ${signature} is not valid for ${API_KEY}.` }));
    });
    closers.push(server.close);
    const leaks = new LeakWatch();
    leaks.start();
    closers.push(async () => leaks.stop());
    const client: RestClient = createRestClient({
      venue: withBaseUrls(venues['binance-usdm'], { rest: server.url }),
      credentials: { apiKey: API_KEY, secret: SECRET },
      retry: false,
      logger: leaks.logger,
    });
    closers.push(() => client.close());
    const error = await leaks.rejection(client.accountSnapshot());
    expect(error.code).toBe(ErrorCode.Exchange);
    expect(error.message).toContain('Signature [REDACTED] is not valid');
    expect(signatures).toHaveLength(1);
    expect(signatures[0]).toMatch(/^[0-9a-f]{64}$/);
    leaks.secret(API_KEY, SECRET, ...signatures);
    leaks.assertClean();
  });

  it("an external signer's signature (no hex or base64 shape to catch) is redacted too", async () => {
    const signature = 'kms-sig-0001';
    const apiKey = 'kms-api-key-0001';
    const server = await venueServer((_req, res, query) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -1022, msg: `Signature ${query.get('signature')} is not valid.` }));
    });
    closers.push(server.close);
    const leaks = new LeakWatch();
    leaks.start();
    closers.push(async () => leaks.stop());
    const client = createRestClient({
      venue: withBaseUrls(venues['binance-usdm'], { rest: server.url }),
      credentials: { apiKey, signer: { keyType: 'hmac', sign: () => signature } },
      retry: false,
      logger: leaks.logger,
    });
    closers.push(() => client.close());
    const error = await leaks.rejection(client.accountSnapshot());
    expect(error.message).toContain('Signature [REDACTED] is not valid');
    leaks.secret(apiKey, signature);
    leaks.assertClean();
  });
});

function hostileRest(patch: (v: VenueProfileInput) => VenueProfileInput): VenueProfile {
  const { retired: _r, ...usdm } = venues['binance-usdm'];
  return patch(usdm as VenueProfileInput) as VenueProfile;
}

function codeOf(fn: () => unknown): string {
  try {
    const c = fn() as RestClient;
    void c.close();
  } catch (error) {
    return `${(error as { code?: string }).code ?? 'untyped'}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('issue 16 item 7: a REST profile cannot send the API key to another host', () => {
  const credentials = { apiKey: API_KEY, secret: SECRET };
  it.each([
    [
      'an endpoint path that names a host',
      (v: VenueProfileInput) => ({
        ...v,
        endpoints: {
          ...v.endpoints,
          account: { ...v.endpoints.account, path: '//evil.example/fapi/v3/account' },
        },
      }),
    ],
    [
      'userinfo in the base URL',
      (v: VenueProfileInput) => ({ ...v, restBaseUrl: 'https://fapi.binance.com@evil.example' }),
    ],
    [
      'a query in the base URL',
      (v: VenueProfileInput) => ({ ...v, restBaseUrl: 'https://evil.example/?https://fapi.binance.com' }),
    ],
    [
      'a fragment in the base URL',
      (v: VenueProfileInput) => ({ ...v, restBaseUrl: 'https://fapi.binance.com#' }),
    ],
  ])('%s: USERSTREAM_INVALID_CONFIG at the factory', (_what, patch) => {
    expect(codeOf(() => createRestClient({ venue: hostileRest(patch), credentials }))).toMatch(
      /^USERSTREAM_INVALID_CONFIG: /,
    );
  });
});

describe('issue 16 item 9: REST durations beyond 2^31-1 ms', () => {
  const venue = venues['binance-usdm'];
  const credentials = { apiKey: API_KEY, secret: SECRET };
  it.each([
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: 2 ** 31, maxDelayMs: 2 ** 31 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 2 ** 31 } }],
  ])('%s is refused with a typed error naming it', (field, extra) => {
    const got = codeOf(() => createRestClient({ venue, credentials, ...extra }));
    expect(got).toMatch(/^USERSTREAM_INVALID_CONFIG: @userstream\/rest: /);
    expect(got).toContain(`${field} must be`);
    expect(got).toContain('2147483647');
  });
});
