/**
 * A planned move whose old owner loses its stream before the new owner's is open (chaos fleet
 * seeds 256, 296 and 392): events sent in between reach nobody, so the move is not covered and
 * the new owner must write the `acquired` gap marker. The marker must come before every event of
 * the new owner, in Redis and on the worker's `event`/`gap` surface: a consumer reading the
 * account's Redis Stream sees the hole announced before the events that follow it.
 *
 * Deterministic: the new owner's `openStream` (the real openUserDataStream) first expires the
 * account's listenKey at the simulator and waits until the old owner's stream is down (fenced
 * since the move started, it cannot create a new key), then deposits into the hole.
 * Binance's listenKey lifecycle: after `listenKeyExpired` "no more user data event will be updated
 * ... until a new valid listenKey used"
 * (https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Event-User-Data-Stream-Expired),
 * and a POST on an account without an active key creates a new one
 * (https://developers.binance.com/en/docs/products/derivatives-trading-portfolio-margin/user-data-streams).
 * The USD-M pages themselves are not in the search store; the simulator serves USD-M the same way.
 * A real redis-server, the simulator, two workers in this process, on one clock at 4× real time.
 */
import { type Clock, createScaledClock } from '@userstream/core';
import { openUserDataStream } from '@userstream/keepalive';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { Redis as IORedis, type Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker, GAP_MARKER, rendezvousOwner } from '../src/index.js';
import { DEFAULT_PREFIX, redisKeys } from '../src/keys.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const keys = redisKeys(DEFAULT_PREFIX);
const SPEED = 4;
const M = 4;
const VENUE = 'binance-usdm';

let server: TestRedisServer;
let redis: Redis;
let clock: Clock;
let sim: Simulator;
const workers: FleetWorker[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await redis.flushall();
  clock = createScaledClock({ speed: SPEED });
  sim = await startSimulator({
    clock,
    accounts: Array.from({ length: M }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
  });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await sim.close();
});

function worker(
  id: string,
  openStream?: typeof openUserDataStream,
  only?: string,
  via: { venue?: TcpProxy; redis?: Redis; memberTtlMs?: number } = {},
): FleetWorker {
  const profile = sim.venue(VENUE);
  // The stream through a TCP proxy; REST keeps the simulator's origin (the lease key names it,
  // and every worker must name the same one).
  const venue = via.venue
    ? { ...profile, streamBaseUrl: profile.streamBaseUrl!.replace(/:\d+/, `:${via.venue.port}`) }
    : profile;
  const w = createFleetWorker({
    redis: via.redis ?? server.client(),
    ...(via.memberTtlMs === undefined ? {} : { memberTtlMs: via.memberTtlMs }),
    workerId: id,
    accounts: sim.accounts
      .filter((a) => only === undefined || a.id === only)
      .map((a) => ({
        id: a.id,
        venue,
        credentials: { apiKey: a.apiKey, secret: a.secret! },
      })),
    clock,
    lease: { renewIntervalMs: 5_000, validityMs: 60_000 },
    ...(openStream ? { openStream } : {}),
  });
  workers.push(w);
  return w;
}

async function rows(
  accountId: string,
): Promise<{ e: string; E: string; reason?: string; worker?: string }[]> {
  const entries = await redis.xrange(keys.events(accountId), '-', '+');
  return entries.map(([, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    return f as { e: string; E: string; reason?: string; worker?: string };
  });
}

/** Deposits into an account; the `e@E` of every event the deposit made the venue send. */
function deposit(accountId: string, amount: string): string[] {
  const before = sim.record.events({ accountId, venue: VENUE }).length;
  sim.exchange.deposit(accountId, VENUE, 'USDT', amount);
  return sim.record
    .events({ accountId, venue: VENUE })
    .slice(before)
    .map((r) => `${r.e}@${r.E}`);
}

/**
 * worker-a owns only `victim`; worker-b (whose rendezvous share it is) joins, claims it, and its
 * open waits until `letOpen()`: worker-a keeps moving the stream meanwhile.
 */
async function gatedMove(victim: { id: string }) {
  const a = worker('worker-a', undefined, victim.id);
  await a.start();
  await until(() => a.stream(victim.id)?.state === 'open', 20_000, 'worker-a owns the account');
  let letOpen!: () => void;
  const gate = new Promise<void>((resolve) => {
    letOpen = resolve;
  });
  let claimed = false;
  const b = worker(
    'worker-b',
    async (options) => {
      // worker-b claimed the stream: worker-a gave its ownership up and waits for ours to open.
      claimed = true;
      await gate;
      return openUserDataStream(options);
    },
    victim.id,
  );
  await b.start();
  await until(() => claimed && a.stats.moving === 1, 20_000, 'worker-a moving the stream to worker-b');
  return { a, b, letOpen };
}

it('a move the old owner could not cover: the new owner’s gap marker comes before its events (in Redis and on its event surface)', async () => {
  const a = worker('worker-a');
  await a.start();
  await until(() => sim.accounts.every((x) => a.stream(x.id)?.state === 'open'), 20_000, 'worker-a owns all');
  const victim = sim.accounts.find((x) => rendezvousOwner(x.id, ['worker-a', 'worker-b']) === 'worker-b')!;
  expect(victim).toBeDefined();
  const hole: number[] = [];
  let holeMade = false;
  const b = worker('worker-b', async (options) => {
    if (!holeMade && options.credentials.apiKey === victim.apiKey) {
      holeMade = true;
      // The old owner's key lapses mid-move: its stream closes and cannot come back (fenced).
      sim.faults.expire({ accountId: victim.id, venue: VENUE });
      await until(() => a.stream(victim.id)?.state !== 'open', 10_000, 'the old owner’s stream down');
      for (let i = 0; i < 3; i++) {
        sim.exchange.deposit(victim.id, VENUE, 'USDT', `${i + 1}.25`);
        hole.push(clock.now());
      }
    }
    return openUserDataStream(options);
  });
  const seen: string[] = [];
  b.on('event', ({ account, event }) => {
    if (account === victim.id) seen.push(`event ${(event as { e: string }).e}`);
  });
  b.on('gap', ({ account, reason }) => {
    if (account === victim.id) seen.push(`gap ${reason}`);
  });
  await b.start();
  await until(() => b.stream(victim.id)?.state === 'open', 20_000, 'worker-b opened the moved stream');
  expect(hole).toHaveLength(3);
  const afterEvents = [1, 2, 3].flatMap((i) => deposit(victim.id, `${i}.75`));
  expect(afterEvents.length).toBeGreaterThanOrEqual(3);

  // Whatever the order, both the new owner's gap marker and the later events reach Redis.
  await until(
    async () => {
      const got = await rows(victim.id);
      const stored = new Set(got.map((r) => `${r.e}@${r.E}`));
      return (
        got.some((r) => r.e === GAP_MARKER && r.worker === 'worker-b') &&
        afterEvents.every((k) => stored.has(k))
      );
    },
    30_000,
    'the new owner’s gap marker and events in Redis',
  );
  const got = await rows(victim.id);
  const marker = got.findIndex((r) => r.e === GAP_MARKER && r.worker === 'worker-b');
  expect(got[marker]!.reason).toBe('acquired');
  const firstAfter = Math.min(...afterEvents.map((k) => got.findIndex((r) => `${r.e}@${r.E}` === k)));
  // The hole is announced before the events that follow it.
  expect(marker).toBeLessThan(firstAfter);
  // Nothing the new owner emitted came before its gap.
  expect(seen[0]).toBe('gap acquired');
  expect(seen.filter((s) => s.startsWith('event')).length).toBeGreaterThanOrEqual(3);
}, 90_000);

// Chaos partition seed 432: the old owner's connection is stalled (the venue holds its frames
// back, well within the clients' liveness bound) when the new owner's stream opens. Its stream
// still reads `open` without a gap; the old owner used to claim the move covered, mark it done and
// close, so the frames the venue held for it were gone and nobody wrote a gap marker (this test
// failed at its last assertion, kept as `it.fails` until the fix). Now the old owner needs a
// frame, ping or pong on its connection after it saw the move ready (the handle's
// `lastActivityAt`); a stalled one shows none, the move is marked failed and the new owner writes
// its gap marker.
it('a move whose old connection is silently stalled: the events it held are in Redis or announced by a gap marker', async () => {
  const a = worker('worker-a');
  await a.start();
  await until(() => sim.accounts.every((x) => a.stream(x.id)?.state === 'open'), 20_000, 'worker-a owns all');
  const victim = sim.accounts.find((x) => rendezvousOwner(x.id, ['worker-a', 'worker-b']) === 'worker-b')!;
  const held: string[] = [];
  let stall: { release(): void } | undefined;
  const b = worker('worker-b', async (options) => {
    if (!stall && options.credentials.apiKey === victim.apiKey) {
      // The venue holds back what it sends on the old owner's connection (flushed on release).
      stall = sim.faults.stall({ accountId: victim.id, venue: VENUE, connections: 'stream', flush: true });
      for (let i = 1; i <= 3; i++) held.push(...deposit(victim.id, `${i}.5`));
    }
    return openUserDataStream(options);
  });
  await b.start();
  await until(
    () => b.stream(victim.id)?.state === 'open' && a.stream(victim.id) === undefined,
    20_000,
    'the move done: worker-b open, worker-a closed',
  );
  stall?.release();
  expect(held.length).toBeGreaterThanOrEqual(3);
  const later = deposit(victim.id, '9.5');
  await until(
    async () => {
      const stored = new Set((await rows(victim.id)).map((r) => `${r.e}@${r.E}`));
      return later.every((k) => stored.has(k));
    },
    20_000,
    'the later events in Redis',
  );
  const got = await rows(victim.id);
  const stored = new Set(got.map((r) => `${r.e}@${r.E}`));
  const announced = got.some((r) => r.e === GAP_MARKER && r.worker === 'worker-b');
  // Every event the stalled connection held reached Redis, or the new owner announced a gap.
  expect(announced || held.every((k) => stored.has(k))).toBe(true);
}, 90_000);

// A move the old owner's reconcile started (a worker joined) was not waited for by close(): it
// found the stream already releasing and returned with the stream still open until the move
// ended (chaos partition seeds 1, 24, 25: a socket left after close(); the wait for a sign of
// life from the old connection made the window longer).
it('close() during a move it started by itself returns only once the moved stream is closed', async () => {
  // One account: the close has no move of its own to wait for.
  const victim = sim.accounts.find((x) => rendezvousOwner(x.id, ['worker-a', 'worker-b']) === 'worker-b')!;
  const { a, letOpen } = await gatedMove(victim);
  const handle = a.stream(victim.id)!;
  try {
    await a.close();
    workers.splice(workers.indexOf(a), 1);
    expect(handle.state).toBe('closed');
    expect(a.stream(victim.id)).toBeUndefined();
  } finally {
    letOpen();
  }
}, 90_000);

// Chaos partition seed 58: the old owner's connection went down and came back (a `reconnect`
// gap) while it was moving the stream, after the new owner's stream had opened; its Redis link
// was slow, so it was still waiting to see the move ready. It went on appending what its new
// connection delivered; the new owner, the move not covered, then wrote its `acquired` marker
// and the events it held, which began with the ones the old owner had missed: older than those
// already in Redis (E went backwards). A stream that had a gap during a move appends nothing
// more: the new owner's marker and its events, in order, take over.
it('an old owner whose connection broke during the move appends nothing after that: Redis stays in E order', async () => {
  const port = Number(new URL(sim.venue(VENUE).restBaseUrl).port);
  const [toVenue, toRedis] = await Promise.all([
    startTcpProxy({ port }),
    startTcpProxy({ port: server.port }),
  ]);
  const slowRedis = new IORedis({ port: toRedis.port, host: toRedis.host });
  try {
    // Heartbeats outlive the slow link: the members stay the same throughout.
    const a = worker('worker-a', undefined, undefined, {
      venue: toVenue,
      redis: slowRedis,
      memberTtlMs: 60_000,
    });
    await a.start();
    await until(
      () => sim.accounts.every((x) => a.stream(x.id)?.state === 'open'),
      20_000,
      'worker-a owns all',
    );
    const victim = sim.accounts.find((x) => rendezvousOwner(x.id, ['worker-a', 'worker-b']) === 'worker-b')!;
    const hole: string[] = [];
    const later: string[] = [];
    const old = a.stream(victim.id)!;
    const b = worker('worker-b', undefined, undefined, { memberTtlMs: 60_000 });
    await b.start();
    // worker-a is moving the stream and keeps its own open; from now on it learns late (a slow
    // Redis link) that worker-b's stream is open.
    await until(() => a.stats.moving >= 1, 20_000, 'worker-a moving streams to worker-b');
    toRedis.delay(300);
    // worker-b's stream is open and its events held.
    await until(() => b.stream(victim.id)?.state === 'open', 20_000, 'worker-b opened the moved stream');
    toVenue.cut();
    await until(() => old.state !== 'open', 10_000, 'the old owner’s connection down');
    // Only the new owner's stream sees these.
    for (let i = 0; i < 3; i++) hole.push(...deposit(victim.id, `${i + 1}.25`));
    const back = new Promise<void>((resolve) =>
      a.on('gap', (g) => g.account === victim.id && g.reason === 'reconnect' && resolve()),
    );
    toVenue.heal();
    await back;
    // Both streams see these; the old owner's reconnected one too.
    for (let i = 0; i < 3; i++) later.push(...deposit(victim.id, `${i + 1}.75`));
    await until(() => a.stream(victim.id) === undefined, 30_000, 'the move over');
    toRedis.heal();
    expect(hole.length).toBeGreaterThanOrEqual(3);
    await until(
      async () => {
        const stored = new Set((await rows(victim.id)).map((r) => `${r.e}@${r.E}`));
        return [...hole, ...later].every((k) => stored.has(k));
      },
      30_000,
      'the hole’s and the later events in Redis',
    );
    const got = await rows(victim.id);
    const events = got.filter((r) => r.e !== GAP_MARKER).map((r) => Number(r.E));
    // E never goes backwards in the account's Redis Stream.
    for (let i = 1; i < events.length; i++) expect(events[i]).toBeGreaterThanOrEqual(events[i - 1]!);
    // The hole is announced by the new owner before the events it held.
    const marker = got.findIndex((r) => r.e === GAP_MARKER && r.worker === 'worker-b');
    expect(marker).toBeGreaterThan(-1);
    expect(marker).toBeLessThan(got.findIndex((r) => `${r.e}@${r.E}` === hole[0]));
  } finally {
    for (const w of workers.splice(0)) await w.close();
    slowRedis.disconnect();
    await Promise.all([toVenue.stop(), toRedis.stop()]);
  }
}, 90_000);

// Chaos partition seed 56: a `gap` of reason `out-of-order` announces a late event, not a hole.
// The first fix for seed 58 stopped the old owner's appends after any gap during a move, and the
// late events the venue sent (reordered) before the new owner's stream opened reached nobody's
// Redis appends. They are the old owner's to append, announced late by its marker.
it('an old owner whose stream delivers late (out-of-order) events during the move still appends them', async () => {
  const victim = sim.accounts.find((x) => rendezvousOwner(x.id, ['worker-a', 'worker-b']) === 'worker-b')!;
  const { a, letOpen } = await gatedMove(victim);
  const gaps: string[] = [];
  a.on('gap', (g) => gaps.push(g.reason));
  try {
    // The venue sends the next three events last-first: two arrive late.
    sim.faults.reorder({ accountId: victim.id, venue: VENUE, window: 3 });
    const sent: string[] = [];
    for (let i = 1; i <= 3; i++) {
      sent.push(...deposit(victim.id, `${i}.5`));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(sent).toHaveLength(3);
    await until(() => gaps.includes('out-of-order'), 10_000, 'the late events on worker-a');
    await until(
      async () => {
        const stored = new Set((await rows(victim.id)).map((r) => `${r.e}@${r.E}`));
        return sent.every((k) => stored.has(k));
      },
      10_000,
      'the reordered events in Redis',
    );
  } finally {
    letOpen();
  }
}, 90_000);
