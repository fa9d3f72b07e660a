/**
 * Minimal stand-ins for `@userstream/rest`'s `createRestClient` and `@userstream/stream`'s
 * `openListenKeyStream` / `openWsApiStream`, written to those packages' briefed APIs, so the
 * wiring of `openUserDataStream` (leases, sharing, handover, close) is tested against the real
 * simulator while the sibling packages are not available. They talk to the real server over real
 * sockets; they are deliberately simple (no dedupe, no reorder window, fixed reconnect delay).
 */
import { EventEmitter } from 'node:events';
import {
  type Clock,
  createSigner,
  type Endpoint,
  ExchangeError,
  encodeQuery,
  type KeyMaterial,
  type Params,
  parseFrame,
  RateLimitError,
  type Signer,
  signQuery,
  signWsApiParams,
  TransportError,
  type VenueProfile,
} from '@userstream/core';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import type { MirrorSnapshot } from '../src/index.js';
import type { Factories } from '../src/open-user-data-stream.js';
import { accountPart, orderOf } from './plain-stream.js';

type Body = Record<string, unknown>;

interface RestOptions {
  venue: VenueProfile;
  credentials: { apiKey: string } & KeyMaterial;
  clock: Clock;
  timeoutMs?: number;
}

export function createPlainRestClient(options: RestOptions) {
  const { venue, credentials, clock } = options;
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const signer = createSigner(credentials);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rateLimit = {
    retryAfterUntil: undefined as number | undefined,
    bannedUntil: undefined as number | undefined,
  };

  async function call<T>(endpoint: Endpoint, params: Params): Promise<T> {
    const now = clock.now();
    if ((rateLimit.bannedUntil ?? 0) > now || (rateLimit.retryAfterUntil ?? 0) > now) {
      const banned = (rateLimit.bannedUntil ?? 0) > now;
      const until = banned ? (rateLimit.bannedUntil as number) : (rateLimit.retryAfterUntil as number);
      throw new RateLimitError('plain client: held', { retryAfterMs: until - now, banned, until });
    }
    const query = endpoint.signed
      ? await signQuery({ ...params, timestamp: now }, signer)
      : encodeQuery(params);
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let retryAfter: unknown;
    let text: string;
    try {
      const res = await request(`${venue.restBaseUrl}${endpoint.path}${query ? `?${query}` : ''}`, {
        method: endpoint.method,
        headers: { [venue.apiKeyHeader]: credentials.apiKey },
        signal: controller.signal,
        dispatcher: agent,
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (cause) {
      throw new TransportError(`plain client: ${endpoint.method} ${endpoint.path} failed`, {
        cause,
        timeout: controller.signal.aborted,
      });
    } finally {
      clock.clearTimeout(timer);
    }
    if (status === 429 || status === 418) {
      const ms = Number(retryAfter ?? 60) * 1000;
      const until = clock.now() + ms;
      if (status === 418) rateLimit.bannedUntil = until;
      else rateLimit.retryAfterUntil = until;
      throw new RateLimitError(`plain client: ${status}`, {
        retryAfterMs: ms,
        banned: status === 418,
        until,
      });
    }
    const body = text ? (JSON.parse(text) as Body) : {};
    if (status >= 400) {
      throw new ExchangeError(Number(body.code ?? -1), String(body.msg ?? ''), {
        status,
        context: `${endpoint.method} ${endpoint.path}`,
      });
    }
    return body as T;
  }

  const lk = venue.listenKey;
  const sym = (o?: { symbol?: string }) => (o?.symbol ? { symbol: o.symbol } : {});
  return {
    venue,
    rateLimit,
    async createListenKey(o?: { symbol?: string }) {
      return (await call<{ listenKey: string }>(lk!.create, sym(o))).listenKey;
    },
    async keepAliveListenKey(listenKey: string, o?: { symbol?: string }) {
      await call(lk!.keepAlive, { ...sym(o), listenKey });
    },
    async closeListenKey(listenKey: string, o?: { symbol?: string }) {
      await call(lk!.close, { ...sym(o), listenKey });
    },
    async createListenToken(o?: { symbol?: string; validityMs?: number }) {
      const params: Record<string, string | number> = {};
      if (o?.symbol) {
        params.isIsolated = 'TRUE';
        params.symbol = o.symbol;
      }
      if (o?.validityMs !== undefined) params.validity = o.validityMs;
      return call<{ token: string; expirationTime: number }>(venue.listenToken!.create, params);
    },
    async accountSnapshot(o?: { symbol?: string }): Promise<Pick<MirrorSnapshot, 'updateTime' | 'balances'>> {
      const body = await call<Body>(venue.endpoints.account, o?.symbol ? { symbols: o.symbol } : {});
      if (Array.isArray(body.userAssets)) {
        // Cross margin: no update time in the body (0: every buffered event is replayed).
        const balances: Record<string, { free: string; locked: string }> = {};
        for (const a of body.userAssets as Body[])
          balances[String(a.asset)] = { free: String(a.free), locked: String(a.locked) };
        return { updateTime: 0, balances };
      }
      if (Array.isArray(body.assets) && (body.assets as Body[])[0]?.baseAsset) {
        const balances: Record<string, { free: string; locked: string }> = {};
        for (const pair of body.assets as Body[]) {
          for (const side of [pair.baseAsset, pair.quoteAsset] as Body[]) {
            balances[String(side.asset)] = { free: String(side.free), locked: String(side.locked) };
          }
        }
        return { updateTime: 0, balances };
      }
      return accountPart(body);
    },
    async openOrders(o?: { symbol?: string }) {
      const params = o?.symbol ? { isIsolated: 'TRUE', symbol: o.symbol } : {};
      return (await call<Body[]>(venue.endpoints.openOrders, params)).map(orderOf);
    },
    close: () => agent.close(),
  };
}

/** A small async-iterable queue. */
class Queue {
  readonly items: unknown[] = [];
  waiting: ((r: IteratorResult<unknown>) => void) | undefined;
  done = false;
  push(item: unknown): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ done: false, value: item });
    } else this.items.push(item);
  }
  end(): void {
    this.done = true;
    this.waiting?.({ done: true, value: undefined });
    this.waiting = undefined;
  }
  iterator(): AsyncIterator<unknown> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ done: false, value: this.items.shift() });
        if (this.done) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
    };
  }
}

abstract class PlainStreamBase extends EventEmitter {
  protected ws: WebSocket | undefined;
  protected closing = false;
  protected opened = false;
  protected readonly queue = new Queue();
  readonly stats = { eventsReceived: 0, reconnects: 0, gaps: 0 };

  constructor(protected readonly venue: VenueProfile) {
    super();
  }

  get state(): string {
    if (this.closing) return 'closed';
    if (this.ws?.readyState === WebSocket.OPEN && this.subscribed) return 'open';
    return this.opened ? 'reconnecting' : 'connecting';
  }

  protected subscribed = false;

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this.queue.iterator();
  }

  protected deliver(text: string): void {
    const parsed = parseFrame(text, this.venue.dialect);
    if (!parsed.ok) {
      this.emit('error', parsed.error);
      return;
    }
    for (const event of parsed.events) {
      const e = (event as { e: string }).e;
      if (e === 'listenKeyExpired') {
        this.emit('credentialExpired', { reason: 'listenKeyExpired' });
        continue;
      }
      if (e === 'eventStreamTerminated') {
        this.subscribed = false;
        this.emit('credentialExpired', { reason: 'eventStreamTerminated' });
        continue;
      }
      if (e === 'serverShutdown') {
        this.ws?.close();
        continue;
      }
      this.stats.eventsReceived++;
      this.emit('event', event);
      this.emit(e, event);
      this.queue.push(event);
    }
  }

  protected becameOpen(): void {
    this.subscribed = true;
    if (!this.opened) {
      this.opened = true;
      this.emit('open', {});
    } else {
      this.stats.reconnects++;
      this.stats.gaps++;
      this.emit('reconnected', {});
      this.emit('gap', { reason: 'reconnect', lastEventTime: undefined, at: Date.now() });
    }
  }

  protected scheduleReconnect(): void {
    if (this.closing) return;
    setTimeout(() => {
      if (!this.closing) this.connect();
    }, 20);
  }

  protected abstract connect(): void;

  async close(): Promise<void> {
    this.closing = true;
    const ws = this.ws;
    this.queue.end();
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 500);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close();
      });
    }
    this.emit('closed', { reason: 'closed' });
  }
}

class PlainListenKeyStream extends PlainStreamBase {
  constructor(
    venue: VenueProfile,
    private listenKey: string,
  ) {
    super(venue);
    this.connect();
  }

  protected connect(): void {
    const ws = this.open(this.listenKey);
    this.ws = ws;
    ws.on('open', () => this.becameOpen());
  }

  private open(key: string): WebSocket {
    const path = this.venue.listenKey!.streamPath.replace('{listenKey}', key);
    const ws = new WebSocket(`${this.venue.streamBaseUrl}${path}`);
    ws.on('message', (data) => {
      if (ws === this.ws) this.deliver(data.toString());
    });
    ws.on('unexpected-response', () => {
      this.emit('credentialExpired', { reason: 'invalid-credential' });
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (ws === this.ws) {
        this.subscribed = false;
        this.scheduleReconnect();
      }
    });
    return ws;
  }

  async replaceListenKey(listenKey: string): Promise<void> {
    this.listenKey = listenKey;
    const next = this.open(listenKey);
    await new Promise<void>((resolve) => {
      next.once('open', () => resolve());
      next.once('close', () => resolve());
    });
    const old = this.ws;
    this.ws = next;
    if (next.readyState === WebSocket.OPEN) {
      this.subscribed = true;
      this.stats.gaps++;
      this.emit('gap', { reason: 'credential-changed', lastEventTime: undefined, at: Date.now() });
    } else {
      this.scheduleReconnect();
    }
    old?.removeAllListeners('close');
    old?.on('close', () => {});
    old?.close();
  }
}

type WsAuth =
  | { type: 'signature'; apiKey: string; signer: Signer }
  | { type: 'logon'; apiKey: string; signer: Signer }
  | { type: 'listenToken'; token: string };

class PlainWsApiStream extends PlainStreamBase {
  #id = 0;

  constructor(
    venue: VenueProfile,
    private auth: WsAuth,
    private readonly clock: Clock,
  ) {
    super(venue);
    this.connect();
  }

  protected connect(): void {
    const ws = new WebSocket(this.venue.wsApiUrl as string);
    this.ws = ws;
    this.wire(ws, () => this.becameOpen());
  }

  private wire(ws: WebSocket, onSubscribed: () => void): void {
    ws.on('open', () => {
      void this.subscribe(ws).then(onSubscribed, (error: ExchangeError) => {
        this.emit('error', error);
        this.emit('credentialExpired', { reason: 'invalid-credential', code: error.exchangeCode });
        ws.close();
      });
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"id"')) return; // request responses are awaited in request()
      if (ws === this.ws) this.deliver(text);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (ws === this.ws) {
        this.subscribed = false;
        this.scheduleReconnect();
      }
    });
  }

  private request(ws: WebSocket, method: string, params?: Record<string, unknown>): Promise<Body> {
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      const on = (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as Body;
        if (msg.id !== id) return;
        ws.off('message', on);
        if (msg.status === 200) resolve(msg);
        else {
          const error = msg.error as { code: number; msg: string };
          reject(new ExchangeError(error.code, error.msg, { status: Number(msg.status) }));
        }
      };
      ws.on('message', on);
      ws.send(JSON.stringify(params ? { id, method, params } : { id, method }));
    });
  }

  private async subscribe(ws: WebSocket): Promise<void> {
    const auth = this.auth;
    if (auth.type === 'listenToken') {
      await this.request(ws, 'userDataStream.subscribe.listenToken', { listenToken: auth.token });
    } else if (auth.type === 'logon') {
      const params = await signWsApiParams({ apiKey: auth.apiKey, timestamp: this.clock.now() }, auth.signer);
      await this.request(ws, 'session.logon', params);
      await this.request(ws, 'userDataStream.subscribe');
    } else {
      const params = await signWsApiParams({ apiKey: auth.apiKey, timestamp: this.clock.now() }, auth.signer);
      await this.request(ws, 'userDataStream.subscribe.signature', params);
    }
  }

  async replaceListenToken(token: string): Promise<void> {
    this.auth = { type: 'listenToken', token };
    const next = new WebSocket(this.venue.wsApiUrl as string);
    await new Promise<void>((resolve) => {
      this.wire(next, () => {
        const old = this.ws;
        this.ws = next;
        this.subscribed = true;
        old?.close();
        resolve();
      });
      next.once('close', () => resolve());
    });
  }
}

/** The factories `openUserDataStreamWith` takes, built on the stand-ins above. */
export const plainFactories = {
  createRestClient: (options: RestOptions) => createPlainRestClient(options),
  openListenKeyStream: (options: { venue: VenueProfile; listenKey: string }) =>
    new PlainListenKeyStream(options.venue, options.listenKey),
  openWsApiStream: (options: { venue: VenueProfile; auth: WsAuth; clock: Clock }) =>
    new PlainWsApiStream(options.venue, options.auth, options.clock),
} as unknown as Factories;
