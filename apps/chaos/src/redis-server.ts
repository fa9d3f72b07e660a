import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** `REDIS_SERVER` or `redis-server` on PATH (`node scripts/ensure-redis.mjs` provides one). */
const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

export interface ChaosRedis {
  readonly url: string;
  client(): Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** A throwaway redis-server on a free loopback port, no persistence, for one fleet run. */
export async function startRedis(): Promise<ChaosRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-chaos-redis-'));
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawned) {
    throw new Error(
      `the fleet runs need redis-server (${spawned.message}): run \`node scripts/ensure-redis.mjs\` or set REDIS_SERVER`,
    );
  }
  const clients = new Set<Redis>();
  const client = () => {
    const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    c.on('error', () => {});
    clients.add(c);
    return c;
  };
  const probe = client();
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > end) throw new Error(`redis-server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    async stop() {
      for (const c of clients) c.disconnect();
      clients.clear();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
