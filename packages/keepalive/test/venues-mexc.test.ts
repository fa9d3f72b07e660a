/**
 * Issue #13 item 1, MEXC spot end to end through openUserDataStream against the simulator, with
 * faults: a dropped stream, a keepalive answered -1125, a lapsed key. The mirror equals the
 * simulator's book afterwards. The MEXC-only parts on the way: the signed POST with
 * X-MEXC-APIKEY, the SUBSCRIPTION sent on every connection, protobuf pushes decoded and typed in
 * the mexc dialect, `{"method":"PING"}` keeping the connection inside MEXC's 60 s data bound.
 * Docs (checked 2026-12-03): https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams
 */
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

// Short steps: MEXC drops a connection after 60 s without data, so the client's 20 s PING must
// reach the simulator between clock steps (a 5 min step would skip past it).
const h = useVenueHarness({ stepMs: 10_000 });

it('mexc: the mirror equals the exchange across a drop, a -1125 keepalive and a lapsed key', async () => {
  const { sim } = h;
  const id = 'mexc';
  const market: Market = { ...SPOT, venue: id, symbols: SPOT.symbols.slice(0, 1) };
  const venue = sim.venue(id);
  const path = '/api/v3/userDataStream';
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
    'X-MEXC-APIKEY',
    path,
    true,
  ]);
  const m = await openMirroredStream(h, {
    venue,
    // MEXC: the client pings ({"method":"PING"}) well inside the server's 60 s data bound.
    heartbeat: { pingIntervalMs: 20_000, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR },
  });
  const { seen, errors } = m;
  expect(sim.record.requestCount('POST', path)).toBe(1);

  const faults = faultSequence(h, m, { market, seed: 13, path });
  await faults.trade(40);
  // Typed in the mexc dialect, every one of the three channels.
  expect([...new Set(seen)].sort()).toEqual(['privateAccount', 'privateDeals', 'privateOrders']);

  // Quiet for 3 minutes: the client's PINGs keep the connection (no reconnect, no gap).
  await faults.quiet(3 * MIN);

  // Fault 1: the socket dies; the reconciliation finds what it missed (the deposit at least).
  const afterDrop = await faults.drop();
  expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

  // Fault 2: the next keepalive is answered -1125; the key is re-created with POST.
  await faults.lostKey();
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 3: the key lapses on the venue (MEXC just closes), a new key, a gap, a reconciliation.
  await faults.expire();
  expect(sim.record.requestCount('POST', path)).toBe(3);
  expect(errors).toEqual([]);

  await closeReleasesAll(h, m.stream);
  expect(sim.record.requestCount('DELETE', path)).toBeGreaterThanOrEqual(1);
});
