import { VirtualClock } from '@userstream/core';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../test/helpers.js';
import { startRedisServer, type TestRedisServer } from '../test/redis-server.js';
import { createMembership, listMembers, type Membership, type MembershipChange } from './membership.js';
import { rendezvousAssign } from './rendezvous.js';

let server: TestRedisServer;
let redis: Redis;
let clock: VirtualClock;
const started: Membership[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = server.client();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await redis.flushall();
  clock = new VirtualClock();
});
afterEach(async () => {
  for (const m of started.splice(0)) await m.close({ leave: false });
});

async function join(id: string): Promise<Membership> {
  const m = createMembership({ redis: server.client(), workerId: id, clock, heartbeatMs: 1000, ttlMs: 3000 });
  started.push(m);
  await m.start();
  return m;
}

/** Advances protocol time one heartbeat at a time, letting each heartbeat's Redis round trip finish. */
async function beats(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await clock.advance(1000);
    await Promise.all(started.map((m) => m.settled()));
  }
}

const accounts = Array.from({ length: 2_000 }, (_, i) => `acct-${i}`);

function owners(members: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [w, ks] of rendezvousAssign(accounts, members)) for (const k of ks) out.set(k, w);
  return out;
}

describe('membership', () => {
  it('lists live workers, tells when the set changes, and forgets a dead worker after its TTL', async () => {
    const a = await join('worker-a');
    const changes: MembershipChange[] = [];
    a.on('change', (c) => changes.push(c));
    await join('worker-b');
    await join('worker-c');
    await beats(1);
    expect(a.members).toEqual(['worker-a', 'worker-b', 'worker-c']);
    expect(changes.at(-1)).toMatchObject({ joined: ['worker-b', 'worker-c'], left: [] });
    expect(await listMembers({ redis, clock })).toEqual(['worker-a', 'worker-b', 'worker-c']);

    // worker-c dies without leaving: gone once its heartbeat lapses (3 s), not before.
    const c = started.pop()!;
    await c.close({ leave: false });
    await beats(2);
    expect(a.members).toContain('worker-c');
    await beats(2);
    expect(a.members).toEqual(['worker-a', 'worker-b']);
    expect(changes.at(-1)).toMatchObject({ joined: [], left: ['worker-c'] });

    // A graceful leave is seen at the next heartbeat.
    const b = started.pop()!;
    await b.close();
    await beats(1);
    expect(a.members).toEqual(['worker-a']);
  });

  it('membership-driven assignment: one worker of 4 leaving moves about 1/4 of the accounts, a join about 1/5, none dropped', async () => {
    const ms = [await join('w1'), await join('w2'), await join('w3'), await join('w4')];
    await beats(1);
    const before = owners(ms[0]!.members);
    expect(new Set(before.values()).size).toBe(4);
    await ms[3]!.close();
    started.splice(started.indexOf(ms[3]!), 1);
    await beats(1);
    const after = owners(ms[0]!.members);
    let moved = 0;
    for (const acct of accounts) {
      expect(after.get(acct)).toBeDefined();
      if (after.get(acct) !== before.get(acct)) {
        expect(before.get(acct)).toBe('w4');
        moved++;
      }
    }
    expect(moved / accounts.length).toBeGreaterThan(0.2);
    expect(moved / accounts.length).toBeLessThan(0.3);

    await join('w5');
    await beats(1);
    const joined = owners(ms[0]!.members);
    let movedOnJoin = 0;
    for (const acct of accounts) if (joined.get(acct) !== after.get(acct)) movedOnJoin++;
    expect(movedOnJoin / accounts.length).toBeGreaterThan(0.15);
    expect(movedOnJoin / accounts.length).toBeLessThan(0.25);
  });

  it('says when Redis is unavailable and back, and notices it was forgotten after an empty restart', async () => {
    const a = await join('worker-a');
    const seen: string[] = [];
    a.on('unavailable', (e) => seen.push(`unavailable ${e.code}`));
    a.on('available', () => seen.push('available'));
    a.on('rejoined', () => seen.push('rejoined'));
    await server.stopServer();
    await beats(1);
    await until(() => seen.length > 0, 5000, 'unavailable');
    expect(a.healthy).toBe(false);
    expect(a.members).toEqual(['worker-a']); // the last list seen
    await expect(a.heartbeat()).rejects.toMatchObject({ code: 'USERSTREAM_REDIS_UNAVAILABLE' });
    await server.startServer();
    await until(
      async () => {
        await beats(1);
        return a.healthy;
      },
      10_000,
      'healthy again',
    );
    expect(seen).toEqual(['unavailable USERSTREAM_REDIS_UNAVAILABLE', 'available', 'rejoined']);
  });

  it('checks its options', () => {
    expect(() => createMembership({ redis, workerId: 'bad id' })).toThrow(/workerId must be/);
    expect(() => createMembership({ redis, workerId: 'w', heartbeatMs: 3000, ttlMs: 1000 })).toThrow(
      /heartbeatMs < ttlMs/,
    );
  });
});
