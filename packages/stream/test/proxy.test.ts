/**
 * Streams through a proxy (issue #19), REST's `proxy` shape: an HTTP CONNECT proxy and a SOCKS5
 * proxy on loopback (test/proxies.ts) in front of the simulator. The proxy saw the tunnel to the
 * simulator's port, events flow, and the proxy credentials appear in no error, log or
 * diagnostics message. (Before: `unknown option 'proxy'`.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openListenKeyStream } from '../src/index.js';
import { capture, order, type Rig, record, rig, seen, sent, until } from './helpers.js';
import { startConnectProxy, startSocks5Proxy, type TestProxy } from './proxies.js';

const USDM = 'binance-usdm';
let r: Rig;
let proxy: TestProxy | undefined;

beforeEach(async () => {
  r = await rig();
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await r.close();
});

const simPort = () => new URL(r.sim.venue(USDM).streamBaseUrl!).port;

async function flowsThrough(p: string | { uri: string; token?: string }, secret: string) {
  const out = capture();
  const stream = openListenKeyStream({
    venue: r.sim.venue(USDM),
    listenKey: await r.createListenKey(USDM),
    clock: r.clock,
    logger: out.logger,
    proxy: p,
  });
  try {
    const log = record(stream);
    await stream.opened();
    expect(proxy!.targets).toEqual([`127.0.0.1:${simPort()}`]);
    order(r.sim, r.account.id, USDM);
    await until(() => log.events.length === sent(r.sim, r.account.id, USDM).length, 'the events');
    expect(seen(log.events)).toEqual(sent(r.sim, r.account.id, USDM));
    expect(out.text()).not.toContain(secret);
  } finally {
    out.stop();
    await stream.close();
  }
}

describe('proxy option', () => {
  it('HTTP CONNECT, credentials in the URL (sent as Basic Proxy-Authorization)', async () => {
    proxy = await startConnectProxy({ token: `Basic ${Buffer.from('alice:s3cret-pw').toString('base64')}` });
    const url = new URL(proxy.url);
    url.username = 'alice';
    url.password = 's3cret-pw';
    await flowsThrough(url.toString(), 's3cret-pw');
  });

  it('HTTP CONNECT, { uri, token }', async () => {
    proxy = await startConnectProxy({ token: 'Bearer tok-123-secret' });
    await flowsThrough({ uri: proxy.url, token: 'Bearer tok-123-secret' }, 'tok-123-secret');
  });

  it('SOCKS5 with username/password', async () => {
    proxy = await startSocks5Proxy({ user: 'bob', pass: 'socks-pw-9' });
    await flowsThrough(proxy.url, 'socks-pw-9');
  });

  it('wrong proxy credentials: reconnecting, and the password is nowhere in what the stream says', async () => {
    proxy = await startConnectProxy({ token: 'Bearer right' });
    const out = capture();
    const stream = openListenKeyStream({
      venue: r.sim.venue(USDM),
      listenKey: await r.createListenKey(USDM),
      clock: r.clock,
      logger: out.logger,
      proxy: { uri: proxy.url, token: 'Bearer wrong-pw-77' },
    });
    try {
      const errors: unknown[] = [];
      stream.on('error', (e) => errors.push(e));
      let reconnecting = 0;
      stream.on('reconnecting', () => reconnecting++);
      await until(() => reconnecting >= 1 && proxy!.refused >= 1, 'a refused attempt');
      expect(JSON.stringify(errors.map((e) => String(e)))).not.toContain('wrong-pw-77');
      expect(out.text()).not.toContain('wrong-pw-77');
    } finally {
      out.stop();
      await stream.close();
    }
  });

  it('a bad proxy option is refused at the factory, typed, without quoting the value', () => {
    const open = (p: unknown) =>
      openListenKeyStream({
        venue: r.sim.venue(USDM),
        listenKey: 'k'.repeat(64),
        clock: r.clock,
        proxy: p as string,
      });
    expect(() => open('ftp://u:pw-x@127.0.0.1:1')).toThrow(
      expect.objectContaining({ code: 'USERSTREAM_INVALID_CONFIG', field: 'proxy.uri' }),
    );
    expect(() => open({ uri: 'http://127.0.0.1:1', agent: 1 })).toThrow(
      expect.objectContaining({ code: 'USERSTREAM_INVALID_CONFIG' }),
    );
    expect(() => open('not a url pw-y')).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('pw-y') }),
    );
  });
});
