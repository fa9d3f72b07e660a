/**
 * Issue #13 item 5, Bitrue spot end to end through openUserDataStream against the simulator.
 * The Bitrue-only parts on the way: the unsigned POST with X-MBX-APIKEY answered in a
 * `{code:200, data}` envelope, PUT/DELETE with the key in the path, a subscription per channel
 * (user_order_update, user_balance_update) on every connection and its acknowledgement taken out,
 * gzip frames, `{"ping"}`/`{"pong"}`, ORDER/BALANCE with numeric enums mapped into the mirror, and
 * -1150 for an unknown key. Faults: a dropped stream, a bad frame, a keepalive refused, a lapsed
 * key; the mirror equals the simulator's book after each.
 * Docs (checked 2026-12-03): https://github.com/Bitrue-exchange/Spot-official-api-docs
 * ("User Data Streams", "Order Update", "balance update"); the live ORDER/BALANCE names and the
 * {ping}/{pong} heartbeat from ccxt's bitrue pro client (https://github.com/ccxt/ccxt, ts/src/pro/bitrue.ts).
 */
import { ErrorCode } from '@userstream/core';
import { expect, it } from 'vitest';
import {
  closeReleasesAll,
  faultSequence,
  HOUR,
  MIN,
  openMirroredStream,
  useVenueHarness,
} from './helpers.js';
import { type Market, SPOT } from './trading.js';

// Steps shorter than the pings (the server's every 30 s, the client's every minute).
const h = useVenueHarness({ jitter: 0, stepMs: 20_000 });
const id = 'bitrue-spot';
const path = '/poseidon/api/v1/listenKey';
/** PUT or DELETE requests on any key's path. */
const keyed = (method: string) =>
  Object.entries(h.sim.record.requests())
    .filter(([k]) => k.startsWith(`${method} ${path}/`))
    .reduce((n, [, c]) => n + c, 0);

it('bitrue-spot: the mirror equals the exchange across a drop, a bad frame, a -1150 keepalive and a lapsed key', async () => {
  const { sim } = h;
  const market: Market = { ...SPOT, venue: id, symbols: SPOT.symbols.slice(0, 1) };
  const venue = sim.venue(id);
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.keepAlive.path]).toEqual([
    'X-MBX-APIKEY',
    path,
    `${path}/{listenKey}`,
  ]);
  const m = await openMirroredStream(h, {
    venue,
    heartbeat: { pingIntervalMs: MIN, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR },
  });
  const { seen, errors } = m;
  expect(sim.record.requestCount('POST', path)).toBe(1);

  const faults = faultSequence(h, m, { market, seed: 13, path, keepAlives: () => keyed('PUT') });
  await faults.trade(40);
  // Typed in the bitrue dialect, both subscribed channels; the acks never reach the user.
  expect([...new Set(seen)].sort()).toEqual(['BALANCE', 'ORDER']);

  // Quiet for 20 minutes: pings both ways keep the connection (no reconnect, no gap).
  await faults.quiet(20 * MIN);

  // Fault 1: the socket dies; the reconciliation finds what it missed (the deposit at least).
  const afterDrop = await faults.drop();
  expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

  // Fault 2: a bad frame is reported (malformed), and the stream and the mirror carry on.
  await faults.malformedFrame({ venue: id });

  // Fault 3: the next keepalive is answered -1150 (Bitrue's unknown key); the key is re-created with POST.
  await faults.lostKey();
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 4: the key lapses on the venue (Bitrue just closes), a new key, a gap, a reconciliation.
  await faults.expire();
  expect(sim.record.requestCount('POST', path)).toBe(3);
  expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
  // The injected bad frame, and nothing else: the subscription acks of every connection were taken out.
  expect(errors.filter((e) => e.code === ErrorCode.MalformedFrame)).toHaveLength(1);
  expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);

  await closeReleasesAll(h, m.stream);
  expect(keyed('DELETE')).toBe(1);
});
