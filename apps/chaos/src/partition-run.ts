import type { Socket } from 'node:net';
import { connect as tcpConnect } from 'node:net';
import { withBaseUrls } from '@userstream/core';
import { DEFAULT_JITTER } from '@userstream/keepalive';
import { Redis } from 'ioredis';
import { Agent } from 'undici';
// The proxy the redis partition tests use (one implementation, imported, not copied).
import { startTcpProxy, type TcpProxy } from '../../../packages/redis/test/tcp-proxy.js';
import { type FleetHooks, runFleet } from './fleet-run.js';
import type { RunReport } from './in-process.js';
import {
  deletesByNonOwners,
  describeRequest,
  keepaliveOverlaps,
  keyLabels,
  type OwnershipEvent,
  workerByAddress,
} from './partition-checks.js';
import type { Plan } from './plan.js';

/** Request fields whose values are secrets, in a query or form (the proxy's tap reads raw bytes). */
const QUERY_SECRETS = /(?:^|[?&\s])(signature|listenKey)=([^&\s]+)/g;
const BODY_SECRETS = /"(listenKey|token|listenToken)"\s*:\s*"([^"]+)"/g;

/** The partition runs' listenKey keepalive interval (protocol ms). */
const RENEW_INTERVAL_MS = 4_000;

interface Links {
  /** The loopback address the simulator sees this worker connect from. */
  address: string;
  redis: TcpProxy;
  venue: TcpProxy;
  agent: Agent;
  /** Latest step applied per link: a heal due for an older step leaves a newer one alone. */
  latest: { redis: number; venue: number };
}

/**
 * A fleet run with random partitions (issue 15 item 8): every worker reaches Redis and the
 * simulator (REST and streams) through TCP proxies of its own, the upstream side of its
 * simulator proxy bound to its own loopback address (127.0.0.11, .12, …), so the simulator's
 * record of listenKey requests names the worker that sent each one. The plan's partition
 * schedule cuts, blackholes and delays those links (overlapping the simulator's faults and the
 * kill), then heals them all before the fleet settles. Checked on top of the fleet run's audits
 * (each account's events in Redis once or inside a gap marker's window, mirrors, secrets,
 * clean close): from the simulator's record, no two workers renewed one listenKey within one
 * renewal interval, and no `DELETE` came from a worker that was not the account's owner then
 * (owner history from the workers' acquired/released/lost events).
 */
export function runPartition(plan: Plan): Promise<RunReport> {
  return runFleet(plan, ({ sim, redisUrl, canaries, now }) => {
    const links = new Map<string, Links>();
    const addresses = new Map<string, string>();
    const history: OwnershipEvent[] = [];
    const applied: string[] = [];
    const timers = new Set<NodeJS.Timeout>();
    const redisPort = Number(new URL(redisUrl).port);
    const simPort = Number(new URL(sim.urls.rest).port);
    let step = 0;

    const readSecrets = (direction: 'toUpstream' | 'toClient', chunk: Buffer) => {
      const text = chunk.toString('latin1');
      const pattern = direction === 'toUpstream' ? QUERY_SECRETS : BODY_SECRETS;
      for (const m of text.matchAll(pattern)) {
        let value = m[2] as string;
        try {
          value = decodeURIComponent(value);
        } catch {
          // not percent-encoded
        }
        canaries.add(m[1] as string, value);
      }
    };

    const hooks: FleetHooks = {
      // Once healed, a worker that could not prove its ownership finds out within its ownership
      // TTL (5 s of protocol time) and another claims the stream within a reconcile (1 s) more.
      // Keepalives every 4 s of protocol time (1 s real): several per owner and run, so two
      // loops on one key would show.
      renewIntervalMs: RENEW_INTERVAL_MS,
      settleHoldMs: Math.ceil((5_000 + 1_000) / plan.speed) + 500,
      async links(id, accounts) {
        const address = `127.0.0.${11 + links.size}`;
        const redis = await startTcpProxy({ port: redisPort });
        const venue = await startTcpProxy({ port: simPort, localAddress: address });
        venue.tap(readSecrets);
        // REST keeps the simulator's origin (the lease key names it: every worker must name the
        // same one), while its sockets go through this worker's proxy.
        const agent = new Agent({
          connect: (_options, callback) => {
            let done = false;
            const socket: Socket = tcpConnect({ port: venue.port, host: venue.host, noDelay: true });
            socket.once('connect', () => {
              if (!done) callback(null, socket);
              done = true;
            });
            socket.once('error', (error) => {
              if (!done) callback(error, null);
              done = true;
            });
          },
        });
        links.set(id, { address, redis, venue, agent, latest: { redis: -1, venue: -1 } });
        addresses.set(address, id);
        const client = new Redis({
          port: redis.port,
          host: redis.host,
          maxRetriesPerRequest: 1,
          retryStrategy: () => 50,
        });
        client.on('error', () => {});
        return {
          redis: client,
          accounts: accounts.map((a) => {
            const profile = sim.venue((a.venue as { id: Parameters<typeof sim.venue>[0] }).id);
            const stream = profile.streamBaseUrl ? new URL(profile.streamBaseUrl) : undefined;
            if (stream) stream.port = String(venue.port);
            return {
              ...a,
              venue: withBaseUrls(profile, {
                rest: sim.urls.rest,
                ...(stream ? { stream: stream.toString().replace(/\/$/, '') } : {}),
              }),
            };
          }),
          rest: { dispatcher: agent },
        };
      },
      onWorker(id, worker) {
        for (const type of ['acquired', 'released', 'lost'] as const) {
          worker.on(type, ({ account, at }: { account: string; at: number }) =>
            history.push({ at, worker: id, account, type }),
          );
        }
      },
      start(live) {
        for (const p of plan.partitions ?? []) {
          const at = setTimeout(() => {
            timers.delete(at);
            const ids = live();
            const id = ids[p.worker % ids.length];
            const link = id === undefined ? undefined : links.get(id);
            if (!id || !link) return;
            const proxy = link[p.link];
            const n = step++;
            link.latest[p.link] = n;
            if (p.action === 'cut') proxy.cut();
            else if (p.action === 'blackhole') proxy.blackhole();
            else proxy.delay(p.delayMs ?? 0);
            applied.push(`${now()} ${id} ${p.link} ${p.action} for ${p.forMs} ms`);
            const heal = setTimeout(() => {
              timers.delete(heal);
              if (link.latest[p.link] !== n) return;
              proxy.heal();
              applied.push(`${now()} ${id} ${p.link} healed`);
            }, p.forMs);
            timers.add(heal);
          }, p.atMs);
          timers.add(at);
        }
      },
      stop() {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const link of links.values()) {
          link.redis.heal();
          link.venue.heal();
        }
      },
      audit() {
        const requests = sim.record.credentialRequests();
        for (const r of requests) canaries.add('listenKey', r.listenKey);
        const workerOf = workerByAddress(addresses);
        return [
          // A lease's PUTs come every interval less up to the scheduler's jitter.
          ...keepaliveOverlaps(requests, workerOf, RENEW_INTERVAL_MS * (1 - DEFAULT_JITTER)),
          ...deletesByNonOwners(requests, workerOf, history),
        ];
      },
      async close() {
        for (const t of timers) clearTimeout(t);
        for (const link of links.values()) {
          await link.agent.destroy().catch(() => {});
          await link.redis.stop();
          await link.venue.stop();
        }
      },
      artifacts() {
        const requests = sim.record.credentialRequests();
        const label = keyLabels(requests);
        const workerOf = workerByAddress(addresses);
        return {
          'credential-requests.log': requests.map((r) => describeRequest(r, label, workerOf)).join('\n'),
          'ownership.log': history.map((h) => `${h.at} ${h.worker} ${h.type} ${h.account}`).join('\n'),
          'partitions.log': applied.join('\n'),
        };
      },
      figures() {
        const requests = sim.record.credentialRequests();
        const count = (method: string) => requests.filter((r) => r.method === method).length;
        return {
          partitions: applied.filter((a) => !a.endsWith('healed')).length,
          credentialRequests: { POST: count('POST'), PUT: count('PUT'), DELETE: count('DELETE') },
          ownershipEvents: history.length,
        };
      },
    };
    return hooks;
  });
}
