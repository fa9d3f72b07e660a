// What the benchmarks in this folder share: output helpers, a real redis-server on a free port,
// the simulator in a child process (bench/sim-child.mjs), and fleet workers in child processes
// (bench/worker-child.mjs) that can be killed with SIGKILL, as a crash leaves them.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const print = (line) => process.stdout.write(`${line}\n`);
export const fmt = (n, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const secs = (ms) => `${fmt(ms / 1000, 1)} s`;

export async function freePort() {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

/** Polls `predicate` every 20 ms of real time (a benchmark runs in real time). */
export async function until(predicate, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A throwaway redis-server (no persistence) on a free port. */
export async function startRedis(name) {
  const dir = mkdtempSync(join(tmpdir(), `userstream-${name}-bench-`));
  const port = await freePort();
  const server = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
  admin.on('error', () => {});
  await until(() => admin.status === 'ready', 10_000, 'redis-server');
  const clients = [];
  return {
    port,
    pid: server.pid,
    admin,
    /** A new client (disconnected by stop()). */
    client() {
      const redis = new Redis({ port, host: '127.0.0.1' });
      redis.on('error', () => {});
      clients.push(redis);
      return redis;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      admin.disconnect();
      server.kill('SIGTERM');
      await once(server, 'exit');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The simulator in its own process (its CPU is not the fleet's) with `n` accounts; `venueOf(i)`
 * picks each account's venue among `venues`. Resolves the fleet's account list.
 */
export async function startSim({ n, venues, venueOf = (i) => venues[i % venues.length] }) {
  const sim = fork(fileURLToPath(new URL('./sim-child.mjs', import.meta.url)), [
    JSON.stringify({ n, venues }),
  ]);
  const [ready] = await once(sim, 'message');
  return {
    pid: sim.pid,
    venues: ready.venues,
    accounts: ready.accounts.map((a, i) => ({
      id: a.id,
      venue: ready.venues[venueOf(i)],
      credentials: { apiKey: a.apiKey, secret: a.secret },
    })),
    /** Sends `count` events to each target from the simulator; resolves { sent, ms }. */
    async burst(targets, count) {
      sim.send({ type: 'burst', targets, count });
      const [result] = await once(sim, 'message');
      return result;
    },
    async close() {
      sim.send({ type: 'close' });
      await once(sim, 'exit');
    },
  };
}

/**
 * A fleet worker in a child process (bench/worker-child.mjs), so that killing it (SIGKILL) leaves
 * exactly what a crash leaves: no close, no release, its sockets reset by the kernel. `options`
 * are createFleetWorker's (JSON: no clients or functions), `redis` the port to connect to.
 */
export async function startWorkerChild({ port, workerId, accounts, options }) {
  const child = fork(fileURLToPath(new URL('./worker-child.mjs', import.meta.url)), [], {
    serialization: 'advanced',
  });
  let stats = { owned: 0, opening: 0 };
  const replies = [];
  child.on('message', (m) => {
    if (m.type === 'stats') stats = m.stats;
    else if (m.type === 'owned') replies.shift()?.(m.owned);
  });
  // A child that dies by itself (a failed import, a crash) would leave the benchmark waiting.
  let ending = false;
  child.on('exit', (code, signal) => {
    if (ending) return;
    process.stderr.write(`bench: worker ${workerId} exited by itself (code ${code}, signal ${signal})\n`);
    process.exit(1);
  });
  child.send({ type: 'start', port, workerId, accounts, options });
  return {
    pid: child.pid,
    get stats() {
      return stats;
    },
    /** The accounts whose streams it owns right now. */
    owned() {
      return new Promise((resolve) => {
        replies.push(resolve);
        child.send({ type: 'owned' });
      });
    },
    /** kill -9. */
    async kill() {
      ending = true;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      ending = true;
      child.send({ type: 'close' });
      await once(child, 'exit');
    },
  };
}
