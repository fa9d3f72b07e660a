/**
 * Starts a real `redis-server` for a test: a free loopback port, a temp directory, no
 * persistence (`--save '' --appendonly no`), stopped (and the directory removed) after.
 * `restart()` stops it and starts a new empty one on the same port: a Redis restart that lost
 * everything, the worst case a fleet must survive.
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
  /** A new client of this server (closed by `stop()`). */
  client(options?: { lazy?: boolean; retryDelayMs?: number }): Redis;
  /** Stops the server (SIGKILL-free: SIGTERM, then waits for the exit). Clients reconnect on start(). */
  stopServer(): Promise<void>;
  /** Starts it again on the same port, empty. */
  startServer(): Promise<void>;
  /** stopServer() then startServer(). */
  restart(): Promise<void>;
  /** Closes every client and stops the server for good. */
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

async function waitReady(port: number, child: ChildProcess, log: () => string): Promise<void> {
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
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${log()}`);
      try {
        if (probe.status === 'wait' || probe.status === 'end') await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not yet listening
      }
      if (Date.now() > end) throw new Error(`redis-server did not start on ${port}: ${log()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    probe.disconnect();
  }
}

export async function startRedisServer(): Promise<TestRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-redis-'));
  const port = await freePort();
  const clients = new Set<Redis>();
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    const proc = spawn(
      BINARY,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    proc.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    child = proc;
    await waitReady(port, proc, () => output);
  };

  const stopServer = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  };

  await start();

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client(options = {}) {
      const retryDelayMs = options.retryDelayMs ?? 50;
      const redis = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: options.lazy ?? false,
        retryStrategy: () => retryDelayMs,
        // Commands during an outage fail fast instead of piling up: the fleet decides what to do.
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
      });
      redis.on('error', () => {});
      clients.add(redis);
      return redis;
    },
    stopServer,
    startServer: start,
    async restart() {
      await stopServer();
      await start();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      clients.clear();
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
