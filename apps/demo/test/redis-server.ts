/**
 * A real `redis-server` for the demo's tests: a free loopback port, a temp directory, no
 * persistence, stopped (and the directory removed) after. A small local copy of the approach of
 * packages/redis/test/redis-server.ts (test files are not imported across packages).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

export interface TestRedisServer {
  readonly port: number;
  readonly url: string;
  /** A client of this server (closed by `stop()`). */
  client(): Redis;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (right now). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

export async function startRedisServer(): Promise<TestRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-redis-'));
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const clients = new Set<Redis>();
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    const end = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
      try {
        if (probe.status === 'wait' || probe.status === 'end') await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        // not listening yet
      }
      if (Date.now() > end) throw new Error(`redis-server did not start on ${port}: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    probe.disconnect();
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      clients.add(redis);
      return redis;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
