import { addDecimal, divDecimal, fixed, mulDecimal, subDecimal } from './decimal-math.js';
import type { FuturesLedger, FuturesOrder } from './futures-ledger.js';
import { breakEvenPrice, unrealizedPnl } from './futures-math.js';
import type { FuturesInstrument } from './markets.js';

/** One execution of a futures order. */
export interface FuturesFill {
  qty: string;
  price: string;
  commission: string;
  commissionAsset: string;
  realizedProfit: string;
  tradeId: number;
  maker: boolean;
}

/** Average fill price of an order ("0" before the first fill). */
export function averagePrice(order: FuturesOrder): string {
  if (order.executedQty === '0') return '0';
  return divDecimal(order.cumPriceQty, order.executedQty, 8);
}

/** Open-order notional of a symbol on each side, after the change (`b` and `a`). */
function sideNotional(ledger: FuturesLedger, symbol: string): { b: string; a: string } {
  let b = '0';
  let a = '0';
  for (const o of ledger.orders.values()) {
    if (o.symbol !== symbol) continue;
    const value = mulDecimal(subDecimal(o.origQty, o.executedQty), o.price);
    if (o.side === 'BUY') b = addDecimal(b, value);
    else a = addDecimal(a, value);
  }
  return { b, a };
}

export const ACCOUNT_ALIAS = 'SgsR';

/** `ORDER_TRADE_UPDATE` (USDⓈ-M and COIN-M). */
export function orderTradeUpdate(
  ledger: FuturesLedger,
  order: FuturesOrder,
  x: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED',
  time: number,
  fill?: FuturesFill,
): Record<string, unknown> {
  const inverse = order.instrument.kind === 'inverse';
  const { b, a } = sideNotional(ledger, order.symbol);
  const o: Record<string, unknown> = {
    s: order.symbol,
    c: order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: order.origQty,
    p: order.price,
    ap: averagePrice(order),
    sp: order.trigger?.stopPrice ?? '0',
    x,
    X: order.status,
    i: order.orderId,
    l: fill ? fill.qty : '0',
    z: order.executedQty,
    L: fill ? fill.price : '0',
  };
  // The venue pushes the commission asset and amount on every update ("0" until a fill).
  o.N = fill ? fill.commissionAsset : order.instrument.marginAsset;
  o.n = fill ? fill.commission : '0';
  Object.assign(o, {
    T: time,
    t: fill ? fill.tradeId : 0,
    b,
    a,
    m: fill ? fill.maker : false,
    R: order.reduceOnly,
    wt: 'CONTRACT_PRICE',
    ot: order.trigger?.origType ?? order.type,
    ps: 'BOTH',
    cp: order.trigger?.closePosition ?? false,
    rp: fill ? fill.realizedProfit : '0',
    pP: false,
    si: 0,
    ss: 0,
    V: 'EXPIRE_MAKER',
    pm: 'NONE',
    gtd: 0,
    // Expiry reason: "0" (none). The venue documents no other value the simulator could produce.
    er: '0',
  });
  if (inverse) o.ma = order.instrument.marginAsset;
  const event: Record<string, unknown> = { e: 'ORDER_TRADE_UPDATE', E: 0, T: time };
  if (inverse) event.i = ACCOUNT_ALIAS;
  event.o = o;
  return event;
}

/** `TRADE_LITE` (USDⓈ-M only): the short form of a fill. */
export function tradeLite(order: FuturesOrder, fill: FuturesFill, time: number): Record<string, unknown> {
  return {
    e: 'TRADE_LITE',
    E: 0,
    T: time,
    s: order.symbol,
    q: order.origQty,
    p: order.price,
    m: fill.maker,
    c: order.clientOrderId,
    S: order.side,
    L: fill.price,
    l: fill.qty,
    t: fill.tradeId,
    i: order.orderId,
  };
}

/** `ACCOUNT_UPDATE`: the changed wallet balance and, for order fills, the changed position. */
export function accountUpdate(
  ledger: FuturesLedger,
  reason: 'ORDER' | 'DEPOSIT',
  asset: string,
  balanceChange: string,
  time: number,
  inverse: boolean,
  position?: { inst: FuturesInstrument; mark: string },
): Record<string, unknown> {
  const wb = fixed(ledger.wallet(asset));
  const P: Record<string, unknown>[] = [];
  if (position) {
    const p = ledger.position(position.inst.symbol);
    P.push({
      s: position.inst.symbol,
      pa: p.pa,
      ep: p.ep,
      bep: breakEvenPrice(p),
      cr: fixed(p.cr),
      up: fixed(unrealizedPnl(position.inst, p, position.mark)),
      mt: 'cross',
      iw: '0',
      ps: 'BOTH',
    });
  }
  const event: Record<string, unknown> = { e: 'ACCOUNT_UPDATE', E: 0, T: time };
  if (inverse) event.i = ACCOUNT_ALIAS;
  event.a = { m: reason, B: [{ a: asset, wb, cw: wb, bc: fixed(balanceChange) }], P };
  return event;
}
