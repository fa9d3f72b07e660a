import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  createSigner,
  encodeQuery,
  type Signer,
  signQuery,
  type UserDataEvent,
  type VenueId,
  type VenueProfile,
  VirtualClock,
} from '@userstream/core';
import { type SimAccount, type Simulator, startSimulator } from '@userstream/simulator';
import { DIAGNOSTICS_CHANNELS, type Logger, type UserDataStream } from '../src/index.js';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** A real macrotask turn (lets loopback I/O happen). */
export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (real time, bounded) until `predicate` holds. */
export async function until(predicate: () => boolean, what = 'condition', timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}

export interface Rig {
  sim: Simulator;
  clock: VirtualClock;
  account: SimAccount;
  signer(account?: SimAccount): Signer;
  /** A listenKey from the simulator's REST API (signed where the venue wants it). */
  createListenKey(venue: VenueId, account?: SimAccount, symbol?: string): Promise<string>;
  /** A listenToken from `POST /sapi/v1/userListenToken`. */
  createListenToken(options?: {
    account?: SimAccount;
    symbol?: string;
    validityMs?: number;
  }): Promise<{ token: string; expirationTime: number }>;
  close(): Promise<void>;
}

export async function rig(options: Parameters<typeof startSimulator>[0] = {}): Promise<Rig> {
  const clock = new VirtualClock(Date.now());
  const sim = await startSimulator({ clock, ...options });
  const account = sim.accounts[0] as SimAccount;
  const signer = (a: SimAccount = account) =>
    createSigner(a.secret !== undefined ? { secret: a.secret } : { privateKey: a.privateKeyPem as string });

  async function call(
    venue: VenueProfile,
    endpoint: { method: string; path: string; signed: boolean },
    params: Record<string, string | number>,
    a: SimAccount,
  ) {
    const query = endpoint.signed
      ? await signQuery({ ...params, timestamp: clock.now() }, signer(a))
      : encodeQuery(params);
    const res = await fetch(`${venue.restBaseUrl}${endpoint.path}${query ? `?${query}` : ''}`, {
      method: endpoint.method,
      headers: { [venue.apiKeyHeader]: a.apiKey },
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200)
      throw new Error(`${endpoint.method} ${endpoint.path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  return {
    sim,
    clock,
    account,
    signer,
    async createListenKey(venueId, a = account, symbol) {
      const venue = sim.venue(venueId);
      const body = await call(venue, venue.listenKey!.create, symbol ? { symbol } : {}, a);
      return body.listenKey as string;
    },
    async createListenToken(o = {}) {
      const venue = sim.venue(o.symbol ? 'binance-isolated-margin' : 'binance-margin');
      const params: Record<string, string | number> = {};
      if (o.symbol) {
        params.isIsolated = 'TRUE';
        params.symbol = o.symbol;
      }
      if (o.validityMs) params.validity = o.validityMs;
      const body = await call(venue, venue.listenToken!.create, params, o.account ?? account);
      return { token: body.token as string, expirationTime: body.expirationTime as number };
    },
    close: () => sim.close(),
  };
}

/** Everything a stream emits, for assertions. */
export function record(stream: UserDataStream) {
  const events: UserDataEvent[] = [];
  const lifecycle: { type: string; info: unknown }[] = [];
  const errors: { code: string; message: string }[] = [];
  stream.on('event', (e) => events.push(e));
  for (const type of [
    'open',
    'reconnecting',
    'reconnected',
    'gap',
    'credentialExpired',
    'slowConsumer',
    'closed',
  ] as const) {
    stream.on(type, (info: unknown) => lifecycle.push({ type, info }));
  }
  stream.on('error', (e) => errors.push({ code: e.code, message: e.message }));
  return {
    events,
    lifecycle,
    errors,
    count: (type: string) => lifecycle.filter((l) => l.type === type).length,
    Es: () => events.map((e) => (e as { E: number }).E),
  };
}

/** Places a resting limit order on the engine: one executionReport (and a balance event) streamed. */
export function order(sim: Simulator, accountId: string, venue: VenueId, price = '50000'): void {
  sim.exchange.placeOrder(accountId, venue, {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: venue === 'binance-usdm' || venue === 'binance-coinm' ? '0.010' : '0.001',
    price,
  });
}

/** The simulator's record of what it emitted to an account's streams, as `e@E`. */
export function sent(sim: Simulator, accountId: string, venue: VenueId): string[] {
  return sim.record.events({ accountId, venue }).map((r) => `${r.e}@${r.E}`);
}

export function seen(events: readonly UserDataEvent[]): string[] {
  return events.map((e) => (e.e === 'unknown' ? `${e.type}@${e.E}` : `${e.e}@${(e as { E: number }).E}`));
}

/** Logger and diagnostics capture, to prove no secret leaks. */
export function capture(): { logger: Logger; text: () => string; stop: () => void } {
  const messages: unknown[] = [];
  const handlers = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
    const h = (message: unknown) => messages.push({ channel: name, message });
    subscribe(name, h);
    return [name, h] as const;
  });
  const log = (level: string) => (obj: Record<string, unknown>, msg: string) =>
    messages.push({ level, obj, msg });
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    text: () =>
      JSON.stringify(messages, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
    stop: () => {
      for (const [name, h] of handlers) unsubscribe(name, h);
    },
  };
}
