/**
 * The `{listenKey}` path form of a profile's keepalive and close endpoints (issue #13 item 5):
 * Bitrue renews and closes a key with `PUT/DELETE /poseidon/api/v1/listenKey/{listenKey}`
 * (https://github.com/Bitrue-exchange/Spot-official-api-docs "User Data Streams", checked
 * 2026-12-03), the key in the path and not as a parameter. Against a loopback HTTP server that
 * records what it is sent; the key stays out of errors and diagnostics.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defineVenue,
  ExchangeCode,
  type ExchangeError,
  type VenueProfileInput,
  venues,
} from '@userstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, DIAGNOSTICS_CHANNELS } from '../src/index.js';

const KEY = 'ac3abbc8ac18f7977df42de27ab0c87c1f4ea3919983955d2fb5786468ccdb07';
const seen: { method: string; url: string }[] = [];
let base = '';
const server = createServer((req, res) => {
  seen.push({ method: req.method ?? '', url: req.url ?? '' });
  res.writeHead(req.url?.includes('gone') ? 400 : 200, { 'content-type': 'application/json' });
  // A venue that echoes the key it did not find: the client must not repeat it.
  res.end(req.url?.includes('gone') ? `{"code":-1125,"msg":"listenKey ${req.url} does not exist"}` : '{}');
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const profile = (path: string): VenueProfileInput => ({
  ...(venues.bhex as unknown as VenueProfileInput),
  id: 'path-key-venue',
  restBaseUrl: base,
  streamBaseUrl: 'ws://127.0.0.1:1',
  listenKey: {
    create: { method: 'POST', path: '/poseidon/api/v1/listenKey', weight: 1, signed: false },
    keepAlive: { method: 'PUT', path, weight: 1, signed: false },
    close: { method: 'DELETE', path, weight: 1, signed: false },
    requiresSymbol: false,
    streamPath: '/stream?listenKey={listenKey}',
  },
});

describe('a listenKey in the endpoint path', () => {
  it('PUT and DELETE carry the key in the path, not as a parameter', async () => {
    const venue = defineVenue(profile('/poseidon/api/v1/listenKey/{listenKey}'));
    await using rest = createRestClient({ venue, credentials: { apiKey: 'k'.repeat(16), secret: 's' } });
    seen.length = 0;
    await rest.keepAliveListenKey(KEY);
    await rest.closeListenKey(KEY);
    expect(seen).toEqual([
      { method: 'PUT', url: `/poseidon/api/v1/listenKey/${KEY}` },
      { method: 'DELETE', url: `/poseidon/api/v1/listenKey/${KEY}` },
    ]);
  });

  it('errors and diagnostics name the path template, never the key', async () => {
    const venue = defineVenue(profile('/poseidon/api/v1/listenKey/{listenKey}'));
    await using rest = createRestClient({ venue, credentials: { apiKey: 'k'.repeat(16), secret: 's' } });
    const messages: unknown[] = [];
    const handler = (m: unknown) => messages.push(m);
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) subscribe(name, handler);
    const gone = `gone${KEY.slice(4)}`;
    const error = (await rest.keepAliveListenKey(gone).catch((e: unknown) => e)) as ExchangeError;
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) unsubscribe(name, handler);
    expect(error.exchangeCode).toBe(ExchangeCode.ListenKeyNotFound);
    expect(error.message).toContain('PUT /poseidon/api/v1/listenKey/{listenKey}');
    expect(`${error.message} ${JSON.stringify(error)} ${JSON.stringify(messages)}`).not.toContain(gone);
    expect(messages.length).toBeGreaterThan(0);
  });

  it('listenKeyBaseUrl: the listenKey calls on their own host, the snapshots on restBaseUrl', async () => {
    // Bitrue: https://open.bitrue.com for the user data stream calls, https://openapi.bitrue.com
    // for the rest (the page's two "base endpoint" lines).
    const keyHost: string[] = [];
    const other = createServer((req, res) => {
      keyHost.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? `{"listenKey":"${KEY}"}` : '{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const venue = defineVenue({
        ...profile('/poseidon/api/v1/listenKey/{listenKey}'),
        listenKeyBaseUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}`,
      });
      await using rest = createRestClient({ venue, credentials: { apiKey: 'k'.repeat(16), secret: 's' } });
      seen.length = 0;
      expect(await rest.createListenKey()).toBe(KEY);
      await rest.keepAliveListenKey(KEY);
      await rest.closeListenKey(KEY);
      await rest.serverTime().catch(() => undefined);
      expect(keyHost).toEqual([
        'POST /poseidon/api/v1/listenKey',
        `PUT /poseidon/api/v1/listenKey/${KEY}`,
        `DELETE /poseidon/api/v1/listenKey/${KEY}`,
      ]);
      expect(seen.map((r) => r.method + ' ' + r.url.split('?')[0])).toEqual(['GET /openapi/v1/time']);
      // Off loopback, a plaintext listenKey host is refused like any other base URL.
      expect(() =>
        defineVenue({
          ...profile('/poseidon/api/v1/listenKey/{listenKey}'),
          listenKeyBaseUrl: 'http://open.bitrue.com',
        }),
      ).toThrowError(/listenKeyBaseUrl/);
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('only keepalive and close may take the key in their path', () => {
    const bad = profile('/poseidon/api/v1/listenKey/{listenKey}');
    bad.listenKey!.create = { method: 'POST', path: '/x/{listenKey}', weight: 1, signed: false };
    expect(() => defineVenue(bad)).toThrowError(/listenKey\.create cannot hold \{listenKey\}/);
    // Any other placeholder is not a path.
    expect(() => defineVenue(profile('/poseidon/api/v1/listenKey/{key}'))).toThrowError(/keepAlive\.path/);
  });
});
