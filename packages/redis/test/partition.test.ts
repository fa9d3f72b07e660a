/**
 * A worker cut off from Redis (issue 15 item 2): once it cannot prove its ownership for longer
 * than the ownership TTL it stops its streams and never again sends a keepalive (`PUT`) or a
 * `DELETE` for their listenKeys, so the worker that took over keeps its streams. Before, the
 * cut-off worker "carried on as owner": it kept renewing and its close() deleted the listenKey
 * under the new owner's stream (-1125, gap, new key).
 *
 * Real redis-server, the simulator, worker A behind two TCP proxies (one to Redis, one to the
 * venue's REST port, whose tap tells A's requests apart from B's), worker B direct.
 * listenKey lifecycle (a DELETE "will close the stream and invalidate the listenKey", a POST on
 * an account with an active key returns that same key):
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams and
 * https://developers.binance.me/docs/derivatives/usds-margined-futures/user-data-streams/Start-User-Data-Stream-Wsp
 * (the USD-M REST page for /fapi/v1/listenKey itself is not in the search store; the path is the
 * simulator's and DESIGN.md's).
 */
import { type Clock, createScaledClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker } from '../src/index.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const SPEED = 2;
const VENUE = 'binance-usdm';
const PATH = '/fapi/v1/listenKey';
const TTL_MS = 5_000;
const ACCOUNTS = 3;

let server: TestRedisServer;
let redis: Redis;
let clock: Clock;
let sim: Simulator;
let toRedis: TcpProxy;
let toVenue: TcpProxy;
const workers: FleetWorker[] = [];
const clients: IORedis[] = [];

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
    accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
  });
  toRedis = await startTcpProxy({ port: server.port });
  toVenue = await startTcpProxy({ port: Number(new URL(sim.venue(VENUE).restBaseUrl).port) });
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close({ release: false });
  for (const c of clients.splice(0)) c.disconnect();
  await toRedis.stop();
  await toVenue.stop();
  await sim.close();
});

function worker(id: string, via: { redis?: TcpProxy; venue?: TcpProxy } = {}): FleetWorker {
  let client: Redis;
  if (via.redis) {
    client = new IORedis({
      port: via.redis.port,
      host: via.redis.host,
      retryStrategy: () => 50,
      maxRetriesPerRequest: 1,
    });
    client.on('error', () => {});
    clients.push(client);
  } else {
    client = server.client();
  }
  const profile = sim.venue(VENUE);
  const venue = via.venue ? { ...profile, restBaseUrl: `http://127.0.0.1:${via.venue.port}` } : profile;
  const w = createFleetWorker({
    redis: client,
    workerId: id,
    accounts: sim.accounts.map((a) => ({
      id: a.id,
      venue,
      credentials: { apiKey: a.apiKey, secret: a.secret! },
    })),
    clock,
    ownershipTtlMs: TTL_MS,
    ownershipRenewMs: 1_500,
    // Keepalives every 2 s (protocol time): a worker that kept renewing would show up at once.
    lease: { renewIntervalMs: 2_000, validityMs: 60_000 },
    sink: false,
  });
  workers.push(w);
  return w;
}

/** Request lines A sent to the venue, with the protocol time they reached the proxy. */
function requestsOf(proxy: TcpProxy): { line: string; at: number }[] {
  const seen: { line: string; at: number }[] = [];
  proxy.tap((direction, chunk) => {
    if (direction !== 'toUpstream') return;
    for (const m of chunk.toString('latin1').matchAll(/(?:^|\r\n)(PUT|DELETE|POST) (\/[^ ?]*)/g)) {
      seen.push({ line: `${m[1]} ${m[2]}`, at: clock.now() });
    }
  });
  return seen;
}

const allOpen = (w: FleetWorker) => sim.accounts.every((a) => w.stream(a.id)?.state === 'open');

describe('a worker partitioned from Redis', () => {
  // cut: Redis calls fail at once (the case: A "carried on as owner" and its close()
  // sent DELETE). blackhole: Redis calls never answer, so A must not wait for them either.
  it.each(['cut', 'blackhole'] as const)(
    '%s: stops its streams once it cannot prove ownership for a TTL, and never sends a keepalive or DELETE after; the new owner keeps its streams',
    async (partition) => {
      const a = worker('worker-a', { redis: toRedis, venue: toVenue });
      const fromA = requestsOf(toVenue);
      const lost: string[] = [];
      a.on('lost', (info) => lost.push(info.account));
      await a.start();
      await until(() => allOpen(a), 20_000, 'worker-a to open every stream');
      await until(() => fromA.some((r) => r.line === `PUT ${PATH}`), 10_000, 'a keepalive from worker-a');

      // Cut A off from Redis (its venue link stays up). Its last proven ownership ends at most
      // TTL after this instant.
      if (partition === 'cut') toRedis.cut();
      else toRedis.blackhole();
      const cutAt = clock.now();

      const b = worker('worker-b');
      await b.start();
      await until(() => allOpen(b), 30_000, 'worker-b to take every stream over');
      // A stopped every stream: it could not prove it still owned them.
      await until(() => lost.length === ACCOUNTS, 10_000, 'worker-a to give its streams up');
      expect(sim.accounts.filter((acct) => a.stream(acct.id)?.state === 'open')).toEqual([]);

      // Let B renew a few times, then close A.
      const keepalivesBefore = sim.record.requestCount('PUT', PATH);
      await until(
        () => sim.record.requestCount('PUT', PATH) >= keepalivesBefore + 2 * ACCOUNTS,
        15_000,
        'B keepalives',
      );
      // Cut: close as an operator would (release: true, the default): the case that sent DELETE
      // under B's stream. Blackhole: the checks below cover the partition itself; A's close()
      // would then wait on its fleet loop's Redis calls, so let them through and stop A like a
      // crash (its leases already know they are lost: nothing to release either way).
      const before = [...fromA];
      if (partition === 'blackhole') {
        expect(before.filter((r) => r.line === `DELETE ${PATH}`)).toEqual([]);
        toRedis.heal();
      }
      await a.close({ release: partition === 'cut' });
      workers.splice(workers.indexOf(a), 1);

      // Never a DELETE from A, and no keepalive from A once its ownership could have lapsed.
      expect(fromA.filter((r) => r.line === `DELETE ${PATH}`)).toEqual([]);
      expect(sim.record.requestCount('DELETE', PATH)).toBe(0);
      const late = fromA.filter((r) => r.line === `PUT ${PATH}` && r.at >= cutAt + TTL_MS);
      expect(late).toEqual([]);

      // B's streams are untouched: still open, and B's next keepalives are accepted.
      const after = sim.record.requestCount('PUT', PATH);
      await until(
        () => sim.record.requestCount('PUT', PATH) >= after + ACCOUNTS,
        15_000,
        'B keepalives after A closed',
      );
      expect(allOpen(b)).toBe(true);
    },
  );
});
