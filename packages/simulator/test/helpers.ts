import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { request } from 'undici';
import { WebSocket } from 'ws';
import type { SimAccount } from '../src/index.js';

/** Signs like a venue client would, with node:crypto only (no userstream code). */
export function signPayload(account: SimAccount, payload: string): string {
  if (account.keyType === 'hmac')
    return createHmac('sha256', account.secret as string)
      .update(payload)
      .digest('hex');
  const key = createPrivateKey(account.privateKeyPem as string);
  return sign(account.keyType === 'rsa' ? 'sha256' : null, Buffer.from(payload), key).toString('base64');
}

export function query(params: Record<string, string | number | boolean>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** `params` + `&signature=` (percent-encoded). */
export function signedQuery(account: SimAccount, params: Record<string, string | number | boolean>): string {
  const payload = query(params);
  return `${payload}&signature=${encodeURIComponent(signPayload(account, payload))}`;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export async function call(
  base: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { query?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const url = `${base}${path}${options.query ? `?${options.query}` : ''}`;
  const res = await request(url, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...options.headers,
    },
    body: options.body,
  });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, headers: res.headers, body, text };
}

/** A plain `ws` client that queues every text frame. */
export class Client {
  readonly ws: WebSocket;
  readonly frames: string[] = [];
  #waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;
  #closeWaiters: (() => void)[] = [];

  constructor(url: string, options?: import('ws').ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data: Buffer) => {
      this.frames.push(data.toString('utf8'));
      for (const w of this.#waiters.splice(0)) w();
    });
    this.ws.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.#closeWaiters.splice(0)) w();
      for (const w of this.#waiters.splice(0)) w();
    });
    this.ws.on('error', () => {});
  }

  static async open(url: string, options?: import('ws').ClientOptions): Promise<Client> {
    const c = new Client(url, options);
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      c.ws.once('error', reject);
    });
    return c;
  }

  /** Waits until at least `n` frames arrived (or the socket closed). */
  async waitFrames(n: number, timeoutMs = 3000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < n && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} frames, got ${this.frames.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.frames;
  }

  /** Parsed frames. */
  json(): Record<string, unknown>[] {
    return this.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
  }

  async waitClose(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    if (this.closed) return this.closed;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
    const closed: { code: number; reason: string } | undefined = this.closed;
    if (!closed) throw new Error('not closed');
    return closed;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A WebSocket API client: `send` returns the response with the same id. */
export class ApiClient extends Client {
  #id = 0;

  static override async open(url: string): Promise<ApiClient> {
    const c = new ApiClient(url);
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('error', reject);
    });
    return c;
  }

  async send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = `r${++this.#id}`;
    this.ws.send(JSON.stringify(params ? { id, method, params } : { id, method }));
    const deadline = Date.now() + 3000;
    for (;;) {
      const found = this.frames.map((f) => JSON.parse(f) as Record<string, unknown>).find((f) => f.id === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no response to ${method}`);
      await this.waitFrames(this.frames.length + 1, deadline - Date.now()).catch(() => undefined);
    }
  }

  /** Event frames (`{subscriptionId?, event}`), in arrival order. */
  events(): { subscriptionId?: number; event: Record<string, unknown> }[] {
    return this.json().filter((f) => 'event' in f) as {
      subscriptionId?: number;
      event: Record<string, unknown>;
    }[];
  }
}

/** Params signed the WebSocket API way: sorted by name. */
export function wsSigned(
  account: SimAccount,
  params: Record<string, string | number>,
): Record<string, string | number> {
  const payload = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return { ...params, signature: signPayload(account, payload) };
}

export function byType(accounts: readonly SimAccount[], keyType: SimAccount['keyType']): SimAccount {
  const a = accounts.find((x) => x.keyType === keyType);
  if (!a) throw new Error(`no ${keyType} account`);
  return a;
}
