/**
 * Each venue's own expiry notice (issue #13): the simulator sent Binance's `listenKeyExpired`,
 * listenKey and all, on every listenKey stream, whatever the venue documents. Venues whose
 * user-data pages name no expiry push now just close the connection:
 * - BHEX: https://github.com/bhexopen/BHEX-OpenApi/blob/master/doc/user-data-stream.md (payloads
 *   outboundAccountInfo and executionReport only; checked 2026-12-03).
 * - Coins.ph and its sisters: https://coins-docs.github.io/user-data-stream,
 *   https://coins-docs.github.io/xyz/user-data-stream, https://docs.coins.co.th/user-data-stream
 *   (payloads outboundAccountPosition, balanceUpdate, executionReport). The Coins.ph page is not
 *   in our docs store; the list is the one core's coins dialect and venues-coins.ts record.
 * - Aster spot: https://github.com/asterdex/api-docs (V1(Legacy)/EN/aster-finance-spot-api.md and
 *   V3(Recommended)/EN/aster-finance-spot-api-v3.md at 265e024: "Payload: ACCOUNT_UPDATE" and
 *   "Payload: Order Update" only).
 * Binance keeps its documented notice with the key.
 */
import { type VenueId, VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { Client, call, signedQuery } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let account: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'a' }] });
  account = sim.accounts[0] as SimAccount;
});
afterAll(() => sim.close());

async function openKey(venue: VenueId): Promise<{ key: string; stream: Client }> {
  const profile = venues[venue];
  const ep = profile.listenKey?.create;
  if (!ep) throw new Error('no listenKey');
  const q = ep.signed ? signedQuery(account, { timestamp: clock.now() }) : '';
  const r = await call(sim.urls.rest, ep.method, ep.path, {
    query: q,
    headers: { [profile.apiKeyHeader]: account.apiKey },
  });
  expect(r.status).toBe(200);
  const key = (r.body as { listenKey: string }).listenKey;
  const local = sim.venue(venue);
  const stream = await Client.open(
    `${local.streamBaseUrl}${local.listenKey?.streamPath.replace('{listenKey}', key)}`,
  );
  return { key, stream };
}

/** The venue a key is recorded under (the sisters are played as Coins.ph). */
const recordedAs = (venue: VenueId): VenueId => (venue.startsWith('coins-') ? 'coins-ph' : venue);

describe('a lapsed key on a venue that documents no expiry push: the connection just closes', () => {
  for (const venue of ['bhex', 'coins-ph', 'coins-xyz', 'coins-th', 'aster-spot'] as VenueId[]) {
    test(venue, async () => {
      const { key, stream } = await openKey(venue);
      sim.faults.expire({ accountId: account.id, venue: recordedAs(venue) });
      const closed = await stream.waitClose();
      expect(closed.code).toBe(1000);
      expect(stream.frames.join('\n')).not.toContain(key);
      expect(stream.frames).toEqual([]);
    });
  }
});

test('Binance spot (legacy listenKey) keeps its documented notice, key included', async () => {
  // https://developers.binance.com/docs/binance-spot-api-docs/user-data-stream ("listenKeyExpired")
  const { key, stream } = await openKey('binance-spot-legacy');
  sim.faults.expire({ accountId: account.id, venue: 'binance-spot-legacy' });
  await stream.waitClose();
  expect(stream.json()).toEqual([{ e: 'listenKeyExpired', E: expect.any(Number), listenKey: key }]);
});
