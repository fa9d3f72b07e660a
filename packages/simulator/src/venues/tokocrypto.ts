/**
 * Tokocrypto (issue #13 item 7) on the simulator's spot book: its MBX symbols trade on Binance's
 * engine, so the simulator plays it on its spot book behind Tokocrypto's doors
 * (https://www.tokocrypto.com/apidocs/, checked 2026-12-03; core's venues-tokocrypto.ts says how
 * the page was read):
 * - REST `/open/v1`: every answer is an envelope `{code, msg, data, timestamp}`; an error is a
 *   non-zero `code` in an HTTP 200 answer (rate limits stay 429/418). `POST /open/v1/user-listen-token`
 *   answers `data: {token, expirationTime}`; `GET /open/v1/account/spot` `data.accountAssets`;
 *   `GET /open/v1/orders?type=1` the open orders under `data.list` with numeric enums and
 *   `BASE_QUOTE` symbols; `POST /open/v1/orders` (numeric side/type/timeInForce, `BTC_USDT`)
 *   answers `{orderId, createTime}`; `POST /open/v1/orders/cancel` the order; the time endpoint's
 *   `data` is null (the time is the envelope's `timestamp`).
 * - WebSocket API: `userDataStream.subscribe.listenToken` as Binance margin's, on the spot book;
 *   events in the documented shapes, keys in the documented order: `outboundAccountPosition` with
 *   the commission rates (0 bips, the page's example) and T/W/D flags beside `u`; `executionReport`
 *   without Q, V and Binance's conditional fields. `balanceUpdate`, `listStatus` and
 *   `externalLockUpdate` are not documented for Tokocrypto and are not sent.
 * Error codes stay the simulator's (Binance's): the page's error table is not in the store.
 */
import type { ExchangeError, VenueProfile } from '@userstream/core';
import type { Exchange } from '../engine/index.js';
import { SPOT_INSTRUMENTS } from '../engine/markets.js';
import type { Hub } from '../hub.js';
import type { Sink } from '../sink.js';

type Body = Record<string, unknown>;

/** Order routes Tokocrypto documents that no profile endpoint names. */
export const TOKOCRYPTO_ROUTE_SPECS = [
  { method: 'POST', path: '/open/v1/orders', weight: 1, auth: 'signed', action: 'placeOrder' },
  { method: 'POST', path: '/open/v1/orders/cancel', weight: 1, auth: 'signed', action: 'cancelOrder' },
] as const;

const SIDES = ['BUY', 'SELL'];
const TYPES = [
  '',
  'LIMIT',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
  'LIMIT_MAKER',
];
const TIME_IN_FORCE = ['', 'GTC', 'IOC', 'FOK', 'GTX'];
const STATUS: Record<string, number> = {
  PENDING_NEW: -2,
  NEW: 0,
  PARTIALLY_FILLED: 1,
  FILLED: 2,
  CANCELED: 3,
  PENDING_CANCEL: 4,
  REJECTED: 5,
  EXPIRED: 6,
};

/** `BTC_USDT` → `BTCUSDT` (the engine's and the stream's form). */
export function engineSymbol(symbol: string | undefined): string | undefined {
  return symbol?.replace('_', '');
}

/** `BTCUSDT` → `BTC_USDT` (Tokocrypto's REST form). */
export function openV1Symbol(symbol: string): string {
  const inst = SPOT_INSTRUMENTS[symbol];
  return inst ? `${inst.baseAsset}_${inst.quoteAsset}` : symbol;
}

/** The engine's (Binance's) parameters of a Tokocrypto request. */
export function engineParamsOf(
  action: string,
  params: Record<string, string>,
  symbolOfOrder: (orderId: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...params };
  // Tokocrypto cancels by order id alone; the engine wants the pair too.
  if (action === 'cancelOrder' && params.symbol === undefined && params.orderId !== undefined) {
    // An id that names no open order: any pair makes the engine answer -2011 (unknown order).
    out.symbol = symbolOfOrder(params.orderId) ?? (Object.keys(SPOT_INSTRUMENTS)[0] as string);
  }
  if (params.symbol !== undefined) out.symbol = engineSymbol(params.symbol) as string;
  if (action === 'openOrders') delete out.type;
  if (action === 'placeOrder') {
    // Numeric enums; an unknown number stays as given and the engine refuses it by name.
    if (params.side !== undefined) out.side = SIDES[Number(params.side)] ?? params.side;
    if (params.type !== undefined) out.type = TYPES[Number(params.type)] || params.type;
    if (params.timeInForce !== undefined)
      out.timeInForce = TIME_IN_FORCE[Number(params.timeInForce)] || params.timeInForce;
    if (params.clientId !== undefined) {
      out.newClientOrderId = params.clientId;
      delete out.clientId;
    }
  }
  if (action === 'cancelOrder' && params.clientId !== undefined) {
    out.origClientOrderId = params.clientId;
    delete out.clientId;
  }
  return out;
}

function openV1Order(o: Body): Body {
  return {
    orderId: o.orderId,
    clientId: o.clientOrderId,
    symbol: openV1Symbol(o.symbol as string),
    symbolType: 1,
    side: SIDES.indexOf(o.side as string),
    type: TYPES.indexOf(o.type as string),
    price: o.price,
    origQty: o.origQty,
    origQuoteQty: o.origQuoteOrderQty ?? '0.00000000',
    executedQty: o.executedQty,
    executedPrice: '0.00000000',
    executedQuoteQty: o.cummulativeQuoteQty,
    timeInForce: TIME_IN_FORCE.indexOf(o.timeInForce as string),
    stopPrice: o.stopPrice ?? '0.00000000',
    icebergQty: o.icebergQty ?? '0.00000000',
    status: STATUS[o.status as string] ?? o.status,
    isWorking: o.isWorking === false ? 0 : 1,
    createTime: o.time ?? o.transactTime,
  };
}

/** `data` of a Tokocrypto answer, from the engine's (Binance's) body. */
export function openV1Data(action: string, result: unknown): unknown {
  switch (action) {
    case 'time':
      return null;
    case 'account': {
      const a = result as Body;
      return {
        makerCommission: a.makerCommission,
        takerCommission: a.takerCommission,
        buyerCommission: a.buyerCommission,
        sellerCommission: a.sellerCommission,
        canTrade: a.canTrade ? 1 : 0,
        canWithdraw: a.canWithdraw ? 1 : 0,
        canDeposit: a.canDeposit ? 1 : 0,
        accountAssets: (a.balances as Body[]).map((b) => ({
          asset: b.asset,
          free: b.free,
          locked: b.locked,
        })),
      };
    }
    case 'openOrders':
      return { list: (result as Body[]).map(openV1Order) };
    case 'placeOrder': {
      const o = result as Body;
      return { orderId: o.orderId, createTime: o.transactTime };
    }
    case 'cancelOrder':
      return openV1Order(result as Body);
    default:
      return result;
  }
}

/** The envelope every /open/v1 answer comes in. */
export function openV1Envelope(code: number, msg: string, data: unknown, timestamp: number): Body {
  return code === 0 ? { code, msg, data, timestamp } : { code, msg, timestamp };
}

type Event = Record<string, unknown>;

/** A spot-book event in Tokocrypto's documented shape, or undefined when Tokocrypto does not send it. */
export function tokocryptoEvent(event: Event): Event | undefined {
  if (event.e === 'outboundAccountPosition') {
    return {
      e: event.e,
      E: event.E,
      m: 0,
      t: 0,
      b: 0,
      s: 0,
      T: true,
      W: true,
      D: true,
      u: event.u,
      B: event.B,
    };
  }
  if (event.e !== 'executionReport') return undefined;
  const out: Event = {};
  for (const k of DOCUMENTED_EXECUTION_REPORT) if (k in event) out[k] = event[k];
  return out;
}

/** The executionReport keys of Tokocrypto's page, in its order. */
const DOCUMENTED_EXECUTION_REPORT = [
  'e',
  'E',
  's',
  'c',
  'S',
  'o',
  'f',
  'q',
  'p',
  'P',
  'F',
  'g',
  'C',
  'x',
  'X',
  'r',
  'i',
  'l',
  'z',
  'L',
  'n',
  'N',
  'T',
  't',
  'I',
  'w',
  'm',
  'M',
  'O',
  'Z',
  'Y',
] as const;

/** Delivers one spot-book event to a Tokocrypto subscription, in Tokocrypto's shape (or not at all). */
export function deliverTokocrypto(hub: Hub, sink: Sink, event: Event): void {
  const shaped = tokocryptoEvent(event);
  if (shaped) hub.deliver(sink, JSON.stringify(shaped));
}

/**
 * The /open/v1 door of a request on a venue whose profile says `restEnvelope: 'open-v1'`: its
 * parameters in the engine's terms, and the engine's answer in an envelope. Undefined elsewhere.
 */
export function openV1Door(
  profile: VenueProfile,
  action: string,
  d: { exchange: Exchange; serverNow: () => number },
  accountId: string | undefined,
): { params(p: Record<string, string>): Record<string, string>; answer(result: unknown): Body } | undefined {
  if (profile.restEnvelope !== 'open-v1') return undefined;
  const symbolOfOrder = (orderId: string) =>
    accountId === undefined
      ? undefined
      : (d.exchange.orders(accountId, profile.id as never).find((o) => String(o.orderId) === orderId)
          ?.symbol as string | undefined);
  return {
    params: (p) => engineParamsOf(action, p, symbolOfOrder),
    answer: (result) => openV1Envelope(0, 'Success', openV1Data(action, result), d.serverNow()),
  };
}

/** A refusal as Tokocrypto sends it: HTTP 200, a non-zero code, no data. */
export function openV1Refusal(error: ExchangeError, now: number): Body {
  return openV1Envelope(error.exchangeCode, error.exchangeMessage, undefined, now);
}
