/**
 * `sim.record.credentialRequests()`: every listenKey request (POST/PUT/DELETE) with its clock
 * time, method, key, outcome and TCP peer, so a test can tell which client (reaching the
 * simulator from its own address, e.g. through its own proxy) renewed or deleted which key. The
 * peer is the socket's, never a header: real clients send none that names them.
 *
 * listenKey lifecycle (POST returns the account's active key, PUT extends it, DELETE closes it;
 * USD-M's PUT and DELETE name no key): https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 * (the USD-M REST page for /fapi/v1/listenKey is not in the search store; path from DESIGN.md).
 */
import { request as httpRequest } from 'node:http';
import { VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { call } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 2, 1));
let sim: Simulator;
let alice: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'alice' }] });
  alice = sim.accounts[0] as SimAccount;
});
afterAll(() => sim.close());

const PATH = venues['binance-usdm'].listenKey?.create.path as string;
const headers = () => ({ 'X-MBX-APIKEY': alice.apiKey });

/** A request from a chosen loopback source address, as a worker behind its own proxy sends it. */
function from(localAddress: string, method: 'PUT' | 'DELETE'): Promise<number> {
  const url = new URL(PATH, sim.urls.rest);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method, localAddress, headers: headers() },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('records every listenKey request: time, method, key, outcome and the TCP peer', async () => {
  sim.record.clear();
  const created = await call(sim.urls.rest, 'POST', PATH, { headers: headers() });
  const key = (created.body as { listenKey: string }).listenKey;
  await clock.advance(1_000);
  expect(await from('127.0.0.21', 'PUT')).toBe(200);
  await clock.advance(1_000);
  expect(await from('127.0.0.22', 'DELETE')).toBe(200);
  // The key is gone: a PUT now fails with -1125, recorded with its outcome and no key.
  expect(await from('127.0.0.21', 'PUT')).toBe(400);

  const log = sim.record.credentialRequests();
  expect(log.map(({ peer, ...r }) => ({ ...r, peer: peer.replace(/:\d+$/, ':*') }))).toEqual([
    {
      at: Date.UTC(2026, 2, 1),
      method: 'POST',
      path: PATH,
      venue: 'binance-usdm',
      accountId: 'alice',
      listenKey: key,
      status: 200,
      peer: '127.0.0.1:*',
    },
    {
      at: Date.UTC(2026, 2, 1) + 1_000,
      method: 'PUT',
      path: PATH,
      venue: 'binance-usdm',
      accountId: 'alice',
      listenKey: key,
      status: 200,
      peer: '127.0.0.21:*',
    },
    {
      at: Date.UTC(2026, 2, 1) + 2_000,
      method: 'DELETE',
      path: PATH,
      venue: 'binance-usdm',
      accountId: 'alice',
      listenKey: key,
      status: 200,
      peer: '127.0.0.22:*',
    },
    {
      at: Date.UTC(2026, 2, 1) + 2_000,
      method: 'PUT',
      path: PATH,
      venue: 'binance-usdm',
      accountId: 'alice',
      listenKey: undefined,
      status: 400,
      code: -1125,
      peer: '127.0.0.21:*',
    },
  ]);
  // Each peer is a real port: two sockets of one address are told apart too.
  for (const r of log) expect(r.peer).toMatch(/^127\.0\.0\.\d+:\d+$/);
  sim.record.clear();
  expect(sim.record.credentialRequests()).toEqual([]);
});

test('a refused request is recorded too (no key named, rejected API key)', async () => {
  sim.record.clear();
  const refused = await call(sim.urls.rest, 'PUT', PATH, { headers: { 'X-MBX-APIKEY': 'nobody' } });
  expect(refused.status).toBe(401);
  expect(sim.record.credentialRequests()).toMatchObject([
    { method: 'PUT', accountId: undefined, listenKey: undefined, status: 401 },
  ]);
});

test('the record is in-process only: the admin state does not serve it', async () => {
  sim.record.clear();
  const created = await call(sim.urls.rest, 'POST', PATH, { headers: headers() });
  const key = (created.body as { listenKey: string }).listenKey;
  expect(sim.record.credentialRequests()).toHaveLength(1);
  const state = await call(sim.urls.rest, 'GET', '/admin/state');
  expect(state.status).toBe(200);
  expect(state.text).not.toContain(key);
});
