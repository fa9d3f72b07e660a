import { fixed } from './decimal-math.js';
import type { EngineDialect } from './markets.js';
import type { SpotLedger, SpotOrder } from './spot-ledger.js';

/** One execution of an order against the book. */
export interface SpotFill {
  qty: string;
  price: string;
  quote: string;
  commission: string;
  commissionAsset: string;
  tradeId: number;
  maker: boolean;
}

export interface Execution {
  /** Execution type (`x`). */
  type: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED';
  /** Transaction time. */
  time: number;
  /** Execution id (`I`). */
  executionId: number;
  /** For CANCELED: the id of the cancel request (Binance sends it as `c`, the order's own id as `C`). */
  cancelClientId?: string;
  fill?: SpotFill;
}

const ZERO8 = '0.00000000';

/** BHEX sends numeric client order ids as JSON numbers. */
function bhexClientId(id: string): string | number {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : id;
}

/**
 * `executionReport` in the dialect of the market: Binance spot/margin (every always-present
 * field of the documented payload, in its order), Coins.ph (its documented field set) or BHEX
 * (its documented field set, with no `x`).
 */
export function executionReport(
  dialect: EngineDialect,
  order: SpotOrder,
  ex: Execution,
): Record<string, unknown> {
  const fill = ex.fill;
  const onBook = order.type !== 'MARKET' && (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED');
  const isMarket = order.type === 'MARKET';
  const l = fill ? fixed(fill.qty) : ZERO8;
  const L = fill ? fixed(fill.price) : ZERO8;
  const n = fill ? fixed(fill.commission) : '0';
  const N = fill ? fill.commissionAsset : null;
  const p = isMarket ? ZERO8 : fixed(order.price);
  const f = isMarket ? 'GTC' : order.timeInForce;
  if (dialect === 'bhex') {
    return {
      e: 'executionReport',
      E: 0,
      s: order.symbol,
      c: bhexClientId(order.clientOrderId),
      S: order.side,
      o: order.type,
      f,
      q: fixed(order.origQty),
      p,
      X: order.status,
      i: order.orderId,
      l,
      z: fixed(order.executedQty),
      L,
      n,
      N,
      u: true,
      w: onBook,
      m: fill ? fill.maker : false,
      O: order.time,
      Z: fixed(order.cumQuote),
    };
  }
  if (dialect === 'coins') {
    return {
      e: 'executionReport',
      E: 0,
      s: order.symbol,
      c: order.clientOrderId,
      S: order.side,
      o: order.type,
      f,
      q: fixed(order.origQty),
      p,
      P: ZERO8,
      x: ex.type,
      X: order.status,
      r: 'NONE',
      i: order.orderId,
      l,
      z: fixed(order.executedQty),
      L,
      n,
      N,
      T: ex.time,
      t: fill ? fill.tradeId : -1,
      w: onBook,
      m: fill ? fill.maker : false,
      O: order.time,
      Z: fixed(order.cumQuote),
      Y: fill ? fixed(fill.quote) : ZERO8,
      Q: fixed(order.origQuoteOrderQty),
    };
  }
  return {
    e: 'executionReport',
    E: 0,
    s: order.symbol,
    c: ex.cancelClientId ?? order.clientOrderId,
    S: order.side,
    o: order.type,
    f,
    q: fixed(order.origQty),
    p,
    P: ZERO8,
    F: ZERO8,
    g: -1,
    C: ex.cancelClientId === undefined ? '' : order.clientOrderId,
    x: ex.type,
    X: order.status,
    r: 'NONE',
    i: order.orderId,
    l,
    z: fixed(order.executedQty),
    L,
    n,
    N,
    T: ex.time,
    t: fill ? fill.tradeId : -1,
    I: ex.executionId,
    w: onBook,
    m: fill ? fill.maker : false,
    M: false,
    O: order.time,
    Z: fixed(order.cumQuote),
    Y: fill ? fixed(fill.quote) : ZERO8,
    Q: fixed(order.origQuoteOrderQty),
    W: order.time,
    V: 'NONE',
  };
}

function balancesOf(ledger: SpotLedger, assets: readonly string[]): { a: string; f: string; l: string }[] {
  return assets.map((a) => {
    const b = ledger.balance(a);
    return { a, f: fixed(b.free), l: fixed(b.locked) };
  });
}

/**
 * The balance snapshot after a change: `outboundAccountPosition` (Binance, Coins.ph) or
 * `outboundAccountInfo` with its can-trade/withdraw/deposit flags (BHEX). Lists `assets` only.
 */
export function accountEvent(
  dialect: EngineDialect,
  ledger: SpotLedger,
  assets: readonly string[],
  time: number,
): Record<string, unknown> {
  if (dialect === 'bhex') {
    return { e: 'outboundAccountInfo', E: 0, T: true, W: true, D: true, B: balancesOf(ledger, assets) };
  }
  return { e: 'outboundAccountPosition', E: 0, u: time, B: balancesOf(ledger, assets) };
}

/** `balanceUpdate`: a deposit, withdrawal or transfer of `delta` (Binance, Coins.ph). */
export function balanceUpdate(asset: string, delta: string, time: number): Record<string, unknown> {
  return { e: 'balanceUpdate', E: 0, a: asset, d: fixed(delta), T: time };
}
