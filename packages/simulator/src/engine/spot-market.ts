import { isZeroDecimal } from '@userstream/core';
import { COMMISSION_RATE, type EngineContext, type Side } from './context.js';
import {
  addDecimal,
  compareDecimal,
  divDecimal,
  floorToStep,
  isMultipleOf,
  mulDecimal,
  roundDecimal,
  subDecimal,
} from './decimal-math.js';
import { dialectOfMarket, type EngineDialect, type SpotMarketKey, spotInstrument } from './markets.js';
import { clientIdParam, decimalParam, idParam, param, Reject, requireParam } from './reject.js';
import { cancelResponseBody, orderResponseBody, type RespType } from './spot-bodies.js';
import { accountEvent, balanceUpdate, executionReport, type SpotFill } from './spot-events.js';
import type { SpotLedger, SpotOrder, SpotOrderType, TimeInForce } from './spot-ledger.js';

const ORDER_TYPES: ReadonlySet<string> = new Set(['LIMIT', 'MARKET', 'LIMIT_MAKER']);
const TIME_IN_FORCE: ReadonlySet<string> = new Set(['GTC', 'IOC', 'FOK']);
const RESP_TYPES: ReadonlySet<string> = new Set(['ACK', 'RESULT', 'FULL']);

/**
 * Order placement, cancellation, deposits and fills for the spot-like markets (spot, cross
 * and isolated margin, BHEX, Coins.ph). Every state change queues the events the venue sends
 * for it, built from the state after the change, so the stream and the snapshots agree.
 */
export class SpotMarket {
  readonly dialect: EngineDialect;

  constructor(
    readonly market: SpotMarketKey,
    private readonly ctx: EngineContext,
  ) {
    this.dialect = dialectOfMarket(market);
  }

  /** Validates `params` like the venue (nothing changes when it throws), then places the order. */
  place(accountId: string, ledger: SpotLedger, params: Record<string, string>, isIsolated: boolean) {
    const symbol = requireParam(params, 'symbol');
    const inst = spotInstrument(symbol);
    if (!inst) throw Reject.invalidSymbol();
    const side = requireParam(params, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw Reject.invalidSide();
    const type = requireParam(params, 'type');
    if (!ORDER_TYPES.has(type)) throw Reject.invalidType();
    let timeInForce: TimeInForce = 'GTC';
    let price = '0';
    let qty: string | undefined;
    let quoteQty: string | undefined;
    if (type === 'LIMIT') {
      const tif = requireParam(params, 'timeInForce');
      if (!TIME_IN_FORCE.has(tif)) throw Reject.invalidTimeInForce();
      timeInForce = tif as TimeInForce;
      qty = decimalParam(params, 'quantity', true);
      price = decimalParam(params, 'price', true) as string;
    } else if (type === 'LIMIT_MAKER') {
      if (param(params, 'timeInForce') !== undefined) throw Reject.notRequired('timeInForce');
      qty = decimalParam(params, 'quantity', true);
      price = decimalParam(params, 'price', true) as string;
    } else {
      if (param(params, 'price') !== undefined) throw Reject.notRequired('price');
      if (param(params, 'timeInForce') !== undefined) throw Reject.notRequired('timeInForce');
      qty = decimalParam(params, 'quantity', false);
      quoteQty = decimalParam(params, 'quoteOrderQty', false);
      if (qty === undefined && quoteQty === undefined) throw Reject.eitherParam('quantity', 'quoteOrderQty');
      if (qty !== undefined && quoteQty !== undefined) throw Reject.notRequired('quoteOrderQty');
    }
    const respParam = param(params, 'newOrderRespType');
    if (respParam !== undefined && !RESP_TYPES.has(respParam)) throw Reject.invalidRespType();
    const respType = (respParam ?? (type === 'LIMIT_MAKER' ? 'ACK' : 'FULL')) as RespType;
    const clientOrderId =
      clientIdParam(params, 'newClientOrderId') ?? this.ctx.clientOrderId(this.dialect === 'bhex');
    if (ledger.findByClientId(clientOrderId)) {
      throw this.dialect === 'bhex' ? Reject.bhexDuplicate() : Reject.duplicateOrder();
    }
    if (type !== 'MARKET') {
      if (
        compareDecimal(price, inst.minPrice) < 0 ||
        compareDecimal(price, inst.maxPrice) > 0 ||
        !isMultipleOf(price, inst.tickSize)
      ) {
        throw Reject.filter('PRICE_FILTER');
      }
    }
    const current = this.ctx.price(symbol);
    if (qty === undefined)
      qty = floorToStep(divDecimal(quoteQty as string, current, 8, 'down'), inst.stepSize);
    if (
      compareDecimal(qty, inst.minQty) < 0 ||
      compareDecimal(qty, inst.maxQty) > 0 ||
      !isMultipleOf(qty, inst.stepSize)
    ) {
      throw Reject.filter('LOT_SIZE');
    }
    const notional = mulDecimal(type === 'MARKET' ? current : price, qty);
    if (compareDecimal(notional, inst.minNotional) < 0) {
      throw Reject.filter(this.dialect === 'spot' ? 'NOTIONAL' : 'MIN_NOTIONAL');
    }
    const crossing =
      type === 'MARKET' ||
      (side === 'BUY' ? compareDecimal(price, current) >= 0 : compareDecimal(price, current) <= 0);
    if (type === 'LIMIT_MAKER' && crossing) throw Reject.wouldTake();
    if (side === 'BUY') {
      if (compareDecimal(ledger.free(inst.quoteAsset), notional) < 0) throw Reject.insufficientBalance();
    } else if (compareDecimal(ledger.free(inst.baseAsset), qty) < 0) {
      throw Reject.insufficientBalance();
    }

    // Accepted: from here on the order exists and every change is reported.
    const now = this.ctx.now();
    const order: SpotOrder = {
      symbol,
      instrument: inst,
      orderId: this.ctx.nextOrderId(),
      clientOrderId,
      side: side as Side,
      type: type as SpotOrderType,
      timeInForce,
      price,
      origQty: qty,
      origQuoteOrderQty: quoteQty ?? '0',
      executedQty: '0',
      cumQuote: '0',
      status: 'NEW',
      time: now,
      updateTime: now,
      isIsolated,
    };
    this.#report(accountId, ledger, order, 'NEW', now);
    const fills: SpotFill[] = [];
    if (!crossing) {
      if (timeInForce === 'GTC') {
        const lockedAsset = side === 'BUY' ? inst.quoteAsset : inst.baseAsset;
        ledger.lock(lockedAsset, side === 'BUY' ? notional : qty);
        ledger.orders.set(order.orderId, order);
        ledger.updateTime = now;
        this.#position(accountId, ledger, [lockedAsset], now);
      } else {
        order.status = 'EXPIRED';
        this.#report(accountId, ledger, order, 'EXPIRED', now);
      }
    } else {
      const fill = this.#execute(ledger, order, qty, current, false, false, now);
      fills.push(fill);
      ledger.updateTime = now;
      this.#report(accountId, ledger, order, 'TRADE', now, fill);
      this.#position(accountId, ledger, [inst.baseAsset, inst.quoteAsset], now);
    }
    return orderResponseBody(this.market, order, respType, fills, now);
  }

  cancel(accountId: string, ledger: SpotLedger, params: Record<string, string>) {
    let order: SpotOrder | undefined;
    let cancelClientId: string;
    if (this.dialect === 'bhex') {
      const orderId = idParam(params, 'orderId');
      const clientId = param(params, 'clientOrderId');
      if (orderId === undefined && clientId === undefined)
        throw Reject.eitherParam('orderId', 'clientOrderId');
      order = orderId !== undefined ? ledger.orders.get(orderId) : ledger.findByClientId(clientId as string);
      if (order && clientId !== undefined && order.clientOrderId !== clientId) order = undefined;
      cancelClientId = order?.clientOrderId ?? '';
    } else {
      const symbol = requireParam(params, 'symbol');
      if (!spotInstrument(symbol)) throw Reject.invalidSymbol();
      const orderId = idParam(params, 'orderId');
      const orig = param(params, 'origClientOrderId');
      if (orderId === undefined && orig === undefined)
        throw Reject.eitherParam('orderId', 'origClientOrderId');
      order = orderId !== undefined ? ledger.orders.get(orderId) : ledger.findByClientId(orig as string);
      if (order && (order.symbol !== symbol || (orig !== undefined && order.clientOrderId !== orig)))
        order = undefined;
      cancelClientId = clientIdParam(params, 'newClientOrderId') ?? this.ctx.clientOrderId(false);
    }
    const symbolParam = param(params, 'symbol');
    if (!order || (symbolParam !== undefined && order.symbol !== symbolParam)) throw Reject.unknownOrder();

    const now = this.ctx.now();
    const inst = order.instrument;
    const remaining = subDecimal(order.origQty, order.executedQty);
    const lockedAsset = order.side === 'BUY' ? inst.quoteAsset : inst.baseAsset;
    ledger.unlock(lockedAsset, order.side === 'BUY' ? mulDecimal(remaining, order.price) : remaining);
    order.status = 'CANCELED';
    order.updateTime = now;
    ledger.orders.delete(order.orderId);
    ledger.updateTime = now;
    this.#report(accountId, ledger, order, 'CANCELED', now, undefined, cancelClientId);
    this.#position(accountId, ledger, [lockedAsset], now);
    return cancelResponseBody(this.market, order, cancelClientId, now);
  }

  /** A deposit (or a transfer into a margin account). */
  deposit(accountId: string, ledger: SpotLedger, asset: string, amount: string): void {
    const now = this.ctx.now();
    ledger.credit(asset, amount);
    ledger.updateTime = now;
    if (this.dialect !== 'bhex')
      this.ctx.send(accountId, this.market, ledger.pair, balanceUpdate(asset, amount, now));
    this.#position(accountId, ledger, [asset], now);
  }

  /**
   * Fills the resting limit orders of `symbol` that `price` crosses, at their limit price (the
   * account is the maker). `partial(order)` says whether to fill only half of what is left.
   */
  fillCrossing(
    accountId: string,
    ledger: SpotLedger,
    symbol: string,
    price: string,
    partial: (order: SpotOrder) => boolean,
  ): void {
    for (const order of [...ledger.orders.values()]) {
      if (order.symbol !== symbol) continue;
      const crosses =
        order.side === 'BUY'
          ? compareDecimal(price, order.price) <= 0
          : compareDecimal(price, order.price) >= 0;
      if (!crosses) continue;
      const remaining = subDecimal(order.origQty, order.executedQty);
      let qty = remaining;
      if (partial(order)) {
        const half = floorToStep(divDecimal(remaining, '2', 8, 'down'), order.instrument.stepSize);
        if (!isZeroDecimal(half)) qty = half;
      }
      const now = this.ctx.now();
      const fill = this.#execute(ledger, order, qty, order.price, true, true, now);
      if (order.status === 'FILLED') ledger.orders.delete(order.orderId);
      ledger.updateTime = now;
      this.#report(accountId, ledger, order, 'TRADE', now, fill);
      this.#position(accountId, ledger, [order.instrument.baseAsset, order.instrument.quoteAsset], now);
    }
  }

  #execute(
    ledger: SpotLedger,
    order: SpotOrder,
    qty: string,
    price: string,
    maker: boolean,
    fromLocked: boolean,
    now: number,
  ): SpotFill {
    const { baseAsset, quoteAsset } = order.instrument;
    const quote = mulDecimal(qty, price);
    let commission: string;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      if (fromLocked) {
        const reserved = mulDecimal(qty, order.price);
        ledger.spendLocked(quoteAsset, reserved);
        const refund = subDecimal(reserved, quote);
        if (compareDecimal(refund, '0') > 0) ledger.credit(quoteAsset, refund);
      } else {
        ledger.debit(quoteAsset, quote);
      }
      commission = roundDecimal(mulDecimal(qty, COMMISSION_RATE), 8);
      commissionAsset = baseAsset;
      ledger.credit(baseAsset, subDecimal(qty, commission));
    } else {
      if (fromLocked) ledger.spendLocked(baseAsset, qty);
      else ledger.debit(baseAsset, qty);
      commission = roundDecimal(mulDecimal(quote, COMMISSION_RATE), 8);
      commissionAsset = quoteAsset;
      ledger.credit(quoteAsset, subDecimal(quote, commission));
    }
    order.executedQty = addDecimal(order.executedQty, qty);
    order.cumQuote = addDecimal(order.cumQuote, quote);
    order.status = compareDecimal(order.executedQty, order.origQty) >= 0 ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = now;
    return { qty, price, quote, commission, commissionAsset, tradeId: this.ctx.nextTradeId(), maker };
  }

  #report(
    accountId: string,
    ledger: SpotLedger,
    order: SpotOrder,
    type: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED',
    time: number,
    fill?: SpotFill,
    cancelClientId?: string,
  ): void {
    const event = executionReport(this.dialect, order, {
      type,
      time,
      executionId: this.ctx.nextExecutionId(),
      ...(fill ? { fill } : {}),
      ...(cancelClientId !== undefined ? { cancelClientId } : {}),
    });
    this.ctx.send(accountId, this.market, ledger.pair, event);
  }

  #position(accountId: string, ledger: SpotLedger, assets: readonly string[], time: number): void {
    this.ctx.send(accountId, this.market, ledger.pair, accountEvent(this.dialect, ledger, assets, time));
  }
}
