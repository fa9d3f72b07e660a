/**
 * Toobit USDT-M futures on the simulator, over loopback, as documented (checked 2026-12-03):
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html (key routes, stream, payloads:
 * core's test/fixtures/toobit are those examples) and
 * https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (REST bodies, BTC-SWAP-USDT symbols).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFrame, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { byType, Client, call, signedQuery } from '../../test/helpers.js';
import { startSimulator, venueRestBodies } from '../index.js';

const fixture = (name: string) =>
  (
    JSON.parse(
      readFileSync(
        fileURLToPath(new URL(`../../../core/test/fixtures/toobit/${name}.json`, import.meta.url)),
        'utf8',
      ),
    ) as Record<string, unknown>[]
  )[0] as Record<string, unknown>;

/** Lets real socket I/O happen between virtual time steps. */
const settle = () => new Promise((r) => setTimeout(r, 20));

async function start() {
  const clock = new VirtualClock();
  const sim = await startSimulator({ clock, pingIntervalMs: 3_600_000, pongTimeoutMs: 7_200_000 });
  const account = byType(sim.accounts, 'hmac');
  const headers = { 'X-BB-APIKEY': account.apiKey };
  const signed = (params: Record<string, string> = {}) =>
    signedQuery(account, { ...params, timestamp: clock.now() });
  return { clock, sim, account, headers, signed };
}

type Body = Record<string, unknown>;

describe('Toobit USDT-M on the simulator', () => {
  it('signed keys on /api/v1/listenKey: {listenKey}, then {} for PUT and DELETE, -1125 for an unknown key', async () => {
    const { sim, headers, signed } = await start();
    await using _ = sim;
    const unsigned = await call(sim.urls.rest, 'POST', '/api/v1/listenKey', { headers });
    expect(unsigned.status).toBe(400);
    const r = await call(sim.urls.rest, 'POST', '/api/v1/listenKey', { headers, query: signed() });
    expect(r.status).toBe(200);
    const key = (r.body as { listenKey: string }).listenKey;
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    // A second POST on the account returns the active key.
    const again = await call(sim.urls.rest, 'POST', '/api/v1/listenKey', { headers, query: signed() });
    expect((again.body as { listenKey: string }).listenKey).toBe(key);
    // The spot key path is another venue's: its key is not this one.
    const spot = await call(sim.urls.rest, 'POST', '/api/v1/userDataStream', { headers, query: signed() });
    expect((spot.body as { listenKey: string }).listenKey).not.toBe(key);
    const put = await call(sim.urls.rest, 'PUT', '/api/v1/listenKey', {
      headers,
      query: signed({ listenKey: key }),
    });
    expect([put.status, put.body]).toEqual([200, {}]);
    const lost = await call(sim.urls.rest, 'PUT', '/api/v1/listenKey', {
      headers,
      query: signed({ listenKey: 'x'.repeat(64) }),
    });
    expect([lost.status, (lost.body as Body).code]).toEqual([400, -1125]);
    const del = await call(sim.urls.rest, 'DELETE', '/api/v1/listenKey', {
      headers,
      query: signed({ listenKey: key }),
    });
    expect([del.status, del.body]).toEqual([200, {}]);
  });

  it('streams the USDⓈ-M book in Toobit shapes: report, ticket, balance and both position sides, BTC-SWAP-USDT', async () => {
    const { clock, sim, account, headers, signed } = await start();
    await using _ = sim;
    const r = await call(sim.urls.rest, 'POST', '/api/v1/listenKey', { headers, query: signed() });
    const key = (r.body as { listenKey: string }).listenKey;
    const client = await Client.open(`${sim.urls.ws}/api/v1/ws/${key}`);
    sim.exchange.placeOrder(account.id, 'toobit-usdm', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.010',
    });
    await clock.advance(1000);
    // NEW and TRADE reports, a ticket, the balance, LONG and SHORT positions.
    await client.waitFrames(6);
    await settle();
    const events = client.frames.map((text) => {
      expect(text.startsWith('[')).toBe(true);
      const parsed = parseFrame(text, 'toobit');
      if (!parsed.ok) throw parsed.error;
      expect(parsed.events.map((e) => e.e)).not.toContain('unknown');
      return JSON.parse(text)[0] as Body;
    });
    const all = (e: string) => events.filter((x) => x.e === e);
    for (const name of [
      'contractExecutionReport',
      'ticketInfo',
      'outboundContractAccountInfo',
      'outboundContractPositionInfo',
    ]) {
      expect(all(name).length).toBeGreaterThan(0);
      expect([name, Object.keys(all(name)[0]!)]).toEqual([name, Object.keys(fixture(name))]);
    }
    const [, filled] = all('contractExecutionReport');
    expect(filled).toMatchObject({
      s: 'BTC-SWAP-USDT',
      S: 'SELL',
      X: 'FILLED',
      z: '0.01',
      C: false,
      pt: 'MARKET',
    });
    expect(all('outboundContractPositionInfo').map((p) => [p.s, p.S, p.P])).toEqual([
      ['BTC-SWAP-USDT', 'LONG', '0'],
      ['BTC-SWAP-USDT', 'SHORT', '0.01'],
    ]);
    // The REST answers agree: the SHORT position, the wallet balance.
    const positions = await call(sim.urls.rest, 'GET', '/api/v1/futures/positions', {
      headers,
      query: signed(),
    });
    expect((positions.body as Body[]).map((p) => [p.symbol, p.side, p.position, p.avgPrice])).toEqual([
      ['BTC-SWAP-USDT', 'SHORT', '0.01', all('outboundContractPositionInfo')[1]!.p],
    ]);
    // venueRestBodies (the demo's and tests' end-of-run view) answers what the door answers.
    expect(venueRestBodies(sim.exchange, account.id, 'toobit-usdm', 'positions')).toEqual(positions.body);
    expect(venueRestBodies(sim.exchange, account.id, 'binance-usdm', 'positions')[0]).toMatchObject({
      symbol: 'BTCUSDT',
      positionAmt: '-0.01',
    });
    const balance = await call(sim.urls.rest, 'GET', '/api/v1/futures/balance', { headers, query: signed() });
    const usdt = (balance.body as Body[]).find((b) => b.asset === 'USDT')!;
    expect(Object.keys(usdt)).toEqual([
      'asset',
      'balance',
      'availableBalance',
      'positionMargin',
      'orderMargin',
      'crossUnRealizedPnl',
    ]);
    const pushed = all('outboundContractAccountInfo').at(-1)!.B as Body[];
    expect(usdt.balance).toBe(pushed.find((b) => b.a === 'USDT')!.f);
    client.close();
  });

  it('orders through Toobit doors: BUY_OPEN in, Toobit bodies out, the latest `limit` open orders, cancel by id', async () => {
    const { sim, headers, signed } = await start();
    await using _ = sim;
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      const placed = await call(sim.urls.rest, 'POST', '/api/v1/futures/order', {
        headers,
        query: signed({
          symbol: 'BTC-SWAP-USDT',
          side: 'BUY_OPEN',
          type: 'LIMIT',
          quantity: '0.010',
          price: String(50_000 + i),
          newClientOrderId: `c${i}`,
        }),
      });
      expect(placed.status).toBe(200);
      expect(placed.body).toMatchObject({
        symbol: 'BTC-SWAP-USDT',
        side: 'BUY_OPEN',
        status: 'NEW',
        priceType: 'INPUT',
      });
      ids.push((placed.body as Body).orderId as string);
    }
    expect(typeof ids[0]).toBe('string');
    const open = async (params: Record<string, string> = {}) =>
      (await call(sim.urls.rest, 'GET', '/api/v1/futures/openOrders', { headers, query: signed(params) }))
        .body as Body[];
    // Default 20, the newest first; `limit` up to 1000 lists them all.
    expect((await open()).map((o) => o.orderId)).toEqual(ids.slice(2).reverse());
    expect(await open({ limit: '1000' })).toHaveLength(22);
    const cancel = await call(sim.urls.rest, 'DELETE', '/api/v1/futures/order', {
      headers,
      query: signed({ orderId: ids[0]! }),
    });
    expect(cancel.body).toMatchObject({ orderId: ids[0], status: 'CANCELED' });
    expect(await open({ limit: '1000' })).toHaveLength(21);
    const unknown = await call(sim.urls.rest, 'DELETE', '/api/v1/futures/order', {
      headers,
      query: signed({ orderId: '1' }),
    });
    expect([unknown.status, typeof (unknown.body as Body).code, typeof (unknown.body as Body).msg]).toEqual([
      400,
      'number',
      'string',
    ]);
  });

  it('warns a USDT-M stream with listenKeyWillExpire from 5 minutes before the expiry, as the page documents', async () => {
    const { clock, sim, headers, signed } = await start();
    await using _ = sim;
    const r = await call(sim.urls.rest, 'POST', '/api/v1/listenKey', { headers, query: signed() });
    const key = (r.body as { listenKey: string }).listenKey;
    const client = await Client.open(`${sim.urls.ws}/api/v1/ws/${key}`);
    const notices = () => client.json().filter((f) => f.eventType === 'listenKeyWillExpire');
    for (let m = 0; m < 57; m++) {
      client.ws.send('{"ping":1}');
      await clock.advance(60_000);
      await settle();
    }
    // At 55, 56 and 57 minutes (none before): a bare object with the key, the stream still open.
    expect(notices().map((n) => Object.keys(n))).toEqual([
      ['eventTime', 'eventType', 'listenKey'],
      ['eventTime', 'eventType', 'listenKey'],
      ['eventTime', 'eventType', 'listenKey'],
    ]);
    expect(notices()[0]!.listenKey).toBe(key);
    expect(client.closed).toBeUndefined();
    client.close();
  });
});
