/**
 * Issue #13, the seam: a venue profile's `frames` picks the frame decoder and heartbeat style of
 * its links. Each case runs a real WebSocket server on loopback that speaks one venue's wire
 * (gzip binary frames with a text Ping, JSON ping/pong, MEXC's method PING and protobuf) and
 * checks that events come through and heartbeats are answered in the venue's own form.
 * The venue-specific end-to-end tests (simulator, keepalive) build on this.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  type FrameEncoding,
  type HeartbeatStyle,
  mexcProtoDir,
  type VenueProfile,
  VirtualClock,
  venues,
} from '@userstream/core';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { type ListenKeyStream, openListenKeyStream } from '../src/index.js';
import { wireFor } from '../src/wire.js';
import { until } from './helpers.js';

const KEY = 'k'.repeat(60);
const EVENT = {
  e: 'executionReport',
  E: 1700000000000,
  s: 'BTCUSDT',
  c: 'c1',
  S: 'BUY',
  o: 'LIMIT',
  f: 'GTC',
  q: '1.00000000',
  p: '10.00',
  X: 'NEW',
  i: '1',
  l: '0',
  z: '0',
  L: '0',
  n: '0',
  N: '',
  u: true,
  w: true,
  m: false,
  O: 1700000000000,
  Z: '0',
  x: 'NEW',
  T: 1700000000000,
};

interface Server {
  wss: WebSocketServer;
  url: string;
  /** Every text message the client sent, in order. */
  received: string[];
  sockets: WebSocket[];
}

const servers: WebSocketServer[] = [];
const streams: ListenKeyStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  for (const wss of servers.splice(0)) {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
});

async function server(onConnection: (ws: WebSocket, received: string[]) => void = () => {}): Promise<Server> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: string[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) received.push(data.toString());
    });
    onConnection(ws, received);
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, received, sockets };
}

function venueWith(
  url: string,
  frames: { encoding: FrameEncoding; heartbeat: HeartbeatStyle; subscribe?: string[] },
): VenueProfile {
  return { ...venues.bhex, streamBaseUrl: url, frames } as VenueProfile;
}

function open(venue: VenueProfile, clock = new VirtualClock(Date.now())) {
  const stream = openListenKeyStream({
    venue,
    listenKey: KEY,
    clock,
    allowInsecure: true,
    heartbeat: { pingIntervalMs: 1000, pongTimeoutMs: 500, inactivityTimeoutMs: 60_000 },
  });
  streams.push(stream);
  const events: unknown[] = [];
  const malformed: unknown[] = [];
  stream.on('event', (e) => events.push(e));
  stream.on('error', (e) => malformed.push(e));
  return { stream, events, malformed, clock };
}

describe('issue #13: the frame decoder and heartbeat come from the venue profile', () => {
  it('method-ping (MEXC): acks and PONG are taken out, a refused subscription is not hidden', () => {
    const w = wireFor(
      { ...venues.bhex, frames: { encoding: 'protobuf-mexc', heartbeat: 'method-ping' } },
      1 << 20,
    )!;
    let answered = 0;
    const control = { send: () => true, heartbeatAnswered: () => void answered++ };
    const text = (t: string) => w.decode(Buffer.from(t), false, control);
    expect(text('{"id":0,"code":0,"msg":"PONG"}')).toBeUndefined();
    expect(answered).toBe(1);
    expect(text('{"id":0,"code":0,"msg":"spot@private.orders.v3.api.pb"}')).toBeUndefined();
    const refused =
      '{"id":0,"code":0,"msg":"Not Subscribed successfully! [spot@private.orders.v3.api.pb]. Reason: Blocked!"}';
    expect(text(refused)).toBe(refused);
    expect(answered).toBe(1);
  });

  it('a profile without frames (Binance) gets no wire: the plain JSON listener and WebSocket pings', () => {
    expect(wireFor(venues['binance-usdm'], 1 << 20)).toBeUndefined();
    expect(
      wireFor({ ...venues.bhex, frames: { encoding: 'json', heartbeat: 'ws' } }, 1 << 20),
    ).toBeUndefined();
    expect(
      wireFor({ ...venues.bhex, frames: { encoding: 'gzip-json', heartbeat: 'text-ping' } }, 1 << 20),
    ).toMatchObject({ encoding: 'gzip-json', heartbeat: 'text-ping', clientPings: false });
  });

  it('gzip-json + text-ping (BingX): gzip binary events are read, a gzip Ping is answered with Pong', async () => {
    const srv = await server((ws) => {
      ws.send(gzipSync('Ping'), { binary: true });
      ws.send(gzipSync(JSON.stringify(EVENT)), { binary: true });
    });
    const { events, malformed } = open(venueWith(srv.url, { encoding: 'gzip-json', heartbeat: 'text-ping' }));
    await until(() => events.length === 1 && srv.received.includes('Pong'), 'event and Pong');
    expect(events[0]).toMatchObject({ e: 'executionReport', s: 'BTCUSDT', q: '1.00000000' });
    expect(srv.received).toEqual(['Pong']);
    expect(malformed).toEqual([]);
  });

  // BingX spot, https://bingx-api.github.io/docs/zh-hk/spot/socket.html (checked 2026-12-03):
  // the server's heartbeat is {"ping":"<id>","time":"…"}, answered {"pong":"<id>","time":"…"};
  // a subscription is acknowledged {"id":…,"code":0,"msg":""}. Every frame is gzip.
  it('text-ping (BingX spot): the JSON ping is answered with its pong, acks are taken out, a refusal is not hidden', async () => {
    const ping = '{"ping":"2177c68e4d0e45679965f482929b59c2","time":"2022-06-07T16:27:36.323+0800"}';
    const refused = '{"id":"userstream-2","code":100400,"msg":"ILLEGAL_ARGUMENT"}';
    const srv = await server((ws) => {
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { id?: string; ping?: string };
        if (m.id === 'userstream-1')
          ws.send(gzipSync('{"id":"userstream-1","code":0,"msg":""}'), { binary: true });
        if (m.id === 'userstream-2') {
          ws.send(gzipSync(refused), { binary: true });
          ws.send(gzipSync(ping), { binary: true });
          ws.send(gzipSync(JSON.stringify({ data: EVENT, dataType: 'spot.executionReport' })), {
            binary: true,
          });
        }
      });
    });
    const venue = { ...venues['bingx-spot'], streamBaseUrl: srv.url, dialect: 'bhex' } as VenueProfile;
    const { events, malformed } = open(venue);
    await until(() => events.length === 1 && srv.received.length === 3, 'event and pong');
    expect(srv.received.slice(2)).toEqual([
      '{"pong":"2177c68e4d0e45679965f482929b59c2","time":"2022-06-07T16:27:36.323+0800"}',
    ]);
    expect(srv.received.slice(0, 2).map((m) => JSON.parse(m).dataType)).toEqual([
      'spot.executionReport',
      'ACCOUNT_UPDATE',
    ]);
    expect(events[0]).toMatchObject({ e: 'executionReport', s: 'BTCUSDT' });
    // The refused subscription surfaces (as a malformed frame); the accepted ack does not.
    expect(malformed).toHaveLength(1);
  });

  // BingX's order ids exceed 2^53 (the swap page's sample: "i":1711312357852147712); JSON.parse
  // would round them, so the BingX wire hands them on as exact digit strings.
  it('text-ping (BingX): order ids beyond 2^53 arrive exact, as strings; small ones stay numbers', async () => {
    const big =
      '{"e":"ORDER_TRADE_UPDATE","E":1696843635475,"o":{"s":"LINK-USDT","c":"","i":1711312357852147712,"S":"BUY","o":"LIMIT","x":"NEW","X":"NEW","T":0}}';
    const small =
      '{"e":"ORDER_TRADE_UPDATE","E":1696843635476,"o":{"s":"LINK-USDT","c":"","i":42,"S":"BUY","o":"LIMIT","x":"NEW","X":"NEW","T":0}}';
    const srv = await server((ws) => {
      ws.send(gzipSync(big), { binary: true });
      ws.send(gzipSync(small), { binary: true });
    });
    const venue = { ...venues['bingx-swap'], streamBaseUrl: srv.url } as VenueProfile;
    const { events, malformed } = open(venue);
    await until(() => events.length === 2, 'both events');
    expect(events.map((e) => (e as { o: { i: unknown } }).o.i)).toEqual(['1711312357852147712', 42]);
    expect(malformed).toEqual([]);
  });

  it('gzip-json: a frame that does not inflate (or inflates past maxPayload) is a malformed frame, and the stream goes on', async () => {
    const bomb = gzipSync(Buffer.alloc(4 << 20, 0x20));
    const srv = await server((ws) => {
      ws.send(Buffer.from('not gzip'), { binary: true });
      ws.send(bomb, { binary: true });
      ws.send(gzipSync(JSON.stringify(EVENT)), { binary: true });
    });
    const stream = openListenKeyStream({
      venue: venueWith(srv.url, { encoding: 'gzip-json', heartbeat: 'text-ping' }),
      listenKey: KEY,
      clock: new VirtualClock(Date.now()),
      allowInsecure: true,
      maxPayload: 1 << 20,
    });
    streams.push(stream);
    const events: unknown[] = [];
    const errors: { code?: string }[] = [];
    stream.on('event', (e) => events.push(e));
    stream.on('error', (e) => errors.push(e as { code?: string }));
    await until(() => events.length === 1, 'the good event');
    expect(errors.map((e) => e.code)).toEqual(['USERSTREAM_MALFORMED_FRAME', 'USERSTREAM_MALFORMED_FRAME']);
  });

  it('json-ping (Toobit): the client pings {"ping":ts}, {"pong":ts} answers it; a server {"ping":ts} gets {"pong":ts}', async () => {
    let answer = true;
    const srv = await server((ws) => {
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { ping?: number };
        if (m.ping !== undefined && answer) ws.send(JSON.stringify({ pong: m.ping }));
      });
      ws.send('{"ping":42}');
      ws.send(JSON.stringify([EVENT]));
    });
    const { events, clock, stream } = open(
      venueWith(srv.url, { encoding: 'json-array', heartbeat: 'json-ping' }),
    );
    await until(() => events.length === 1 && srv.received.includes('{"pong":42}'), 'event and pong');
    clock.advance(1000);
    await until(() => srv.received.some((m) => m.startsWith('{"ping":')), 'client ping');
    expect(srv.received.find((m) => m.startsWith('{"ping":'))).toBe(`{"ping":${clock.now()}}`);
    // Answered: no pong timeout. Then unanswered: the link ends and the stream reconnects.
    await until(() => srv.received.length >= 2, 'ping answered');
    const downs: string[] = [];
    stream.on('reconnecting', (d) => downs.push(d.reason));
    answer = false;
    clock.advance(1000);
    await until(() => srv.received.filter((m) => m.startsWith('{"ping":')).length === 2, 'second ping');
    clock.advance(500);
    await until(() => downs.length > 0, 'pong timeout');
    expect(downs[0]).toBe('pong-timeout');
  });

  it('method-ping + protobuf (MEXC): subscriptions go out on connect, {"method":"PING"} is answered by a JSON PONG, protobuf frames become events', async () => {
    const root = new protobuf.Root();
    root.resolvePath = (_o, t) => new URL(t.replace(/^.*[\\/]/, ''), mexcProtoDir()).pathname;
    root.loadSync('PushDataV3ApiWrapper.proto');
    const W = root.lookupType('PushDataV3ApiWrapper');
    expect(readFileSync(new URL('LICENSE', mexcProtoDir()), 'utf8')).toContain('Apache License');
    // Each frame a new order (the stream drops a repeated event as a duplicate).
    let n = 0;
    const frame = () =>
      W.encode(
        W.create({
          channel: 'spot@private.orders.v3.api.pb',
          symbol: 'BTCUSDT',
          sendTime: 1700000000123 + n,
          privateOrders: {
            id: `C02__${++n}`,
            clientId: 'c1',
            price: '10.5',
            quantity: '2',
            status: 1,
            createTime: 1700000000000,
          },
        }),
      ).finish();
    const srv = await server((ws) => {
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { method?: string; params?: string[] };
        if (m.method === 'SUBSCRIPTION') {
          ws.send(JSON.stringify({ id: 0, code: 0, msg: m.params?.join(',') }));
          ws.send(frame(), { binary: true });
        }
        if (m.method === 'PING') {
          // The PONG, then an event the test waits for: the PONG has been read by then.
          ws.send('{"id":0,"code":0,"msg":"PONG"}');
          ws.send(frame(), { binary: true });
        }
      });
    });
    const subscribe = '{"method":"SUBSCRIPTION","params":["spot@private.orders.v3.api.pb"]}';
    const venue = {
      ...venueWith(srv.url, { encoding: 'protobuf-mexc', heartbeat: 'method-ping', subscribe: [subscribe] }),
    };
    const { events, malformed, clock, stream } = open(venue);
    const downs: string[] = [];
    stream.on('reconnecting', (d) => downs.push(d.reason));
    await until(() => events.length === 1 || malformed.length > 0, 'protobuf event');
    expect(malformed).toEqual([]);
    expect(srv.received[0]).toBe(subscribe);
    // The stand-in dialect (bhex) does not know MEXC's events: it hands the decoded frame on whole.
    expect(events[0]).toMatchObject({
      e: 'unknown',
      type: 'privateOrders',
      E: 1700000000123,
      raw: {
        e: 'privateOrders',
        E: 1700000000123,
        s: 'BTCUSDT',
        c: 'spot@private.orders.v3.api.pb',
        d: { id: 'C02__1', price: '10.5', quantity: '2', status: 1 },
      },
    });
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await until(() => events.length === i + 2, `PONG ${i} read`);
      clock.advance(600); // past the pong timeout: only the PONG's clearing keeps the link
    }
    expect(srv.received.filter((m) => m === '{"method":"PING"}')).toHaveLength(3);
    expect(downs).toEqual([]);
    expect(malformed).toEqual([]);
  });
});
