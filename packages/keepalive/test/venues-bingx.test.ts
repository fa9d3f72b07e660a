/**
 * Issue #13 item 3, BingX spot and perpetual swap end to end through openUserDataStream against
 * the simulator. The BingX-only parts on the way: the unsigned POST with X-BX-APIKEY, gzip binary
 * frames, the server's heartbeat answered (spot's {"ping"} JSON, swap's text Ping), spot's two
 * subscriptions and {data, dataType} pushes, REST answers in {code, msg, data}, and a keepalive on
 * a lost key answered with a bare 404 (read as -1125). Faults: a dropped stream, a corrupt gzip
 * frame, a keepalive on a key the venue lost, a lapsed key; the mirror equals the simulator's
 * book after each.
 * Docs (checked 2026-12-03): https://bingx-api.github.io/docs/zh-hk/spot/other-interface.html
 * (listenKey), https://bingx-api.github.io/docs/spot/socket-account.html (spot pushes),
 * https://bingx-api.github.io/docs/swap/socket.html (gzip, Ping/Pong),
 * https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account (swap stream, events).
 */
import { ErrorCode } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { closeReleasesAll, faultSequence, HOUR, openMirroredStream, useVenueHarness } from './helpers.js';
import { FUTURES, type Market, SPOT } from './trading.js';

// The server's heartbeat hourly, a silent client dropped after 4 h (its 5 s cadence and drop are
// pinned in the simulator's own test/bingx.test.ts).
const h = useVenueHarness();
const path = '/openApi/user/auth/userDataStream';

const CASES = [
  {
    id: 'bingx-spot',
    base: { ...SPOT, symbols: SPOT.symbols.slice(0, 1) },
    types: ['executionReport', 'ACCOUNT_UPDATE'],
  },
  { id: 'bingx-swap', base: FUTURES, types: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired'] },
] as const;

describe.each(CASES)('$id through openUserDataStream', (c) => {
  it('keeps the mirror equal to the exchange across a drop, a corrupt gzip frame, a lost key and a lapsed key', async () => {
    const { sim } = h;
    const id = c.id;
    const market: Market = { ...c.base, venue: id };
    const venue = sim.venue(id);
    expect([venue.apiKeyHeader, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
      'X-BX-APIKEY',
      path,
      false,
    ]);
    const m = await openMirroredStream(h, { venue });
    const { seen, errors } = m;
    expect(sim.record.requestCount('POST', path)).toBe(1);

    const faults = faultSequence(h, m, { market, seed: 13, path });
    await faults.trade(40);
    // Typed in the venue's dialect.
    for (const type of c.types.filter((t) => t !== 'listenKeyExpired')) expect(seen).toContain(type);

    // Five quiet hours, past the simulator's 4 h drop of a silent client: the server's heartbeat
    // is answered, so the connection stays (no reconnect, no gap).
    await faults.quiet(5 * HOUR);
    expect(sim.record.connections).toBe(1);

    // Fault 1: the socket dies; the reconciliation finds what it missed (the deposit at least).
    const afterDrop = await faults.drop();
    expect(afterDrop.some((d) => d.kind === 'balance' && d.asset === market.deposit[0])).toBe(true);

    // Fault 2: a frame that does not inflate is reported (malformed); stream and mirror carry on.
    await faults.malformedFrame();

    // Fault 3: the venue lost the key: the next PUT gets BingX's bare 404, read as -1125, and the
    // key is re-created with POST (2 in all). The key is the account's: the fault names its key's venue.
    await faults.lostKey('bingx-spot');
    expect(sim.record.requestCount('POST', path)).toBe(2);

    // Fault 4: the key lapses on the venue (swap: listenKeyExpired; spot: a close), a new key, a
    // gap, a reconciliation.
    await faults.expire('bingx-spot');
    expect(sim.record.requestCount('POST', path)).toBe(3);
    if (c.types.includes('listenKeyExpired' as never)) expect(seen).toContain('listenKeyExpired');
    expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
    expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);

    await closeReleasesAll(h, m.stream);
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
  });
});
