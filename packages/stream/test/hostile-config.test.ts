import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type VenueProfile, venues, withBaseUrls } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createListenKeyConnection,
  createWsApiSession,
  openListenKeyStream,
  openWsApiStream,
} from '../src/index.js';
import { type Rig, rig, tick } from './helpers.js';

const KEY = 'ABCDEFGH12345678abcdefgh';

/** The code of what `fn` throws ('no error' when it does not). */
function codeOf(fn: () => unknown): string {
  try {
    const made = fn() as { close?: () => Promise<void> } | undefined;
    void made?.close?.();
  } catch (error) {
    return `${(error as { code?: string }).code ?? 'untyped'}: ${(error as Error).message}`;
  }
  return 'no error';
}

/** A hand-made profile (no defineVenue) with a hostile stream path. */
function hostile(base: string, streamPath: string): VenueProfile {
  const usdm = venues['binance-usdm'];
  return {
    ...usdm,
    id: 'hostile',
    streamBaseUrl: base,
    listenKey: {
      ...usdm.listenKey!,
      streamPath,
      combinedStreamPath: streamPath.replace('/ws/', '/stream?streams='),
    },
  } as VenueProfile;
}

describe('issue 16 item 7: a venue profile cannot send the listenKey to another host', () => {
  let r: Rig;
  /** A server on 127.0.0.2 (another host as far as URLs go) that records every connection. */
  let other: Server;
  let otherPort: number;
  const dialled: string[] = [];

  beforeAll(async () => {
    r = await rig();
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
    await r.close();
  });

  it('the recording server does see a dial when one is made (the check below can fail)', async () => {
    const res = await fetch(`http://127.0.0.2:${otherPort}/probe`);
    expect(res.status).toBe(404);
    expect(dialled).toEqual(['/probe']);
    dialled.length = 0;
  });

  it('@127.0.0.2:PORT/ws/{listenKey} on the simulator: refused at the factory, nothing dialled', async () => {
    const sim = r.sim.venue('binance-usdm').streamBaseUrl as string; // ws://127.0.0.1:PORT/private
    const base = new URL(sim).origin;
    const venue = hostile(base, `@127.0.0.2:${otherPort}/ws/{listenKey}`);
    expect(codeOf(() => openListenKeyStream({ venue, listenKey: KEY, clock: r.clock }))).toMatch(
      /^USERSTREAM_INVALID_CONFIG: .*streamPath/,
    );
    expect(
      codeOf(() => createListenKeyConnection({ venue, clock: r.clock }).open({ listenKey: KEY })),
    ).toMatch(/^USERSTREAM_INVALID_CONFIG: /);
    await tick(100);
    expect(dialled).toEqual([]);
  });

  it('.nip.io/ws/{listenKey} on ws://127.0.0.1 (plaintext off loopback) is refused', () => {
    const venue = hostile('ws://127.0.0.1', '.nip.io/ws/{listenKey}');
    expect(codeOf(() => openListenKeyStream({ venue, listenKey: KEY }))).toMatch(
      /^USERSTREAM_INVALID_CONFIG: /,
    );
  });

  it('@evil.example/ws/{listenKey} on wss://fstream.binance.com is refused', () => {
    const venue = hostile('wss://fstream.binance.com', '@evil.example/ws/{listenKey}');
    expect(codeOf(() => openListenKeyStream({ venue, listenKey: KEY }))).toMatch(
      /^USERSTREAM_INVALID_CONFIG: /,
    );
    expect(codeOf(() => createListenKeyConnection({ venue }))).toMatch(/^USERSTREAM_INVALID_CONFIG: /);
  });

  it('a wsApiUrl with userinfo pointing elsewhere is refused too', () => {
    const venue = {
      ...venues['binance-spot'],
      wsApiUrl: 'ws://127.0.0.1:1@evil.example/ws-api/v3',
    } as VenueProfile;
    expect(codeOf(() => openWsApiStream({ venue, auth: { type: 'listenToken', token: KEY } }))).toMatch(
      /^USERSTREAM_INVALID_/,
    );
  });
});

describe('issue 16 item 8: prototype names are not venue ids', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'every stream factory refuses venue %j with USERSTREAM_INVALID_CONFIG',
    (name) => {
      const checks = [
        () => openListenKeyStream({ venue: name, listenKey: KEY }),
        () => openWsApiStream({ venue: name, auth: { type: 'listenToken', token: KEY } }),
        () => createWsApiSession({ venue: name }),
        () => createListenKeyConnection({ venue: name }),
      ];
      for (const check of checks) {
        const got = codeOf(check);
        expect(got).toMatch(/^USERSTREAM_INVALID_CONFIG: @userstream\/stream: unknown venue/);
        expect(got).toContain('binance-usdm');
      }
    },
  );
});

describe('issue 16 item 9: durations past 2^31-1 ms are refused at the factory', () => {
  const options: [string, Record<string, unknown>][] = [
    ['heartbeat.pingIntervalMs', { heartbeat: { pingIntervalMs: 2 ** 31 } }],
    ['heartbeat.pongTimeoutMs', { heartbeat: { pongTimeoutMs: 2 ** 31 } }],
    ['heartbeat.inactivityTimeoutMs', { heartbeat: { inactivityTimeoutMs: 2 ** 31 } }],
    ['reconnect.baseDelayMs', { reconnect: { baseDelayMs: 2 ** 31, maxDelayMs: 2 ** 32 } }],
    ['reconnect.maxDelayMs', { reconnect: { maxDelayMs: 2 ** 31 } }],
    ['dedupe.windowMs', { dedupe: { windowMs: 2 ** 31 } }],
    ['reorderWindowMs', { reorderWindowMs: 2 ** 31 }],
    ['openTimeoutMs', { openTimeoutMs: 2 ** 31 }],
    ['requestTimeoutMs', { requestTimeoutMs: 2 ** 31 }],
  ];

  it.each(options)('%s', (field, extra) => {
    const got = codeOf(() =>
      openListenKeyStream({ venue: 'binance-usdm', listenKey: KEY, ...extra } as never),
    );
    expect(got).toMatch(
      new RegExp(`^USERSTREAM_INVALID_CONFIG: @userstream/stream: ${field.replace('.', '\\.')} must be`),
    );
    expect(got).toContain('2147483647');
  });

  it('2^31-1 itself is accepted', () => {
    const stream = openListenKeyStream({
      // Nothing listens there: the stream is only made and closed.
      venue: withBaseUrls(venues['binance-usdm'], { stream: 'ws://127.0.0.1:9/private' }),
      listenKey: KEY,
      heartbeat: { pingIntervalMs: 2 ** 31 - 1, pongTimeoutMs: 2 ** 31 - 1 },
    });
    return stream.close();
  });
});
