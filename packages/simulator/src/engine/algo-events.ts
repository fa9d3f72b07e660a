import type { FuturesOrder } from './futures-ledger.js';

/**
 * The Algo service's order states, as `ALGO_UPDATE` documents them
 * (developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update).
 */
export type AlgoStatus =
  | 'NEW'
  | 'TRIGGERING'
  | 'TRIGGERED'
  | 'FINISHED'
  | 'CANCELED'
  | 'REJECTED'
  | 'EXPIRED';

/** A conditional order held by the Algo service until its trigger price is crossed. */
export interface AlgoOrder {
  readonly algoId: number;
  readonly clientAlgoId: string;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  /** STOP_MARKET, STOP, TAKE_PROFIT, TAKE_PROFIT_MARKET. */
  readonly type: string;
  readonly timeInForce: string;
  /** "0" for a close-all order (the position's size is taken when it triggers). */
  readonly quantity: string;
  /** Limit price of STOP / TAKE_PROFIT; "0" for the market types. */
  readonly price: string;
  readonly triggerPrice: string;
  readonly workingType: string;
  readonly reduceOnly: boolean;
  readonly closePosition: boolean;
  readonly priceProtect: boolean;
  status: AlgoStatus;
  readonly createTime: number;
  updateTime: number;
  /** When the trigger fired (0 before). */
  triggerTime: number;
  /** The matching-engine order the trigger placed (its id as a string, "" before). */
  actualOrderId: string;
  /** That order while it rests in the book. */
  actual: FuturesOrder | undefined;
  /** Average price and executed quantity of that order, when it is done. */
  actualPrice: string;
  actualQty: string;
  actualType: string;
  /** Why the matching engine refused the triggered order ("" otherwise). */
  rejectReason: string;
}

/** `ALGO_UPDATE`: `o` carries every documented field, in the documented order. */
export function algoUpdate(algo: AlgoOrder, time: number): Record<string, unknown> {
  return {
    e: 'ALGO_UPDATE',
    // The page labels T and E inconsistently between its versions; here T is the operation's
    // time and E the event's (stamped by the outbox), the same millisecond in the simulator.
    T: time,
    E: 0,
    o: {
      caid: algo.clientAlgoId,
      aid: algo.algoId,
      at: 'CONDITIONAL',
      o: algo.type,
      s: algo.symbol,
      S: algo.side,
      ps: 'BOTH',
      f: algo.timeInForce,
      q: algo.quantity,
      X: algo.status,
      ai: algo.actualOrderId,
      ap: algo.actualPrice,
      aq: algo.actualQty,
      act: algo.actualType,
      tp: algo.triggerPrice,
      p: algo.price,
      V: 'EXPIRE_MAKER',
      wt: algo.workingType,
      pm: 'NONE',
      cp: algo.closePosition,
      pP: algo.priceProtect,
      R: algo.reduceOnly,
      tt: algo.triggerTime,
      gtd: 0,
      rm: algo.rejectReason,
    },
  };
}

/** `CONDITIONAL_ORDER_TRIGGER_REJECT`: `or.i` is the algo id (no matching-engine order exists). */
export function triggerReject(algo: AlgoOrder, reason: string, time: number): Record<string, unknown> {
  return {
    e: 'CONDITIONAL_ORDER_TRIGGER_REJECT',
    E: 0,
    T: time,
    or: { s: algo.symbol, i: algo.algoId, r: reason },
  };
}

/** The algo order as POST /fapi/v1/algoOrder answers it and GET /fapi/v1/openAlgoOrders lists it. */
export function algoBody(algo: AlgoOrder): Record<string, unknown> {
  return {
    algoId: algo.algoId,
    clientAlgoId: algo.clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: algo.type,
    symbol: algo.symbol,
    side: algo.side,
    positionSide: 'BOTH',
    timeInForce: algo.timeInForce,
    quantity: algo.quantity,
    algoStatus: algo.status,
    triggerPrice: algo.triggerPrice,
    price: algo.price,
    icebergQuantity: null,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: algo.workingType,
    priceMatch: 'NONE',
    closePosition: algo.closePosition,
    priceProtect: algo.priceProtect,
    reduceOnly: algo.reduceOnly,
    activatePrice: '',
    callbackRate: '',
    createTime: algo.createTime,
    updateTime: algo.updateTime,
    triggerTime: algo.triggerTime,
    goodTillDate: 0,
    // The matching-engine order a trigger placed ("" while waiting).
    actualOrderId: algo.actualOrderId,
  };
}
