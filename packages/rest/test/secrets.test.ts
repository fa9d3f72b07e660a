import { VirtualClock } from '@userstream/core';
import { startSimulator } from '@userstream/simulator';
import { describe, expect, it } from 'vitest';
import { createRestClient, type RestClient } from '../src/index.js';
import { LeakWatch, leaks, until, useSimulator, watch } from './helpers.js';
import { startProxy } from './proxy-server.js';

const clock = new VirtualClock(Date.UTC(2026, 5, 1, 12, 0, 30));
const ctx = useSimulator(() => ({ clock }));

const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

describe('secrets never appear in errors, logs or diagnostics', () => {
  it('the watch itself catches a leak', () => {
    const watch = new LeakWatch();
    watch.secret('listenKeyABCDEFGH0123456789');
    watch.logger.warn({ path: '/ws/listenKeyABCDEFGH0123456789' });
    expect(() => watch.assertClean()).toThrow(/a secret leaked/);
    const sig = new LeakWatch();
    sig.error(new Error(`failed: ${'ab'.repeat(32)}`));
    expect(() => sig.assertClean()).toThrow();
  });

  it('every outcome, every key type, seen on the wire by a proxy', async () => {
    const proxy = await startProxy();
    const clients: RestClient[] = [];
    try {
      for (const account of ctx.sim.accounts) {
        const credentials =
          account.keyType === 'hmac'
            ? { apiKey: account.apiKey, secret: account.secret! }
            : { apiKey: account.apiKey, privateKey: account.privateKeyPem! };
        const make = (venue: 'bhex' | 'binance-margin' | 'binance-usdm', extra = {}) => {
          const c = watch(
            createRestClient({
              venue: ctx.sim.venue(venue),
              credentials,
              clock,
              random: () => 0,
              timeoutMs: 1_000,
              logger: leaks.logger,
              proxy: { uri: proxy.url, tunnel: false },
              ...extra,
            }),
          );
          clients.push(c);
          return c;
        };
        const bhex = make('bhex');
        const key = await bhex.createListenKey();
        await bhex.keepAliveListenKey(key);
        await bhex.accountSnapshot();
        await bhex.openOrders();
        // The venue quotes the request (listenKey and signature) in its error message.
        proxy.state.faults.push({
          method: 'PUT',
          path: '/openapi/v1/userDataStream',
          mode: 'echo',
          count: 1,
        });
        const echoed = await leaks.rejection(bhex.keepAliveListenKey(key));
        expect(echoed.message).toContain('listenKey=[REDACTED]');
        expect(echoed.message).toContain('signature=[REDACTED]');
        // 5xx retried, then a timeout.
        ctx.sim.faults.failKeepalives({ count: 5, mode: '5xx' });
        await leaks.rejection(bhex.keepAliveListenKey(key));
        ctx.sim.faults.clear();
        ctx.sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
        const puts = () => proxy.state.lines.filter((l) => l.startsWith('PUT')).length;
        const putsBefore = puts();
        const timingOut = leaks.rejection(make('bhex', { retry: false }).keepAliveListenKey(key));
        await until(() => puts() === putsBefore + 1, 'the held keepalive');
        await clock.advance(1_000);
        expect((await timingOut).code).toBe('USERSTREAM_TIMEOUT');
        await bhex.closeListenKey(key);
        expect((await leaks.rejection(bhex.keepAliveListenKey(key))).exchangeCode).toBe(-1125);
        // Tokens.
        const margin = make('binance-margin');
        await margin.createListenToken();
        // Wrong signature, clock skew, 429 and 418.
        const wrong = make('bhex', {
          credentials: { apiKey: account.apiKey, secret: 'wrong-secret-for-this-key' },
        });
        leaks.secret('wrong-secret-for-this-key');
        expect((await leaks.rejection(wrong.createListenKey())).exchangeCode).toBe(-1022);
        ctx.sim.faults.skewClock(30_000);
        await make('bhex').createListenKey();
        ctx.sim.faults.skewClock(0);
        const usdm = make('binance-usdm');
        ctx.sim.faults.rateLimit({ venue: 'binance-usdm', retryAfterMs: 1_000 });
        await leaks.rejection(usdm.createListenKey());
        await leaks.rejection(usdm.createListenKey());
        await clock.advance(1_000);
        ctx.sim.faults.ban({ venue: 'binance-usdm', durationMs: 5_000 });
        expect((await leaks.rejection(make('binance-usdm').accountSnapshot())).code).toBe(
          'USERSTREAM_IP_BANNED',
        );
        ctx.sim.faults.clear();
        await clock.advance(5_000);
      }
      // Transport errors: the proxy is gone.
      await proxy.close();
      const gone = clients.at(-1)!;
      expect((await leaks.rejection(gone.serverTime())).code).toBe('USERSTREAM_TRANSPORT');
    } finally {
      leaks.secret(...proxy.signatures());
      await Promise.all(clients.map((c) => c.close()));
      await proxy.close().catch(() => {});
    }
    expect(proxy.signatures().length).toBeGreaterThan(30);
    expect(leaks.counts.errors).toBeGreaterThan(20);
    expect(leaks.counts.logs).toBeGreaterThan(50);
    expect(leaks.counts.diagnostics).toBeGreaterThan(50);
    leaks.assertClean();
  });

  it('the retired-path error carries no secret either', async () => {
    const retired = await startSimulator({ retiredLegacyPaths: true });
    try {
      const { apiKey, secret } = retired.accounts[0]!;
      leaks.secret(apiKey, secret);
      const rest = createRestClient({
        venue: retired.venue('binance-margin-legacy'),
        credentials: { apiKey, secret: secret! },
        logger: leaks.logger,
      });
      await leaks.rejection(rest.keepAliveListenKey('Z'.repeat(60)));
      leaks.secret('Z'.repeat(60));
      await rest.close();
    } finally {
      await retired.close();
    }
    leaks.assertClean();
  });
});

describe('abort', () => {
  it('an AbortSignal ends a request in flight with USERSTREAM_ABORTED, on either clock', async () => {
    const key = await ctx.client('binance-usdm').createListenKey();
    for (const timing of [{ clock }, {}]) {
      const rest = ctx.client('binance-usdm', timing);
      ctx.sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
      const before = ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey');
      const controller = new AbortController();
      const pending = leaks.rejection(rest.keepAliveListenKey(key, { signal: controller.signal }));
      await until(
        () => ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey') === before + 1,
        'the held keepalive',
      );
      controller.abort();
      const error = await pending;
      expect(error.code).toBe('USERSTREAM_ABORTED');
      expect(error.message).toBe('@userstream/rest: PUT /fapi/v1/listenKey aborted');
      // Not retried.
      expect(ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey')).toBe(before + 1);
      const already = await leaks.rejection(rest.serverTime({ signal: controller.signal }));
      expect(already.code).toBe('USERSTREAM_ABORTED');
    }
  });
});

describe('close()', () => {
  it('leaves no socket open', async () => {
    await new Promise((r) => setTimeout(r, 20));
    const baseline = tcpSockets();
    const rest = createRestClient({ venue: ctx.sim.venue('binance-usdm'), credentials: ctx.hmac(), clock });
    await Promise.all([rest.serverTime(), rest.serverTime(), rest.accountSnapshot()]);
    expect(tcpSockets()).toBeGreaterThan(baseline); // keep-alive sockets, both ends
    await rest.close();
    await until(() => tcpSockets() === baseline, 'sockets to close');
    const after = await leaks.rejection(rest.serverTime());
    expect(after.code).toBe('USERSTREAM_CLOSED');
    await rest.close(); // twice is fine
  });

  it('ends a request in flight, with no timer or socket left', async () => {
    await new Promise((r) => setTimeout(r, 20));
    const baseline = tcpSockets();
    const rest = createRestClient({ venue: ctx.sim.venue('binance-usdm'), credentials: ctx.hmac(), clock });
    const key = await rest.createListenKey();
    const timers = clock.pending; // the simulator's own (key expiry)
    leaks.secret(key);
    ctx.sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
    const before = ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey');
    const pending = leaks.rejection(rest.keepAliveListenKey(key));
    await until(
      () => ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey') === before + 1,
      'the held keepalive',
    );
    expect(clock.pending).toBe(timers + 1); // its timeout
    await rest.close();
    const error = await pending;
    expect(error.code).toBe('USERSTREAM_CLOSED');
    expect(error.message).toBe('@userstream/rest: PUT /fapi/v1/listenKey ended: the client was closed');
    expect(clock.pending).toBe(timers);
    await until(() => tcpSockets() === baseline, 'sockets to close');
  });
});
