/**
 * Hostile frames over a real socket: a raw `ws` venue on loopback sends fast-check-made frames
 * (prototype keys, 1e400, wrong types, 20,000-level nesting, binary and empty frames, and a text
 * frame of invalid UTF-8) to a single listenKey stream, a shared listenKey connection and a
 * WebSocket API stream. The contract: every `error` is a UserstreamError with a stable code, every
 * event is typed, nothing is thrown out of the stream, the stream stays up (or reconnects), and
 * Object.prototype is untouched. FUZZ_RUNS=N raises the runs; FUZZ_SEED replays one.
 */
import type { AddressInfo } from 'node:net';
import {
  createSigner,
  type UserDataEvent,
  UserstreamError,
  type VenueProfile,
  VirtualClock,
  venues,
  withBaseUrls,
} from '@userstream/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { fuzzTimeoutMs } from '../../core/test/hostile-values.js';
import {
  createListenKeyConnection,
  openListenKeyStream,
  openWsApiStream,
  type UserDataStream,
} from '../src/index.js';
import { until } from './helpers.js';

vi.setConfig({ testTimeout: fuzzTimeoutMs() });

const RUNS = Number(process.env.FUZZ_RUNS) || 40;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const KEY_A = `fuzzKeyA${'a'.repeat(56)}`;
const KEY_B = `fuzzKeyB${'b'.repeat(56)}`;
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

// ---- hostile frames ----------------------------------------------------------------------

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
// Lifecycle events (listenKeyExpired, eventStreamTerminated, serverShutdown) are left out: they
// end or rotate the subscription on purpose, which other tests cover.
const EVENT_TYPES = [
  'executionReport',
  'outboundAccountPosition',
  'balanceUpdate',
  'ORDER_TRADE_UPDATE',
  'ACCOUNT_UPDATE',
  'MARGIN_CALL',
  'TRADE_LITE',
  'listStatus',
  'somethingNew',
  '',
  ...PROTO_KEYS,
];
const scalar = fc.oneof(
  fc.constantFrom(
    '1e400',
    '-0',
    '123456789012345678901234567890',
    '9007199254740993',
    'true',
    'null',
    '[]',
    '{}',
  ),
  fc.constantFrom('NaN', 'Infinity', '', '\u0000', '\uD800', '💥', '__proto__').map((s) => JSON.stringify(s)),
  fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : '1e400')),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
);
const key = fc.oneof(
  fc.constantFrom(...PROTO_KEYS),
  fc.constantFrom('e', 'E', 'a', 's', 'B', 'o', 'id', 'status', 'data', 'stream', 'event', 'subscriptionId'),
  fc.string({ maxLength: 3 }),
);
const json: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }).map((a) => `[${a.join(',')}]`),
    fc
      .array(fc.tuple(key, tie('v')), { maxLength: 4 })
      .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).v;
const event = fc
  .tuple(fc.constantFrom(...EVENT_TYPES), fc.option(scalar), fc.array(fc.tuple(key, json), { maxLength: 6 }))
  .map(
    ([e, E, fields]) =>
      `{"e":${JSON.stringify(e)}${E === null ? '' : `,"E":${E}`}${fields.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`,
  );
const DEEP = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
const DEEP_OBJECT = `${'{"__proto__":'.repeat(20_000)}{}${'}'.repeat(20_000)}`;

type Frame = { text: string } | { binary: Uint8Array };
/** What the venue sends, in every envelope each transport reads. */
const frame = (wrap: fc.Arbitrary<string>): fc.Arbitrary<Frame> =>
  fc.oneof(
    { weight: 6, arbitrary: wrap.map((text) => ({ text })) },
    { weight: 2, arbitrary: json.map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 32 }).map((text) => ({ text })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', '\uFEFF', DEEP, DEEP_OBJECT, `{"e":"executionReport","x":${DEEP}}`)
        .map((text) => ({ text })),
    },
  );

// ---- the venue ---------------------------------------------------------------------------

let server: WebSocketServer;
let port = 0;
const sockets = new Set<WsSocket>();
/** The URL each socket was opened with (which listenKeys it carries). */
const socketUrls = new WeakMap<WsSocket, string>();
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
  server.on('connection', (socket, request) => {
    sockets.add(socket);
    socketUrls.set(socket, request.url ?? '');
    socket.on('close', () => sockets.delete(socket));
    // A WebSocket API venue that accepts any subscription as subscription 1.
    socket.on('message', (data) => {
      let request: { id?: unknown; method?: unknown };
      try {
        request = JSON.parse(String(data)) as typeof request;
      } catch {
        return;
      }
      const result =
        typeof request.method === 'string' && request.method.startsWith('userDataStream.subscribe')
          ? { subscriptionId: 1 }
          : {};
      socket.send(JSON.stringify({ id: request.id, status: 200, result }));
    });
  });
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  for (const s of sockets) s.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_NAMES);
});

function send(frames: readonly Frame[]): void {
  for (const s of sockets) {
    if (s.readyState !== s.OPEN) continue;
    for (const f of frames) {
      if ('text' in f) s.send(f.text);
      else s.send(f.binary, { binary: true });
    }
  }
}

/** A text frame whose bytes are not UTF-8: ws on the client must refuse it and close (1007). */
function sendInvalidUtf8(): void {
  for (const s of sockets)
    if (s.readyState === s.OPEN) s.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
}

interface Watched {
  events: UserDataEvent[];
  errors: unknown[];
  reconnecting: number;
}

function watch(stream: UserDataStream): Watched {
  const w: Watched = { events: [], errors: [], reconnecting: 0 };
  stream.on('event', (e) => w.events.push(e));
  stream.on('error', (e) => w.errors.push(e));
  stream.on('reconnecting', () => {
    w.reconnecting++;
  });
  return w;
}

const sentinelOf = (w: Watched, n: number) =>
  w.events.some((e) => e.e === 'unknown' && e.type === 'fuzzSentinel' && e.E === n);

function expectContract(w: Watched, stream: UserDataStream): void {
  for (const error of w.errors) {
    expect(UserstreamError.isInstance(error), String(error)).toBe(true);
    expect((error as UserstreamError).code).toMatch(/^USERSTREAM_[A-Z_]+$/);
  }
  for (const e of w.events) {
    expect(typeof e).toBe('object');
    expect(typeof e.e).toBe('string');
  }
  expect(stream.state).not.toBe('closed');
  expect(uncaught).toEqual([]);
  seen.malformed += stream.stats.malformed;
  seen.typed += w.events.filter((e) => e.e !== 'unknown').length;
  seen.reconnects += w.reconnecting;
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_NAMES);
}

let sentinel = 1_000;
/** What the runs exercised, so a fuzzer that only ever sends well-formed frames cannot pass. */
const seen = { malformed: 0, typed: 0, reconnects: 0 };
const listenKeyVenue = (
  id: 'binance-usdm' | 'binance-coinm' | 'bhex' | 'coins-ph' = 'binance-usdm',
): VenueProfile => withBaseUrls(venues[id], { stream: `ws://127.0.0.1:${port}` });
/** Every listenKey dialect: futures, and BHEX/Coins.ph (array frames, a 50 ms reorder window). */
const dialectVenue = fc.constantFrom('binance-usdm', 'binance-coinm', 'bhex', 'coins-ph') as fc.Arbitrary<
  'binance-usdm' | 'binance-coinm' | 'bhex' | 'coins-ph'
>;
const options = {
  clock: new VirtualClock(Date.now()),
  heartbeat: false,
  rotation: false,
  random: () => 0.5,
} as const;

describe('hostile frames never throw out of a stream', () => {
  it('a single listenKey stream of every dialect (parseFrame on the text)', async () => {
    await fc.assert(
      fc.asyncProperty(
        dialectVenue,
        fc.array(frame(event), { maxLength: 12 }),
        fc.boolean(),
        async (id, frames, kill) => {
          const stream = openListenKeyStream({ venue: listenKeyVenue(id), listenKey: KEY_A, ...options });
          try {
            const w = watch(stream);
            await stream.opened();
            const n = ++sentinel;
            send([...frames, { text: `{"e":"fuzzSentinel","E":${n}}` }]);
            await until(() => sentinelOf(w, n), 'the sentinel');
            if (kill) {
              sendInvalidUtf8();
              await until(() => w.reconnecting > 0, 'the reconnect after invalid UTF-8');
            }
            expectContract(w, stream);
            expect(stream.stats.malformed).toBe(
              w.errors.filter((e) => (e as UserstreamError).code === 'USERSTREAM_MALFORMED_FRAME').length,
            );
          } finally {
            await stream.close();
          }
        },
      ),
      params,
    );
    expect(seen.malformed).toBeGreaterThan(0);
    expect(seen.reconnects).toBeGreaterThan(0);
  });

  it('two streams on a shared listenKey connection (combined-stream envelopes, decoded once)', async () => {
    const envelope = fc
      .tuple(
        fc.constantFrom(JSON.stringify(KEY_A), JSON.stringify(KEY_B), '"nobody"', '1', 'null', '"__proto__"'),
        event,
      )
      .map(([name, e]) => `{"stream":${name},"data":${e}}`);
    await fc.assert(
      fc.asyncProperty(fc.array(frame(envelope), { maxLength: 12 }), async (frames) => {
        const connection = createListenKeyConnection({ venue: listenKeyVenue(), ...options });
        const a = connection.open({ listenKey: KEY_A });
        const b = connection.open({ listenKey: KEY_B });
        try {
          const wa = watch(a);
          const wb = watch(b);
          await Promise.all([a.opened(), b.opened()]);
          // A venue sends a key's frames only on a socket opened with that key: the client drops
          // a frame naming a key its link was not built with (it may be another account's).
          await until(
            () => sockets.size === 1 && [...sockets].every((s) => socketUrls.get(s)?.includes(KEY_B)),
            'one socket carrying both keys',
          );
          const n = ++sentinel;
          send([
            ...frames,
            { text: `{"stream":"${KEY_A}","data":{"e":"fuzzSentinel","E":${n}}}` },
            { text: `{"stream":"${KEY_B}","data":{"e":"fuzzSentinel","E":${n}}}` },
          ]);
          await until(() => sentinelOf(wa, n) && sentinelOf(wb, n), 'both sentinels');
          expectContract(wa, a);
          expectContract(wb, b);
        } finally {
          await connection.close();
        }
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('a WebSocket API stream (subscriptionId envelopes, responses and events mixed)', async () => {
    const envelope = fc.oneof(
      fc
        .tuple(fc.constantFrom('1', '2', '"1"', 'null', '1e400', '-0'), event)
        .map(([sid, e]) => `{"subscriptionId":${sid},"event":${e}}`),
      event.map((e) => `{"event":${e}}`),
      fc
        .tuple(scalar, scalar, json)
        .map(([id, status, r]) => `{"id":${id},"status":${status},"result":${r}}`),
      fc.tuple(scalar, json).map(([id, err]) => `{"id":${id},"status":400,"error":${err}}`),
    );
    const venue = withBaseUrls(venues['binance-spot'], { wsApi: `ws://127.0.0.1:${port}/ws-api/v3` });
    const auth = {
      type: 'signature',
      apiKey: 'F'.repeat(64),
      signer: createSigner({ secret: 's'.repeat(64) }),
    } as const;
    await fc.assert(
      fc.asyncProperty(fc.array(frame(envelope), { maxLength: 12 }), async (frames) => {
        const stream = openWsApiStream({ venue, auth, ...options });
        try {
          const w = watch(stream);
          await stream.opened();
          const n = ++sentinel;
          send([...frames, { text: `{"subscriptionId":1,"event":{"e":"fuzzSentinel","E":${n}}}` }]);
          await until(() => sentinelOf(w, n), 'the sentinel');
          expectContract(w, stream);
        } finally {
          await stream.close();
        }
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
