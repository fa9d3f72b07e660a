import { isZeroDecimal } from '@userstream/core';
import type { EngineContext, Side } from './context.js';
import {
  absDecimal,
  addDecimal,
  compareDecimal,
  divDecimal,
  floorToStep,
  isMultipleOf,
  minDecimal,
  mulDecimal,
  signOf,
  subDecimal,
} from './decimal-math.js';
import { orderBody } from './futures-bodies.js';
import { accountUpdate, type FuturesFill, orderTradeUpdate, tradeLite } from './futures-events.js';
import type { FuturesLedger, FuturesOrder, FuturesTimeInForce, OrderTrigger } from './futures-ledger.js';
import {
  commissionOf,
  entryAfterIncrease,
  INITIAL_MARGIN_RATE,
  marginSummary,
  notional,
  realizedPnl,
} from './futures-math.js';
import { futuresInstrument } from './markets.js';
import { boolParam, clientIdParam, decimalParam, idParam, param, Reject, requireParam } from './reject.js';

const TIME_IN_FORCE: ReadonlySet<string> = new Set(['GTC', 'IOC', 'FOK', 'GTX']);
/** Order types the matching engine no longer takes since 2025-12: they go to the Algo service. */
export const CONDITIONAL_TYPES: ReadonlySet<string> = new Set([
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
]);

/**
 * Orders, fills, deposits and positions of USDⓈ-M (linear) and COIN-M (inverse) accounts in
 * one-way mode. Each change queues `ORDER_TRADE_UPDATE`, `TRADE_LITE` (USDⓈ-M fills) and
 * `ACCOUNT_UPDATE` as the venue sends them.
 */
export class FuturesMarket {
  constructor(
    readonly market: 'usdm' | 'coinm',
    private readonly ctx: EngineContext,
  ) {}

  instrument(symbol: string) {
    return futuresInstrument(this.market, symbol);
  }

  available(ledger: FuturesLedger, asset: string): string {
    return marginSummary(
      ledger,
      asset,
      (s) => this.instrument(s),
      (s) => this.ctx.price(s),
    ).available;
  }

  /** POST /fapi/v1/order; `trigger` is set when a triggered algo order places its order. */
  place(accountId: string, ledger: FuturesLedger, params: Record<string, string>, trigger?: OrderTrigger) {
    const symbol = requireParam(params, 'symbol');
    const inst = this.instrument(symbol);
    if (!inst) throw Reject.invalidSymbol();
    const side = requireParam(params, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw Reject.invalidSide();
    const type = requireParam(params, 'type');
    if (this.market === 'usdm' && CONDITIONAL_TYPES.has(type)) throw Reject.useAlgoService();
    if (type !== 'LIMIT' && type !== 'MARKET') throw Reject.invalidType();
    const positionSide = param(params, 'positionSide');
    if (positionSide !== undefined && positionSide !== 'BOTH') throw Reject.futuresPositionSide();
    const reduceOnly = boolParam(params, 'reduceOnly');
    let timeInForce: FuturesTimeInForce = 'GTC';
    let price = '0';
    if (type === 'LIMIT') {
      const tif = requireParam(params, 'timeInForce');
      if (!TIME_IN_FORCE.has(tif)) throw Reject.invalidTimeInForce();
      timeInForce = tif as FuturesTimeInForce;
    } else if (param(params, 'price') !== undefined) {
      throw Reject.notRequired('price');
    }
    const qty = decimalParam(params, 'quantity', true) as string;
    if (type === 'LIMIT') price = decimalParam(params, 'price', true) as string;
    const respType = param(params, 'newOrderRespType') ?? 'ACK';
    if (respType !== 'ACK' && respType !== 'RESULT') throw Reject.invalidRespType();
    const clientOrderId = clientIdParam(params, 'newClientOrderId') ?? this.ctx.clientOrderId(false);
    if (ledger.findByClientId(clientOrderId)) throw Reject.futuresDuplicate();
    if (isZeroDecimal(qty) || compareDecimal(qty, inst.minQty) < 0) throw Reject.futuresQtyTooSmall();
    if (!isMultipleOf(qty, inst.stepSize)) throw Reject.futuresPrecision();
    if (compareDecimal(qty, inst.maxQty) > 0) throw Reject.futuresQtyTooBig();
    if (type === 'LIMIT') {
      if (compareDecimal(price, inst.minPrice) < 0) throw Reject.futuresPriceTooSmall();
      if (compareDecimal(price, inst.maxPrice) > 0) throw Reject.futuresPriceTooBig();
      if (!isMultipleOf(price, inst.tickSize)) throw Reject.futuresTick();
    }
    const current = this.ctx.price(symbol);
    const refPrice = type === 'LIMIT' ? price : current;
    if (
      !reduceOnly &&
      inst.kind === 'linear' &&
      compareDecimal(mulDecimal(qty, refPrice), inst.minNotional) < 0
    ) {
      throw Reject.futuresNotional(inst.minNotional);
    }
    const crossing =
      type === 'MARKET' ||
      (side === 'BUY' ? compareDecimal(price, current) >= 0 : compareDecimal(price, current) <= 0);
    if (timeInForce === 'GTX' && crossing) throw Reject.futuresPostOnly();
    if (reduceOnly) {
      const pa = ledger.positions.get(symbol)?.pa ?? '0';
      const reduces = side === 'BUY' ? signOf(pa) < 0 : signOf(pa) > 0;
      if (!reduces || compareDecimal(qty, absDecimal(pa)) > 0) throw Reject.futuresReduceOnly();
    } else {
      const margin = mulDecimal(notional(inst, qty, refPrice), INITIAL_MARGIN_RATE);
      if (compareDecimal(margin, this.available(ledger, inst.marginAsset)) > 0) throw Reject.futuresMargin();
    }

    const now = this.ctx.now();
    const order: FuturesOrder = {
      symbol,
      instrument: inst,
      orderId: this.ctx.nextOrderId(),
      clientOrderId,
      side: side as Side,
      type,
      timeInForce,
      price,
      origQty: qty,
      executedQty: '0',
      cumValue: '0',
      cumPriceQty: '0',
      reduceOnly,
      status: 'NEW',
      time: now,
      updateTime: now,
      ...(trigger ? { trigger } : {}),
    };
    const ack = orderBody(this.market, order, false);
    if (!crossing) {
      if (timeInForce === 'GTC' || timeInForce === 'GTX') ledger.orders.set(order.orderId, order);
      this.ctx.send(accountId, this.market, undefined, orderTradeUpdate(ledger, order, 'NEW', now));
      if (timeInForce === 'IOC' || timeInForce === 'FOK') {
        order.status = 'EXPIRED';
        this.ctx.send(accountId, this.market, undefined, orderTradeUpdate(ledger, order, 'EXPIRED', now));
      }
    } else {
      this.ctx.send(accountId, this.market, undefined, orderTradeUpdate(ledger, order, 'NEW', now));
      this.#fill(accountId, ledger, order, qty, current, false, now);
    }
    return respType === 'ACK' ? ack : orderBody(this.market, order, false);
  }

  cancel(accountId: string, ledger: FuturesLedger, params: Record<string, string>) {
    const symbol = requireParam(params, 'symbol');
    if (!this.instrument(symbol)) throw Reject.invalidSymbol();
    const orderId = idParam(params, 'orderId');
    const orig = param(params, 'origClientOrderId');
    if (orderId === undefined && orig === undefined) throw Reject.eitherParam('orderId', 'origClientOrderId');
    let order = orderId !== undefined ? ledger.orders.get(orderId) : ledger.findByClientId(orig as string);
    if (order && (order.symbol !== symbol || (orig !== undefined && order.clientOrderId !== orig)))
      order = undefined;
    if (!order) throw Reject.unknownOrder();
    const now = this.ctx.now();
    order.status = 'CANCELED';
    order.updateTime = now;
    ledger.orders.delete(order.orderId);
    this.ctx.send(accountId, this.market, undefined, orderTradeUpdate(ledger, order, 'CANCELED', now));
    return orderBody(this.market, order, false);
  }

  deposit(accountId: string, ledger: FuturesLedger, asset: string, amount: string): void {
    const now = this.ctx.now();
    ledger.credit(asset, amount);
    ledger.updateTime = now;
    this.ctx.send(
      accountId,
      this.market,
      undefined,
      accountUpdate(ledger, 'DEPOSIT', asset, amount, now, this.market === 'coinm'),
    );
  }

  /** Fills resting limit orders of `symbol` crossed by `price`, at their limit price (maker). */
  fillCrossing(
    accountId: string,
    ledger: FuturesLedger,
    symbol: string,
    price: string,
    partial: (order: FuturesOrder) => boolean,
  ): void {
    for (const order of [...ledger.orders.values()]) {
      if (order.symbol !== symbol) continue;
      const crosses =
        order.side === 'BUY'
          ? compareDecimal(price, order.price) <= 0
          : compareDecimal(price, order.price) >= 0;
      if (!crosses) continue;
      let qty = subDecimal(order.origQty, order.executedQty);
      if (order.reduceOnly) {
        // A reduce-only order never flips the position: it fills at most what is left of it.
        const pa = ledger.positions.get(symbol)?.pa ?? '0';
        const reduces = order.side === 'BUY' ? signOf(pa) < 0 : signOf(pa) > 0;
        if (!reduces) {
          this.#expire(accountId, ledger, order);
          continue;
        }
        qty = minDecimal(qty, absDecimal(pa));
      }
      if (partial(order)) {
        const half = floorToStep(divDecimal(qty, '2', 8, 'down'), order.instrument.stepSize);
        if (!isZeroDecimal(half)) qty = half;
      }
      this.#fill(accountId, ledger, order, qty, order.price, true, this.ctx.now());
      if (order.reduceOnly && order.status === 'PARTIALLY_FILLED') {
        const pa = ledger.positions.get(symbol)?.pa ?? '0';
        if (signOf(pa) === 0) this.#expire(accountId, ledger, order);
      }
    }
  }

  #expire(accountId: string, ledger: FuturesLedger, order: FuturesOrder): void {
    const now = this.ctx.now();
    order.status = 'EXPIRED';
    order.updateTime = now;
    ledger.orders.delete(order.orderId);
    this.ctx.send(accountId, this.market, undefined, orderTradeUpdate(ledger, order, 'EXPIRED', now));
  }

  #fill(
    accountId: string,
    ledger: FuturesLedger,
    order: FuturesOrder,
    qty: string,
    price: string,
    maker: boolean,
    now: number,
  ): void {
    const inst = order.instrument;
    const position = ledger.position(order.symbol);
    const delta = order.side === 'BUY' ? qty : subDecimal('0', qty);
    const pa = position.pa;
    let realizedProfit = '0';
    if (signOf(pa) === 0 || signOf(pa) === signOf(delta)) {
      position.ep = entryAfterIncrease(inst, absDecimal(pa), position.ep, qty, price);
    } else {
      const closed = minDecimal(qty, absDecimal(pa));
      realizedProfit = realizedPnl(inst, signOf(pa) === 1 ? 1 : -1, position.ep, price, closed);
      const next = addDecimal(pa, delta);
      if (signOf(next) === 0) position.ep = '0';
      else if (signOf(next) !== signOf(pa)) position.ep = price;
    }
    position.pa = addDecimal(pa, delta);
    position.cr = addDecimal(position.cr, realizedProfit);
    position.updateTime = now;
    const commission = commissionOf(inst, qty, price);
    const change = subDecimal(realizedProfit, commission);
    ledger.credit(inst.marginAsset, change);
    ledger.updateTime = now;
    order.executedQty = addDecimal(order.executedQty, qty);
    order.cumValue = addDecimal(order.cumValue, notional(inst, qty, price));
    order.cumPriceQty = addDecimal(order.cumPriceQty, mulDecimal(qty, price));
    order.status = compareDecimal(order.executedQty, order.origQty) >= 0 ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = now;
    if (order.status === 'FILLED') ledger.orders.delete(order.orderId);
    const fill: FuturesFill = {
      qty,
      price,
      commission,
      commissionAsset: inst.marginAsset,
      realizedProfit,
      tradeId: this.ctx.nextTradeId(),
      maker,
    };
    // As Binance sends a fill: the low-latency TRADE_LITE first (USDⓈ-M), then the balance and
    // position, then the order (same T; observed on the venue, the docs do not fix the order).
    if (this.market === 'usdm') this.ctx.send(accountId, this.market, undefined, tradeLite(order, fill, now));
    this.ctx.send(
      accountId,
      this.market,
      undefined,
      accountUpdate(ledger, 'ORDER', inst.marginAsset, '0', now, this.market === 'coinm', {
        inst,
        mark: this.ctx.price(order.symbol),
      }),
    );
    this.ctx.send(accountId, this.market, undefined, orderTradeUpdate(ledger, order, 'TRADE', now, fill));
  }
}
