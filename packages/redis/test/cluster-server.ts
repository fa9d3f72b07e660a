/**
 * Starts a real Redis Cluster for a test: three masters and three replicas
 * (`redis-server --cluster-enabled yes` ×6 on free loopback ports, then
 * `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`), no persistence, a short
 * node timeout so that a failover takes about a second. `stop()` stops every node and removes
 * the temp directory.
 *
 * Heavy (six processes): the suites using it run only when USERSTREAM_CLUSTER_TESTS=1, which CI
 * sets for its one Node 20 run (.ci/run).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';

const SERVER = process.env.REDIS_SERVER ?? 'redis-server';
/** redis-cli beside the configured redis-server, else the one on PATH. */
const CLI =
  process.env.REDIS_CLI ??
  (process.env.REDIS_SERVER ? join(dirname(process.env.REDIS_SERVER), 'redis-cli') : 'redis-cli');

export const CLUSTER_TESTS = process.env.USERSTREAM_CLUSTER_TESTS === '1';

export interface ClusterNode {
  readonly port: number;
  /** A plain client of this node (closed by `stop()`). */
  client(): Redis;
  /** SIGKILLs the node (a crashed master: its replica is promoted after the node timeout). */
  kill(): Promise<void>;
}

export interface TestRedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** A new cluster client (closed by `stop()`). */
  client(): Cluster;
  /** The node currently serving `key`'s slot as master, and one of its replicas. */
  roles(key: string): Promise<{ master: ClusterNode; replica: ClusterNode }>;
  /**
   * `CLUSTER FAILOVER` on a replica of `key`'s master (the planned, lossless kind: the replica
   * catches up, then takes over) and waits until every node agrees on the new master.
   */
  failover(key: string): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await listenFree(0);
    if (port + 10_000 < 65_536 && (await listenFree(port + 10_000).catch(() => 0)) !== 0) return port;
  }
}

async function listenFree(port: number): Promise<number> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  const address = server.address();
  const got = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return got;
}

async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`cluster: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-cluster-'));
  const procs = new Map<number, ChildProcess>();
  const plain = new Set<Redis>();
  const clusters = new Set<Cluster>();
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) {
    let port = await freePort();
    while (ports.includes(port)) port = await freePort();
    ports.push(port);
  }

  const connect = (port: number): Redis => {
    const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    r.on('error', () => {});
    plain.add(r);
    return r;
  };

  const spawnNode = (port: number): void => {
    const proc = spawn(
      SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        // Short: a dead master is replaced after about a second.
        '--cluster-node-timeout',
        '1000',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    procs.set(port, proc);
  };
  for (const port of ports) spawnNode(port);
  const probes = ports.map(connect);
  // A node that exited before answering lost its port (or bus port) to another process between
  // freePort() and its bind (tests in parallel take ports too: the CI's Node 20 run timed out
  // here once): it starts again on a new port. 30 s: six processes on a loaded runner.
  await until(
    async () => {
      for (let i = 0; i < ports.length; i++) {
        const old = ports[i]!;
        if (procs.get(old)?.exitCode === null) continue;
        procs.delete(old);
        probes[i]!.disconnect();
        plain.delete(probes[i]!);
        let port = await freePort();
        while (ports.includes(port)) port = await freePort();
        ports[i] = port;
        spawnNode(port);
        probes[i] = connect(port);
      }
      return (await Promise.all(probes.map((p) => p.ping()))).every((r) => r === 'PONG');
    },
    30_000,
    'nodes to start',
  );
  await promisify(execFile)(CLI, [
    '--cluster',
    'create',
    ...ports.map((p) => `127.0.0.1:${p}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  await until(
    async () =>
      (await Promise.all(probes.map((p) => p.cluster('INFO')))).every((info) =>
        String(info).includes('cluster_state:ok'),
      ),
    20_000,
    'cluster_state:ok on every node',
  );
  // …and every slot range served by a master and a replica that finished its first sync.
  await until(
    async () => {
      const ranges = (await probes[0]!.cluster('SLOTS')) as unknown[][];
      if (ranges.length !== 3 || ranges.some((r) => r.length < 4)) return false;
      const links = await Promise.all(probes.map((p) => p.info('replication')));
      return links.filter((l) => l.includes('master_link_status:up')).length === 3;
    },
    20_000,
    'three masters with a synced replica each',
  );

  const nodes: ClusterNode[] = ports.map((port, i) => ({
    port,
    client: () => connect(port),
    async kill() {
      const proc = procs.get(port);
      if (!proc || proc.exitCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGKILL');
      await exited;
      probes[i]!.disconnect();
    },
  }));
  const nodeAt = (port: number) => nodes.find((n) => n.port === port)!;
  const alive = () => probes.filter((_, i) => procs.get(ports[i]!)?.exitCode === null);

  /** [master port, replica ports] serving `key`'s slot, as the first live node sees it. */
  const slotOwners = async (key: string, probe = alive()[0]!): Promise<number[]> => {
    const slot = Number(await probe.cluster('KEYSLOT', key));
    const ranges = await probe.cluster('SLOTS');
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`cluster: no node serves slot ${slot}`);
    const [, , ...servers] = range;
    return servers.map((n) => Number(n[1]));
  };

  return {
    nodes,
    client() {
      const c = new Cluster([{ host: '127.0.0.1', port: ports[0]! }], {
        // Follow a failover quickly; commands during one wait in the offline queue.
        clusterRetryStrategy: () => 100,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        redisOptions: { maxRetriesPerRequest: 3 },
      });
      c.on('error', () => {});
      clusters.add(c);
      return c;
    },
    async roles(key) {
      const [master, replica] = await slotOwners(key);
      return { master: nodeAt(master!), replica: nodeAt(replica!) };
    },
    async failover(key) {
      const [from, to] = await slotOwners(key);
      await probes[ports.indexOf(to!)]!.cluster('FAILOVER');
      await until(
        async () => {
          for (const p of alive()) {
            const [master] = await slotOwners(key, p);
            if (master !== to) return false;
            if (!String(await p.cluster('INFO')).includes('cluster_state:ok')) return false;
          }
          return true;
        },
        20_000,
        `the replica on ${to} to take over ${key}'s slot`,
      );
      return { from: from!, to: to! };
    },
    async stop() {
      for (const c of clusters) c.disconnect();
      for (const r of plain) r.disconnect();
      await Promise.all(
        [...procs.values()].map(async (proc) => {
          if (proc.exitCode !== null) return;
          const exited = once(proc, 'exit');
          proc.kill('SIGKILL');
          await exited;
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
