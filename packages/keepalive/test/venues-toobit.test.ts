/**
 * Issue #13 item 4, Toobit spot end to end through openUserDataStream against the simulator.
 * The Toobit-only parts on the way: the signed POST with X-BB-APIKEY, JSON-array frames typed in
 * the toobit dialect, `{"ping"}`/`{"pong"}` keeping the connection inside Toobit's 5 silent
 * minutes, and `listenKeyWillExpire` (pushed every minute in a key's last 5 minutes) renewing the
 * key at once. Faults: a dropped stream, a bad frame, a keepalive answered -1125, a lapsed key; the
 * mirror equals the simulator's book after each.
 * Docs (checked 2026-12-03): https://api-docs.toobit.com/api/spot-websocket-account.html,
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html (listenKeyWillExpire),
 * https://api-docs.toobit.com/api/spot-websocket-market-data.html (heartbeat).
 */
import { ErrorCode } from '@userstream/core';
import { expect, it } from 'vitest';
import {
  closeReleasesAll,
  faultSequence,
  HOUR,
  MIN,
  openMirroredStream,
  openVenueStream,
  until,
  useVenueHarness,
} from './helpers.js';
import { BHEX, type Market } from './trading.js';

// Steps shorter than the client's 1 min ping, so each ping reaches the simulator before the next
// step (Toobit drops a connection silent for 5 minutes). No jitter: the renewal times below are exact.
const h = useVenueHarness({ jitter: 0, stepMs: 20_000 });
const id = 'toobit-spot';
const path = '/api/v1/userDataStream';
const heartbeat = { pingIntervalMs: MIN, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR };

it('toobit-spot: the mirror equals the exchange across a drop, a bad frame, a -1125 keepalive and a lapsed key', async () => {
  const { sim } = h;
  const market: Market = { ...BHEX, venue: id };
  const venue = sim.venue(id);
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
    'X-BB-APIKEY',
    path,
    true,
  ]);
  const m = await openMirroredStream(h, { venue, heartbeat });
  const { seen, errors } = m;
  expect(sim.record.requestCount('POST', path)).toBe(1);

  const faults = faultSequence(h, m, { market, seed: 13, path });
  await faults.trade(40);
  // Typed in the toobit dialect: every array frame's events, the fills' ticketInfo too.
  expect([...new Set(seen)].sort()).toEqual(['executionReport', 'outboundAccountInfo', 'ticketInfo']);

  // Quiet for 10 minutes: the client's {"ping"} keeps the connection (no reconnect, no gap).
  await faults.quiet(10 * MIN);

  // Fault 1: the socket dies; the reconciliation finds what it missed (the deposit at least).
  const afterDrop = await faults.drop();
  expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

  // Fault 2: a bad frame is reported (malformed), and the stream and the mirror carry on.
  await faults.malformedFrame({ venue: id });

  // Fault 3: the next keepalive is answered -1125; the key is re-created with POST.
  await faults.lostKey();
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 4: the key lapses on the venue (Toobit just closes), a new key, a gap, a reconciliation.
  await faults.expire();
  expect(sim.record.requestCount('POST', path)).toBe(3);
  expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
  expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);

  await closeReleasesAll(h, m.stream);
  expect(sim.record.requestCount('DELETE', path)).toBe(1);
});

it('toobit-spot: listenKeyWillExpire renews the key at once (a client on the futures page advice of 60 min keeps its key)', async () => {
  const { sim, clock } = h;
  // Renewing every 60 minutes races the key's 60 min validity; Toobit's notice at 55 min saves it.
  const stream = await openVenueStream(h, {
    venue: sim.venue(id),
    heartbeat,
    lease: { renewIntervalMs: 60 * MIN },
  });
  const notices: number[] = [];
  const renewed: number[] = [];
  stream.on('event', (e) => {
    if (e.e === 'listenKeyWillExpire') notices.push(clock.now());
  });
  stream.lease.on('renewed', (r) => renewed.push(r.at));
  const start = clock.now();
  await until(() => stream.lease.state().status === 'active', 5_000, 'the stream open');
  await h.pass(54 * MIN);
  expect(sim.record.requestCount('PUT', path)).toBe(0);
  await h.pass(2 * MIN);
  // The notice at 55 min: one PUT right then, and no more notices for this key's new hour.
  expect(notices).toEqual([start + 55 * MIN]);
  expect(sim.record.requestCount('PUT', path)).toBe(1);
  expect(renewed[0]! - start).toBeGreaterThanOrEqual(55 * MIN);
  expect(renewed[0]! - start).toBeLessThan(56 * MIN);
  // The key lives on (never re-created): still one POST after two more hours.
  await h.pass(2 * HOUR);
  expect(sim.record.requestCount('POST', path)).toBe(1);
  expect(stream.lease.state().status).toBe('active');
});
