import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { kit } from './options.js';

/**
 * A proxy for the stream's WebSocket connections, the shape of REST's `proxy` option: a URL
 * (`http://host:port`, `https://…`, `socks5://user:pass@host:port`, `socks5h://` to resolve the
 * venue's name at the proxy, `socks4://`), or `{ uri, token? }` where `token` is sent as
 * `Proxy-Authorization` to an HTTP proxy. The agents are TooTallNate's proxy-agents
 * (`https-proxy-agent`, `socks-proxy-agent`): see the README for why.
 */
export interface StreamProxyOptions {
  /** `http://host:port`, `https://…` (CONNECT), `socks5://…`, `socks5h://…` or `socks4://…`; `user:pass@` is sent as credentials. */
  uri: string;
  /** `Proxy-Authorization` header value for an HTTP(S) proxy, e.g. `Basic …` or `Bearer …`. */
  token?: string;
}

const SOCKS = new Set(['socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/**
 * The agent every WebSocket of a stream dials through (a CONNECT tunnel or a SOCKS connection,
 * one per socket). Its URL and credentials are kept here only: refusals name the field, never
 * the value, and no error, log or diagnostics message of the stream carries them.
 */
export function proxyAgentOf(proxy: unknown): Agent | undefined {
  if (proxy === undefined) return undefined;
  const opts = typeof proxy === 'string' ? { uri: proxy } : proxy;
  if (typeof opts !== 'object' || opts === null || typeof (opts as { uri?: unknown }).uri !== 'string')
    throw kit.invalid('proxy must be a URL string or { uri, token? }', 'proxy');
  kit.known(opts as Record<string, unknown>, ['uri', 'token'], 'proxy');
  const { uri, token } = opts as StreamProxyOptions;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw kit.invalid(
      'proxy.uri is not a valid URL; use http://host:port or socks5://host:port',
      'proxy.uri',
    );
  }
  if (token !== undefined && (typeof token !== 'string' || !/^[\t\x20-\x7e]+$/.test(token)))
    throw kit.invalid('proxy.token must be a printable header value (e.g. "Basic …")', 'proxy.token');
  if (url.protocol === 'http:' || url.protocol === 'https:')
    return new HttpsProxyAgent(url, token === undefined ? {} : { headers: { 'Proxy-Authorization': token } });
  if (SOCKS.has(url.protocol)) {
    if (token !== undefined)
      throw kit.invalid('proxy.token is for HTTP proxies; put SOCKS credentials in the URL', 'proxy.token');
    return new SocksProxyAgent(url);
  }
  throw kit.invalid(
    `proxy.uri must be http:, https:, socks4:, socks5: or socks5h:, got ${url.protocol}`,
    'proxy.uri',
  );
}
