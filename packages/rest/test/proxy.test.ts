import { describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index.js';
import { leaks, until, useSimulator } from './helpers.js';
import { startProxy } from './proxy-server.js';

const ctx = useSimulator();

describe('proxy', () => {
  it('forwards plain http requests through the proxy (tunnel: false), with a token', async () => {
    const token = 'Bearer proxy-token-7f3a9c1e5b';
    const proxy = await startProxy({ token });
    try {
      leaks.secret(token, 'proxy-token-7f3a9c1e5b');
      const rest = ctx.client('binance-usdm', { proxy: { uri: proxy.url, token, tunnel: false } });
      const before = ctx.sim.record.requestCount('POST', '/fapi/v1/listenKey');
      const key = await rest.createListenKey();
      await rest.keepAliveListenKey(key);
      await rest.accountSnapshot();
      await rest.closeListenKey(key);
      expect(proxy.state.forwarded).toBe(4);
      expect(proxy.state.lines.map((l) => l.split('?')[0])).toEqual([
        'POST /fapi/v1/listenKey',
        'PUT /fapi/v1/listenKey',
        'GET /fapi/v3/account',
        'DELETE /fapi/v1/listenKey',
      ]);
      expect(ctx.sim.record.requestCount('POST', '/fapi/v1/listenKey')).toBe(before + 1);
      expect(proxy.state.refused).toBe(0);
      leaks.secret(...proxy.signatures());

      const wrong = ctx.client('binance-usdm', {
        proxy: { uri: proxy.url, token: 'Bearer wrong-token-0000', tunnel: false },
      });
      leaks.secret('Bearer wrong-token-0000', 'wrong-token-0000');
      const error = await leaks.rejection(wrong.serverTime());
      expect(error.code).toBe('USERSTREAM_TRANSPORT');
      expect(proxy.state.refused).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('tunnels with CONNECT by default: kept-alive tunnels carry every request, and close() ends them', async () => {
    const token = 'Basic dXNlcjpodW50ZXIy';
    const proxy = await startProxy({ token });
    try {
      leaks.secret(token, 'dXNlcjpodW50ZXIy');
      const rest = createRestClient({
        venue: ctx.sim.venue('bhex'),
        credentials: ctx.hmac(),
        proxy: { uri: proxy.url, token },
        logger: leaks.logger,
      });
      const before = ctx.sim.record.requestCount('GET', '/openapi/v1/account');
      for (let i = 0; i < 5; i++) await rest.accountSnapshot();
      // Sockets are kept alive: a tunnel or two (undici may open a second) carry all five.
      expect(proxy.state.tunnels).toBeGreaterThanOrEqual(1);
      expect(proxy.state.tunnels).toBeLessThanOrEqual(2);
      expect(proxy.state.tunneledRequests).toBe(5);
      expect(proxy.state.forwarded).toBe(0);
      expect(ctx.sim.record.requestCount('GET', '/openapi/v1/account')).toBe(before + 5);
      expect(proxy.sockets).toBeGreaterThanOrEqual(2); // the client's side and the upstream side of each tunnel
      leaks.secret(...proxy.signatures());
      await rest.close();
      await until(() => proxy.sockets === 0, 'the tunnel to close');
    } finally {
      await proxy.close();
    }
  });

  it('user:password in the proxy URI is sent as Basic auth and never shown', async () => {
    const proxy = await startProxy({
      token: `Basic ${Buffer.from('bot:s3cr3t-pass-word').toString('base64')}`,
    });
    try {
      leaks.secret('s3cr3t-pass-word', Buffer.from('bot:s3cr3t-pass-word').toString('base64'));
      const uri = proxy.url.replace('http://', 'http://bot:s3cr3t-pass-word@');
      const rest = ctx.client('coins-ph', { proxy: uri });
      await rest.serverTime();
      expect(proxy.state.tunnels).toBe(1);
      await proxy.close();
      const error = await leaks.rejection(rest.serverTime({}));
      expect(error.code).toBe('USERSTREAM_TRANSPORT');
    } finally {
      await proxy.close().catch(() => {});
    }
  });

  it('checks the proxy option', () => {
    const base = { venue: ctx.sim.venue('bhex'), credentials: ctx.hmac() };
    expect(() => createRestClient({ ...base, proxy: 'socks5://127.0.0.1:1080' })).toThrow(
      '@userstream/rest: proxy.uri must be http: or https:, got socks5:',
    );
    expect(() => createRestClient({ ...base, proxy: 'not a url' })).toThrow(/proxy.uri is not a valid URL/);
    expect(() =>
      createRestClient({ ...base, proxy: { uri: 'http://127.0.0.1:1', token: 'a\r\nb' } }),
    ).toThrow(/proxy.token must be a printable header value/);
    expect(() => createRestClient({ ...base, proxy: 'http://127.0.0.1:1', dispatcher: {} as never })).toThrow(
      /pass either `dispatcher` or `proxy`/,
    );
  });
});
