/**
 * Toobit USDT-M's REST doors on the simulator (issue #13 item 4): the profile's paths, all signed
 * (`timestamp` mandatory, HMAC `signature`), the API key in `X-BB-APIKEY` (rest.ts picks Toobit's
 * routes by that header; GET /api/v1/time is spot's route, the same clock). The engine's USDⓈ-M
 * book answers; this door puts Toobit's parameters in the engine's terms and the answers in
 * Toobit's bodies. Refusals keep Binance's `{code, msg}` form and codes, which Toobit's error page
 * lists as its own (-1121 invalid symbol, -1125 unknown listenKey, -2013 no such order, …).
 * Checked 2026-12-03: https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ and
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html.
 * - Keys: POST answers `{listenKey}`, PUT and DELETE `{}` (PUT and DELETE name the key).
 * - GET /api/v1/futures/balance: `[{asset, balance, availableBalance, positionMargin, orderMargin,
 *   crossUnRealizedPnl}]` (balance: the wallet balance).
 * - GET /api/v1/futures/openOrders: Toobit's order objects (ids and times as digit strings, side
 *   BUY_OPEN/SELL_OPEN/BUY_CLOSE/SELL_CLOSE, `priceType`), the latest `limit` (default 20, at most
 *   1000), newest first.
 * - GET /api/v1/futures/positions: `[{symbol, side, avgPrice, position, available, leverage,
 *   lastPrice, positionValue, flp, margin, marginRate, unrealizedPnL, profitRate, realizedPnL}]`,
 *   open positions only (the book is one-way: LONG for a positive amount, SHORT for a negative one).
 * - POST /api/v1/futures/order (`side` BUY_OPEN…, `type` LIMIT with `priceType` MARKET for a
 *   market order, `quantity`, `price`, `timeInForce` GTC/IOC/FOK/LIMIT_MAKER, `newClientOrderId`)
 *   and DELETE /api/v1/futures/order (`orderId` or `origClientOrderId`, no symbol): the order.
 */
import { venues } from '@userstream/core';
import { type Exchange, FUTURES_LEVERAGE } from '../engine/index.js';
import { Reject } from '../engine/reject.js';
import { bookSymbol, toobitSymbol } from './toobit-usdm.js';

const p = venues['toobit-usdm'];
const lk = p.listenKey as NonNullable<typeof p.listenKey>;
const e = p.endpoints;
const order = e.order as { path: string; weight: number };
const positions = e.positions as { path: string; weight: number };
const venue = 'toobit-usdm' as const;

export const TOOBIT_USDM_ROUTE_SPECS = [
  { method: 'POST', path: lk.create.path, weight: 1, auth: 'signed', action: 'listenKeyCreate', venue },
  { method: 'PUT', path: lk.keepAlive.path, weight: 1, auth: 'signed', action: 'listenKeyKeepAlive', venue },
  { method: 'DELETE', path: lk.close.path, weight: 1, auth: 'signed', action: 'listenKeyClose', venue },
  { method: 'GET', path: e.account.path, weight: e.account.weight, auth: 'signed', action: 'account', venue },
  {
    method: 'GET',
    path: e.openOrders.path,
    weight: e.openOrders.weight,
    auth: 'signed',
    action: 'openOrders',
    venue,
  },
  {
    method: 'GET',
    path: positions.path,
    weight: positions.weight,
    auth: 'signed',
    action: 'positionRisk',
    venue,
  },
  { method: 'POST', path: order.path, weight: order.weight, auth: 'signed', action: 'placeOrder', venue },
  { method: 'DELETE', path: order.path, weight: order.weight, auth: 'signed', action: 'cancelOrder', venue },
] as const;

type Body = Record<string, unknown>;
type Params = Record<string, string>;

/** Open orders a GET lists when `limit` is not sent, and at most. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** The engine's side and reduce-only flag as Toobit's one side. */
function toobitSide(side: unknown, reduceOnly: unknown): string {
  return `${String(side)}_${reduceOnly === true ? 'CLOSE' : 'OPEN'}`;
}

const digits = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function orderBody(o: Body): Body {
  return {
    time: digits(o.time ?? o.updateTime),
    updateTime: digits(o.updateTime),
    orderId: digits(o.orderId),
    clientOrderId: o.clientOrderId,
    symbol: toobitSymbol(String(o.symbol)),
    price: o.price,
    leverage: String(FUTURES_LEVERAGE),
    origQty: o.origQty,
    executedQty: o.executedQty,
    avgPrice: o.avgPrice,
    marginLocked: '0',
    type: o.type === 'MARKET' ? 'LIMIT' : o.type,
    side: toobitSide(o.side, o.reduceOnly),
    timeInForce: o.timeInForce === 'GTX' ? 'LIMIT_MAKER' : o.timeInForce,
    status: o.status,
    priceType: o.type === 'MARKET' ? 'MARKET' : 'INPUT',
  };
}

function positionBodies(list: Body[]): Body[] {
  const out: Body[] = [];
  for (const pos of list) {
    const pa = String(pos.positionAmt ?? '0');
    if (/^-?0*(\.0*)?$/.test(pa)) continue;
    const short = pa.startsWith('-');
    const size = short ? pa.slice(1) : pa;
    out.push({
      symbol: toobitSymbol(String(pos.symbol)),
      side: short ? 'SHORT' : 'LONG',
      avgPrice: pos.entryPrice,
      position: size,
      available: size,
      leverage: String(FUTURES_LEVERAGE),
      lastPrice: pos.markPrice ?? pos.entryPrice,
      positionValue: String(pos.notional ?? '0').replace(/^-/, ''),
      flp: pos.liquidationPrice ?? '0',
      margin: pos.initialMargin ?? '0',
      marginRate: '0',
      unrealizedPnL: pos.unRealizedProfit ?? pos.unrealizedProfit ?? '0',
      profitRate: '0',
      realizedPnL: '0',
    });
  }
  return out;
}

function balanceRows(account: Body): Body[] {
  return ((account.assets as Body[] | undefined) ?? []).map((a) => ({
    asset: a.asset,
    balance: a.walletBalance,
    availableBalance: a.availableBalance ?? a.walletBalance,
    positionMargin: a.positionInitialMargin ?? '0',
    orderMargin: a.openOrderInitialMargin ?? '0',
    crossUnRealizedPnl: a.crossUnPnl ?? a.unrealizedProfit ?? '0',
  }));
}

/** Toobit's order parameters in the engine's (Binance's) terms. */
function placeParams(q: Params): Params {
  const out: Params = {};
  const [side, effect] = (q.side ?? '').split('_');
  if (q.symbol !== undefined) out.symbol = bookSymbol(q.symbol);
  // An unknown side is passed on as sent: the engine refuses it (-1117).
  out.side = effect === 'OPEN' || effect === 'CLOSE' ? (side as string) : (q.side ?? '');
  if (effect === 'CLOSE') out.reduceOnly = 'true';
  const market = q.priceType === 'MARKET' || q.type === 'MARKET';
  out.type = market ? 'MARKET' : (q.type ?? '');
  if (q.quantity !== undefined) out.quantity = q.quantity;
  if (!market) {
    if (q.price !== undefined) out.price = q.price;
    out.timeInForce = q.timeInForce === 'LIMIT_MAKER' ? 'GTX' : (q.timeInForce ?? 'GTC');
  }
  if (q.newClientOrderId !== undefined) out.newClientOrderId = q.newClientOrderId;
  return out;
}

/**
 * The door of a request on `toobit-usdm`: its parameters in the engine's terms and the engine's
 * answer in Toobit's body. Undefined for every other venue.
 */
export function toobitUsdmDoor(
  id: string,
  action: string,
  d: { exchange: Exchange },
  accountId: string | undefined,
): { params(p: Params): Params; answer(result: unknown): unknown } | undefined {
  if (id !== venue) return undefined;
  let limit = DEFAULT_LIMIT;
  return {
    params(q) {
      const { limit: asked, symbol, ...rest } = q;
      if (asked !== undefined && /^\d{1,4}$/.test(asked))
        limit = Math.min(MAX_LIMIT, Math.max(1, Number(asked)));
      if (action === 'placeOrder') return placeParams(q);
      if (action === 'cancelOrder') {
        // Toobit names the order only; the engine wants its symbol too.
        const open = accountId === undefined ? [] : d.exchange.orders(accountId, venue);
        const mine = open.find(
          (o) =>
            (rest.orderId !== undefined && String(o.orderId) === rest.orderId) ||
            (rest.origClientOrderId !== undefined && o.clientOrderId === rest.origClientOrderId),
        );
        if (!mine) throw Reject.unknownOrder();
        return { ...rest, symbol: String(mine.symbol) };
      }
      return symbol === undefined ? rest : { ...rest, symbol: bookSymbol(symbol) };
    },
    answer(result) {
      switch (action) {
        case 'listenKeyKeepAlive':
        case 'listenKeyClose':
          return {};
        case 'account':
          return balanceRows(result as Body);
        case 'openOrders':
          return (result as Body[])
            .map(orderBody)
            .sort((a, b) => (BigInt(String(b.orderId)) > BigInt(String(a.orderId)) ? 1 : -1))
            .slice(0, limit);
        case 'positionRisk':
          return positionBodies(result as Body[]);
        case 'placeOrder':
        case 'cancelOrder':
          return orderBody(result as Body);
        default:
          return result;
      }
    },
  };
}
