import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  createSigner,
  ErrorCode,
  type UserDataEvent,
  type UserstreamError,
  VirtualClock,
  venues,
  withBaseUrls,
} from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { createWsApiSession, openWsApiStream, type UserDataStream } from '../src/index.js';
import { capture, until } from './helpers.js';

type Params = Record<string, unknown>;
type Request = { id: number; method: string; params?: Params };
/** How the fake venue answers one request: a result, or an error `{code, msg}`. */
type Answer = { result: unknown } | { status: number; code: number; msg: string };
type Handler = (request: Request, socket: WsSocket) => Answer | undefined;

/**
 * A raw WebSocket API venue on loopback whose answers the test writes: hostile on purpose (it
 * quotes whatever it was sent back in its error messages, or sends events no subscription names).
 */
async function fakeVenue(handler: Handler) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const sockets = new Set<WsSocket>();
  const requests: Request[] = [];
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as Request;
      requests.push(request);
      const answer = handler(request, socket);
      if (!answer) return;
      socket.send(
        JSON.stringify(
          'result' in answer
            ? { id: request.id, status: 200, result: answer.result }
            : { id: request.id, status: answer.status, error: { code: answer.code, msg: answer.msg } },
        ),
      );
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    venue: withBaseUrls(venues['binance-spot'], { wsApi: `ws://127.0.0.1:${port}/ws-api/v3` }),
    requests,
    /** Sends a frame to every connected client. */
    broadcast: (frame: unknown) => {
      for (const s of sockets) s.send(JSON.stringify(frame));
    },
    close: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let closers: { close(): Promise<void> }[] = [];
beforeEach(() => {
  closers = [];
});
afterEach(async () => {
  for (const c of closers.reverse()) await c.close();
});

/** Every form a user could print an error in: message, stack, JSON, inspect, details, causes. */
function printed(error: unknown): string {
  const parts: string[] = [String(error), inspect(error, { depth: 8 }), JSON.stringify(error)];
  let e: unknown = error;
  for (let i = 0; e instanceof Error && i < 5; i++) {
    parts.push(e.message, e.stack ?? '', JSON.stringify((e as { details?: unknown }).details ?? {}));
    parts.push(inspect(e, { depth: 8 }));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe('issue 16 item 2: secrets a venue echoes back never leave the WebSocket API session', () => {
  it('API key, signature, logon signature and listenToken quoted in errors and frames are redacted everywhere', async () => {
    // Shaped so that core's shape-based redaction (40+ letters and digits) does not catch them:
    // only the session's memory of what it sent can.
    const hmacKey = 'canary-hmac-api-key-0001';
    const logonKey = 'canary-logon-api-key-0002';
    const token = 'canary.listen-token.0003';
    const echoKey = 'canary-echo-api-key-0004';
    const apiSecret = 'canary-api-secret-never-sent-0005';
    const hmac = createSigner({ secret: apiSecret });
    const ed = generateKeyPairSync('ed25519');
    const edSigner = createSigner({
      privateKey: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const canaries = new Set<string>([hmacKey, logonKey, token, echoKey, apiSecret]);
    let nextSubscription = 1;
    const venue = await fakeVenue((request, socket) => {
      const p = request.params ?? {};
      for (const field of ['apiKey', 'signature', 'listenToken'] as const) {
        if (typeof p[field] === 'string') canaries.add(p[field] as string);
      }
      const quoted = JSON.stringify(p);
      switch (request.method) {
        case 'session.logon':
          // A bare signature and a bare key, then the whole request as JSON and as a query.
          return {
            status: 401,
            code: -1022,
            msg: `Signature ${p.signature} for key ${p.apiKey} is not valid. Request: ${quoted}; apiKey=${p.apiKey}&signature=${p.signature}`,
          };
        case 'userDataStream.subscribe.signature':
          if (p.apiKey === echoKey) {
            // Accepted; the venue then quotes the key and the signature in frames it gets wrong.
            const id = nextSubscription++;
            setTimeout(() => {
              socket.send(`not JSON: apiKey=${p.apiKey} signature ${p.signature}`);
              socket.send(
                JSON.stringify({
                  subscriptionId: id,
                  event: { e: 'balanceUpdate', E: `${p.signature}`, a: p.apiKey, d: '1', T: 1 },
                }),
              );
            }, 5);
            return { result: { subscriptionId: id } };
          }
          return {
            status: 400,
            code: -1022,
            msg: `Signature ${p.signature} is not valid for API-key ${p.apiKey}`,
          };
        case 'userDataStream.subscribe.listenToken':
          return {
            status: 400,
            code: -1209,
            msg: `Invalid listenToken ${p.listenToken} (token=${p.listenToken})`,
          };
        case 'userDataStream.unsubscribe':
          return { result: {} };
        default:
          return { status: 400, code: -1100, msg: `unknown method ${request.method}: ${quoted}` };
      }
    });
    closers.push(venue);
    const watch = capture();
    const errors: UserstreamError[] = [];
    const clock = new VirtualClock(Date.now());
    const open = (auth: Parameters<typeof openWsApiStream>[0]['auth']) => {
      const stream = openWsApiStream({ venue: venue.venue, auth, clock, logger: watch.logger });
      closers.push(stream);
      stream.on('error', (e) => errors.push(e));
      stream.opened().catch((e: UserstreamError) => errors.push(e));
      return stream;
    };
    try {
      open({ type: 'signature', apiKey: hmacKey, signer: hmac });
      open({ type: 'logon', apiKey: logonKey, signer: edSigner });
      open({ type: 'listenToken', token });
      const echo = open({ type: 'signature', apiKey: echoKey, signer: hmac });
      await until(() => echo.stats.malformed >= 2, 'two hostile frames reported');
      await until(() => errors.length >= 6, 'the refusals');
      // The venue did quote them (the check below could fail).
      const requested = venue.requests.map((r) => r.method);
      expect(requested).toEqual(
        expect.arrayContaining([
          'session.logon',
          'userDataStream.subscribe.signature',
          'userDataStream.subscribe.listenToken',
        ]),
      );
      expect(errors.map((e) => e.code)).toEqual(
        expect.arrayContaining([ErrorCode.Exchange, ErrorCode.MalformedFrame]),
      );
      expect(errors.some((e) => e.message.includes('[REDACTED]'))).toBe(true);
      const everything = `${errors.map(printed).join('\n')}\n${watch.text()}`;
      expect(canaries.size).toBeGreaterThanOrEqual(8);
      for (const canary of canaries) {
        expect(everything.includes(canary), `a secret leaked: ${canary.slice(0, 12)}…`).toBe(false);
      }
    } finally {
      watch.stop();
    }
  });
});

const balance = (E: number) => ({ e: 'balanceUpdate', E, a: 'BTC', d: '1.00000000', T: E });

describe('issue 16 item 3: an event no subscription names reaches no account on a shared session', () => {
  async function shared(accounts: number) {
    let next = 1;
    const venue = await fakeVenue((request) => {
      if (request.method === 'userDataStream.subscribe.signature')
        return { result: { subscriptionId: next++ } };
      return { result: {} };
    });
    closers.push(venue);
    const clock = new VirtualClock(Date.now());
    const session = createWsApiSession({ venue: venue.venue, clock });
    closers.push(session);
    const streams: { stream: UserDataStream; events: UserDataEvent[]; errors: UserstreamError[] }[] = [];
    for (let i = 0; i < accounts; i++) {
      const stream = session.subscribe({
        auth: {
          type: 'signature',
          apiKey: `AccountKey${i}`.padEnd(64, '0'),
          signer: createSigner({ secret: `s${i}`.padEnd(32, 'x') }),
        },
      });
      const events: UserDataEvent[] = [];
      const errors: UserstreamError[] = [];
      stream.on('event', (e) => events.push(e));
      stream.on('error', (e) => errors.push(e));
      streams.push({ stream, events, errors });
    }
    await Promise.all(streams.map((s) => s.stream.opened()));
    return { venue, streams };
  }

  it('two accounts on one session: a frame without subscriptionId is counted as malformed and reported, delivered to neither', async () => {
    const { venue, streams } = await shared(2);
    const [a, b] = streams as [(typeof streams)[0], (typeof streams)[0]];
    venue.broadcast({ subscriptionId: 1, event: balance(1) });
    venue.broadcast({ event: balance(2) });
    venue.broadcast({ subscriptionId: 2, event: balance(3) });
    // Frames arrive in order: once b has the last one, a and b have seen all three.
    await until(() => b.events.some((e) => (e as { E: number }).E === 3), 'the last routed event');
    expect(a.events.map((e) => (e as { E: number }).E)).toEqual([1]);
    expect(b.events.map((e) => (e as { E: number }).E)).toEqual([3]);
    for (const s of [a, b]) {
      expect(s.errors.map((e) => e.code)).toEqual([ErrorCode.MalformedFrame]);
      expect(s.errors[0]?.message).toMatch(/no subscriptionId/);
    }
  });

  it('a session with exactly one subscription still takes such a frame as its own', async () => {
    const { venue, streams } = await shared(1);
    const [a] = streams as [(typeof streams)[0]];
    venue.broadcast({ event: balance(7) });
    await until(() => a.events.length === 1, 'the event');
    expect(a.stream.stats.malformed).toBe(0);
    expect(a.errors).toEqual([]);
  });
});
