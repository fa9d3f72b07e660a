import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { ExchangeError, RateLimitError, RetiredEndpointError, type UserstreamError } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRestClient, DIAGNOSTICS_CHANNELS, type RestClient } from '../src/index.js';

let sim: Simulator;
const clients: RestClient[] = [];
const seen: unknown[] = [];
const record = (message: unknown) => seen.push(message);

beforeAll(async () => {
  sim = await startSimulator();
  for (const name of Object.values(DIAGNOSTICS_CHANNELS)) subscribe(name, record);
});
afterAll(async () => {
  for (const name of Object.values(DIAGNOSTICS_CHANNELS)) unsubscribe(name, record);
  await sim.close();
});
afterEach(async () => {
  sim.faults.clear();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function hmac() {
  const account = sim.accounts.find((a) => a.keyType === 'hmac')!;
  return { apiKey: account.apiKey, secret: account.secret! };
}

function client(venue: Parameters<Simulator['venue']>[0], extra: Record<string, unknown> = {}): RestClient {
  const c = createRestClient({
    venue: sim.venue(venue),
    credentials: hmac(),
    retry: { baseDelayMs: 1 },
    ...extra,
  });
  clients.push(c);
  return c;
}

describe('listenKeys on every listenKey profile', () => {
  const profiles = [
    'binance-usdm',
    'binance-coinm',
    'binance-portfolio-margin',
    'binance-spot-legacy',
    'binance-margin-legacy',
    'bhex',
    'coins-ph',
  ] as const;
  it.each(profiles)(
    '%s: create returns the active key, keepalive extends it, close invalidates it',
    async (venue) => {
      const rest = client(venue);
      const key = await rest.createListenKey();
      expect(key).toMatch(/^[A-Za-z0-9]{8,128}$/);
      expect(await rest.createListenKey()).toBe(key);
      await rest.keepAliveListenKey(key);
      expect(sim.record.keepalives(key).length).toBe(1);
      await rest.closeListenKey(key);
      const gone = await rest.keepAliveListenKey(key).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(ExchangeError);
      expect((gone as ExchangeError).exchangeCode).toBe(-1125);
      expect((gone as ExchangeError).message).not.toContain(key);
    },
  );

  it('isolated margin listenKeys need and send the symbol', async () => {
    const rest = client('binance-isolated-margin-legacy');
    await expect(rest.createListenKey()).rejects.toThrow(/need `symbol`/);
    const key = await rest.createListenKey({ symbol: 'BTCUSDT' });
    await rest.keepAliveListenKey(key, { symbol: 'BTCUSDT' });
    await rest.closeListenKey(key, { symbol: 'BTCUSDT' });
  });
});

describe('listenTokens, time and snapshots', () => {
  it('creates cross and isolated margin listenTokens', async () => {
    const cross = await client('binance-margin').createListenToken({ validityMs: 3_600_000 });
    expect(cross.token.length).toBeGreaterThan(8);
    expect(cross.expirationTime).toBeGreaterThan(Date.now());
    const isolated = await client('binance-isolated-margin').createListenToken({ symbol: 'BTCUSDT' });
    expect(isolated.token).not.toBe(cross.token);
    await expect(client('binance-margin').createListenToken({ validityMs: 90_000_000 })).rejects.toThrow(
      /validityMs/,
    );
  });

  it('reads server time, account and open orders', async () => {
    const rest = client('binance-spot');
    expect(Math.abs((await rest.serverTime()) - Date.now())).toBeLessThan(5_000);
    expect(await rest.account()).toMatchObject({ balances: expect.any(Array) });
    const snapshot = await rest.accountSnapshot();
    expect(snapshot.balances.USDT).toEqual({
      free: expect.stringMatching(/^\d+(\.\d+)?$/),
      locked: expect.any(String),
    });
    expect(await rest.openOrders({ symbol: 'BTCUSDT' })).toEqual([]);
    for (const venue of [
      'binance-margin',
      'binance-usdm',
      'binance-coinm',
      'binance-portfolio-margin',
      'bhex',
      'coins-ph',
    ] as const) {
      const s = await client(venue).accountSnapshot();
      expect(Object.keys(s.balances).length, venue).toBeGreaterThan(0);
      for (const b of Object.values(s.balances)) expect(b.free, venue).toMatch(/^-?\d+(\.\d+)?$/);
    }
    const isolated = await client('binance-isolated-margin').accountSnapshot({ symbol: 'BTCUSDT' });
    expect(Object.keys(isolated.balances).sort()).toEqual(['BTC', 'USDT']);
    expect(rest.rateLimit.usedWeight).toBeGreaterThan(0);
  });
});

describe('faults', () => {
  it('429 becomes a RateLimitError and holds further requests; 418 refuses without sending', async () => {
    const rest = client('binance-usdm');
    sim.faults.rateLimit({ venue: 'binance-usdm', retryAfterMs: 60_000 });
    const limited = await rest.serverTime().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).code).toBe('USERSTREAM_RATE_LIMITED');
    expect((limited as RateLimitError).retryAfterMs).toBeGreaterThan(0);
    const before = sim.record.requests().length;
    await expect(rest.serverTime()).rejects.toThrow(/not sending until/);
    expect(sim.record.requests().length).toBe(before);

    const banned = client('binance-coinm');
    sim.faults.ban({ venue: 'binance-coinm', durationMs: 120_000 });
    const ban = await banned.serverTime().catch((e: unknown) => e);
    expect((ban as RateLimitError).code).toBe('USERSTREAM_IP_BANNED');
    expect(banned.rateLimit.bannedUntil).toBeGreaterThan(Date.now());
    const count = sim.record.requests().length;
    await expect(banned.createListenKey()).rejects.toMatchObject({ banned: true });
    expect(sim.record.requests().length).toBe(count);
  });

  it('retries a 5xx keepalive and gives up on -1125 at once', async () => {
    const rest = client('binance-usdm');
    const key = await rest.createListenKey();
    const failing = sim.faults.failKeepalives({ count: 2, mode: '5xx' });
    await rest.keepAliveListenKey(key);
    failing.release();
    expect(sim.record.requestCount('PUT', '/fapi/v1/listenKey')).toBeGreaterThanOrEqual(3);
    sim.faults.failKeepalives({ count: 1, mode: '-1125' });
    const before = sim.record.requestCount('PUT', '/fapi/v1/listenKey');
    await expect(rest.keepAliveListenKey(key)).rejects.toMatchObject({ exchangeCode: -1125 });
    expect(sim.record.requestCount('PUT', '/fapi/v1/listenKey')).toBe(before + 1);
  });

  it('-1021 re-measures the server time offset and retries once', async () => {
    sim.faults.skewClock(20_000);
    const rest = client('bhex');
    const key = await rest.createListenKey();
    expect(key).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('410 on a retired path says which venue to use instead', async () => {
    const retired = await startSimulator({ retiredLegacyPaths: true });
    try {
      const rest = createRestClient({
        venue: retired.venue('binance-spot-legacy'),
        credentials: {
          apiKey: retired.accounts[0]!.apiKey,
          secret: retired.accounts.find((a) => a.keyType === 'hmac')!.secret!,
        },
      });
      clients.push(rest);
      const error = await rest.createListenKey().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetiredEndpointError);
      expect((error as Error).message).toMatch(/POST \/api\/v3\/userDataStream is retired/);
    } finally {
      await retired.close();
    }
  });

  it('a timeout is a retryable TransportError', async () => {
    const rest = client('binance-usdm', { timeoutMs: 200, retry: false });
    const key = await rest.createListenKey();
    const h = sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
    const error = await rest.keepAliveListenKey(key).catch((e: unknown) => e);
    h.release();
    expect((error as UserstreamError).code).toBe('USERSTREAM_TIMEOUT');
    expect((error as UserstreamError).isRetryable).toBe(true);
  });
});

describe('input and secrets', () => {
  it('rejects bad input before any request, including query injection', async () => {
    const rest = client('binance-isolated-margin-legacy');
    const before = sim.record.requests().length;
    await expect(rest.createListenKey({ symbol: 'BTCUSDT&recvWindow=60000' })).rejects.toThrow(
      /upper-case trading symbol/,
    );
    await expect(rest.keepAliveListenKey('abc/../x', { symbol: 'BTCUSDT' })).rejects.toThrow(
      /listenKey must be/,
    );
    await expect(rest.request({ method: 'GET', path: '/api/v3/time?x=1' })).rejects.toThrow(
      /path must look like/,
    );
    expect(sim.record.requests().length).toBe(before);
    expect(() =>
      createRestClient({ venue: sim.venue('binance-usdm'), credentials: hmac(), bogus: 1 } as never),
    ).toThrow("@userstream/rest: unknown option 'bogus'");
    expect(() =>
      createRestClient({
        venue: { ...sim.venue('binance-usdm'), restBaseUrl: 'http://example.com' },
        credentials: hmac(),
      }),
    ).toThrow(/only loopback may be unencrypted/);
  });

  it('no secret reaches errors, logs or diagnostics', async () => {
    seen.length = 0;
    const logs: unknown[] = [];
    const logger = { debug: (o: object) => logs.push(o), warn: (o: object) => logs.push(o) };
    const creds = hmac();
    const rest = client('bhex', { logger });
    const key = await rest.createListenKey();
    await rest.keepAliveListenKey(key);
    await rest.closeListenKey(key);
    const error = await rest.keepAliveListenKey(key).catch((e: unknown) => e);
    const text = [
      JSON.stringify(seen),
      JSON.stringify(logs),
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
      String(error),
    ].join('\n');
    expect(seen.length).toBeGreaterThan(0);
    for (const secret of [creds.secret, creds.apiKey, key, 'signature=']) expect(text).not.toContain(secret);
  });

  it('close() leaves no socket open', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    await new Promise((r) => setTimeout(r, 50));
    const baseline = sockets();
    const rest = createRestClient({ venue: sim.venue('binance-usdm'), credentials: hmac() });
    await rest.serverTime();
    expect(sockets()).toBeGreaterThan(baseline); // the client's keep-alive socket (and the server's end)
    await rest.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(sockets()).toBe(baseline);
    await expect(rest.serverTime()).rejects.toThrow(/closed/);
  });
});
