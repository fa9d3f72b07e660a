import { type Endpoint, ExchangeError, type VenueId, type VenueProfile, venues } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { leaks, useSimulator } from './helpers.js';

// The default accounts (HMAC, Ed25519, RSA) and an API wallet for Aster v3 (EIP-712 signed).
const ctx = useSimulator(() => ({
  accounts: [
    { id: 'hmac' },
    { id: 'ed25519', keyType: 'ed25519' },
    { id: 'rsa', keyType: 'rsa' },
    { id: 'wallet', keyType: 'eip712' },
  ],
}));
const DECIMAL = /^-?\d+(\.\d+)?$/;
const ALL = Object.keys(venues) as VenueId[];

/** A resting (never filling) limit order for each account book the simulator keeps. */
function restingOrder(v: VenueProfile): Record<string, string> {
  // Toobit USDT-M: BTC-SWAP-USDT symbols, an opening side, a client id it requires
  // (https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/, New Order).
  if (v.id === 'toobit-usdm')
    return {
      symbol: 'BTC-SWAP-USDT',
      side: 'BUY_OPEN',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.010',
      price: '50000.0',
      newClientOrderId: 'endpoints-test',
    };
  const order = bookOrder(v);
  // BingX names symbols BASE-QUOTE in requests and answers (the simulator since e931c0a).
  return v.id.startsWith('bingx-') ? { ...order, symbol: 'BTC-USDT' } : order;
}

function bookOrder(v: VenueProfile): Record<string, string> {
  switch (v.market) {
    case 'usdm':
    case 'portfolioMargin':
      return {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.010',
        price: '50000.0',
      };
    case 'coinm':
      return {
        symbol: 'BTCUSD_PERP',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '1',
        price: '50000.0',
      };
    case 'isolatedMargin':
      return {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.001',
        price: '50000.00',
        isIsolated: 'TRUE',
      };
    default:
      return {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.001',
        price: '50000.00',
      };
  }
}

/** Requests to an endpoint; `key` fills a `{listenKey}` path (Bitrue's keepalive and close). */
const count = (e: Endpoint, key = '') =>
  ctx.sim.record.requestCount(e.method, e.path.replace('{listenKey}', key));

describe('every endpoint of every venue profile in core', () => {
  it('covers all 30 built-in profiles', () => {
    expect(ALL).toHaveLength(30);
  });

  it.each(ALL.filter((id) => venues[id].listenKey))(
    '%s: create returns the active key, keepalive extends it, close invalidates it',
    async (id) => {
      const lk = venues[id].listenKey!;
      const opts = lk.requiresSymbol ? { symbol: 'BTCUSDT' } : {};
      const rest = ctx.client(id);
      const before = [count(lk.create), count(lk.keepAlive), count(lk.close)];
      const key = await rest.createListenKey(opts);
      expect(key).toMatch(/^[A-Za-z0-9]{60,64}$/);
      // Binance and its kin hand back the active key; MEXC mints a new one per POST (up to 60 per
      // account: https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams).
      if (id === 'mexc') expect(await rest.createListenKey(opts)).not.toBe(key);
      else expect(await rest.createListenKey(opts)).toBe(key);
      await rest.keepAliveListenKey(key, opts);
      expect(ctx.sim.record.keepalives(key)).toHaveLength(1);
      await rest.closeListenKey(key, opts);
      expect([count(lk.create), count(lk.keepAlive, key), count(lk.close, key)]).toEqual([
        before[0]! + 2,
        before[1]! + 1,
        before[2]! + 1,
      ]);
      const gone = await leaks.rejection(rest.keepAliveListenKey(key, opts));
      expect(gone).toBeInstanceOf(ExchangeError);
      expect(gone.exchangeCode).toBe(-1125);
      expect(gone.isRetryable).toBe(false);
      expect(gone.message).toContain('create a new one');
      // -1125 is an answer, not a failure: asked once, not retried.
      expect(count(lk.keepAlive, key)).toBe(before[1]! + 2);
    },
  );

  it('signed listenKey venues (BHEX, Coins.ph and its sisters) sign with timestamp, recvWindow and the venue header', async () => {
    for (const id of ['bhex', 'coins-ph', 'coins-xyz', 'coins-th'] as const) {
      expect(venues[id].listenKey!.create.signed).toBe(true);
      const unsigned = ctx.client(id, { credentials: { ...ctx.hmac(), secret: 'not-the-secret-0000' } });
      const error = await leaks.rejection(unsigned.createListenKey());
      expect(error.exchangeCode).toBe(-1022);
    }
  });

  it.each(ALL.filter((id) => venues[id].listenToken))('%s: creates a listenToken', async (id) => {
    const lt = venues[id].listenToken!;
    const rest = ctx.client(id);
    const before = count(lt.create);
    const opts = lt.isolated ? { symbol: 'BTCUSDT' } : {};
    const { token, expirationTime } = await rest.createListenToken({ ...opts, validityMs: 3_600_000 });
    expect(token.length).toBeGreaterThan(8);
    expect(expirationTime).toBeGreaterThan(Date.now() + 3_500_000);
    expect(expirationTime).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const second = await rest.createListenToken(opts);
    expect(second.token).not.toBe(token);
    expect(second.expirationTime).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(count(lt.create)).toBe(before + 2);
  });

  // Options orders are premium orders on option symbols that a BUY at 50000 would fill at once:
  // simulator/test/derivatives-rest.test.ts trades them.
  // Tokocrypto's /open/v1 form (envelopes, numeric enums) has its own test: open-v1.test.ts.
  it.each(ALL.filter((id) => venues[id].market !== 'options' && venues[id].restEnvelope !== 'open-v1'))(
    '%s: server time, account snapshot, an order and open orders',
    async (id) => {
      const venue = venues[id];
      const rest = ctx.client(id);
      const { serverTime, account, openOrders, order } = venue.endpoints;
      if (serverTime) {
        const t = await rest.serverTime();
        expect(Math.abs(t - Date.now())).toBeLessThan(2_000);
        await rest.syncTime();
        expect(Math.abs(rest.timeOffsetMs)).toBeLessThan(1_000);
      } else {
        const error = await leaks.rejection(rest.serverTime());
        expect(error.code).toBe('USERSTREAM_INVALID_INPUT');
      }
      const symbolOpt = venue.market === 'isolatedMargin' ? { symbol: 'BTCUSDT' } : {};
      const accountBefore = count(account);
      const snapshot = await rest.accountSnapshot(symbolOpt);
      expect(count(account)).toBe(accountBefore + 1);
      expect(Object.keys(snapshot.balances).length).toBeGreaterThan(0);
      for (const b of Object.values(snapshot.balances)) {
        expect(b.free).toMatch(DECIMAL);
        expect(b.locked).toMatch(DECIMAL);
      }
      if (venue.market === 'isolatedMargin')
        expect(Object.keys(snapshot.balances).sort()).toEqual(['BTC', 'USDT']);

      expect(order).toBeDefined();
      const params = restingOrder(venue);
      const placed = await rest.request<{ orderId: number | string }>({
        method: 'POST',
        path: order!.path,
        params,
        signed: true,
      });
      const orders = await rest.openOrders({ symbol: params.symbol });
      const mine = orders.find((o) => o.orderId === String(placed.orderId));
      expect(mine, id).toMatchObject({ symbol: params.symbol, side: 'BUY', type: 'LIMIT', status: 'NEW' });
      expect(mine?.price).toMatch(DECIMAL);
      expect(Number(mine?.price)).toBe(50_000);
      expect(mine?.quantity).toMatch(DECIMAL);
      expect(mine?.filledQuantity).toMatch(DECIMAL);
      expect(typeof mine?.updateTime).toBe('number');
      const raw = (await rest.rawOpenOrders({ symbol: params.symbol })) as unknown[];
      expect(raw.length).toBe(orders.length);
      expect(count(openOrders)).toBeGreaterThanOrEqual(2);
      // Cancel with the same generic request, so the books stay as they were.
      await rest.request({
        method: 'DELETE',
        path: order!.path,
        params: {
          symbol: params.symbol,
          orderId: String(placed.orderId),
          ...(venue.market === 'isolatedMargin' ? { isIsolated: 'TRUE' } : {}),
        },
        signed: true,
      });
      expect(
        (await rest.openOrders({ symbol: params.symbol })).some((o) => o.orderId === String(placed.orderId)),
      ).toBe(false);
      expect(rest.rateLimit.usedWeight).toBeGreaterThan(0);
      expect(rest.rateLimit.usedWeights['1m']).toBe(rest.rateLimit.usedWeight);
    },
  );

  it('RSA and Ed25519 accounts sign the same endpoints', async () => {
    for (const keyType of ['rsa', 'ed25519'] as const) {
      const account = ctx.sim.accounts.find((a) => a.keyType === keyType)!;
      const rest = ctx.client('bhex', {
        credentials: { apiKey: account.apiKey, privateKey: account.privateKeyPem! },
      });
      const key = await rest.createListenKey();
      await rest.keepAliveListenKey(key);
      expect((await rest.accountSnapshot()).balances.USDT?.free).toMatch(DECIMAL);
      await rest.closeListenKey(key);
    }
  });
});
