import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ErrorCode, UserstreamError, VirtualClock, venues, withBaseUrls } from '@userstream/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, DEFAULT_MAX_RESPONSE_BYTES, type RestClient } from '../src/index.js';
import { LeakWatch } from './helpers.js';

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, so a whole read would parse

interface Sent {
  path: string;
  /** Bytes handed to the socket before it closed or the body ended. */
  bytes: number;
  /** The client hung up before the whole body was sent. */
  cutShort: boolean;
}

/**
 * A "venue" on loopback that answers with a body of a chosen size, streamed as fast as the client
 * reads it, and records how much it managed to send before the client hung up.
 */
function bigBodyServer() {
  const sent: Sent[] = [];
  const sockets = new Set<Socket>();
  const plan = new Map<string, { status: number; total: number; declare: boolean }>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Sizes of at least 25 bytes: head and tail always fit.
    const p = plan.get(path) ?? { status: 200, total: 64, declare: true };
    const record: Sent = { path, bytes: 0, cutShort: false };
    sent.push(record);
    const head = Buffer.from('{"serverTime":1,"pad":"');
    const tail = Buffer.from('"}');
    res.writeHead(p.status, {
      'content-type': 'application/json',
      ...(p.declare ? { 'content-length': String(p.total) } : {}),
    });
    let left = p.total;
    let closed = false;
    res.on('close', () => {
      closed = true;
      if (left > 0) record.cutShort = true;
    });
    const pump = () => {
      while (!closed && left > 0) {
        let chunk: Buffer;
        if (record.bytes === 0) chunk = head;
        else if (left <= tail.length) chunk = tail.subarray(tail.length - left);
        else chunk = CHUNK.subarray(0, Math.min(CHUNK.length, left - tail.length));
        left -= chunk.length;
        record.bytes += chunk.length;
        if (left === 0) {
          res.end(chunk);
          return;
        }
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    sent,
    plan,
    get sockets() {
      return sockets.size;
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const venue = bigBodyServer();
const leaks = new LeakWatch();
const clock = new VirtualClock(Date.UTC(2026, 5, 1, 12, 0, 30));
const credentials = { apiKey: `canaryApiKey${'K'.repeat(52)}`, secret: `canarySecret${'S'.repeat(52)}` };
let baseUrl = '';
const clients: RestClient[] = [];

function client(extra: Record<string, unknown> = {}): RestClient {
  const c = createRestClient({
    venue: withBaseUrls(venues['binance-usdm'], { rest: baseUrl }),
    credentials,
    clock,
    random: () => 0,
    retry: { baseDelayMs: 1 },
    logger: leaks.logger,
    ...extra,
  });
  clients.push(c);
  return c;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  baseUrl = await venue.listen();
  leaks.start();
  leaks.secret(credentials.apiKey, credentials.secret);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  venue.plan.clear();
  venue.sent.length = 0;
});
afterAll(async () => {
  leaks.stop();
  await venue.close();
  leaks.assertClean();
});

describe('maxResponseBytes', () => {
  it('a declared 128 MiB answer is refused after its headers: typed, not retried, the socket cut', async () => {
    venue.plan.set('/fapi/v3/account', { status: 200, total: 128 * MiB, declare: true });
    const rest = client({ maxResponseBytes: MiB });
    const error = await leaks.rejection(rest.account());
    expect(UserstreamError.isInstance(error)).toBe(true);
    expect(error.code).toBe(ErrorCode.ResponseTooLarge);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatchInlineSnapshot(
      `"@userstream/rest: GET /fapi/v3/account answered with a body of 134217728 bytes, over maxResponseBytes (1048576); raise maxResponseBytes if this venue's answers are really this large"`,
    );
    expect(error.details).toMatchObject({ venue: 'binance-usdm', status: 200, maxResponseBytes: MiB });
    expect(venue.sent).toHaveLength(1); // a GET, idempotent, and still not sent again
    await waitFor(() => venue.sent[0]?.cutShort === true, 'the client to hang up');
    expect(venue.sent[0]?.bytes).toBeLessThan(32 * MiB);
  });

  it('an undeclared (chunked) endless answer is cut once the limit is crossed; memory stays flat', async () => {
    venue.plan.set('/fapi/v1/openOrders', { status: 200, total: 256 * MiB, declare: false });
    const rest = client({ maxResponseBytes: 2 * MiB });
    const before = process.memoryUsage();
    const error = await leaks.rejection(rest.rawOpenOrders());
    const after = process.memoryUsage();
    expect(error.code).toBe(ErrorCode.ResponseTooLarge);
    expect(error.message).toMatch(
      /^@userstream\/rest: GET \/fapi\/v1\/openOrders answered with a body over maxResponseBytes \(2097152\)/,
    );
    expect(venue.sent).toHaveLength(1);
    await waitFor(() => venue.sent[0]?.cutShort === true, 'the client to hang up');
    expect(venue.sent[0]?.bytes).toBeLessThan(32 * MiB);
    // Loose: the whole body would be 256 MiB (and twice that as a string).
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * MiB);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * MiB);
  });

  it('the default (DEFAULT_MAX_RESPONSE_BYTES, 16 MiB) cuts a 300 MB answer', async () => {
    venue.plan.set('/fapi/v1/time', { status: 200, total: 300_000_000, declare: false });
    const rss = process.memoryUsage.rss();
    const error = await leaks.rejection(client().serverTime());
    expect(error.code).toBe(ErrorCode.ResponseTooLarge);
    await waitFor(() => venue.sent[0]?.cutShort === true, 'the client to hang up');
    expect(venue.sent[0]?.bytes).toBeLessThan(64 * MiB);
    expect(process.memoryUsage.rss() - rss).toBeLessThan(128 * MiB);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(16 * MiB);
  });

  it('an oversized error body (HTTP 500) is cut too, and not retried', async () => {
    venue.plan.set('/fapi/v1/time', { status: 500, total: 64 * MiB, declare: false });
    const error = await leaks.rejection(client({ maxResponseBytes: 64 * 1024 }).serverTime());
    expect(error.code).toBe(ErrorCode.ResponseTooLarge);
    expect(error.details).toMatchObject({ status: 500 });
    expect(venue.sent).toHaveLength(1);
  });

  it('an answer at the limit is read and parsed', async () => {
    venue.plan.set('/fapi/v1/time', { status: 200, total: MiB, declare: true });
    expect(await client({ maxResponseBytes: MiB }).serverTime()).toBe(1);
    venue.plan.set('/fapi/v1/time', { status: 200, total: MiB, declare: false });
    expect(await client({ maxResponseBytes: MiB }).serverTime()).toBe(1);
    expect(venue.sent.every((s) => !s.cutShort)).toBe(true);
  });

  it('bad values are refused with USERSTREAM_INVALID_CONFIG naming the option', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1048576', 2 ** 53, null]) {
      let thrown: unknown;
      try {
        client({ maxResponseBytes: bad });
      } catch (error) {
        thrown = error;
      }
      expect(UserstreamError.isInstance(thrown), String(bad)).toBe(true);
      expect(thrown).toMatchObject({ code: ErrorCode.InvalidConfig, field: 'maxResponseBytes' });
    }
  });
});
