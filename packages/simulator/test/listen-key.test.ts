import { type VenueId, VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { byType, Client, call, signedQuery } from './helpers.js';

const HOUR = 3_600_000;
const clock = new VirtualClock(Date.UTC(2026, 2, 1));
let sim: Simulator;
let hmac: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'a' }, { id: 'b' }] });
  hmac = sim.accounts[0] as SimAccount;
});
afterAll(() => sim.close());

// MEXC's lifecycle differs (a new key per POST, subscriptions, protobuf pushes): test/mexc.test.ts.
// Toobit's streams need a JSON ping within 5 minutes and warn before a lapse: src/venues/toobit.test.ts
// (USDT-M's keys: src/venues/toobit-usdm.test.ts).
// Bitrue's keys are in the path and its answers in envelopes, its frames gzip: src/venues/bitrue.test.ts.
// Aster v3 signs with an EIP-712 API wallet, not timestamp + HMAC: test/aster-v3.test.ts.
// BingX's are gzip frames, its keys answer 404 when unknown: test/bingx.test.ts.
const LISTEN_KEY_VENUES = (Object.keys(venues) as VenueId[]).filter(
  (id) =>
    venues[id].signing === undefined &&
    venues[id].listenKey &&
    id !== 'mexc' &&
    id !== 'bitrue-spot' &&
    id !== 'toobit-spot' &&
    id !== 'toobit-usdm' &&
    !id.startsWith('bingx-'),
);

/** Venues whose docs name no expiry push (src/venues/expiry-notices.ts). */
const SILENT_EXPIRY: ReadonlySet<string> = new Set([
  'bhex',
  'coins-ph',
  'coins-xyz',
  'coins-th',
  'aster-spot',
]);

/** Calls a listenKey endpoint of a profile as a client would. */
function lk(
  venue: VenueId,
  action: 'create' | 'keepAlive' | 'close',
  account: SimAccount,
  extra: Record<string, string> = {},
) {
  const profile = venues[venue];
  const ep = profile.listenKey?.[action];
  if (!ep) throw new Error('no listenKey');
  const params: Record<string, string | number> = { ...extra };
  if (profile.listenKey?.requiresSymbol) params.symbol = 'BTCUSDT';
  if (ep.signed) params.timestamp = clock.now();
  const q = ep.signed
    ? signedQuery(account, params)
    : new URLSearchParams(params as Record<string, string>).toString();
  return call(sim.urls.rest, ep.method, ep.path, {
    query: q,
    headers: { [profile.apiKeyHeader]: account.apiKey },
  });
}

function streamUrl(venue: VenueId, key: string): string {
  const profile = sim.venue(venue);
  return `${profile.streamBaseUrl}${profile.listenKey?.streamPath.replace('{listenKey}', key)}`;
}

test('every listenKey profile is covered', () => {
  expect(LISTEN_KEY_VENUES).toEqual([
    'binance-spot-legacy',
    'binance-margin-legacy',
    'binance-isolated-margin-legacy',
    'binance-usdm',
    'binance-usdm-testnet',
    'binance-coinm',
    'binance-coinm-testnet',
    'binance-portfolio-margin',
    'binance-pm-pro',
    'binance-options',
    'binance-margin-risk',
    'bhex',
    'coins-ph',
    'coins-xyz',
    'coins-th',
    'aster-futures',
    'aster-spot',
  ]);
});

describe.each(LISTEN_KEY_VENUES)('%s listenKey lifecycle', (venue) => {
  const profile = venues[venue];
  // Futures-style keys (PUT/DELETE name no key; PUT answers the key; listenKeyExpired's E a string).
  const futures = ['usdm', 'coinm', 'portfolioMargin', 'options'].includes(profile.market);

  test('POST creates a key (documented length), a second POST returns the same key; streams work at the profile path', async () => {
    const a = await lk(venue, 'create', hmac);
    expect(a.status).toBe(200);
    const key = (a.body as { listenKey: string }).listenKey;
    expect(Object.keys(a.body as object)).toEqual(['listenKey']);
    const spotLike =
      profile.market === 'spot' || profile.market === 'margin' || profile.market === 'isolatedMargin';
    // Binance's spot and margin keys (the risk stream's too) are 60 characters; futures' 64.
    const sixty = spotLike && (profile.dialect === 'spot' || profile.dialect === 'marginRisk');
    expect(key).toMatch(sixty ? /^[A-Za-z0-9]{60}$/ : /^[A-Za-z0-9]{64}$/);
    const again = await lk(venue, 'create', hmac);
    expect((again.body as { listenKey: string }).listenKey).toBe(key);
    const other = await lk(venue, 'create', sim.accounts[1] as SimAccount);
    expect((other.body as { listenKey: string }).listenKey).not.toBe(key);
    const stream = await Client.open(streamUrl(venue, key));
    // Options have no book in the engine yet (issue #18, S), and the risk data stream carries
    // risk events only, never balances: both are proven by the key's own events
    // (listenKeyExpired, in the next test), not by a deposit.
    if (profile.market !== 'options' && venue !== 'binance-margin-risk') {
      sim.exchange.deposit('a', venue, futures ? (profile.market === 'coinm' ? 'BTC' : 'USDT') : 'USDT', '1');
      await stream.waitFrames(1);
      expect(stream.json()[0]).toHaveProperty('E');
    }
    stream.close();
    await lk(venue, 'close', hmac, futures ? {} : { listenKey: key });
    await lk(
      venue,
      'close',
      sim.accounts[1] as SimAccount,
      futures ? {} : { listenKey: (other.body as { listenKey: string }).listenKey },
    );
  });

  test('PUT extends the key; unknown key → 400 -1125; the key lapses 60 min after the last PUT with listenKeyExpired', async () => {
    const key = ((await lk(venue, 'create', hmac)).body as { listenKey: string }).listenKey;
    const stream = await Client.open(streamUrl(venue, key));
    await clock.advance(50 * 60_000);
    const put = await lk(venue, 'keepAlive', hmac, futures ? {} : { listenKey: key });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(futures ? { listenKey: key } : {});
    const putAt = clock.now();
    expect(sim.record.keepalives(key)).toEqual([putAt]);
    await clock.advance(59 * 60_000);
    expect(stream.closed).toBeUndefined();
    if (!futures) {
      const wrong = await lk(venue, 'keepAlive', hmac, { listenKey: 'A'.repeat(key.length) });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toBe('{"code":-1125,"msg":"This listenKey does not exist."}');
    }
    await clock.advance(60_001);
    const closed = await stream.waitClose();
    expect(closed.code).toBe(1000);
    const expired = stream.json().at(-1) as Record<string, unknown>;
    const stringE = futures || profile.market === 'margin' || profile.market === 'isolatedMargin';
    const lapse = putAt + HOUR;
    if (SILENT_EXPIRY.has(venue)) {
      // No expiry push documented: the connection just closes (test/expiry-notices.test.ts).
      expect(stream.frames.join('')).not.toContain(key);
    } else {
      expect(expired).toEqual({ e: 'listenKeyExpired', E: stringE ? String(lapse) : lapse, listenKey: key });
    }
    const after = await lk(venue, 'keepAlive', hmac, futures ? {} : { listenKey: key });
    expect(after.status).toBe(400);
    expect(after.body).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
    const fresh = ((await lk(venue, 'create', hmac)).body as { listenKey: string }).listenKey;
    expect(fresh).not.toBe(key);
    await lk(venue, 'close', hmac, futures ? {} : { listenKey: fresh });
  });

  test('DELETE invalidates the key and closes its streams; the stream URL is then refused', async () => {
    const key = ((await lk(venue, 'create', hmac)).body as { listenKey: string }).listenKey;
    const stream = await Client.open(streamUrl(venue, key));
    const del = await lk(venue, 'close', hmac, futures ? {} : { listenKey: key });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({});
    await stream.waitClose();
    expect(stream.frames).toEqual([]);
    await expect(Client.open(streamUrl(venue, key))).rejects.toThrow('HTTP 400');
  });
});

test('a key of another account cannot be kept alive (-1125)', async () => {
  const key = ((await lk('binance-spot-legacy', 'create', hmac)).body as { listenKey: string }).listenKey;
  const r = await lk('binance-spot-legacy', 'keepAlive', sim.accounts[1] as SimAccount, { listenKey: key });
  expect(r.body).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
  await lk('binance-spot-legacy', 'close', hmac, { listenKey: key });
});

test('isolated margin needs symbol; keys are per symbol', async () => {
  const noSymbol = await call(sim.urls.rest, 'POST', '/sapi/v1/userDataStream/isolated', {
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  expect(noSymbol.body).toEqual({
    code: -1102,
    msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
  });
  const btc = await call(sim.urls.rest, 'POST', '/sapi/v1/userDataStream/isolated', {
    query: 'symbol=BTCUSDT',
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  const eth = await call(sim.urls.rest, 'POST', '/sapi/v1/userDataStream/isolated', {
    query: 'symbol=ETHUSDT',
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  expect((btc.body as { listenKey: string }).listenKey).not.toBe(
    (eth.body as { listenKey: string }).listenKey,
  );
});

test('BHEX and Coins.ph share paths and are told apart by header; both need a signature', async () => {
  const unsigned = await call(sim.urls.rest, 'POST', '/openapi/v1/userDataStream', {
    headers: { 'X-BH-APIKEY': hmac.apiKey },
  });
  expect(unsigned.body).toEqual({
    code: -1102,
    msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
  });
  const bhex = await lk('bhex', 'create', hmac);
  const coins = await lk('coins-ph', 'create', hmac);
  const bk = (bhex.body as { listenKey: string }).listenKey;
  const ck = (coins.body as { listenKey: string }).listenKey;
  expect(bk).not.toBe(ck);
  // A coins key is not a BHEX key.
  const cross = await lk('bhex', 'keepAlive', hmac, { listenKey: ck });
  expect(cross.body).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
  const wrongHeader = await call(sim.urls.rest, 'POST', '/openapi/v1/userDataStream', {
    query: signedQuery(hmac, { timestamp: clock.now() }),
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  expect(wrongHeader.body).toEqual({ code: -2014, msg: 'API-key format invalid.' });
});

test('combined stream: {stream, data} frames for each key', async () => {
  const key = ((await lk('binance-spot-legacy', 'create', hmac)).body as { listenKey: string }).listenKey;
  const c = await Client.open(`${sim.urls.ws}/stream?streams=${key}`);
  sim.exchange.deposit('a', 'binance-spot', 'BTC', '0.5');
  await c.waitFrames(2);
  const [first] = c.json();
  expect(first).toEqual({
    stream: key,
    data: expect.objectContaining({ e: 'balanceUpdate', a: 'BTC', d: '0.50000000' }),
  });
  c.close();
});

test('unknown listenKey on a stream path is refused with 400', async () => {
  await expect(Client.open(`${sim.urls.ws}/ws/${'Z'.repeat(60)}`)).rejects.toThrow('HTTP 400');
});

test('retiredLegacyPaths: 410 on the three legacy Binance paths only', async () => {
  await using retired = await startSimulator({ retiredLegacyPaths: true });
  const key = byType(retired.accounts, 'hmac').apiKey;
  for (const path of [
    '/api/v3/userDataStream',
    '/sapi/v1/userDataStream',
    '/sapi/v1/userDataStream/isolated',
  ]) {
    const r = await call(retired.urls.rest, 'POST', path, {
      query: 'symbol=BTCUSDT',
      headers: { 'X-MBX-APIKEY': key },
    });
    expect(r.status).toBe(410);
    expect((r.body as { msg: string }).msg).toMatch(/retired on 2026-02-20/);
  }
  const fapi = await call(retired.urls.rest, 'POST', '/fapi/v1/listenKey', {
    headers: { 'X-MBX-APIKEY': key },
  });
  expect(fapi.status).toBe(200);
});

test('sim.venue() points profiles at the simulator', () => {
  expect(sim.venue('binance-usdm').streamBaseUrl).toBe(`${sim.urls.ws}/private`);
  expect(sim.venue('binance-portfolio-margin').streamBaseUrl).toBe(`${sim.urls.ws}/pm`);
  expect(sim.venue('binance-spot-legacy').streamBaseUrl).toBe(sim.urls.ws);
  expect(sim.venue('binance-spot').wsApiUrl).toBe(sim.urls.wsApi);
  expect(sim.venue('bhex').restBaseUrl).toBe(sim.urls.rest);
  expect(sim.venue('binance-usdm').retired).toBeUndefined();
  expect(() => sim.venue('nope' as VenueId)).toThrow(/unknown venue 'nope'/);
  expect(HOUR).toBe(venues['binance-usdm'].timing.keyValidityMs);
});

test('USD-M private routing also takes /private/ws?listenKey=<key>&events=<types> and sends only those types', async () => {
  await using sim = await startSimulator();
  const account = byType(sim.accounts, 'hmac');
  const r = await call(sim.urls.rest, 'POST', '/fapi/v1/listenKey', {
    headers: { 'X-MBX-APIKEY': account.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const all = await Client.open(`${sim.urls.ws}/private/ws?listenKey=${key}`);
  const orders = await Client.open(`${sim.urls.ws}/private/ws?listenKey=${key}&events=ORDER_TRADE_UPDATE`);
  sim.exchange.deposit(account.id, 'binance-usdm', 'USDT', '5'); // ACCOUNT_UPDATE
  sim.exchange.placeOrder(account.id, 'binance-usdm', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.010',
    price: '50000',
  }); // ORDER_TRADE_UPDATE
  await all.waitFrames(2);
  await orders.waitFrames(1);
  await new Promise((res) => setTimeout(res, 50));
  expect(all.json().map((f) => f.e)).toEqual(['ACCOUNT_UPDATE', 'ORDER_TRADE_UPDATE']);
  expect(orders.json().map((f) => f.e)).toEqual(['ORDER_TRADE_UPDATE']);
  // An expiry reaches every stream of the key, whatever it filters.
  sim.faults.expire({ accountId: account.id, venue: 'binance-usdm' });
  await orders.waitFrames(2);
  expect(orders.json()[1]?.e).toBe('listenKeyExpired');
  // Unknown keys are refused at the upgrade like the path form.
  await expect(Client.open(`${sim.urls.ws}/private/ws?listenKey=${'x'.repeat(60)}`)).rejects.toThrow(/400/);
  all.close();
  orders.close();
});

test("USD-M's several-keys form: one socket, each key's frames in its {stream,data} envelope, each key's own events= filter", async () => {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
  // `/private/stream?listenKey=<listenKey1>&events=ORDER_TRADE_UPDATE&listenKey=<listenKey2>&events=ACCOUNT_UPDATE`
  const b = sim.accounts[1] as SimAccount;
  const k1 = ((await lk('binance-usdm', 'create', hmac)).body as { listenKey: string }).listenKey;
  const k2 = ((await lk('binance-usdm', 'create', b)).body as { listenKey: string }).listenKey;
  const base = sim.venue('binance-usdm').streamBaseUrl;
  const stream = await Client.open(
    `${base}/stream?listenKey=${k1}&events=ORDER_TRADE_UPDATE&listenKey=${k2}&events=ACCOUNT_UPDATE`,
  );
  sim.exchange.deposit('a', 'binance-usdm', 'USDT', '3'); // ACCOUNT_UPDATE for k1: filtered out
  sim.exchange.deposit('b', 'binance-usdm', 'USDT', '4'); // ACCOUNT_UPDATE for k2
  sim.exchange.placeOrder('a', 'binance-usdm', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.010',
    price: '40000',
  }); // ORDER_TRADE_UPDATE for k1
  await stream.waitFrames(2);
  const frames = stream.frames.map((f) => JSON.parse(f) as { stream: string; data: { e: string } });
  expect(
    frames.map((f) => `${f.stream === k1 ? 'k1' : f.stream === k2 ? 'k2' : f.stream}:${f.data.e}`),
  ).toEqual(['k2:ACCOUNT_UPDATE', 'k1:ORDER_TRADE_UPDATE']);
  // Byte for byte: the envelope is `{"stream":"<key>","data":` + the event's JSON + `}`.
  expect(stream.frames[0]?.startsWith(`{"stream":"${k2}","data":{"e":"ACCOUNT_UPDATE",`)).toBe(true);
  // One key's lapse ends only that key's part of the socket.
  sim.faults.expire({ accountId: 'a', venue: 'binance-usdm' });
  await stream.waitFrames(3);
  expect(JSON.parse(stream.frames[2] as string)).toMatchObject({
    stream: k1,
    data: { e: 'listenKeyExpired' },
  });
  sim.exchange.deposit('b', 'binance-usdm', 'USDT', '5');
  await stream.waitFrames(4);
  expect(JSON.parse(stream.frames[3] as string)).toMatchObject({ stream: k2, data: { e: 'ACCOUNT_UPDATE' } });
  expect(stream.closed).toBeUndefined();
  stream.close();
  await lk('binance-usdm', 'close', b);
});
