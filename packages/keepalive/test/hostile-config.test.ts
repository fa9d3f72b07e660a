import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type VenueProfile, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccountMirror,
  createScheduler,
  type OpenUserDataStreamOptions,
  openUserDataStream,
} from '../src/index.js';
import { tick } from './helpers.js';

let sim: Simulator;
let clock: VirtualClock;
/** A server on 127.0.0.2 (another host as far as URLs go) that records every connection. */
let other: Server;
let otherPort: number;
const dialled: string[] = [];

beforeAll(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
  other = createServer((req, res) => {
    dialled.push(req.url ?? '');
    res.writeHead(404).end();
  });
  other.on('upgrade', (req, socket) => {
    dialled.push(req.url ?? '');
    socket.destroy();
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
  otherPort = (other.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => other.close(() => resolve()));
  await sim.close();
});

function options(venue: string | VenueProfile, extra: Partial<OpenUserDataStreamOptions> = {}) {
  const account = sim.accounts.find((a) => a.keyType === 'hmac')!;
  return {
    venue,
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    clock,
    ...extra,
  } as OpenUserDataStreamOptions;
}

/** The code and message of what `openUserDataStream` rejects with (closing what it opened otherwise). */
async function refusal(o: OpenUserDataStreamOptions): Promise<string> {
  try {
    const handle = await openUserDataStream(o);
    await handle.close();
  } catch (error) {
    return `${(error as { code?: string }).code ?? 'untyped'}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('issue 16 item 7: openUserDataStream never sends a listenKey to a host the profile only pretends to be', () => {
  it('refuses @127.0.0.2:PORT/ws/{listenKey} before any request: no listenKey made, nothing dialled', async () => {
    const usdm = sim.venue('binance-usdm');
    const venue = {
      ...usdm,
      listenKey: { ...usdm.listenKey!, streamPath: `@127.0.0.2:${otherPort}/ws/{listenKey}` },
    } as VenueProfile;
    expect(await refusal(options(venue))).toMatch(
      /^USERSTREAM_INVALID_CONFIG: @userstream\/keepalive: .*streamPath/,
    );
    await tick(100);
    expect(dialled).toEqual([]);
    expect(sim.record.requestCount('POST', usdm.listenKey!.create.path)).toBe(0);
  });

  it('refuses @evil.example/ws/{listenKey} on wss://fstream.binance.com', async () => {
    const usdm = sim.venue('binance-usdm');
    const venue = {
      ...usdm,
      streamBaseUrl: 'wss://fstream.binance.com',
      listenKey: { ...usdm.listenKey!, streamPath: '@evil.example/ws/{listenKey}' },
    } as VenueProfile;
    expect(await refusal(options(venue))).toMatch(/^USERSTREAM_INVALID_CONFIG: /);
  });
});

describe('issue 16 item 8: prototype names are not venue ids', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('%j', async (name) => {
    const got = await refusal(options(name));
    expect(got).toMatch(/^USERSTREAM_INVALID_CONFIG: @userstream\/keepalive: unknown venue/);
    expect(got).toContain('binance-usdm');
  });
});

describe('issue 16 item 9: keepalive durations beyond 2^31-1 ms', () => {
  it.each(['renewIntervalMs', 'validityMs', 'ownershipTtlMs', 'ownershipRenewMs'])(
    'lease.%s = 2^31 is refused naming it',
    async (field) => {
      const got = await refusal(options(sim.venue('binance-usdm'), { lease: { [field]: 2 ** 31 } }));
      expect(got).toMatch(
        new RegExp(`^USERSTREAM_INVALID_CONFIG: @userstream/keepalive: lease\\.${field} must be`),
      );
      expect(got).toContain('2147483647');
    },
  );

  it.each(['holdSpreadMs', 'lateThresholdMs'])(
    'createScheduler({ %s: 2^31 }) is refused naming it',
    (field) => {
      let got = 'no error';
      try {
        createScheduler({ clock, [field]: 2 ** 31 }).close();
      } catch (error) {
        got = `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
      expect(got).toMatch(new RegExp(`^USERSTREAM_INVALID_CONFIG: @userstream/keepalive: ${field} must be`));
    },
  );

  it('lease.retry.maxDelayMs = 2^31 is refused naming it (a renewal retry storm otherwise)', async () => {
    const got = await refusal(
      options(sim.venue('binance-usdm'), { lease: { retry: { maxDelayMs: 2 ** 31 } } }),
    );
    expect(got).toMatch(/^USERSTREAM_INVALID_CONFIG: @userstream\/keepalive: retry\.maxDelayMs must be/);
  });

  it('AccountMirror retry.maxDelayMs = 2^31 is refused naming it', () => {
    let got = 'no error';
    try {
      createAccountMirror({
        stream: new EventEmitter() as never,
        snapshot: () => new Promise(() => {}),
        retry: { maxDelayMs: 2 ** 31 },
      }).close();
    } catch (error) {
      got = `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
    expect(got).toMatch(/^USERSTREAM_INVALID_CONFIG: @userstream\/keepalive: retry\.maxDelayMs must be/);
  });
});
