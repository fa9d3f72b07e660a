/**
 * FleetWorker conveniences (issue #19): `await using` closes the worker (streams closed, their
 * listenKeys deleted, nothing left open), and `start({ signal })` can be given up on while the
 * first heartbeat has not reached Redis (a blackholed connection here) without closing the worker.
 * A real redis-server and the simulator, as in fleet.test.ts.
 */
import { getEventListeners } from 'node:events';
import { ClosedError, createScaledClock, ErrorCode } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { Redis as IORedis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker } from '../src/index.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';
import { startTcpProxy } from './tcp-proxy.js';

const VENUE = 'binance-usdm';
const PATH = '/fapi/v1/listenKey';

let server: TestRedisServer;
let sim: Simulator;
const clock = createScaledClock({ speed: 2 });

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await server.client().flushall();
  sim = await startSimulator({ clock, accounts: [{ id: 'acct-0', keyType: 'hmac' }] });
});
afterEach(async () => {
  await sim.close();
});

function worker(redis: IORedis): FleetWorker {
  const a = sim.accounts[0]!;
  return createFleetWorker({
    redis,
    workerId: 'w1',
    accounts: [{ id: a.id, venue: sim.venue(VENUE), credentials: { apiKey: a.apiKey, secret: a.secret! } }],
    clock,
    sink: false,
  });
}

describe('FleetWorker', () => {
  it('await using: the worker closes at the end of the block (DELETE sent, no socket left)', async () => {
    {
      await using w = worker(server.client());
      await w.start();
      await until(() => w.stream('acct-0') !== undefined, 10_000, 'the stream to be owned');
      await w.stream('acct-0')!.opened();
      expect(sim.record.connections).toBe(1);
    }
    expect(sim.record.requestCount('DELETE', PATH)).toBe(1);
    await until(() => sim.record.connections === 0, 2_000, 'the server to see the socket closed');
  });

  it('start({ signal }): an abort while Redis does not answer rejects at once, no listener left, worker not closed', async () => {
    const proxy = await startTcpProxy({ port: server.port });
    const redis = new IORedis({ port: proxy.port, host: proxy.host, retryStrategy: () => 50 });
    redis.on('error', () => {});
    proxy.blackhole();
    const w = worker(redis);
    try {
      const controller = new AbortController();
      const started = w.start({ signal: controller.signal });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      const error = await started.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClosedError);
      expect(error).toMatchObject({ code: ErrorCode.Aborted });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      // Not closed by the abort: once Redis answers, the worker joins and opens its stream.
      proxy.heal();
      await until(() => w.stream('acct-0') !== undefined, 10_000, 'the stream to be owned');
    } finally {
      proxy.heal();
      await w.close();
      redis.disconnect();
      await proxy.stop();
    }
  });
});
