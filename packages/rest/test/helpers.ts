import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { type VenueId, venues } from '@userstream/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@userstream/simulator';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  createRestClient,
  DIAGNOSTICS_CHANNELS,
  type RestClient,
  type RestClientOptions,
} from '../src/index.js';

/**
 * Watches everything this package lets out (errors, logger calls, diagnostics messages) and
 * every secret a test met (API secrets and keys, listenKeys, listenTokens, signatures seen on
 * the wire), and asserts at the end of each file that none of the secrets got out.
 */
export class LeakWatch {
  readonly texts: string[] = [];
  readonly secrets = new Set<string>();
  readonly counts = { errors: 0, logs: 0, diagnostics: 0 };
  readonly #onMessage = (message: unknown, name: string | symbol) => {
    this.counts.diagnostics++;
    this.texts.push(`${String(name)} ${JSON.stringify(message)} ${inspect(message, { depth: 8 })}`);
  };

  readonly logger = {
    debug: (obj: object, msg?: string) => this.#log(obj, msg),
    warn: (obj: object, msg?: string) => this.#log(obj, msg),
  };

  #log(obj: object, msg?: string): void {
    this.counts.logs++;
    this.texts.push(`${JSON.stringify(obj)} ${inspect(obj, { depth: 8 })} ${msg ?? ''}`);
  }

  start(): void {
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) subscribe(name, this.#onMessage);
  }

  stop(): void {
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) unsubscribe(name, this.#onMessage);
  }

  secret(...values: (string | undefined)[]): void {
    for (const v of values) if (v) this.secrets.add(v);
  }

  /** Records an error in every form a user could print it. */
  error(error: unknown): unknown {
    this.counts.errors++;
    const parts = [String(error), inspect(error, { depth: 8 }), JSON.stringify(error)];
    let e: unknown = error;
    for (let i = 0; e instanceof Error && i < 5; i++) {
      parts.push(e.message, e.stack ?? '', JSON.stringify(e), String((e as { details?: unknown }).details));
      parts.push(JSON.stringify((e as { details?: unknown }).details ?? {}));
      e = (e as { cause?: unknown }).cause;
    }
    this.texts.push(parts.join('\n'));
    return error;
  }

  /** The rejection of `promise`, recorded; fails if it resolves. */
  async rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
    try {
      await promise;
    } catch (error) {
      return this.error(error) as Error & Record<string, unknown>;
    }
    throw new Error('expected a rejection');
  }

  /** Asserts that no secret (and nothing shaped like an HMAC signature) was let out. */
  assertClean(): void {
    const all = this.texts.join('\n');
    for (const secret of this.secrets) {
      if (secret.length >= 8)
        expect(all.includes(secret), `a secret leaked: ${secret.slice(0, 4)}…`).toBe(false);
    }
    expect(all).not.toMatch(/signature=(?!\[REDACTED\])/i);
    expect(all).not.toMatch(/\b[0-9a-f]{64}\b/);
  }
}

export const leaks = new LeakWatch();

export interface SimContext {
  sim: Simulator;
  clients: RestClient[];
  /**
   * A client for `venue` on the simulator (HMAC account; Aster v3 venues: the eip712 account the
   * file's simulator must have), logging into `leaks`; closed after each test.
   */
  client(venue: VenueId, extra?: Partial<RestClientOptions>): RestClient;
  hmac(): { apiKey: string; secret: string };
  /** An Aster v3 API wallet's credentials (the simulator needs an account with keyType 'eip712'). */
  eip712(): { apiKey: string; privateKey: string; keyType: 'eip712'; user: string };
}

/**
 * Starts a simulator for the file, closes clients after each test, and checks at the end that
 * nothing leaked. Listen keys and tokens the clients return are added to the secrets.
 */
export function useSimulator(options: () => SimulatorOptions = () => ({})): SimContext {
  const ctx = {
    clients: [] as RestClient[],
    eip712() {
      const account = ctx.sim.accounts.find((a) => a.keyType === 'eip712');
      if (!account?.privateKeyHex || !account.user) throw new Error('no eip712 account');
      return {
        apiKey: account.apiKey,
        privateKey: account.privateKeyHex,
        keyType: 'eip712',
        user: account.user,
      };
    },
    hmac() {
      const account = ctx.sim.accounts.find((a) => a.keyType === 'hmac');
      if (!account?.secret) throw new Error('no hmac account');
      return { apiKey: account.apiKey, secret: account.secret };
    },
    client(venue: VenueId, extra: Partial<RestClientOptions> = {}): RestClient {
      const c = watch(
        createRestClient({
          venue: ctx.sim.venue(venue),
          credentials: venues[venue].signing === 'aster-eip712' ? ctx.eip712() : ctx.hmac(),
          retry: { baseDelayMs: 1 },
          logger: leaks.logger,
          ...extra,
        }),
      );
      ctx.clients.push(c);
      return c;
    },
  } as SimContext;
  beforeAll(async () => {
    leaks.start();
    ctx.sim = await startSimulator(options());
    for (const a of ctx.sim.accounts) leaks.secret(a.apiKey, a.secret, a.privateKeyPem, a.privateKeyHex);
  });
  afterEach(async () => {
    ctx.sim.faults.clear();
    await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await ctx.sim.close();
    leaks.stop();
    leaks.assertClean();
  });
  return ctx;
}

/** Adds every listenKey and listenToken the client hands out to the watched secrets. */
export function watch(client: RestClient): RestClient {
  const createListenKey = client.createListenKey.bind(client);
  const createListenToken = client.createListenToken.bind(client);
  Object.assign(client, {
    async createListenKey(...args: Parameters<RestClient['createListenKey']>) {
      const key = await createListenKey(...args);
      leaks.secret(key);
      return key;
    },
    async createListenToken(...args: Parameters<RestClient['createListenToken']>) {
      const token = await createListenToken(...args);
      leaks.secret(token.token);
      return token;
    },
  });
  return client;
}

/** Lets pending I/O run (real time, not protocol time) until `check` holds. */
export async function until(check: () => boolean, what = 'condition', ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
