import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { createRedisEventSink, eventIdempotencyKey, type SinkEvent } from './event-sink.js';

let server: TestRedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await redis.flushall();
});

const target = { accountId: 'acct-1', venue: 'binance-usdm' };

const order = (i: number, x = 'NEW'): SinkEvent => ({
  e: 'ORDER_TRADE_UPDATE',
  E: 1_767_225_600_000 + Math.floor(i / 2), // two events per millisecond: E alone is not unique
  T: 1_767_225_600_000,
  o: { s: 'BTCUSDT', i: 1000 + i, x, X: x, q: '0.010', p: '61000.10' },
});

async function entries(accountId = 'acct-1') {
  const rows = await redis.xrange(createRedisEventSink({ redis }).streamKey(accountId), '-', '+');
  return rows.map(([id, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    return { id, ...f } as { id: string } & Record<string, string | undefined>;
  });
}

describe('createRedisEventSink', () => {
  it('appends each event once, in order, dropping duplicates', async () => {
    const sink = createRedisEventSink({ redis });
    const events = Array.from({ length: 50 }, (_, i) => order(i));
    const ids: (string | undefined)[] = [];
    for (const e of events) ids.push(await sink.append(target, e));
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    // Every event delivered again (a duplicate frame, an overlapping connection): nothing appended.
    for (const e of events) expect(await sink.append(target, { ...e })).toBeUndefined();
    const rows = await entries();
    expect(rows).toHaveLength(50);
    expect(rows.map((r) => JSON.parse(r.event!).o.i)).toEqual(events.map((e) => (e.o as { i: number }).i));
    expect(rows[0]).toMatchObject({
      e: 'ORDER_TRADE_UPDATE',
      E: String(events[0]!.E),
      venue: 'binance-usdm',
    });
    // Amounts stay decimal strings.
    expect(JSON.parse(rows[0]!.event!).o.p).toBe('61000.10');
  });

  it('two writers (old and new owner overlapping) append each event exactly once', async () => {
    const a = createRedisEventSink({ redis: server.client() });
    const b = createRedisEventSink({ redis: server.client() });
    const events = Array.from({ length: 400 }, (_, i) => order(i, i % 3 === 0 ? 'TRADE' : 'NEW'));
    // Writer A has the first 300, writer B the last 300: 200 overlap, sent concurrently.
    const results = await Promise.all([
      ...events.slice(0, 300).map((e) => a.append(target, e)),
      ...events.slice(100).map((e) => b.append(target, e)),
    ]);
    expect(results.filter(Boolean)).toHaveLength(400);
    const rows = await entries();
    expect(rows).toHaveLength(400);
    expect(new Set(rows.map((r) => r.event)).size).toBe(400);
  });

  it('tells events apart by content, not only e and E', () => {
    const a = order(0, 'NEW');
    const b = order(0, 'CANCELED');
    expect(eventIdempotencyKey(target, a)).not.toBe(eventIdempotencyKey(target, b));
    expect(eventIdempotencyKey(target, a)).toBe(eventIdempotencyKey(target, structuredClone(a)));
    expect(eventIdempotencyKey(target, a)).not.toBe(
      eventIdempotencyKey({ ...target, accountId: 'acct-2' }, a),
    );
    expect(eventIdempotencyKey(target, a)).toMatch(/^acct-1:ORDER_TRADE_UPDATE:1767225600000:[0-9a-f]{32}$/);
  });

  it('never writes a listenKey', async () => {
    const sink = createRedisEventSink({ redis });
    const secret = 'pqHd0A6qfrXsQ9RzCzWWGyhXZdgo9CS7Ms2ToLdWAUwzt40uRjZoe9Frh7CF3KBN';
    await sink.append(target, { e: 'listenKeyExpired', E: '1736996475556', listenKey: secret });
    const rows = await entries();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(await redis.keys('*'))).not.toContain(secret);
  });

  it('caps each stream near maxLen', async () => {
    const sink = createRedisEventSink({ redis, maxLen: 100 });
    for (let i = 0; i < 1000; i++) await sink.append(target, order(i));
    const len = await redis.xlen(sink.streamKey('acct-1'));
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(300);
  });

  it('checks its input', async () => {
    expect(() => createRedisEventSink({ redis, maxLen: 0 })).toThrow(/maxLen must be a positive integer/);
    const sink = createRedisEventSink({ redis });
    await expect(sink.append(target, { E: 1 } as unknown as SinkEvent)).rejects.toMatchObject({
      code: 'USERSTREAM_INVALID_INPUT',
    });
  });

  it("appends Aster's announcement, which has no E, once; an E-less event of another type is still refused", async () => {
    // Aster futures v3, "Event: Public Announcement" / "Event: Direct Announcement" (no `E`):
    // https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-futures-api-v3.md
    const copy = (t: string) => ({
      i: 162,
      t,
      s: 'sub content',
      c: 'DIRECT',
      d: 1_781_684_634_276,
      S: false,
      j: 'https://asterdex.finance',
      C: '<p>test content</p>',
    });
    const announcement = { e: 'announcement', en: copy('direct message test'), zh: copy('个人消息测试') };
    const sink = createRedisEventSink({ redis });
    const aster = { accountId: 'acct-1', venue: 'aster-futures-v3' };
    const id = await sink.append(aster, announcement as unknown as SinkEvent);
    expect(typeof id).toBe('string');
    // The same notice again (a reconnect's overlap, another worker): appended once.
    expect(await sink.append(aster, { ...announcement } as unknown as SinkEvent)).toBeUndefined();
    const rows = await entries();
    expect(rows.map((r) => [r.e, r.E, r.venue])).toEqual([['announcement', '', 'aster-futures-v3']]);
    expect(JSON.parse(rows[0]!.event!)).toEqual(announcement);
    expect(await redis.xlen(sink.deadLetterKey('acct-1'))).toBe(0);
    // Only a type documented without E passes: an ACCOUNT_UPDATE without its E is broken.
    const { E: _e, ...broken } = order(1);
    await expect(sink.append(target, broken as unknown as SinkEvent)).rejects.toMatchObject({
      code: 'USERSTREAM_INVALID_INPUT',
    });
  });

  it('rejects with USERSTREAM_REDIS_UNAVAILABLE while Redis is down', async () => {
    const sink = createRedisEventSink({ redis: server.client() });
    await server.stopServer();
    try {
      await expect(sink.append(target, order(1))).rejects.toMatchObject({
        code: 'USERSTREAM_REDIS_UNAVAILABLE',
      });
    } finally {
      await server.startServer();
    }
  });
});
