import { eventIdentity, parseFrame, VirtualClock, venues } from '@userstream/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { byType, Client, call, signedQuery } from './helpers.js';

// The USDⓈ-M Algo service and position snapshots over HTTP, on loopback:
// https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order
// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
// (Cancel-Algo-Order, Current-All-Algo-Open-Orders and Position-Information-V3 are not in the
// search store; their paths and fields are the ones the issue and the New-Algo-Order page name.)

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let hmac: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({ clock, accounts: [{ id: 'alice' }] });
  hmac = byType(sim.accounts, 'hmac');
});
afterAll(() => sim.close());

function signed(method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string> = {}) {
  return call(sim.urls.rest, method, path, {
    query: signedQuery(hmac, { ...params, timestamp: clock.now() }),
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
}

async function openUsdmStream(): Promise<Client> {
  const lk = venues['binance-usdm'].listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, { headers: { 'X-MBX-APIKEY': hmac.apiKey } });
  const key = (r.body as { listenKey: string }).listenKey;
  const base = sim.venue('binance-usdm').streamBaseUrl as string;
  return Client.open(`${base}${lk.streamPath.replace('{listenKey}', key)}`);
}

async function untilEvent(client: Client, match: (e: Record<string, unknown>) => boolean) {
  for (;;) {
    const found = client.json().find(match);
    if (found) return found;
    await client.waitFrames(client.frames.length + 1);
  }
}

test('algo order over REST: placed, listed, triggered by the admin price, FINISHED on the stream; positionRisk agrees', async () => {
  const client = await openUsdmStream();
  const placed = await signed('POST', '/fapi/v1/algoOrder', {
    algoType: 'CONDITIONAL',
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'STOP_MARKET',
    quantity: '0.05',
    triggerPrice: '60500',
  });
  expect(placed.status).toBe(200);
  const algoId = (placed.body as { algoId: number }).algoId;
  const open = await signed('GET', '/fapi/v1/openAlgoOrders', { symbol: 'BTCUSDT' });
  expect(open.body).toEqual([expect.objectContaining({ algoId, algoStatus: 'NEW', triggerPrice: '60500' })]);

  const moved = await call(sim.urls.rest, 'POST', '/admin/price', {
    body: JSON.stringify({ symbol: 'BTCUSDT', price: '60500' }),
    headers: { 'content-type': 'application/json' },
  });
  expect(moved.status).toBe(200);
  const finished = await untilEvent(
    client,
    (e) => e.e === 'ALGO_UPDATE' && (e.o as { X: string }).X === 'FINISHED',
  );
  expect(finished.o).toMatchObject({ aid: algoId, aq: '0.05', ap: '60500' });
  const statuses = client
    .json()
    .filter((e) => e.e === 'ALGO_UPDATE')
    .map((e) => (e.o as { X: string }).X);
  expect(statuses).toEqual(['NEW', 'TRIGGERING', 'TRIGGERED', 'FINISHED']);
  // One matching step: the trigger, the fill and FINISHED share one E.
  const stepEs = new Set(
    client
      .json()
      .filter((e) => e.e !== 'ALGO_UPDATE' || (e.o as { X: string }).X !== 'NEW')
      .map((e) => e.E),
  );
  expect(stepEs.size).toBe(1);

  const update = client.json().find((e) => e.e === 'ACCOUNT_UPDATE') as {
    a: { P: { pa: string; ep: string }[] };
  };
  const risk = await signed('GET', '/fapi/v3/positionRisk', { symbol: 'BTCUSDT' });
  expect(risk.status).toBe(200);
  expect(risk.body).toEqual([
    expect.objectContaining({ positionAmt: update.a.P[0]?.pa, entryPrice: update.a.P[0]?.ep }),
  ]);
  expect((await signed('GET', '/fapi/v1/openAlgoOrders')).body).toEqual([]);
  client.close();
});

test('cancel over REST, and the venue error bodies: unknown algo -2011, conditional type on /fapi/v1/order -4120', async () => {
  const placed = await signed('POST', '/fapi/v1/algoOrder', {
    algoType: 'CONDITIONAL',
    symbol: 'ETHUSDT',
    side: 'SELL',
    type: 'TAKE_PROFIT_MARKET',
    quantity: '0.1',
    triggerPrice: '9000',
  });
  expect(placed.status).toBe(200);
  const { algoId, clientAlgoId } = placed.body as { algoId: number; clientAlgoId: string };
  const cancel = await signed('DELETE', '/fapi/v1/algoOrder', { clientAlgoId });
  expect(cancel.body).toEqual({ algoId, clientAlgoId, code: '200', msg: 'success' });
  const again = await signed('DELETE', '/fapi/v1/algoOrder', { algoId: String(algoId) });
  expect(again.status).toBe(400);
  expect(again.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
  const old = await signed('POST', '/fapi/v1/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'STOP_MARKET',
    quantity: '0.01',
    stopPrice: '70000',
  });
  expect(old.body).toMatchObject({ code: -4120 });
  const cm = await signed('GET', '/dapi/v1/positionRisk');
  expect(cm.status).toBe(200);
  expect(cm.body).toEqual([expect.objectContaining({ symbol: 'BTCUSD_PERP', positionAmt: '0' })]);
  const pm = await call(sim.urls.rest, 'GET', '/papi/v1/um/positionRisk', {
    query: signedQuery(hmac, { timestamp: clock.now() }),
    headers: { [venues['binance-portfolio-margin'].apiKeyHeader]: hmac.apiKey },
  });
  expect(pm.status).toBe(200);
  expect(pm.body).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', positionAmt: '0.05' })]);
});

test('cross margin borrow over REST: USER_LIABILITY_CHANGE on the margin stream, a bad type is a 400', async () => {
  const lk = venues['binance-margin-legacy'].listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, { headers: { 'X-MBX-APIKEY': hmac.apiKey } });
  const key = (r.body as { listenKey: string }).listenKey;
  const base = sim.venue('binance-margin-legacy').streamBaseUrl as string;
  const client = await Client.open(`${base}${lk.streamPath.replace('{listenKey}', key)}`);
  const borrowed = await signed('POST', '/sapi/v1/margin/borrow-repay', {
    asset: 'USDT',
    isIsolated: 'FALSE',
    amount: '1000',
    type: 'BORROW',
  });
  expect(borrowed.status).toBe(200);
  expect(borrowed.body).toEqual({ tranId: expect.any(Number) });
  const change = await untilEvent(client, (e) => e.e === 'USER_LIABILITY_CHANGE');
  expect(change).toMatchObject({ a: 'USDT', t: 'BORROW', p: '1000.00000000', i: '0.00000000' });
  const bad = await signed('POST', '/sapi/v1/margin/borrow-repay', {
    asset: 'USDT',
    amount: '1',
    type: 'LEND',
  });
  expect(bad.status).toBe(400);
  client.close();
});

test('options over REST: an order on /eapi/v1/order trades, the options stream carries its events, /eapi/v1/position agrees', async () => {
  // https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Risk-level-change
  // (the sibling event pages and /eapi/v1/position are not in the search store.)
  const profile = venues['binance-options'];
  const lk = profile.listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, { headers: { 'X-MBX-APIKEY': hmac.apiKey } });
  expect(r.status).toBe(200);
  const key = (r.body as { listenKey: string }).listenKey;
  const base = sim.venue('binance-options').streamBaseUrl as string;
  const client = await Client.open(`${base}${lk.streamPath.replace('{listenKey}', key)}`);
  const placed = await signed('POST', '/eapi/v1/order', {
    symbol: 'BTC-261225-60000-P',
    side: 'BUY',
    type: 'MARKET',
    quantity: '0.2',
  });
  expect(placed.status).toBe(200);
  expect(placed.body).toMatchObject({ status: 'FILLED', avgPrice: '2400', optionSide: 'PUT' });
  // Frames may come bare or in the {stream, data} envelope, as the venue's stream form says.
  const data = () => client.json().map((f) => (f.data ?? f) as Record<string, unknown>);
  while (!data().some((e) => e.e === 'ACCOUNT_UPDATE')) await client.waitFrames(client.frames.length + 1);
  expect(data().map((e) => e.e)).toEqual([
    'ORDER_TRADE_UPDATE',
    'ORDER_TRADE_UPDATE',
    'BALANCE_POSITION_UPDATE',
    'GREEK_UPDATE',
    'ACCOUNT_UPDATE',
  ]);
  const positions = await signed('GET', '/eapi/v1/position');
  expect(positions.body).toEqual([
    expect.objectContaining({
      symbol: 'BTC-261225-60000-P',
      quantity: '0.2',
      entryPrice: '2400',
      side: 'LONG',
    }),
  ]);
  const account = await signed('GET', profile.endpoints.account.path);
  expect(account.status).toBe(200);
  expect(account.body).toMatchObject({
    riskLevel: 'NORMAL',
    asset: [expect.objectContaining({ asset: 'USDT' })],
  });
  client.close();
});

test('portfolio margin: the /pm stream gets the UM book events with fs "UM", and ALGO_UPDATE with its order under ao', async () => {
  // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
  // (the PM event pages are not in the search store: fs and ao as core's PM schemas and the issue name them.)
  const profile = venues['binance-portfolio-margin'];
  const lk = profile.listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, {
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const pm = await Client.open(
    `${sim.venue('binance-portfolio-margin').streamBaseUrl}${lk.streamPath.replace('{listenKey}', key)}`,
  );
  const usdm = await openUsdmStream();
  sim.exchange.placeOrder('alice', 'binance-portfolio-margin', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: '0.01',
  });
  // New UM Algo Order: https://developers.binance.com/docs/derivatives/portfolio-margin/trade/New-UM-Algo-Order
  const placed = await call(sim.urls.rest, 'POST', '/papi/v1/um/algo/order', {
    query: signedQuery(hmac, {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: '0.01',
      triggerPrice: '50000',
      timestamp: clock.now(),
    }),
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  expect(placed.status).toBe(200);
  // Query-All-Current-UM-Open-Algo-Orders lists it.
  const open = await call(sim.urls.rest, 'GET', '/papi/v1/um/algo/openAlgoOrders', {
    query: signedQuery(hmac, { symbol: 'BTCUSDT', timestamp: clock.now() }),
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  expect(open.body).toEqual([
    expect.objectContaining({ algoId: (placed.body as { algoId: number }).algoId, algoStatus: 'NEW' }),
  ]);
  await untilEvent(pm, (e) => e.e === 'ALGO_UPDATE');
  await untilEvent(usdm, (e) => e.e === 'ALGO_UPDATE');
  const pmEvents = pm.json();
  for (const e of pmEvents.filter((x) => x.e === 'ORDER_TRADE_UPDATE' || x.e === 'ACCOUNT_UPDATE')) {
    expect(e.fs).toBe('UM');
    expect(Object.keys(e).indexOf('fs')).toBe(Object.keys(e).indexOf('T') + 1);
  }
  for (const frame of pm.frames) {
    const parsed = parseFrame(frame, 'portfolioMargin');
    if (!parsed.ok) throw new Error(`${parsed.error.message}\n${frame.slice(0, 300)}`);
    expect(parsed.events.map((e) => e.e)).not.toContain('unknown');
  }
  const algo = pmEvents.find((x) => x.e === 'ALGO_UPDATE') as Record<string, unknown>;
  expect(algo).toMatchObject({ fs: 'UM', ao: { X: 'NEW', tp: '50000', o: 'STOP_MARKET' } });
  expect(algo.o).toBeUndefined();
  // The USD-M stream of the same book keeps the USD-M dialect.
  const plain = usdm.json();
  expect(plain.some((x) => 'fs' in x)).toBe(false);
  expect(plain.find((x) => x.e === 'ALGO_UPDATE')?.o).toMatchObject({ X: 'NEW' });
  // The record shows each venue what its streams were sent (the chaos suite and the demo compare
  // what arrived against it): PM's record in the PM dialect, USD-M's in the USD-M one.
  const identities = (events: readonly { event?: object }[]) =>
    events.flatMap((r) => (r.event ? [eventIdentity(r.event)] : []));
  const recordedPm = identities(sim.record.events({ accountId: 'alice', venue: 'binance-portfolio-margin' }));
  const recordedUsdm = identities(sim.record.events({ accountId: 'alice', venue: 'binance-usdm' }));
  for (const e of pmEvents) expect(recordedPm).toContain(eventIdentity(e));
  for (const e of plain) expect(recordedUsdm).toContain(eventIdentity(e));
  pm.close();
  usdm.close();
});

test('portfolio margin loans: liabilityChange only on the PM stream, its T beyond 2^53 written exactly; /papi/v1/balance agrees', async () => {
  // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams (the
  // liabilityChange page is not in the search store; its documented T is 1352286576452864727).
  const profile = venues['binance-portfolio-margin'];
  const lk = profile.listenKey;
  if (!lk) throw new Error('no listenKey');
  const r = await call(sim.urls.rest, 'POST', lk.create.path, {
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  const key = (r.body as { listenKey: string }).listenKey;
  const pm = await Client.open(
    `${sim.venue('binance-portfolio-margin').streamBaseUrl}${lk.streamPath.replace('{listenKey}', key)}`,
  );
  const usdm = await openUsdmStream();
  const loan = await signed('POST', '/papi/v1/marginLoan', { asset: 'USDT', amount: '250.5' });
  expect(loan.status).toBe(200);
  const tranId = (loan.body as { tranId: string }).tranId;
  expect(BigInt(tranId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  await pm.waitFrames(1);
  const text = pm.frames.find((f) => f.includes('"liabilityChange"')) as string;
  // The digits are in the frame text as a bare JSON number, exactly.
  expect(text).toContain(`"T":${tranId},`);
  expect(JSON.parse(text)).toMatchObject({
    e: 'liabilityChange',
    a: 'USDT',
    t: 'BORROW',
    p: '250.5',
    i: '0',
    l: '250.5',
  });
  const balance = await call(sim.urls.rest, 'GET', '/papi/v1/balance', {
    query: signedQuery(hmac, { asset: 'USDT', timestamp: clock.now() }),
    headers: { [profile.apiKeyHeader]: hmac.apiKey },
  });
  // The loan lands in the margin wallet beside its demo 10000 USDT.
  expect(balance.body).toMatchObject({
    crossMarginBorrowed: '250.50000000',
    crossMarginFree: '10250.50000000',
  });
  // The loan's balance event follows it: the margin wallet's USDT with the loan in it.
  await pm.waitFrames(2);
  expect(JSON.parse(pm.frames[1] as string)).toMatchObject({
    e: 'outboundAccountPosition',
    B: [{ a: 'USDT', f: '10250.50000000', l: '0.00000000' }],
  });
  const repaid = await signed('POST', '/papi/v1/repayLoan', { asset: 'USDT', amount: '250.5' });
  expect(repaid.status).toBe(200);
  await pm.waitFrames(4);
  expect(JSON.parse(pm.frames[2] as string)).toMatchObject({ t: 'REPAY', l: '0' });
  expect(pm.frames[2]).toContain(`"T":${BigInt(tranId) + 1n},`);
  expect(JSON.parse(pm.frames[3] as string)).toMatchObject({ B: [{ a: 'USDT', f: '10000.00000000' }] });
  // The USD-M streams of the same book never see it.
  expect(usdm.frames.some((f) => f.includes('liabilityChange'))).toBe(false);
  // Core's portfolio-margin dialect reads T exactly from the text.
  const parsed = parseFrame(text, 'portfolioMargin');
  expect(parsed.ok && parsed.events[0]).toMatchObject({ e: 'liabilityChange', T: tranId });
  pm.close();
  usdm.close();
});
