/**
 * The partition audits on hand-made records: each flags what it must (two workers renewing one
 * key in one interval, a DELETE from a worker that had lost or handed off the account) and
 * leaves orderly handovers alone, and never prints a raw listenKey.
 */
import { type CredentialRequest, startSimulator } from '@userstream/simulator';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../packages/redis/test/tcp-proxy.js';
import {
  deletesByNonOwners,
  keepaliveOverlaps,
  type OwnershipEvent,
  workerByAddress,
} from '../src/partition-checks.js';

const KEY = 'k'.repeat(64);
const workerOf = workerByAddress(
  new Map([
    ['127.0.0.11', 'worker-0'],
    ['127.0.0.12', 'worker-1'],
  ]),
);
const req = (
  at: number,
  method: string,
  address: string,
  key: string | undefined = KEY,
): CredentialRequest => ({
  at,
  method,
  path: '/fapi/v1/listenKey',
  venue: 'binance-usdm',
  accountId: 'acct-hmac',
  listenKey: key,
  status: 200,
  peer: `${address}:4${at % 1000}`,
});
const own = (at: number, worker: string, type: OwnershipEvent['type']): OwnershipEvent => ({
  at,
  worker,
  account: 'acct-hmac',
  type,
});

describe('keepaliveOverlaps', () => {
  it('flags two workers renewing one key within one interval, with the record lines', () => {
    const found = keepaliveOverlaps(
      [req(0, 'POST', '127.0.0.11'), req(10_000, 'PUT', '127.0.0.11'), req(14_000, 'PUT', '127.0.0.12')],
      workerOf,
      10_000,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(
      'worker-0 and worker-1 renewed it 4000 ms apart (a loop waits 10000 ms or more)',
    );
    expect(found[0]).toContain('14000 PUT 200 acct-hmac key#1 from worker-1 (127.0.0.12:');
    expect(found[0]).not.toContain(KEY);
  });

  it('leaves an orderly handover (an interval or more apart) and one worker retrying alone', () => {
    expect(
      keepaliveOverlaps(
        [
          req(10_000, 'PUT', '127.0.0.11'),
          req(10_200, 'PUT', '127.0.0.11'),
          req(21_000, 'PUT', '127.0.0.12'),
          req(21_500, 'PUT', '127.0.0.12', undefined),
        ],
        workerOf,
        10_000,
      ),
    ).toEqual([]);
  });
});

describe('deletesByNonOwners', () => {
  const history = [
    own(0, 'worker-0', 'acquired'),
    own(5_000, 'worker-0', 'lost'),
    own(7_000, 'worker-1', 'acquired'),
  ];

  it('passes the owner deleting its own key', () => {
    expect(deletesByNonOwners([req(9_000, 'DELETE', '127.0.0.12')], workerOf, history)).toEqual([]);
  });

  it('flags a DELETE after the sender lost the account, after another acquired it, or from an unknown peer', () => {
    const found = deletesByNonOwners(
      [req(6_000, 'DELETE', '127.0.0.11'), req(9_000, 'DELETE', '127.0.0.13')],
      workerOf,
      history,
    );
    expect(found[0]).toMatch(/^DELETE from worker-0, not the owner of acct-hmac \(it had lost it at 5000\)/);
    expect(found[1]).toMatch(/^DELETE from an unknown peer/);
    // A planned move: worker-1 acquired while worker-0 still held its stream; worker-0 must not delete.
    const moved = deletesByNonOwners([req(8_000, 'DELETE', '127.0.0.11')], workerOf, [
      own(0, 'worker-0', 'acquired'),
      own(7_000, 'worker-1', 'acquired'),
    ]);
    expect(moved).toEqual([
      expect.stringMatching(
        /^DELETE from worker-0, no longer the owner of acct-hmac \(worker-1 acquired it at 7000\)/,
      ),
    ]);
    for (const line of [...found, ...moved]) expect(line).not.toContain(KEY);
  });
});

describe('end to end: two clients behind their own proxies, as the partition runs set them up', () => {
  it('the simulator record names each sender, and both audits fire on a second loop and a stray DELETE', async () => {
    const sim = await startSimulator({ accounts: [{ id: 'acct-hmac' }] });
    const port = Number(new URL(sim.urls.rest).port);
    const a = await startTcpProxy({ port, localAddress: '127.0.0.11' });
    const b = await startTcpProxy({ port, localAddress: '127.0.0.12' });
    try {
      const apiKey = sim.accounts[0]?.apiKey as string;
      const send = async (proxy: TcpProxy, method: 'POST' | 'PUT' | 'DELETE') => {
        const res = await request(`http://127.0.0.1:${proxy.port}/fapi/v1/listenKey`, {
          method,
          headers: { 'X-MBX-APIKEY': apiKey },
        });
        await res.body.text();
        return res.statusCode;
      };
      expect(await send(a, 'POST')).toBe(200);
      expect(await send(a, 'PUT')).toBe(200);
      expect(await send(b, 'PUT')).toBe(200);
      expect(await send(b, 'DELETE')).toBe(200);
      const requests = sim.record.credentialRequests();
      expect(requests.map((r) => `${r.method} ${workerOf(r.peer)}`)).toEqual([
        'POST worker-0',
        'PUT worker-0',
        'PUT worker-1',
        'DELETE worker-1',
      ]);
      expect(keepaliveOverlaps(requests, workerOf, 3_600)).toHaveLength(1);
      const history = [own(0, 'worker-0', 'acquired')];
      expect(deletesByNonOwners(requests, workerOf, history)).toEqual([
        expect.stringMatching(/^DELETE from worker-1, not the owner of acct-hmac \(it never acquired it\)/),
      ]);
    } finally {
      await a.stop();
      await b.stop();
      await sim.close();
    }
  });
});
