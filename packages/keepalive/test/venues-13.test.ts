/**
 * Issue #13 venues end to end through openUserDataStream against the simulator, with faults: a
 * dropped stream, a keepalive answered -1125, a lapsed key. The mirror equals the simulator's
 * book afterwards.
 * coins.xyz and Coins TH (item 6), Coins.ph's protocol on their own hosts:
 *   https://coins-docs.github.io/xyz/user-data-stream (checked 2026-12-03)
 *   https://docs.coins.co.th/user-data-stream (checked 2026-12-03)
 * Aster futures and spot (item 2), v1 listenKeys with the API key only (X-MBX-APIKEY):
 *   https://github.com/asterdex/api-docs V1(Legacy)/EN/aster-finance-futures-api.md and
 *   …/aster-finance-spot-api.md (commit 265e024, checked 2026-12-03)
 */
import { describe, expect, it } from 'vitest';
import { closeReleasesAll, faultSequence, openMirroredStream, useVenueHarness } from './helpers.js';
import { COINS, FUTURES, type Market, SPOT } from './trading.js';

const h = useVenueHarness();

/** Per venue: the market traded, the documented header and path, and what the stream carries. */
const CASES = [
  {
    id: 'coins-xyz',
    base: COINS,
    header: 'X-COINS-APIKEY',
    path: '/openapi/v1/userDataStream',
    signed: true,
    types: ['executionReport', 'outboundAccountPosition'],
    // Coins' pages document no listenKeyExpired: a lapse just closes the socket, and no event
    // arrives untyped (the simulator used to send Binance's notice, key included).
    untyped: [],
  },
  {
    id: 'coins-th',
    base: COINS,
    header: 'X-COINS-APIKEY',
    path: '/openapi/v1/userDataStream',
    signed: true,
    types: ['executionReport', 'outboundAccountPosition'],
    untyped: [],
  },
  {
    id: 'aster-futures',
    base: FUTURES,
    header: 'X-MBX-APIKEY',
    path: '/fapi/v1/listenKey',
    signed: false,
    types: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired'],
    untyped: [],
  },
  {
    id: 'aster-spot',
    base: { ...SPOT, symbols: SPOT.symbols.slice(0, 1) },
    header: 'X-MBX-APIKEY',
    path: '/api/v1/listenKey',
    signed: false,
    types: ['executionReport', 'outboundAccountPosition'],
    // Aster's spot page documents no listenKeyExpired: a lapse just closes the socket.
    untyped: [],
  },
] as const;

describe.each(CASES)('$id through openUserDataStream', (c) => {
  it('keeps the mirror equal to the exchange across a drop, a -1125 keepalive and a lapsed key', async () => {
    const { sim } = h;
    const id = c.id;
    const market: Market = { ...c.base, venue: id };
    const venue = sim.venue(id);
    expect(venue.apiKeyHeader).toBe(c.header);
    const path = venue.listenKey!.create.path;
    expect(path).toBe(c.path);
    expect(venue.listenKey!.create.signed).toBe(c.signed);
    const m = await openMirroredStream(h, { venue });
    const { seen } = m;
    // The signed create (HMAC over timestamp) reached the venue's path once.
    expect(sim.record.requestCount('POST', path)).toBe(1);

    const faults = faultSequence(h, m, { market, seed: 13, path });
    await faults.trade(40);
    // Typed in the venue's dialect.
    for (const type of c.types.filter((t) => t !== 'listenKeyExpired')) expect(seen).toContain(type);

    // Fault 1: the socket dies; the reconciliation found what the dead socket missed (the deposit at least).
    const afterDrop = await faults.drop();
    expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

    // Fault 2: the next keepalive is answered -1125; the key is re-created with POST.
    await faults.lostKey();
    expect(sim.record.requestCount('POST', path)).toBe(2);

    // Fault 3: the key lapses on the venue (the stream closes), a new key, a gap, a reconciliation.
    const { reasons } = await faults.expire();
    expect(reasons.slice(-1)).toEqual(['gap:credential-changed']);
    expect(sim.record.requestCount('POST', path)).toBe(3);
    if (c.types.includes('listenKeyExpired' as never)) expect(seen).toContain('listenKeyExpired');
    expect(seen.filter((t) => t.startsWith('unknown:'))).toEqual(c.untyped.map((t) => `unknown:${t}`));

    await closeReleasesAll(h, m.stream);
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
  });
});
