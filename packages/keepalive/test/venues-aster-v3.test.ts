/**
 * Aster futures and spot v3 end to end through openUserDataStream (issue #13 item 2): EIP-712 signed
 * listenKey requests (user, signer, µs nonce), the stream with faults (a drop, a bad frame, a
 * keepalive answered -1125, a lapsed key whose notice carries no key), an announcement (no `E`)
 * reaching the user, and the mirror equal to the simulator's book afterwards.
 * https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-futures-api-v3.md
 * (checked 2026-12-03).
 */
import { ErrorCode } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { closeReleasesAll, faultSequence, openMirroredStream, until, useVenueHarness } from './helpers.js';
import { FUTURES, type Market, SPOT } from './trading.js';

const h = useVenueHarness({ simulator: { accounts: [{ id: 'wallet', keyType: 'eip712' }] } });

/**
 * Per venue: the book traded, the listenKey path, what the stream carries. Spot v3
 * (V3(Recommended)/EN/aster-finance-spot-api-v3.md) documents no expiry push and no announcement.
 */
const CASES = [
  {
    id: 'aster-futures-v3',
    base: FUTURES,
    path: '/fapi/v3/listenKey',
    types: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'listenKeyExpired'],
    announces: true,
  },
  {
    id: 'aster-spot-v3',
    base: { ...SPOT, symbols: SPOT.symbols.slice(0, 1) },
    path: '/api/v3/listenKey',
    types: ['executionReport', 'outboundAccountPosition'],
    announces: false,
  },
] as const;

describe.each(CASES)('$id through openUserDataStream', (c) => {
  it('signed v3 lifecycle, faults, an announcement, the mirror equal to the exchange', async () => {
    const { sim } = h;
    const id = c.id;
    const market: Market = { ...c.base, venue: id };
    const account = sim.accounts[0]!;
    const venue = sim.venue(id);
    const path = c.path;
    expect([venue.signing, venue.listenKey!.create.path, venue.listenKey!.create.signed]).toEqual([
      'aster-eip712',
      path,
      true,
    ]);
    const m = await openMirroredStream(h, {
      venue,
      credentials: {
        apiKey: account.apiKey,
        privateKey: account.privateKeyHex!,
        keyType: 'eip712',
        user: account.user!,
      },
    });
    const { seen, errors } = m;
    const announcements = () => m.events.filter((e) => (e as { e: string }).e === 'announcement');
    expect(sim.record.requestCount('POST', path)).toBe(1);

    const faults = faultSequence(h, m, { market, seed: 17, path });
    await faults.trade(40);
    for (const type of c.types.filter((t) => t !== 'listenKeyExpired')) expect(seen).toContain(type);

    // An announcement has no E: it passes the sequencer untouched, typed, to the user.
    if (c.announces) {
      expect(sim.faults.announce({ category: 'DIRECT', accountId: account.id, title: 'welcome' })).toBe(1);
      await until(() => announcements().length === 1, 5_000, 'the announcement delivered');
      expect(announcements()[0]).toMatchObject({ e: 'announcement', en: { c: 'DIRECT', t: 'welcome' } });
    } else expect(sim.faults.announce({ accountId: account.id })).toBe(0);

    // Fault 1: the socket dies; what happens while it is down is lost to the stream by design.
    await faults.drop();

    // Fault 2: a bad frame is reported (malformed); stream and mirror carry on.
    await faults.malformedFrame();

    // Fault 3: the next (signed) keepalive is answered -1125; the key is re-created with POST.
    await faults.lostKey();
    expect(sim.record.requestCount('POST', path)).toBe(2);

    // Fault 4: the key lapses (futures: Aster's {e, E} notice without the key; spot: a close), a
    // new key, a gap, a reconciliation.
    await faults.expire();
    expect(sim.record.requestCount('POST', path)).toBe(3);
    if (c.types.includes('listenKeyExpired' as never)) expect(seen).toContain('listenKeyExpired');
    else expect(seen).not.toContain('listenKeyExpired');
    expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);
    expect(errors.filter((e) => e.code !== ErrorCode.MalformedFrame)).toEqual([]);
    // No listenKey the venue handed out is in anything delivered.
    const keys = new Set(sim.record.credentialRequests().flatMap((r) => (r.listenKey ? [r.listenKey] : [])));
    // The -1125 fault leaves the key valid, so the POST after it returns the same key: two keys.
    expect(keys.size).toBe(2);
    const delivered = m.events.map((e) => JSON.stringify(e)).join('\n');
    for (const key of keys) expect(delivered).not.toContain(key);

    await closeReleasesAll(h, m.stream);
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
  });
});
