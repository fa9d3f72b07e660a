/**
 * Fleet mode as a user runs it: the built demo in a child process against a real redis-server,
 * N fleet workers sharing the embedded exchange's accounts, workers killed and replaced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@userstream/simulator';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { FleetDemo } from '../src/fleet.js';
import { renderFleetDashboard } from '../src/fleet-dashboard.js';
import { createLogger } from '../src/logger.js';
import { freePort, startRedisServer, type TestRedisServer } from './redis-server.js';
import { buildDemo, runDemo as run } from './run-demo.js';

let out: string;
const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-fleet-'));
let server: TestRedisServer;
let redis: Redis;

beforeAll(async () => {
  out = buildDemo('demo-fleet-test');
  server = await startRedisServer();
  redis = server.client();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const runDemo = (args: string[], options?: Parameters<typeof run>[3]) => run(out, dir, args, options);

/** Every value under the demo's keys, as text (to look for secrets in). */
async function dump(): Promise<{ keys: string[]; text: string }> {
  const keys = await redis.keys('userstream-demo:*');
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'string') parts.push(String(await redis.get(key)));
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  return { keys, text: `${keys.join('\n')}\n${parts.join('\n')}` };
}

describe('--fleet: workers sharing accounts through a real Redis', () => {
  it('kills and replaces workers; every event in Redis once, every loss announced, mirrors equal, keys deleted', async () => {
    // The same seed and accounts give the same keys as the demo's exchange: they must not reach Redis.
    const twin = await startSimulator({
      seed: 5,
      accounts: Array.from({ length: 6 }, (_, i) => ({ id: `acct-${i + 1}`, keyType: 'hmac' as const })),
    });
    const secrets = twin.accounts.flatMap((a) => [a.apiKey, a.secret!]);
    await twin.close();
    let during: { keys: string[]; text: string } | undefined;
    const run = await runDemo(
      [
        '--fleet',
        server.url,
        '--workers',
        '3',
        '--accounts',
        '6',
        '--duration',
        '20s',
        '--json',
        '--faults',
        '--seed',
        '5',
        '--log-level',
        'warn',
      ],
      {
        timeoutMs: 80_000,
        during: async () => {
          await new Promise((r) => setTimeout(r, 10_000));
          during = await dump();
        },
      },
    );
    expect(run.duringError).toBeUndefined();
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines, run.stderr.slice(-2000)).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    const context = JSON.stringify({ ...summary, perAccount: undefined }, null, 1);
    expect(run.code, context).toBe(0);
    expect(summary).toMatchObject({
      mode: 'fleet',
      workers: 3,
      workersAtEnd: 3,
      accounts: 6,
      duplicatesInRedis: 0,
      lostWithoutGap: 0,
      allOwned: true,
      mirrorMatches: true,
      ok: true,
    });
    // A takeover happened: a worker was killed while owning streams, the survivors own them now.
    expect(summary.kills, context).toBeGreaterThanOrEqual(1);
    expect(summary.replacements, context).toBeGreaterThanOrEqual(1);
    for (const t of summary.takeovers) {
      expect(t.accounts, context).toBeGreaterThan(0);
      expect(t.takeoverMs, context).toBeGreaterThan(0);
      expect(t.takeoverMs, context).toBeLessThan(10_000); // the fleet's bound (protocol time)
    }
    expect(summary.maxTakeoverMs).toBe(
      Math.max(...summary.takeovers.map((t: { takeoverMs: number }) => t.takeoverMs)),
    );
    const killed = summary.perWorker.filter((w: { alive: boolean }) => !w.alive);
    expect(killed.length).toBe(summary.kills);
    expect(
      summary.perWorker.reduce((n: number, w: { takeovers: number }) => n + w.takeovers, 0),
    ).toBeGreaterThan(0);
    // Events flowed into every account's stream; losses (sent while a stream had no owner) all announced.
    expect(summary.eventsInRedis, context).toBeGreaterThan(60);
    expect(summary.eventsInRedis + summary.lostEvents).toBe(summary.eventsSent);
    expect(summary.gapMarkers).toBeGreaterThanOrEqual(summary.accounts);
    for (const a of summary.perAccount) {
      expect(a.inRedis, a.id).toBeGreaterThan(0);
      expect(a.duplicatesInRedis, a.id).toBe(0);
      expect(a.lostWithoutGap, a.id).toBe(0);
      expect(a.mirrorMatches, `${a.id}: ${a.mismatches.join('; ')}`).toBe(true);
    }
    // While it ran, its keys were in Redis (under a per-run prefix) without a secret; after, none.
    expect(during?.keys.some((k) => /^userstream-demo:[^:]+:events:\{acct-1\}$/.test(k))).toBe(true);
    for (const s of secrets) {
      expect(during?.text).not.toContain(s);
      expect(run.stdout + run.stderr).not.toContain(s);
    }
    expect(await redis.keys('userstream-demo:*')).toEqual([]);
  }, 120_000);
});

describe('FleetDemo in-process: the dashboard, a kill on demand (the k key), health, cleanup', () => {
  it('shows the workers and owners, takes a killed worker’s streams over, sums up, deletes its keys', async () => {
    const config = parseConfig(
      ['--fleet', server.url, '--workers', '2', '--accounts', '4', '--seed', '9'],
      {},
    );
    const notes: string[] = [];
    const demo = await FleetDemo.start({
      config,
      fleet: config.fleet!,
      logger: createLogger({ level: 'silent', file: undefined }),
      onNote: (n) => notes.push(`${n.stream ?? '·'} ${n.text}`),
    });
    try {
      const frame = () =>
        renderFleetDashboard(demo, {
          columns: 120,
          rows: 40,
          opsUrl: undefined,
          ansi: false,
          interactive: true,
        }).join('\n');
      expect(frame()).toMatch(/^userstream demo · fleet 2\/2 workers · 4 accounts · ×2/);
      expect(frame()).toMatch(/w1\s+alive/);
      expect(frame()).toMatch(/acct-1 → w[12]/);
      expect(frame()).toContain('keys: k kill a worker');
      expect(demo.health()).toMatchObject({ ok: true, status: 'ok' });
      expect((await redis.keys(`${demo.prefix}*`)).length).toBeGreaterThan(0);

      const kill = demo.kill()!;
      expect(kill.accounts.length).toBeGreaterThan(0);
      expect(frame()).toMatch(new RegExp(`${kill.worker}\\s+killed`));
      const end = Date.now() + 20_000;
      while (kill.takeoverMs === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(kill.takeoverMs).toBeGreaterThan(0);
      expect(frame()).toMatch(/all flowing again after \d+\.\d s/);
      expect(notes.some((n) => n.includes('KILLED (nothing released)'))).toBe(true);
      expect(notes.some((n) => /took over acct-\d/.test(n))).toBe(true);
      const survivor = demo.live[0]!;
      expect(survivor.takeovers).toBe(kill.accounts.length);

      const summary = await demo.finish();
      expect(summary).toMatchObject({
        kills: 1,
        duplicatesInRedis: 0,
        lostWithoutGap: 0,
        mirrorMatches: true,
        ok: true,
      });
    } finally {
      await demo.stop();
    }
    expect(await redis.keys(`${demo.prefix}*`)).toEqual([]);
  }, 60_000);
});

describe('fleet config errors: one line on stderr, exit code 2', () => {
  const cases: [string, () => Promise<string[]>, Record<string, string>, RegExp][] = [
    ['not a Redis URL', async () => ['--fleet', 'http://127.0.0.1:6379'], {}, /--fleet must be a Redis URL/],
    ['no URL at all', async () => ['--fleet', 'localhost'], {}, /--fleet must be a Redis URL/],
    [
      'zero workers',
      async () => ['--fleet', 'redis://127.0.0.1:6379', '--workers', '0'],
      {},
      /--workers must be an integer from 1 to 32, got '0'/,
    ],
    ['--workers without --fleet', async () => ['--workers', '3'], {}, /--workers needs --fleet <redis-url>/],
    [
      '--fleet with --venue',
      async () => ['--fleet', 'redis://127.0.0.1:6379', '--venue', 'binance-usdm'],
      { USERSTREAM_API_KEY: 'k0123456789', USERSTREAM_API_SECRET: 's0123456789' },
      /--fleet runs on the embedded simulator; drop --venue or --fleet/,
    ],
    [
      'Redis not reachable (the password is not echoed)',
      async () => [
        '--fleet',
        `redis://:hunter2pw@127.0.0.1:${await freePort()}`,
        '--duration',
        '5s',
        '--json',
      ],
      {},
      /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(ECONNREFUSED\); start redis-server or pass another --fleet URL/,
    ],
    [
      'Redis not reachable through USERSTREAM_REDIS_URL',
      async () => ['--duration', '5s', '--json'],
      { USERSTREAM_REDIS_URL: 'redis://127.0.0.1:1' },
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/,
    ],
  ];

  it.concurrent.each(cases)('%s', async (_name, args, env, message) => {
    const run = await runDemo(await args(), { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^userstream demo: /);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('hunter2pw');
  });
});
