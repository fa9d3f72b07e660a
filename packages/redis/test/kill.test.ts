/**
 * kill -9 of a worker process: its streams flow again on the survivor within the bound, each
 * event lands in Redis exactly once, and only one keepalive loop runs per listenKey.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Clock, createScaledClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetWorker, type FleetWorker, GAP_MARKER } from '../src/index.js';
import { DEFAULT_PREFIX, redisKeys } from '../src/keys.js';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

const keys = redisKeys(DEFAULT_PREFIX);

const pkg = fileURLToPath(new URL('..', import.meta.url));
/** A throwaway ESM bundle of the child (dist is left alone). */
const out = fileURLToPath(new URL('../node_modules/.cache/redis-kill-test/', import.meta.url));
const SPEED = 2;
const VENUE = 'binance-usdm';
const PUT_PATH = '/fapi/v1/listenKey';
const RENEW_MS = 5_000;

let server: TestRedisServer;
let redis: Redis;
let clock: Clock;
let sim: Simulator;
let survivor: FleetWorker | undefined;
let child: ChildProcess | undefined;

beforeAll(async () => {
  execFileSync(
    'pnpm',
    [
      'exec',
      'tsup',
      'test/fleet-child.ts',
      '--no-config',
      '--format',
      'esm',
      '--target',
      'node20',
      '--external',
      'ioredis',
      '--external',
      'ws',
      '--external',
      'undici',
      '--out-dir',
      out,
      '--silent',
    ],
    { cwd: pkg, stdio: 'pipe' },
  );
  server = await startRedisServer();
  redis = server.client();
  clock = createScaledClock({ speed: SPEED });
  sim = await startSimulator({
    clock,
    accounts: Array.from({ length: 8 }, (_, i) => ({ id: `acct-${i}`, keyType: 'hmac' as const })),
  });
}, 120_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await survivor?.close();
  await sim?.close();
  await server?.stop();
});

async function rows(accountId: string): Promise<string[]> {
  const entries = await redis.xrange(keys.events(accountId), '-', '+');
  return entries
    .map(([, f]) => f)
    .filter((f) => f[1] !== GAP_MARKER)
    .map((f) => `${f[1]}@${f[3]}`);
}

const sent = (accountId: string) =>
  sim.record.events({ accountId, venue: VENUE }).map((r) => `${r.e}@${r.E}`);

async function allLandedOnce(): Promise<void> {
  for (const a of sim.accounts) {
    const want = sent(a.id);
    await until(async () => (await rows(a.id)).length >= want.length, 30_000, `events of ${a.id}`).catch(
      () => {},
    );
    expect(await rows(a.id)).toEqual(want);
  }
}

describe('kill -9 of a worker process', () => {
  it('its streams are taken over within 10 s, events land once, one keepalive loop per key', async () => {
    const accounts = sim.accounts.map((a) => ({ id: a.id, apiKey: a.apiKey, secret: a.secret! }));
    const lines: Record<string, unknown>[] = [];
    child = spawn(
      process.execPath,
      [
        `${out}fleet-child.js`,
        JSON.stringify({
          redisPort: server.port,
          workerId: 'worker-child',
          speed: SPEED,
          clockAt: clock.now(),
          realAt: Date.now(),
          venue: sim.venue(VENUE),
          accounts,
          renewIntervalMs: RENEW_MS,
        }),
      ],
      { cwd: pkg, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let buffered = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        lines.push(JSON.parse(buffered.slice(0, i)));
        buffered = buffered.slice(i + 1);
      }
    });
    await until(() => lines.some((l) => l.ready), 20_000, 'the child to start').catch((error: Error) => {
      throw new Error(`${error.message}: ${stderr}`);
    });

    survivor = createFleetWorker({
      redis: server.client(),
      workerId: 'worker-survivor',
      accounts: accounts.map((a) => ({
        id: a.id,
        venue: sim.venue(VENUE),
        credentials: { apiKey: a.apiKey, secret: a.secret },
      })),
      clock,
      lease: { renewIntervalMs: RENEW_MS, validityMs: 60_000 },
    });
    await survivor.start();
    const childOwned = () => {
      const set = new Set<string>();
      for (const l of lines) {
        if (typeof l.acquired === 'string') set.add(l.acquired);
        if (typeof l.released === 'string') set.delete(l.released);
      }
      return set;
    };
    // Both workers own some accounts, together all of them, each once.
    await until(
      () =>
        survivor!.membership.members.length === 2 &&
        childOwned().size > 0 &&
        survivor!.owned().length + childOwned().size === accounts.length &&
        survivor!.owned().every((id) => !childOwned().has(id) && survivor!.stream(id)?.state === 'open'),
      30_000,
      'the two workers to share the accounts',
    );
    // Let the child's streams open before trading.
    await until(() => sim.record.connections >= accounts.length, 10_000, 'every stream connected');
    for (const a of sim.accounts) sim.exchange.deposit(a.id, VENUE, 'USDT', '1.5');
    await allLandedOnce();

    const victims = [...childOwned()];
    const killedAt = clock.now();
    child.kill('SIGKILL');
    await until(
      () => victims.every((id) => survivor!.stream(id)?.state === 'open'),
      30_000,
      'the survivor to take the dead worker’s accounts over',
    );
    const takeoverMs = clock.now() - killedAt;
    expect(takeoverMs).toBeLessThan(10_000);
    process.stdout.write(`takeover after kill -9: ${takeoverMs} ms of protocol time\n`);

    for (const a of sim.accounts) sim.exchange.deposit(a.id, VENUE, 'USDT', '2.5');
    await allLandedOnce();

    // One keepalive loop per listenKey from here on: PUTs at least ~RENEW_MS apart.
    const from = clock.now();
    await until(() => clock.now() - from >= 3 * RENEW_MS, 30_000, 'three keepalive intervals');
    for (const a of accounts) {
      const res = await fetch(`${sim.urls.rest}${PUT_PATH}`, {
        method: 'POST',
        headers: { 'X-MBX-APIKEY': a.apiKey },
      });
      const { listenKey } = (await res.json()) as { listenKey: string };
      const times = sim.record.keepalives(listenKey).filter((t) => t >= from);
      expect(times.length).toBeGreaterThanOrEqual(2);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(RENEW_MS * 0.85);
    }
  }, 120_000);
});
