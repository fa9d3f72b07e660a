import { parseFrame, type VenueId, VirtualClock, venues } from '@userstream/core';
import { expect, test } from 'vitest';
import { startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call, signedQuery, wsSigned } from './helpers.js';

// MEXC's pushes are protobuf (binary): test/mexc.test.ts parses them after decoding.
// Bitrue's are gzip and wait for subscriptions: src/venues/bitrue.test.ts parses them.
// Aster v3 signs with an EIP-712 API wallet (test/aster-v3.test.ts; its frames parse in
// keepalive's venues-aster-v3.test.ts).
// BingX's are gzip frames, its keys answer 404 when unknown: test/bingx.test.ts.
const LISTEN_KEY_VENUES = (Object.keys(venues) as VenueId[]).filter(
  (id) =>
    venues[id].signing === undefined &&
    venues[id].listenKey &&
    id !== 'mexc' &&
    id !== 'bitrue-spot' &&
    !id.startsWith('bingx-'),
);

/** Every frame a venue's stream carries (engine, load, protocol) parses with core's schemas for its dialect. */
test.each(LISTEN_KEY_VENUES)(
  '%s: every frame parses with core parseFrame in the venue dialect',
  async (venue) => {
    const clock = new VirtualClock(Date.UTC(2026, 2, 1));
    await using sim = await startSimulator({ clock, accounts: [{ id: 'c' }] });
    const account = byType(sim.accounts, 'hmac');
    const profile = venues[venue];
    const lk = profile.listenKey;
    if (!lk) throw new Error('no listenKey');
    const params: Record<string, string | number> = lk.requiresSymbol ? { symbol: 'BTCUSDT' } : {};
    if (lk.create.signed) params.timestamp = clock.now();
    const created = await call(sim.urls.rest, 'POST', lk.create.path, {
      query: lk.create.signed
        ? signedQuery(account, params)
        : new URLSearchParams(params as Record<string, string>).toString(),
      headers: { [profile.apiKeyHeader]: account.apiKey },
    });
    const key = (created.body as { listenKey: string }).listenKey;
    const stream = await Client.open(
      `${sim.venue(venue).streamBaseUrl}${lk.streamPath.replace('{listenKey}', key)}`,
    );
    const futures = ['usdm', 'coinm', 'portfolioMargin'].includes(profile.market);
    const symbol = profile.market === 'coinm' ? 'BTCUSD_PERP' : 'BTCUSDT';
    const order = profile.endpoints.order;
    if (!order) throw new Error('no order endpoint');
    const isolated: Record<string, string> =
      profile.market === 'isolatedMargin' ? { isIsolated: 'TRUE' } : {};
    const place = (side: string, type: string, extra: Record<string, string>) =>
      call(sim.urls.rest, 'POST', order.path, {
        query: signedQuery(account, {
          symbol,
          side,
          type,
          quantity: profile.market === 'coinm' ? '1' : futures ? '0.01' : '0.001',
          ...isolated,
          ...extra,
          timestamp: clock.now(),
        }),
        headers: { [profile.apiKeyHeader]: account.apiKey },
      });
    // Options trade premium orders on option symbols; the risk data stream carries the margin
    // account's risk events only (a borrow's USER_LIABILITY_CHANGE).
    const own = profile.market === 'options' || venue === 'binance-margin-risk';
    if (profile.market === 'options') {
      expect((await place('BUY', 'MARKET', { symbol: 'BTC-261225-60000-P', quantity: '0.2' })).status).toBe(
        200,
      );
    } else if (venue === 'binance-margin-risk') {
      sim.exchange.borrowRepay('c', 'binance-margin', { type: 'BORROW', asset: 'USDT', amount: '100' });
    } else {
      expect((await place('BUY', 'LIMIT', { timeInForce: 'GTC', price: '50000' })).status).toBe(200);
      const market = await place('BUY', 'MARKET', {});
      expect(market.text).toMatch(/orderId/);
      sim.exchange.setPrice('BTCUSDT', '49000');
      sim.exchange.deposit('c', venue, futures && profile.market === 'coinm' ? 'BTC' : 'USDT', '10');
      await sim.load.burst({ accountId: 'c', venue, count: 2 });
    }
    sim.faults.expire({ listenKey: key });
    await stream.waitClose();
    expect(stream.frames.length).toBeGreaterThan(own ? 1 : 6);
    const types = new Set<string>();
    for (const frame of stream.frames) {
      const parsed = parseFrame(frame, profile.dialect);
      if (!parsed.ok) throw new Error(`${venue}: ${parsed.error.message}\n${frame.slice(0, 400)}`);
      for (const event of parsed.events) types.add(event.e);
    }
    // BHEX, Coins.ph, Aster spot and Toobit document no expiry push (Toobit's listenKeyWillExpire
    // comes before it): nothing at the lapse, the connection just closes (src/venues/expiry-notices.ts).
    if (['toobit', 'bhex', 'coins', 'aster'].includes(profile.dialect)) {
      expect([...types].filter((t) => t === 'unknown' || t === 'listenKeyExpired')).toEqual([]);
      return;
    }
    expect(types.has('listenKeyExpired')).toBe(true);
  },
);

test('WebSocket API frames (engine events, eventStreamTerminated, serverShutdown) parse in the spot dialect', async () => {
  await using sim = await startSimulator({ accounts: [{ id: 'c' }] });
  const account = byType(sim.accounts, 'hmac');
  const api = await ApiClient.open(sim.urls.wsApi);
  await api.send(
    'userDataStream.subscribe.signature',
    wsSigned(account, { apiKey: account.apiKey, timestamp: Date.now() }),
  );
  sim.exchange.deposit('c', 'binance-spot', 'USDT', '1');
  await sim.load.burst({ accountId: 'c', venue: 'binance-spot', count: 1 });
  sim.faults.serverShutdown();
  sim.faults.eventStreamTerminated();
  await api.waitFrames(6);
  const events = api.frames.filter((f) => !f.startsWith('{"id"'));
  expect(events.length).toBe(5);
  for (const frame of events) {
    const parsed = parseFrame(frame, 'spot');
    if (!parsed.ok) throw new Error(`${parsed.error.message}\n${frame.slice(0, 400)}`);
  }
  api.close();
});
