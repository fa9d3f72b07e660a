import type { AddressInfo } from 'node:net';
import { ErrorCode, type UserDataEvent, type VenueProfile, VirtualClock } from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  DEFAULT_MAX_PAYLOAD,
  openListenKeyStream,
  openWsApiStream,
  type ReconnectingInfo,
  type UserDataStream,
} from '../src/index.js';
import { type Rig, rig, tick, until } from './helpers.js';

/**
 * A venue (or something in front of it) that sends a frame larger than `maxPayload` on every
 * connection, right after an ordinary one: the frame is refused with a typed error, once per
 * occurrence, and the stream reconnects with a growing backoff (never a hot loop, although each
 * connection carried data).
 */

const KEY = 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1';

let r: Rig;
let wss: WebSocketServer;
let connections: number;
let bigFrameBytes: number;
let venue: VenueProfile;
let stream: UserDataStream | undefined;

beforeEach(async () => {
  r = await rig();
  connections = 0;
  bigFrameBytes = 2 * 1024 * 1024;
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    connections++;
    ws.send(JSON.stringify({ e: 'smallEvent', E: 1_000 + connections }));
    ws.send(JSON.stringify({ e: 'bigEvent', E: 2_000 + connections, pad: 'x'.repeat(bigFrameBytes) }));
  });
  const { port } = wss.address() as AddressInfo;
  venue = { ...r.sim.venue('binance-usdm'), streamBaseUrl: `ws://127.0.0.1:${port}` } as VenueProfile;
});

afterEach(async () => {
  await stream?.close();
  stream = undefined;
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await r.close();
});

function openOn(clock: VirtualClock, extra: Record<string, unknown> = {}) {
  const s = openListenKeyStream({
    venue,
    listenKey: KEY,
    clock,
    heartbeat: false,
    reconnect: { baseDelayMs: 1_000, maxDelayMs: 8_000 },
    random: () => 0.5,
    ...extra,
  });
  stream = s;
  const events: UserDataEvent[] = [];
  const errors: { code: string; message: string; maxPayload: unknown }[] = [];
  const reconnecting: ReconnectingInfo[] = [];
  s.on('event', (e) => events.push(e));
  s.on('error', (e) => errors.push({ code: e.code, message: e.message, maxPayload: e.details.maxPayload }));
  s.on('reconnecting', (info) => reconnecting.push(info));
  return { s, events, errors, reconnecting };
}

describe('maxPayload', () => {
  it('defaults to 1 MiB', () => {
    expect(DEFAULT_MAX_PAYLOAD).toBe(1024 * 1024);
  });

  it('refuses a frame above the default with a typed error, once per occurrence, and backs off instead of looping', async () => {
    const clock = new VirtualClock(Date.now());
    const { events, errors, reconnecting } = openOn(clock);
    await until(() => errors.length === 1, 'the first oversized frame');
    // No hot loop: the link carried data, yet the retry waits (on the stream's clock) and grows.
    await tick(200);
    expect(connections).toBe(1);
    for (let i = 2; i <= 4; i++) {
      await clock.advance((reconnecting.at(-1) as ReconnectingInfo).delayMs);
      await until(() => errors.length === i, `oversized frame ${i}`);
      await tick(50);
      expect(connections).toBe(i);
    }
    expect(reconnecting.map((x) => x.delayMs)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(reconnecting.every((x) => x.reason === 'payload-too-large')).toBe(true);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set([ErrorCode.PayloadTooLarge]));
    expect(errors[0]?.maxPayload).toBe(DEFAULT_MAX_PAYLOAD);
    expect(errors[0]?.message).toContain('maxPayload');
    // The ordinary frames got through; the oversized one never did.
    expect(events.map((e) => (e as { type?: string }).type)).toEqual([
      'smallEvent',
      'smallEvent',
      'smallEvent',
      'smallEvent',
    ]);
  });

  it('holds on WebSocket API sessions too (the same socket class)', async () => {
    const clock = new VirtualClock(Date.now());
    const account = r.account;
    const s = openWsApiStream({
      venue: { ...r.sim.venue('binance-spot'), wsApiUrl: venue.streamBaseUrl } as VenueProfile,
      auth: { type: 'signature', apiKey: account.apiKey, signer: r.signer(account) },
      clock,
      heartbeat: false,
      reconnect: { baseDelayMs: 1_000, maxDelayMs: 8_000 },
      random: () => 0.5,
    });
    stream = s;
    const errors: string[] = [];
    const reconnecting: ReconnectingInfo[] = [];
    s.on('error', (e) => errors.push(e.code));
    s.on('reconnecting', (info) => reconnecting.push(info));
    await until(() => errors.includes(ErrorCode.PayloadTooLarge), 'the refusal');
    await tick(200);
    expect(connections).toBe(1);
    expect(reconnecting).toEqual([{ attempt: 1, delayMs: 500, reason: 'payload-too-large' }]);
  });

  it('is configurable: a larger maxPayload accepts the frame, a smaller one refuses smaller frames', async () => {
    const clock = new VirtualClock(Date.now());
    const big = openOn(clock, { maxPayload: 4 * 1024 * 1024 });
    await until(() => big.events.length === 2, 'both frames');
    expect(big.errors).toEqual([]);
    await big.s.close();
    bigFrameBytes = 100 * 1024;
    const small = openOn(clock, { maxPayload: 64 * 1024 });
    await until(() => small.errors.length === 1, 'the refusal');
    expect(small.errors[0]?.maxPayload).toBe(64 * 1024);
  });

  it('rejects a maxPayload that is not a positive whole number of bytes', () => {
    for (const maxPayload of [0, -1, 1.5, '1024', Number.POSITIVE_INFINITY]) {
      expect(() => openListenKeyStream({ venue, listenKey: KEY, maxPayload } as never)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidConfig, field: 'maxPayload' }),
      );
    }
  });
});
