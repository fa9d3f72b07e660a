/**
 * Issue #13 item 4, Toobit USDT-M perpetual futures end to end through openUserDataStream against
 * the simulator. The Toobit-only parts on the way: the signed POST /api/v1/listenKey with
 * X-BB-APIKEY, JSON-array frames typed in the toobit dialect (contractExecutionReport, ticketInfo,
 * outboundContractAccountInfo, outboundContractPositionInfo per side), `{"ping"}`/`{"pong"}`
 * inside Toobit's 5 silent minutes, BTC-SWAP-USDT symbols, and the reconciliations reading
 * Toobit's balance, open-order and position endpoints. Faults: a dropped stream that loses a fill,
 * a bad frame, a keepalive answered -1125, a lapsed key; the mirror's balances, open orders and
 * positions equal the simulator's (as Toobit's doors answer them) after each.
 * Docs (checked 2026-12-03): https://api-docs.toobit.com/api/usdt-m-websocket-account.html (keys,
 * stream, pushes), https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (REST: balance,
 * openOrders, positions; api-docs.toobit.com's REST pages for USDT-M are not in the search store),
 * https://api-docs.toobit.com/api/spot-websocket-market-data.html (heartbeat).
 */
import { ErrorCode, normalizeDecimal, normalizeRestPosition } from '@userstream/core';
import { venueRestBodies } from '@userstream/simulator';
import { expect, it } from 'vitest';
import type { AccountMirror } from '../src/index.js';
import {
  closeReleasesAll,
  faultSequence,
  HOUR,
  MIN,
  openMirroredStream,
  until,
  useVenueHarness,
} from './helpers.js';
import { FUTURES, type Market } from './trading.js';

// Steps shorter than the client's 1 min ping (Toobit drops a connection silent for 5 minutes).
const h = useVenueHarness({ stepMs: 20_000 });
const id = 'toobit-usdm';
const path = '/api/v1/listenKey';
const heartbeat = { pingIntervalMs: MIN, pongTimeoutMs: 10 * MIN, inactivityTimeoutMs: 6 * HOUR };

/** The simulator's open positions as Toobit's GET /api/v1/futures/positions answers them. */
function exchangePositions(accountId: string) {
  return venueRestBodies(h.sim.exchange, accountId, id, 'positions')
    .map((p) => normalizeRestPosition(p))
    .map((p) => [
      p.symbol,
      p.positionSide,
      normalizeDecimal(p.positionAmount),
      normalizeDecimal(p.entryPrice),
    ])
    .sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

const mirrorPositions = (mirror: AccountMirror) =>
  mirror.positions().map((p) => [p.symbol, p.positionSide, p.positionAmount, p.entryPrice]);

async function positionsConverged(mirror: AccountMirror, accountId: string): Promise<void> {
  const same = () =>
    mirror.phase === 'live' &&
    JSON.stringify(mirrorPositions(mirror)) === JSON.stringify(exchangePositions(accountId));
  // A bound on waiting, not a speed claim.
  await until(same, 15_000, 'the mirror positions to equal the simulator').catch(() => {});
  expect(mirrorPositions(mirror)).toEqual(exchangePositions(accountId));
}

it('toobit-usdm: balances, open orders and positions equal the exchange across a drop, a bad frame, a -1125 keepalive and a lapsed key', async () => {
  const { sim } = h;
  // The trader places the book's orders (BTCUSDT); Toobit's doors show them as BTC-SWAP-USDT.
  const market: Market = { ...FUTURES, venue: id };
  const venue = sim.venue(id);
  expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
    'X-BB-APIKEY',
    path,
    true,
  ]);
  const m = await openMirroredStream(h, { venue, heartbeat });
  const { seen, errors } = m;
  expect(sim.record.requestCount('POST', path)).toBe(1);

  const faults = faultSequence(h, m, { market, seed: 31, path });
  const accountId = faults.accountId;
  sim.exchange.deposit(accountId, id, 'USDT', '100000');
  await faults.trade(40);
  await positionsConverged(m.mirror, accountId);
  // Typed in the toobit dialect: the contract pushes, the fills' ticketInfo too.
  expect([...new Set(seen)].sort()).toEqual([
    'contractExecutionReport',
    'outboundContractAccountInfo',
    'outboundContractPositionInfo',
    'ticketInfo',
  ]);
  expect(m.mirror.openOrders.every((o) => o.symbol === 'BTC-SWAP-USDT')).toBe(true);

  // Quiet for 10 minutes: the client's {"ping"} keeps the connection (no reconnect, no gap).
  await faults.quiet(10 * MIN);

  // Fault 1: the socket dies while a market order moves the position (lost to the stream): the
  // reconciliation reads Toobit's position endpoint and finds it.
  const before = exchangePositions(accountId);
  const afterDrop = await faults.drop({
    whileDown: () =>
      void sim.exchange.placeOrder(accountId, id, {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.050',
      }),
  });
  expect(exchangePositions(accountId)).not.toEqual(before);
  expect(afterDrop.some((d) => d.kind === 'position')).toBe(true);
  expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === 'USDT')).toBe(true);
  await positionsConverged(m.mirror, accountId);
  expect(m.mirror.positions().length).toBeGreaterThan(0);
  expect(sim.record.requestCount('GET', '/api/v1/futures/positions')).toBeGreaterThanOrEqual(2);

  // Fault 2: a bad frame is reported (malformed), and the stream and the mirror carry on.
  await faults.malformedFrame({ venue: id });
  await positionsConverged(m.mirror, accountId);

  // Fault 3: the next keepalive is answered -1125; the key is re-created with POST.
  await faults.lostKey();
  expect(sim.record.requestCount('POST', path)).toBe(2);

  // Fault 4: the key lapses on the venue (Toobit just closes), a new key, a gap, a reconciliation.
  await faults.expire();
  expect(sim.record.requestCount('POST', path)).toBe(3);
  await positionsConverged(m.mirror, accountId);
  expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
  expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);

  await closeReleasesAll(h, m.stream);
  expect(sim.record.requestCount('DELETE', path)).toBe(1);
});
