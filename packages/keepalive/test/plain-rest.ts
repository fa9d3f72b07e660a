/**
 * A deliberately small REST client for the lease tests: the listenKey and listenToken calls
 * only, over undici, signed with core. It lets the leases be tested against the real simulator
 * without depending on `@userstream/rest` (a sibling package); the end-to-end tests of
 * `openUserDataStream` use the real client.
 */
import {
  type Clock,
  createSigner,
  type Endpoint,
  ExchangeError,
  encodeQuery,
  type Params,
  RateLimitError,
  signQuery,
  TransportError,
  type VenueProfile,
} from '@userstream/core';
import { Agent, request } from 'undici';
import type { ListenKeyRestClient, ListenTokenRestClient } from '../src/index.js';

export interface PlainRest extends ListenKeyRestClient, ListenTokenRestClient {
  readonly rateLimit: { retryAfterUntil: number | undefined; bannedUntil: number | undefined };
  close(): Promise<void>;
}

export function plainRest(
  venue: VenueProfile,
  account: { apiKey: string; secret?: string | undefined },
  clock: Clock,
  options: { timeoutMs?: number } = {},
): PlainRest {
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const signer = createSigner({ secret: account.secret as string });
  const timeoutMs = options.timeoutMs ?? 5_000;
  const rateLimit = {
    retryAfterUntil: undefined as number | undefined,
    bannedUntil: undefined as number | undefined,
  };

  async function call<T>(endpoint: Endpoint, params: Params): Promise<T> {
    const now = clock.now();
    if ((rateLimit.bannedUntil ?? 0) > now || (rateLimit.retryAfterUntil ?? 0) > now) {
      const banned = (rateLimit.bannedUntil ?? 0) > now;
      const until = banned ? (rateLimit.bannedUntil as number) : (rateLimit.retryAfterUntil as number);
      throw new RateLimitError('test client: held', { retryAfterMs: until - now, banned, until });
    }
    const query = endpoint.signed
      ? await signQuery({ ...params, timestamp: now }, signer)
      : encodeQuery(params);
    const url = `${venue.restBaseUrl}${endpoint.path}${query ? `?${query}` : ''}`;
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await request(url, {
        method: endpoint.method,
        headers: { [venue.apiKeyHeader]: account.apiKey },
        signal: controller.signal,
        dispatcher: agent,
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (cause) {
      throw new TransportError(`test client: ${endpoint.method} ${endpoint.path} failed`, {
        cause,
        timeout: controller.signal.aborted,
      });
    } finally {
      clock.clearTimeout(timer);
    }
    if (status === 429 || status === 418) {
      const seconds = Number(headers['retry-after'] ?? 60);
      const until = clock.now() + seconds * 1000;
      if (status === 418) rateLimit.bannedUntil = until;
      else rateLimit.retryAfterUntil = until;
      throw new RateLimitError(`test client: ${status}`, {
        retryAfterMs: seconds * 1000,
        banned: status === 418,
        until,
      });
    }
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (status >= 400) {
      throw new ExchangeError(Number(body.code ?? -1), String(body.msg ?? ''), {
        status,
        context: `${endpoint.method} ${endpoint.path}`,
      });
    }
    return body as T;
  }

  const lk = venue.listenKey;
  const symbolParam = (o?: { symbol?: string }) => (o?.symbol ? { symbol: o.symbol } : {});
  return {
    rateLimit,
    async createListenKey(o) {
      const body = await call<{ listenKey: string }>(lk!.create, symbolParam(o));
      return body.listenKey;
    },
    async keepAliveListenKey(listenKey, o) {
      await call(lk!.keepAlive, { ...symbolParam(o), listenKey });
    },
    async closeListenKey(listenKey, o) {
      await call(lk!.close, { ...symbolParam(o), listenKey });
    },
    async createListenToken(o) {
      const params: Record<string, string | number> = {};
      if (o?.symbol) {
        params.isIsolated = 'TRUE';
        params.symbol = o.symbol;
      }
      if (o?.validityMs !== undefined) params.validity = o.validityMs;
      return call<{ token: string; expirationTime: number }>(venue.listenToken!.create, params);
    },
    close: () => agent.close(),
  };
}
