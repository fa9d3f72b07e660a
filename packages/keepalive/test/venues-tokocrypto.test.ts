/**
 * Tokocrypto (issue #13 item 7) end to end through openUserDataStream against the simulator: a
 * signed listen token from POST /open/v1/user-listen-token (its /open/v1 envelope), subscribed on
 * the WebSocket API with userDataStream.subscribe.listenToken, renewed before it ends, through a
 * dropped connection, a lapsed token (eventStreamTerminated) and a bad frame; the mirror equals
 * the simulator's book afterwards.
 * https://www.tokocrypto.com/apidocs/ (checked 2026-12-03; the search store serves that page's
 * change log only: core's venues-tokocrypto.ts says how its "User Data Streams" section was read).
 */
import { describe, expect, it } from 'vitest';
import {
  closeReleasesAll,
  faultSequence,
  HOUR,
  MIN,
  openMirroredStream,
  useVenueHarness,
} from './helpers.js';
import { type Market, SPOT } from './trading.js';

const TOKEN_PATH = '/open/v1/user-listen-token';
const TOKOCRYPTO: Market = { ...SPOT, venue: 'tokocrypto' };

const h = useVenueHarness({ stepMs: 10 * MIN });

describe('tokocrypto through openUserDataStream', () => {
  it('renews its token before it ends and keeps the mirror equal across a drop, a lapsed token and a bad frame', async () => {
    const { sim, clock } = h;
    const account = sim.accounts.find((a) => a.keyType === 'hmac')!;
    const venue = sim.venue('tokocrypto');
    expect(venue.protocol).toBe('listenToken');
    const m = await openMirroredStream(h, {
      venue,
      credentials: { apiKey: account.apiKey, secret: account.secret! },
    });
    const { stream, seen } = m;
    const gaps: string[] = [];
    stream.on('gap', (g: { reason: string }) => gaps.push(g.reason));
    // One signed token request, its envelope read; the subscription on the WebSocket API.
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(1);
    expect(stream.lease.state()).toMatchObject({ kind: 'listenToken', status: 'active' });

    const faults = faultSequence(h, m, {
      market: TOKOCRYPTO,
      seed: 7,
      path: TOKEN_PATH,
      accountId: account.id,
    });
    await faults.trade(40);
    // Typed in the tokocrypto dialect: nothing arrived as `unknown`.
    expect(seen).toContain('executionReport');
    expect(seen).toContain('outboundAccountPosition');
    expect(seen.filter((t) => t.startsWith('unknown'))).toEqual([]);

    // Renewal: the token is fetched again before it ends (at 80% of its 24 h, the lease's default,
    // less the scheduler's jitter), subscribed again, no gap.
    const gapsBefore = gaps.length;
    const firstExpiry = stream.lease.state().expiresAt!;
    await h.pass(firstExpiry - 8 * HOUR - clock.now());
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(1);
    await h.pass(7 * HOUR);
    expect(sim.record.requestCount('POST', TOKEN_PATH)).toBe(2);
    expect(stream.lease.state().expiresAt!).toBeGreaterThan(firstExpiry);
    expect(gaps.length).toBe(gapsBefore);
    await faults.trade(10);

    // Fault 1: the WebSocket API connection dies; trades while it is down come back by reconciliation.
    await faults.drop({ connections: 'wsApi' });

    // Fault 2: the token lapses on the venue (eventStreamTerminated): a new token, a gap, a reconciliation.
    // Both tokens lapse: the one renewed away is still valid on the venue (tokens cannot be revoked).
    const { expired } = await faults.expire();
    expect(expired).toBe(2);

    // Fault 3: a bad frame on the subscription: reported, never a crash, the stream goes on.
    const errorsBefore = m.errors.length;
    await faults.malformedFrame({ venue: 'tokocrypto' });
    await h.pass(MIN);
    expect(m.errors.slice(errorsBefore).map((e) => e.code)).toEqual(['USERSTREAM_MALFORMED_FRAME']);
    expect(stream.lease.state().status).toBe('active');

    await closeReleasesAll(h, stream);
  });
});
