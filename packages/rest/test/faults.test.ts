import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  type Clock,
  ExchangeError,
  RateLimitError,
  RetiredEndpointError,
  systemClock,
  TransportError,
  VirtualClock,
  venues,
} from '@userstream/core';
import { startSimulator } from '@userstream/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestClient, DIAGNOSTICS_CHANNELS } from '../src/index.js';
import { leaks, until, useSimulator, watch } from './helpers.js';
import { startProxy, type TestProxy } from './proxy-server.js';

const clock = new VirtualClock(Date.UTC(2026, 5, 1, 12, 0, 30));
const ctx = useSimulator(() => ({ clock }));
const proxies: TestProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** A client on the virtual clock with zero backoff (random 0), so retries need no time to pass. */
const client = (venue: Parameters<typeof ctx.client>[0], extra: Parameters<typeof ctx.client>[1] = {}) =>
  ctx.client(venue, { clock, random: () => 0, ...extra });

async function proxied(
  venue: Parameters<typeof ctx.client>[0],
  extra: Parameters<typeof ctx.client>[1] = {},
) {
  const proxy = await startProxy();
  proxies.push(proxy);
  const rest = client(venue, { proxy: { uri: proxy.url, tunnel: false }, ...extra });
  return { proxy, rest };
}

const count = (method: string, path: string) => ctx.sim.record.requestCount(method, path);

describe('429 and 418', () => {
  it('429: a RateLimitError with Retry-After; held locally until then (so no 418 is earned), then sent again', async () => {
    const rest = client('binance-usdm');
    ctx.sim.faults.rateLimit({ venue: 'binance-usdm', retryAfterMs: 30_000 });
    const limited = await leaks.rejection(rest.serverTime());
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.code).toBe('USERSTREAM_RATE_LIMITED');
    expect(limited.retryAfterMs).toBe(30_000);
    expect(limited.isRetryable).toBe(true);
    expect(rest.rateLimit.retryAfterUntil).toBe(clock.now() + 30_000);
    expect(count('GET', '/fapi/v1/time')).toBe(1); // not retried

    await clock.advance(29_000);
    const held = await leaks.rejection(rest.createListenKey());
    expect(held.message).toMatch(/asked to slow down; not sending until/);
    expect(count('POST', '/fapi/v1/listenKey')).toBe(0);

    await clock.advance(1_000);
    await expect(rest.createListenKey()).resolves.toMatch(/^[A-Za-z0-9]{64}$/);
    expect(rest.rateLimit.bannedUntil).toBe(0);
  });

  it('418: refuses to send anything until the ban ends', async () => {
    const rest = client('binance-coinm');
    ctx.sim.faults.ban({ venue: 'binance-coinm', durationMs: 120_000 });
    const ban = await leaks.rejection(rest.serverTime());
    expect(ban.code).toBe('USERSTREAM_IP_BANNED');
    expect(ban.banned).toBe(true);
    expect(rest.rateLimit.bannedUntil).toBe(clock.now() + 120_000);
    const sent = count('GET', '/dapi/v1/time');
    expect(sent).toBe(1);
    for (const step of [1_000, 60_000, 58_999]) {
      await clock.advance(step);
      const refused = await leaks.rejection(rest.createListenKey());
      expect(refused).toMatchObject({ code: 'USERSTREAM_IP_BANNED', banned: true });
      expect(refused.message).toContain(new Date(rest.rateLimit.bannedUntil).toISOString());
    }
    expect(count('POST', '/dapi/v1/listenKey')).toBe(0);
    await clock.advance(1);
    expect(await rest.serverTime()).toBe(clock.now());
    expect(count('GET', '/dapi/v1/time')).toBe(sent + 1);
  });
});

describe('5xx: retried for safe requests only; 4xx never', () => {
  it('a keepalive PUT answered 503 twice succeeds on the third attempt', async () => {
    const rest = client('binance-usdm');
    const key = await rest.createListenKey();
    ctx.sim.faults.failKeepalives({ count: 2, mode: '5xx' });
    const before = count('PUT', '/fapi/v1/listenKey');
    const accepted = ctx.sim.record.keepalives(key).length;
    await rest.keepAliveListenKey(key);
    expect(count('PUT', '/fapi/v1/listenKey')).toBe(before + 3);
    expect(ctx.sim.record.keepalives(key)).toHaveLength(accepted + 1);
  });

  it('gives up after maxAttempts with a retryable ExchangeError', async () => {
    const rest = client('bhex', { retry: { maxAttempts: 2 } });
    const key = await rest.createListenKey();
    ctx.sim.faults.failKeepalives({ count: 5, mode: '5xx' });
    const before = count('PUT', '/openapi/v1/userDataStream');
    const error = await leaks.rejection(rest.keepAliveListenKey(key));
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error).toMatchObject({ status: 500, exchangeCode: -1001, isRetryable: true });
    expect(count('PUT', '/openapi/v1/userDataStream')).toBe(before + 2);
  });

  it('retry: false sends once', async () => {
    const rest = client('binance-usdm', { retry: false });
    const key = await rest.createListenKey();
    ctx.sim.faults.failKeepalives({ count: 1, mode: '5xx' });
    const before = count('PUT', '/fapi/v1/listenKey');
    await leaks.rejection(rest.keepAliveListenKey(key));
    expect(count('PUT', '/fapi/v1/listenKey')).toBe(before + 1);
  });

  it('GET and the listenKey POST are retried on 5xx; an order POST that reached the venue is not', async () => {
    const { proxy, rest } = await proxied('binance-spot');
    proxy.state.faults.push({ method: 'GET', path: '/api/v3/account', mode: '503', count: 2 });
    const before = count('GET', '/api/v3/account');
    await rest.accountSnapshot();
    expect(count('GET', '/api/v3/account')).toBe(before + 1);
    expect(proxy.state.lines.filter((l) => l.startsWith('GET /api/v3/account'))).toHaveLength(3);

    const { proxy: p2, rest: legacy } = await proxied('binance-spot-legacy');
    p2.state.faults.push({ method: 'POST', path: '/api/v3/userDataStream', mode: '503-after', count: 1 });
    const lkBefore = count('POST', '/api/v3/userDataStream');
    const key = await legacy.createListenKey();
    // Sent twice, the venue answered the same key both times.
    expect(count('POST', '/api/v3/userDataStream')).toBe(lkBefore + 2);
    expect(key).toMatch(/^[A-Za-z0-9]{60}$/);

    const ordersBefore = (await rest.openOrders({ symbol: 'BTCUSDT' })).length;
    proxy.state.faults.push({ method: 'POST', path: '/api/v3/order', mode: '503-after', count: 1 });
    const orderCount = count('POST', '/api/v3/order');
    const error = await leaks.rejection(
      rest.request({
        method: 'POST',
        path: '/api/v3/order',
        signed: true,
        params: {
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '0.001',
          price: '50000',
        },
      }),
    );
    expect(error).toMatchObject({ code: 'USERSTREAM_EXCHANGE_ERROR', status: 503, exchangeCode: -1001 });
    expect(count('POST', '/api/v3/order')).toBe(orderCount + 1);
    // The order exists once: a retry would have placed it twice.
    expect(await rest.openOrders({ symbol: 'BTCUSDT' })).toHaveLength(ordersBefore + 1);

    // A POST the caller declares idempotent is retried like a GET.
    proxy.state.faults.push({ method: 'POST', path: '/api/v3/order', mode: '503', count: 1 });
    await rest.request({
      method: 'POST',
      path: '/api/v3/order',
      signed: true,
      idempotent: true,
      params: {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.001',
        price: '50000',
      },
    });
    expect(count('POST', '/api/v3/order')).toBe(orderCount + 2);
    leaks.secret(...proxy.signatures(), ...p2.signatures());
  });

  it('4xx is never retried: -1022, -1102, -2015', async () => {
    const bad = client('binance-spot', { credentials: { ...ctx.hmac(), secret: 'wrong-secret-000000' } });
    const before = count('GET', '/api/v3/account');
    const e1022 = await leaks.rejection(bad.accountSnapshot());
    expect(e1022).toMatchObject({ exchangeCode: -1022, status: 400, isRetryable: false });
    expect(e1022.message).toMatch(/check the API secret or private key/);
    expect(count('GET', '/api/v3/account')).toBe(before + 1);

    const rest = client('binance-spot');
    const orders = count('POST', '/api/v3/order');
    const e1102 = await leaks.rejection(
      rest.request({ method: 'POST', path: '/api/v3/order', signed: true, params: { symbol: 'BTCUSDT' } }),
    );
    expect(e1102).toMatchObject({ status: 400, isRetryable: false });
    expect(count('POST', '/api/v3/order')).toBe(orders + 1);

    const unknown = client('binance-usdm', {
      credentials: { apiKey: 'unknownKey0000000000', secret: 'x'.repeat(64) },
    });
    const e2015 = await leaks.rejection(unknown.createListenKey());
    expect(e2015.exchangeCode).toBe(-2015);
    expect(e2015.message).toMatch(/check the API key/);
  });

  it('-1125 from a keepalive is reported once, and the key is still usable afterwards', async () => {
    const rest = client('coins-ph');
    const key = await rest.createListenKey();
    ctx.sim.faults.failKeepalives({ count: 1, mode: '-1125' });
    const before = count('PUT', '/openapi/v1/userDataStream');
    const error = await leaks.rejection(rest.keepAliveListenKey(key));
    expect(error).toMatchObject({ exchangeCode: -1125, isRetryable: false });
    expect(count('PUT', '/openapi/v1/userDataStream')).toBe(before + 1);
    await rest.keepAliveListenKey(key);
  });
});

describe('retry backoff', () => {
  it('waits floor(random × min(maxDelayMs, baseDelayMs · 2^(attempt-1))) on the clock between attempts', async () => {
    // The client's own clock (the simulator's has timers of its own): only its waits are on it.
    const own = new VirtualClock(clock.now());
    const rest = ctx.client('binance-usdm', {
      clock: own,
      random: () => 0.5,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 },
    });
    const key = await rest.createListenKey();
    let failed = 0;
    const onError = () => failed++;
    subscribe(DIAGNOSTICS_CHANNELS.error, onError);
    try {
      ctx.sim.faults.failKeepalives({ count: 3, mode: '5xx' });
      const before = count('PUT', '/fapi/v1/listenKey');
      const done = rest.keepAliveListenKey(key);
      // 0.5 × 100, 0.5 × 200, 0.5 × min(300, 400)
      for (const [attempt, wait] of [
        [1, 50],
        [2, 100],
        [3, 150],
      ] as const) {
        await until(() => failed === attempt, `failed attempt ${attempt}`);
        await own.advance(wait - 1);
        expect(count('PUT', '/fapi/v1/listenKey')).toBe(before + attempt);
        await own.advance(1);
        await until(
          () => count('PUT', '/fapi/v1/listenKey') === before + attempt + 1,
          `attempt ${attempt + 1}`,
        );
      }
      await done;
      expect(failed).toBe(3);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNELS.error, onError);
    }
  });
});

describe('timeouts', () => {
  it('a keepalive that is never answered times out on the clock and is retried', async () => {
    const rest = client('binance-usdm', { timeoutMs: 5_000 });
    const key = await rest.createListenKey();
    ctx.sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
    const before = count('PUT', '/fapi/v1/listenKey');
    const accepted = ctx.sim.record.keepalives(key).length;
    const done = rest.keepAliveListenKey(key);
    await until(() => count('PUT', '/fapi/v1/listenKey') === before + 1, 'the held keepalive');
    await clock.advance(4_999);
    expect(count('PUT', '/fapi/v1/listenKey')).toBe(before + 1);
    await clock.advance(1);
    await done;
    expect(count('PUT', '/fapi/v1/listenKey')).toBe(before + 2);
    expect(ctx.sim.record.keepalives(key)).toHaveLength(accepted + 1);
  });

  it('without retries the timeout is a retryable USERSTREAM_TIMEOUT', async () => {
    const rest = client('binance-usdm', { timeoutMs: 5_000, retry: false });
    const key = await rest.createListenKey();
    ctx.sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
    const before = count('PUT', '/fapi/v1/listenKey');
    const done = leaks.rejection(rest.keepAliveListenKey(key));
    await until(() => count('PUT', '/fapi/v1/listenKey') === before + 1, 'the held keepalive');
    await clock.advance(5_000);
    const error = await done;
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'USERSTREAM_TIMEOUT', isRetryable: true });
    expect(error.message).toBe('@userstream/rest: PUT /fapi/v1/listenKey failed (timed out after 5000 ms)');
  });

  it('with the system clock, undici times the request (200 ms here), and close() ends one in flight', async () => {
    // The key comes from a client with the default timeout, so a slow runner
    // cannot time out the create instead of the keepalive under test.
    const key = await ctx.client('binance-usdm').createListenKey();
    const rest = ctx.client('binance-usdm', { clock: systemClock, timeoutMs: 200, retry: false });
    ctx.sim.faults.failKeepalives({ count: 2, mode: 'timeout' });
    const error = await leaks.rejection(rest.keepAliveListenKey(key));
    expect(error).toMatchObject({ code: 'USERSTREAM_TIMEOUT', isRetryable: true });
    expect(error.message).toBe('@userstream/rest: PUT /fapi/v1/listenKey failed (timed out after 200 ms)');
    const slow = createRestClient({ venue: ctx.sim.venue('binance-usdm'), credentials: ctx.hmac() });
    const before = count('PUT', '/fapi/v1/listenKey');
    const pending = leaks.rejection(slow.keepAliveListenKey(key));
    await until(() => count('PUT', '/fapi/v1/listenKey') === before + 1, 'the held keepalive');
    await slow.close();
    expect((await pending).code).toBe('USERSTREAM_CLOSED');
  });

  it('an order POST that times out is not sent again', async () => {
    const { proxy, rest } = await proxied('binance-spot', { timeoutMs: 5_000 });
    proxy.state.faults.push({ method: 'POST', path: '/api/v3/order', mode: 'hold', count: 1 });
    const done = leaks.rejection(
      rest.request({ method: 'POST', path: '/api/v3/order', signed: true, params: { symbol: 'BTCUSDT' } }),
    );
    await until(() => proxy.state.forwarded === 1, 'the held order');
    await clock.advance(5_000);
    expect((await done).code).toBe('USERSTREAM_TIMEOUT');
    expect(proxy.state.lines.filter((l) => l.startsWith('POST /api/v3/order'))).toHaveLength(1);
    leaks.secret(...proxy.signatures());
  });
});

describe('-1021: clock outside recvWindow', () => {
  it('measures the server time offset and retries once', async () => {
    ctx.sim.faults.skewClock(20_000);
    const rest = client('bhex');
    const before = [count('POST', '/openapi/v1/userDataStream'), count('GET', '/openapi/v1/time')];
    const key = await rest.createListenKey();
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect([count('POST', '/openapi/v1/userDataStream'), count('GET', '/openapi/v1/time')]).toEqual([
      before[0]! + 2,
      before[1]! + 1,
    ]);
    expect(rest.timeOffsetMs).toBe(20_000);
    // Later signed requests use the offset: no further -1021.
    await rest.keepAliveListenKey(key);
    expect(count('GET', '/openapi/v1/time')).toBe(before[1]! + 1);
  });

  it('a second -1021 after the resync is reported, not retried again', async () => {
    // A local clock that jumps 30 s at every reading: the measured offset is stale at once.
    let readings = 0;
    const drifting: Clock = { ...systemClock, now: () => clock.now() + 30_000 * readings++ };
    const rest = client('binance-usdm', { clock: drifting });
    const before = [count('GET', '/fapi/v3/account'), count('GET', '/fapi/v1/time')];
    const error = await leaks.rejection(rest.accountSnapshot());
    expect(error).toMatchObject({ exchangeCode: -1021, isRetryable: false });
    expect(error.message).toMatch(/sync with server time/);
    expect([count('GET', '/fapi/v3/account'), count('GET', '/fapi/v1/time')]).toEqual([
      before[0]! + 2,
      before[1]! + 1,
    ]);
  });

  it('a venue without a time endpoint reports -1021 at once', async () => {
    ctx.sim.faults.skewClock(-20_000);
    const rest = client('binance-portfolio-margin');
    const before = count('GET', '/papi/v1/balance');
    expect((await leaks.rejection(rest.accountSnapshot())).exchangeCode).toBe(-1021);
    expect(count('GET', '/papi/v1/balance')).toBe(before + 1);
  });
});

describe('410 on the retired legacy paths', () => {
  it('names the venue and the protocol to use instead, for create, keepalive and close', async () => {
    const retired = await startSimulator({ retiredLegacyPaths: true });
    try {
      const { apiKey, secret } = retired.accounts.find((a) => a.keyType === 'hmac')!;
      const expected = {
        'binance-spot-legacy':
          /use the 'binance-spot' venue instead \(a WebSocket API subscription, userDataStream\.subscribe\.signature\)/,
        'binance-margin-legacy':
          /use the 'binance-margin' venue instead \(a listenToken from createListenToken\(\), then userDataStream\.subscribe\.listenToken\)/,
        'binance-isolated-margin-legacy': /use the 'binance-isolated-margin' venue instead \(a listenToken/,
      } as const;
      for (const [id, message] of Object.entries(expected) as [keyof typeof expected, RegExp][]) {
        const rest = watch(
          createRestClient({
            venue: retired.venue(id),
            credentials: { apiKey, secret: secret! },
            logger: leaks.logger,
          }),
        );
        const opts = venues[id].listenKey!.requiresSymbol ? { symbol: 'BTCUSDT' } : {};
        const path = venues[id].listenKey!.create.path;
        const calls = [
          rest.createListenKey(opts),
          rest.keepAliveListenKey('A'.repeat(60), opts),
          rest.closeListenKey('B'.repeat(60), opts),
        ];
        for (const call of calls) {
          const error = await leaks.rejection(call);
          expect(error).toBeInstanceOf(RetiredEndpointError);
          expect(error.code).toBe('USERSTREAM_RETIRED_ENDPOINT');
          expect(error.isRetryable).toBe(false);
          expect(error.message).toMatch(
            /is retired on binance-\S+ \(api\.binance\.com\) since 2026-02-20T07:00:00Z/,
          );
          expect(error.message).toMatch(message);
          expect(error.replacement).toBe(id.replace('-legacy', ''));
        }
        for (const method of ['POST', 'PUT', 'DELETE'])
          expect(retired.record.requestCount(method, path)).toBe(1);
        await rest.close();
      }
    } finally {
      await retired.close();
    }
  });
});
