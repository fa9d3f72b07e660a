/**
 * A pong that does not come while the venue's data does: the connection is alive. A pong can sit
 * behind a backlog of frames (a big burst the client is still parsing, a venue whose gateway
 * answers pings late under load); ending the link then would cost a reconnect and a gap on a
 * healthy, busy connection. Frames received after the ping prove the socket delivers; a link
 * that gets neither a pong nor a frame is still ended at its pong deadline.
 */
import type { AddressInfo } from 'node:net';
import { type VenueProfile, VirtualClock, venues } from '@userstream/core';
import { afterEach, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { type ListenKeyStream, openListenKeyStream } from '../src/index.js';
import { until } from './helpers.js';

const servers: WebSocketServer[] = [];
const streams: ListenKeyStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  for (const wss of servers.splice(0)) {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
});

let E = 1_700_000_000_000;
const event = () =>
  JSON.stringify({
    e: 'ACCOUNT_CONFIG_UPDATE',
    E: ++E,
    T: E,
    ac: { s: 'BTCUSDT', l: 25 },
  });

it('a missing pong does not end a link that received frames after its ping; a silent one is ended', async () => {
  // autoPong false: the server never answers the client's WebSocket pings.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
  servers.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const pings: number[] = [];
  let socket: WebSocket | undefined;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('ping', () => pings.push(pings.length));
  });
  const clock = new VirtualClock(Date.now());
  const venue = {
    ...venues['binance-usdm'],
    streamBaseUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
  } as VenueProfile;
  const stream = openListenKeyStream({
    venue,
    listenKey: 'k'.repeat(60),
    clock,
    allowInsecure: true,
    heartbeat: { pingIntervalMs: 1000, pongTimeoutMs: 500, inactivityTimeoutMs: 60_000 },
  });
  streams.push(stream);
  const events: unknown[] = [];
  const downs: string[] = [];
  stream.on('event', (e) => events.push(e));
  stream.on('reconnecting', (d) => downs.push(d.reason));
  await until(() => stream.state === 'open' && socket !== undefined, 'open');

  // The first ping goes unanswered, but the venue's data keeps coming after it.
  await clock.advance(1000);
  await until(() => pings.length === 1, 'the first ping');
  socket?.send(event());
  await until(() => events.length === 1, 'a frame after the ping');
  await clock.advance(500); // the pong deadline
  await new Promise((resolve) => setImmediate(resolve));
  expect(downs).toEqual([]);

  // The next ping: neither a pong nor a frame. That link is ended at its deadline.
  await clock.advance(500);
  await until(() => pings.length === 2, 'the second ping');
  await clock.advance(500);
  await until(() => downs.length === 1, 'the pong timeout');
  expect(downs).toEqual(['pong-timeout']);
  expect(events).toHaveLength(1);
});
