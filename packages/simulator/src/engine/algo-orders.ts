import { ExchangeError, isZeroDecimal } from '@userstream/core';
import { type AlgoOrder, algoBody, algoUpdate, triggerReject } from './algo-events.js';
import type { EngineContext } from './context.js';
import { absDecimal, compareDecimal, isMultipleOf, signOf } from './decimal-math.js';
import { averagePrice } from './futures-events.js';
import type { FuturesLedger } from './futures-ledger.js';
import { CONDITIONAL_TYPES, FuturesMarket } from './futures-market.js';
import { futuresInstrument } from './markets.js';
import { boolParam, clientIdParam, decimalParam, idParam, param, Reject, requireParam } from './reject.js';

const TIME_IN_FORCE: ReadonlySet<string> = new Set(['GTC', 'IOC', 'FOK', 'GTX']);
const WORKING_TYPES: ReadonlySet<string> = new Set(['CONTRACT_PRICE', 'MARK_PRICE']);
const DONE: ReadonlySet<string> = new Set(['FILLED', 'CANCELED', 'EXPIRED']);

type Held = [string, Parameters<EngineContext['send']>[1], string | undefined, Record<string, unknown>];

/** One account's ledger as the settle step needs it. */
export interface AlgoAccount {
  readonly id: string;
  readonly ledger: FuturesLedger;
}

/**
 * The USDⓈ-M Algo service (conditional orders since 2025-12; COIN-M's docs have none): holds STOP /
 * TAKE_PROFIT orders until the price crosses their trigger, then places the order in the matching
 * engine. `ALGO_UPDATE` goes NEW → TRIGGERING → TRIGGERED (then the order's own events) → FINISHED,
 * or CANCELED, REJECTED (with `CONDITIONAL_ORDER_TRIGGER_REJECT`) or EXPIRED (a close-all order
 * whose position was closed). The simulator has one price per symbol, so CONTRACT_PRICE and
 * MARK_PRICE triggers both watch it. TRAILING_STOP_MARKET is not simulated (-1116).
 */
export class AlgoService {
  readonly #ctx: EngineContext;
  /** A matching engine whose events this service can hold back until TRIGGERED is queued. */
  readonly #engine: FuturesMarket;
  #held: Held[] | undefined;
  readonly #open = new Map<string, Map<number, AlgoOrder>>();
  #live = 0;

  /** How many conditional orders are waiting or triggered (0: nothing to check or settle). */
  get live(): number {
    return this.#live;
  }

  constructor(
    readonly market: 'usdm' | 'coinm',
    ctx: EngineContext,
  ) {
    this.#ctx = ctx;
    this.#engine = new FuturesMarket(market, {
      ...ctx,
      send: (accountId, m, symbol, event) => {
        if (this.#held) this.#held.push([accountId, m, symbol, event]);
        else ctx.send(accountId, m, symbol, event);
      },
    });
  }

  /** POST /fapi/v1/algoOrder (COIN-M /dapi/v1/algoOrder). */
  place(accountId: string, ledger: FuturesLedger, params: Record<string, string>): Record<string, unknown> {
    const algoType = requireParam(params, 'algoType');
    if (algoType !== 'CONDITIONAL') throw Reject.invalidParam('algoType');
    const symbol = requireParam(params, 'symbol');
    const inst = futuresInstrument(this.market, symbol);
    if (!inst) throw Reject.invalidSymbol();
    const side = requireParam(params, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw Reject.invalidSide();
    const type = requireParam(params, 'type');
    if (!CONDITIONAL_TYPES.has(type) || type === 'TRAILING_STOP_MARKET') throw Reject.invalidType();
    const positionSide = param(params, 'positionSide');
    if (positionSide !== undefined && positionSide !== 'BOTH') throw Reject.futuresPositionSide();
    const timeInForce = param(params, 'timeInForce') ?? 'GTC';
    if (!TIME_IN_FORCE.has(timeInForce)) throw Reject.invalidTimeInForce();
    const workingType = param(params, 'workingType') ?? 'CONTRACT_PRICE';
    if (!WORKING_TYPES.has(workingType)) throw Reject.invalidParam('workingType');
    const closePosition = boolParam(params, 'closePosition');
    const reduceOnly = boolParam(params, 'reduceOnly');
    const priceProtect = boolParam(params, 'priceProtect');
    const isMarket = type.endsWith('_MARKET');
    if (closePosition && !isMarket) throw Reject.invalidParam('closePosition');
    if (closePosition && param(params, 'quantity') !== undefined) throw Reject.notRequired('quantity');
    const quantity = closePosition ? '0' : (decimalParam(params, 'quantity', true) as string);
    if (!closePosition) {
      if (isZeroDecimal(quantity) || compareDecimal(quantity, inst.minQty) < 0)
        throw Reject.futuresQtyTooSmall();
      if (!isMultipleOf(quantity, inst.stepSize)) throw Reject.futuresPrecision();
      if (compareDecimal(quantity, inst.maxQty) > 0) throw Reject.futuresQtyTooBig();
    }
    let price = '0';
    if (isMarket) {
      if (param(params, 'price') !== undefined) throw Reject.notRequired('price');
    } else {
      price = decimalParam(params, 'price', true) as string;
      if (!isMultipleOf(price, inst.tickSize)) throw Reject.futuresTick();
    }
    const triggerPrice = decimalParam(params, 'triggerPrice', true) as string;
    if (compareDecimal(triggerPrice, inst.minPrice) < 0) throw Reject.futuresPriceTooSmall();
    if (!isMultipleOf(triggerPrice, inst.tickSize)) throw Reject.futuresTick();
    const book = this.#book(accountId);
    const clientAlgoId = clientIdParam(params, 'clientAlgoId') ?? this.#ctx.clientOrderId(false);
    for (const a of book.values()) if (a.clientAlgoId === clientAlgoId) throw Reject.futuresDuplicate();
    // A close-all order needs a position it closes (the service cancels it once there is none).
    if (closePosition && !reduces(ledger, symbol, side)) throw Reject.futuresReduceOnly();
    const now = this.#ctx.now();
    const algo: AlgoOrder = {
      algoId: this.#ctx.nextOrderId(),
      clientAlgoId,
      symbol,
      side,
      type,
      timeInForce,
      quantity,
      price,
      triggerPrice,
      workingType,
      reduceOnly,
      closePosition,
      priceProtect,
      status: 'NEW',
      createTime: now,
      updateTime: now,
      triggerTime: 0,
      actualOrderId: '',
      actual: undefined,
      actualPrice: '0',
      actualQty: '0',
      actualType: '0',
      rejectReason: '',
    };
    if (crosses(algo, this.#ctx.price(symbol))) throw Reject.wouldTrigger();
    book.set(algo.algoId, algo);
    this.#live++;
    this.#ctx.send(accountId, this.market, undefined, algoUpdate(algo, now));
    return algoBody(algo);
  }

  /** DELETE /fapi/v1/algoOrder: `algoId` or `clientAlgoId`; only an untriggered order can go. */
  cancel(accountId: string, params: Record<string, string>): Record<string, unknown> {
    const algoId = idParam(params, 'algoId');
    const clientAlgoId = param(params, 'clientAlgoId');
    if (algoId === undefined && clientAlgoId === undefined)
      throw Reject.eitherParam('algoId', 'clientAlgoId');
    const book = this.#book(accountId);
    let algo = algoId !== undefined ? book.get(algoId) : undefined;
    if (algoId === undefined) for (const a of book.values()) if (a.clientAlgoId === clientAlgoId) algo = a;
    if (algo?.status !== 'NEW') throw Reject.unknownOrder();
    this.#end(accountId, algo, 'CANCELED');
    return { algoId: algo.algoId, clientAlgoId: algo.clientAlgoId, code: '200', msg: 'success' };
  }

  /** GET /fapi/v1/openAlgoOrders (`symbol` optional): the orders still waiting for their trigger. */
  open(accountId: string, params: Record<string, string>): Record<string, unknown>[] {
    const symbol = param(params, 'symbol');
    if (symbol !== undefined && !futuresInstrument(this.market, symbol)) throw Reject.invalidSymbol();
    const out: Record<string, unknown>[] = [];
    for (const algo of this.#open.get(accountId)?.values() ?? []) {
      if (algo.status === 'NEW' && (symbol === undefined || algo.symbol === symbol)) out.push(algoBody(algo));
    }
    return out;
  }

  /** Triggers every waiting order of `symbol` that `price` crosses (after the book has filled). */
  check(accountId: string, ledger: FuturesLedger, symbol: string, price: string): void {
    if (this.#live === 0) return;
    const book = this.#open.get(accountId);
    if (!book) return;
    for (const algo of [...book.values()]) {
      if (algo.status === 'NEW' && algo.symbol === symbol && crosses(algo, price))
        this.#trigger(accountId, ledger, algo);
    }
  }

  /**
   * After each operation: a triggered order whose matching-engine order is done is FINISHED; a
   * waiting close-all order whose position is gone is EXPIRED (cancelled by the system).
   */
  settle(accounts: Iterable<AlgoAccount>): void {
    if (this.#live === 0) return;
    for (const { id, ledger } of accounts) {
      const book = this.#open.get(id);
      if (!book) continue;
      for (const algo of [...book.values()]) {
        if (algo.status === 'TRIGGERED' && algo.actual && DONE.has(algo.actual.status)) {
          this.#finish(id, algo, algo.actual.executedQty, averagePrice(algo.actual));
        } else if (algo.status === 'NEW' && algo.closePosition && !reduces(ledger, algo.symbol, algo.side)) {
          this.#end(id, algo, 'EXPIRED');
        }
      }
    }
  }

  #trigger(accountId: string, ledger: FuturesLedger, algo: AlgoOrder): void {
    const now = this.#ctx.now();
    algo.status = 'TRIGGERING';
    algo.triggerTime = now;
    algo.updateTime = now;
    this.#ctx.send(accountId, this.market, undefined, algoUpdate(algo, now));
    const isMarket = algo.type.endsWith('_MARKET');
    const quantity = algo.closePosition
      ? absDecimal(ledger.positions.get(algo.symbol)?.pa ?? '0')
      : algo.quantity;
    const params: Record<string, string> = {
      symbol: algo.symbol,
      side: algo.side,
      type: isMarket ? 'MARKET' : 'LIMIT',
      quantity,
      newOrderRespType: 'RESULT',
    };
    if (!isMarket) {
      params.price = algo.price;
      params.timeInForce = algo.timeInForce;
    }
    if (algo.reduceOnly || algo.closePosition) params.reduceOnly = 'true';
    const trigger = { origType: algo.type, stopPrice: algo.triggerPrice, closePosition: algo.closePosition };
    this.#held = [];
    let body: Record<string, unknown>;
    try {
      body = this.#engine.place(accountId, ledger, params, trigger);
    } catch (error) {
      this.#held = undefined;
      if (!(error instanceof ExchangeError)) throw error;
      const reason = error.exchangeMessage ?? 'Order rejected.';
      algo.rejectReason = reason;
      this.#ctx.send(accountId, this.market, undefined, triggerReject(algo, reason, now));
      this.#end(accountId, algo, 'REJECTED');
      return;
    }
    const held = this.#held;
    this.#held = undefined;
    algo.status = 'TRIGGERED';
    algo.actualOrderId = String(body.orderId);
    algo.actualType = params.type as string;
    this.#ctx.send(accountId, this.market, undefined, algoUpdate(algo, now));
    for (const [a, m, s, event] of held) this.#ctx.send(a, m, s, event);
    const resting = ledger.orders.get(body.orderId as number);
    if (resting) algo.actual = resting;
    else this.#finish(accountId, algo, String(body.executedQty), String(body.avgPrice));
  }

  #finish(accountId: string, algo: AlgoOrder, executedQty: string, avgPrice: string): void {
    algo.actualQty = executedQty;
    algo.actualPrice = avgPrice;
    algo.actual = undefined;
    this.#end(accountId, algo, 'FINISHED');
  }

  #end(accountId: string, algo: AlgoOrder, status: 'FINISHED' | 'CANCELED' | 'REJECTED' | 'EXPIRED'): void {
    const now = this.#ctx.now();
    algo.status = status;
    algo.updateTime = now;
    this.#open.get(accountId)?.delete(algo.algoId);
    this.#live--;
    this.#ctx.send(accountId, this.market, undefined, algoUpdate(algo, now));
  }

  #book(accountId: string): Map<number, AlgoOrder> {
    let book = this.#open.get(accountId);
    if (!book) {
      book = new Map();
      this.#open.set(accountId, book);
    }
    return book;
  }
}

/** STOP fires when the price reaches the trigger moving against the position; TAKE_PROFIT, with it. */
function crosses(algo: AlgoOrder, price: string): boolean {
  const c = compareDecimal(price, algo.triggerPrice);
  const stop = algo.type.startsWith('STOP');
  if (algo.side === 'BUY') return stop ? c >= 0 : c <= 0;
  return stop ? c <= 0 : c >= 0;
}

/** True when a `side` order would reduce the symbol's position. */
function reduces(ledger: FuturesLedger, symbol: string, side: 'BUY' | 'SELL'): boolean {
  const pa = ledger.positions.get(symbol)?.pa ?? '0';
  return side === 'BUY' ? signOf(pa) < 0 : signOf(pa) > 0;
}
