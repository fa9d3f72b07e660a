import { Agent, type Dispatcher, ProxyAgent } from 'undici';
import { type ProxyOptions, proxySettings } from './options.js';

/** Keep-alive pool of every dispatcher the client makes: keepalives reuse one socket. */
const POOL = { keepAliveTimeout: 30_000, connections: 16 } as const;

/**
 * The connection pool requests go through: the caller's dispatcher (never closed by the client),
 * a proxy agent, or a keep-alive agent of the client's own. `secrets` are the proxy credentials,
 * to keep out of errors.
 */
export function createDispatcher(options: { dispatcher?: Dispatcher; proxy?: string | ProxyOptions }): {
  dispatcher: Dispatcher;
  owned: boolean;
  secrets: string[];
} {
  if (options.proxy !== undefined) {
    const proxy = proxySettings(options.proxy);
    const dispatcher = new ProxyAgent({
      uri: proxy.uri,
      ...(proxy.token ? { token: proxy.token } : {}),
      proxyTunnel: proxy.tunnel,
      ...POOL,
    });
    return { dispatcher, owned: true, secrets: proxy.secrets };
  }
  if (options.dispatcher !== undefined) return { dispatcher: options.dispatcher, owned: false, secrets: [] };
  return { dispatcher: new Agent(POOL), owned: true, secrets: [] };
}
