// Benchmark (not a test): what ownership renewals cost Redis for STREAMS streams (default
// 10,000) over WORKERS workers (default 4), on a real redis-server (issue 15 item 5).
//
//   pnpm --filter @userstream/keepalive build && pnpm --filter @userstream/redis build
//   node bench/renewals.mjs            # STREAMS=10000 WORKERS=4 RENEW_MS=1500 TICKS=10
//
// Each worker claims its share, then runs TICKS renewal ticks two ways:
// - batched: every lease of the worker asks for its renewal in the same turn, as keepalive's
//   aligned ownership jobs do; the store sends one script per worker per tick;
// - per lease (what the fleet did before): one script per lease and tick.
// Figures: Redis script calls per tick and per second at the protocol's pace (one tick every
// RENEW_MS), per 10,000 streams, and the redis-server process's CPU for them (INFO cpu: the
// scripts plus reading, parsing and answering every command; commandstats' usec is not used:
// on a loaded machine it counts a long script's time off the CPU too).
// Ticks run back to back in real time; the per-second figures are scaled to RENEW_MS.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLeaseKey } from '@userstream/keepalive';
import { Redis } from 'ioredis';
import { createRedisLeaseStore } from '../dist/index.js';

const STREAMS = Number(process.env.STREAMS ?? 10_000);
const WORKERS = Number(process.env.WORKERS ?? 4);
const RENEW_MS = Number(process.env.RENEW_MS ?? 1_500);
const TICKS = Number(process.env.TICKS ?? 10);
const TTL_MS = 5_000;
const print = (line) => process.stdout.write(`${line}\n`);

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

const dir = mkdtempSync(join(tmpdir(), 'userstream-renewals-'));
const port = await freePort();
const redisServer = spawn(
  process.env.REDIS_SERVER ?? 'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
admin.on('error', () => {});
const clients = [admin];
try {
  const end = Date.now() + 10_000;
  while (admin.status !== 'ready') {
    if (Date.now() > end) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 20));
  }

  /** Script calls (INFO commandstats) and redis-server's CPU time so far (INFO cpu). */
  async function scripts() {
    const info = await admin.info('commandstats');
    let calls = 0;
    for (const m of info.matchAll(/cmdstat_(?:eval|evalsha):calls=(\d+)/g)) calls += Number(m[1]);
    const cpu = await admin.info('cpu');
    const seconds = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
    return { calls, cpuMs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000 };
  }

  const venue = { id: 'binance-usdm', restBaseUrl: 'https://fapi.binance.com' };
  const workers = [];
  for (let w = 0; w < WORKERS; w++) {
    const redis = new Redis({ port, host: '127.0.0.1' });
    clients.push(redis);
    const store = createRedisLeaseStore({ redis });
    const leases = [];
    for (let i = w; i < STREAMS; i += WORKERS) {
      const key = createLeaseKey({
        venue,
        apiKey: `bench-account-${i}`,
      });
      leases.push({ key, ownership: undefined });
    }
    workers.push({ id: `worker-${w}`, store, leases });
  }
  for (const w of workers) {
    await Promise.all(
      w.leases.map(async (l) => {
        l.ownership = await w.store.claim(l.key, w.id, TTL_MS);
      }),
    );
  }

  async function run(mode) {
    const before = await scripts();
    const started = performance.now();
    let lost = 0;
    for (let t = 0; t < TICKS; t++) {
      await Promise.all(
        workers.map(async (w) => {
          if (mode === 'batched') {
            const renewed = await Promise.all(
              w.leases.map((l) => w.store.renewOwnership(l.key, l.ownership, TTL_MS)),
            );
            renewed.forEach((o, i) => {
              if (o) w.leases[i].ownership = o;
              else lost++;
            });
          } else {
            for (const l of w.leases) {
              const o = await w.store.renewOwnership(l.key, l.ownership, TTL_MS);
              if (o) l.ownership = o;
              else lost++;
            }
          }
        }),
      );
    }
    const wallMs = performance.now() - started;
    const after = await scripts();
    const perTick = (after.calls - before.calls) / TICKS;
    const scale = 10_000 / STREAMS;
    return {
      mode,
      scriptsPerTick: perTick,
      opsPerSecPer10k: (perTick * scale * 1000) / RENEW_MS,
      redisCpuMsPerTick: (after.cpuMs - before.cpuMs) / TICKS,
      redisCpuSharePer10k: ((after.cpuMs - before.cpuMs) / TICKS / RENEW_MS) * scale,
      wallMsPerTick: wallMs / TICKS,
      lost,
    };
  }

  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  print(
    `renewals: ${fmt(STREAMS)} streams over ${WORKERS} workers on a real redis-server, one tick every ${fmt(RENEW_MS)} ms, ${TICKS} ticks (Node ${process.versions.node})`,
  );
  for (const mode of ['batched', 'per-lease']) {
    const r = await run(mode);
    print(
      `  ${mode.padEnd(9)}  ${fmt(r.scriptsPerTick, 1)} scripts/tick  ${fmt(r.opsPerSecPer10k, 1)} Redis ops/s per 10,000 streams  redis-server CPU ${fmt(r.redisCpuMsPerTick, 1)} ms/tick (${fmt(r.redisCpuSharePer10k * 100, 1)} % of a core per 10,000 streams)  tick took ${fmt(r.wallMsPerTick, 0)} ms  lost ${r.lost}`,
    );
  }
} finally {
  for (const c of clients) c.disconnect();
  redisServer.kill('SIGTERM');
  await once(redisServer, 'exit').catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
