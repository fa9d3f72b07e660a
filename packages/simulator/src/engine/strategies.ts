import { ExchangeError } from '@userstream/core';
import type { EngineContext } from './context.js';
import {
  addDecimal,
  compareDecimal,
  divDecimal,
  isMultipleOf,
  mulDecimal,
  subDecimal,
} from './decimal-math.js';
import type { FuturesLedger, FuturesOrder } from './futures-ledger.js';
import type { FuturesMarket } from './futures-market.js';
import { commissionOf } from './futures-math.js';
import { futuresInstrument } from './markets.js';
import { decimalParam, Reject, requireParam } from './reject.js';

/**
 * Strategy opCodes (`su.c`) of STRATEGY_UPDATE
 * (developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Strategy-Update).
 */
export const StrategyOpCode = {
  ParamsUpdated: 8001,
  UserCancelled: 8002,
  NewGridOrder: 8007,
} as const;

/** One filled grid order not yet matched by its counter order. */
interface OpenFill {
  side: 'BUY' | 'SELL';
  level: number;
  qty: string;
  price: string;
  fee: string;
}

interface Grid {
  readonly strategyId: number;
  readonly accountId: string;
  readonly symbol: string;
  readonly levels: readonly string[];
  readonly quantity: string;
  status: 'NEW' | 'WORKING' | 'CANCELLED';
  /** Working orders of the grid, with the level each sits on. */
  readonly orders: Map<number, { order: FuturesOrder; level: number }>;
  readonly unmatched: OpenFill[];
  realized: string;
  matched: string;
  updateTime: number;
}

/**
 * Futures grid strategies (USDⓈ-M). Binance's strategy-trading API is not public (grids are
 * created in its apps), so the simulator creates them through its own engine call
 * ({@link GridStrategies.create}, `sim.exchange.createGrid`), with the documented events:
 * `STRATEGY_UPDATE` NEW then WORKING as the grid places its orders (opCode 8007), a
 * `GRID_UPDATE` after every grid fill (realized PnL, unmatched average price / quantity / fee,
 * matched PnL), the counter order one level away, and CANCELLED (8002) on cancel.
 */
export class GridStrategies {
  readonly #grids = new Map<number, Grid>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly futures: FuturesMarket,
  ) {}

  get live(): number {
    return this.#grids.size;
  }

  /** `{symbol, lowerPrice, upperPrice, gridNumber, quantity}`: an arithmetic neutral grid. */
  create(accountId: string, ledger: FuturesLedger, params: Record<string, string>): Record<string, unknown> {
    const symbol = requireParam(params, 'symbol');
    const inst = futuresInstrument('usdm', symbol);
    if (!inst) throw Reject.invalidSymbol();
    const lower = decimalParam(params, 'lowerPrice', true) as string;
    const upper = decimalParam(params, 'upperPrice', true) as string;
    const count = Number(requireParam(params, 'gridNumber'));
    if (!Number.isInteger(count) || count < 2 || count > 100) throw Reject.invalidParam('gridNumber');
    if (compareDecimal(lower, upper) >= 0) throw Reject.invalidParam('upperPrice');
    const quantity = decimalParam(params, 'quantity', true) as string;
    if (!isMultipleOf(quantity, inst.stepSize)) throw Reject.futuresPrecision();
    const step = divDecimal(subDecimal(upper, lower), String(count), 8);
    if (
      !isMultipleOf(step, inst.tickSize) ||
      compareDecimal(mulDecimal(step, String(count)), subDecimal(upper, lower)) !== 0
    )
      throw Reject.invalidParam('gridNumber');
    const levels: string[] = [];
    for (let k = 0; k <= count; k++) levels.push(addDecimal(lower, mulDecimal(step, String(k))));
    const now = this.ctx.now();
    const grid: Grid = {
      strategyId: this.ctx.nextOrderId(),
      accountId,
      symbol,
      levels,
      quantity,
      status: 'NEW',
      orders: new Map(),
      unmatched: [],
      realized: '0',
      matched: '0',
      updateTime: now,
    };
    this.ctx.send(accountId, 'usdm', undefined, this.#strategyUpdate(grid, StrategyOpCode.NewGridOrder));
    const price = this.ctx.price(symbol);
    for (let k = 0; k < levels.length; k++) {
      const c = compareDecimal(levels[k] as string, price);
      if (c !== 0) this.#place(grid, ledger, c < 0 ? 'BUY' : 'SELL', k);
    }
    grid.status = 'WORKING';
    this.ctx.send(accountId, 'usdm', undefined, this.#strategyUpdate(grid, StrategyOpCode.NewGridOrder));
    this.#grids.set(grid.strategyId, grid);
    return { strategyId: grid.strategyId, strategyStatus: grid.status, levels };
  }

  /** Cancels the grid: its working orders are cancelled, then STRATEGY_UPDATE CANCELLED (8002). */
  cancel(accountId: string, ledger: FuturesLedger, params: Record<string, string>): Record<string, unknown> {
    const id = Number(requireParam(params, 'strategyId'));
    const grid = this.#grids.get(id);
    if (!grid || grid.accountId !== accountId) throw Reject.unknownOrder();
    for (const { order } of grid.orders.values()) {
      if (ledger.orders.has(order.orderId))
        this.futures.cancel(accountId, ledger, { symbol: grid.symbol, orderId: String(order.orderId) });
    }
    grid.orders.clear();
    grid.status = 'CANCELLED';
    grid.updateTime = this.ctx.now();
    this.#grids.delete(id);
    this.ctx.send(accountId, 'usdm', undefined, this.#strategyUpdate(grid, StrategyOpCode.UserCancelled));
    return { strategyId: id, strategyStatus: 'CANCELLED' };
  }

  /** After each operation: every grid order that filled gets its GRID_UPDATE and its counter order. */
  settle(ledgerOf: (accountId: string) => FuturesLedger): void {
    for (const grid of this.#grids.values()) {
      for (const [orderId, { order, level }] of [...grid.orders]) {
        if (order.status !== 'FILLED') continue;
        grid.orders.delete(orderId);
        const ledger = ledgerOf(grid.accountId);
        this.#filled(grid, order, level);
        const next = order.side === 'BUY' ? level + 1 : level - 1;
        if (next >= 0 && next < grid.levels.length)
          this.#place(grid, ledger, order.side === 'BUY' ? 'SELL' : 'BUY', next);
      }
    }
  }

  #filled(grid: Grid, order: FuturesOrder, level: number): void {
    const inst = order.instrument;
    const fee = commissionOf(inst, order.executedQty, order.price);
    // The counter of an earlier fill one level away closes a round trip: its profit is matched.
    const counter = grid.unmatched.findIndex(
      (f) => f.side !== order.side && Math.abs(f.level - level) === 1 && f.qty === order.executedQty,
    );
    if (counter >= 0) {
      const open = grid.unmatched.splice(counter, 1)[0] as OpenFill;
      const buy = open.side === 'BUY' ? open.price : order.price;
      const sell = open.side === 'SELL' ? open.price : order.price;
      const pnl = subDecimal(subDecimal(mulDecimal(subDecimal(sell, buy), order.executedQty), open.fee), fee);
      grid.matched = addDecimal(grid.matched, pnl);
      grid.realized = addDecimal(grid.realized, pnl);
    } else {
      grid.unmatched.push({ side: order.side, level, qty: order.executedQty, price: order.price, fee });
    }
    grid.updateTime = this.ctx.now();
    let uq = '0';
    let cost = '0';
    let uf = '0';
    for (const f of grid.unmatched) {
      uq = addDecimal(uq, f.side === 'BUY' ? f.qty : subDecimal('0', f.qty));
      cost = addDecimal(cost, mulDecimal(f.qty, f.price));
      uf = addDecimal(uf, f.fee);
    }
    const totalQty = grid.unmatched.reduce((t, f) => addDecimal(t, f.qty), '0');
    const up = totalQty === '0' ? '0' : divDecimal(cost, totalQty, 8);
    this.ctx.send(grid.accountId, 'usdm', undefined, {
      e: 'GRID_UPDATE',
      T: grid.updateTime,
      E: 0,
      gu: {
        si: grid.strategyId,
        st: 'GRID',
        ss: grid.status,
        s: grid.symbol,
        r: grid.realized,
        up,
        uq,
        uf,
        mp: grid.matched,
        ut: grid.updateTime,
      },
    });
  }

  #place(grid: Grid, ledger: FuturesLedger, side: 'BUY' | 'SELL', level: number): void {
    let body: Record<string, unknown>;
    try {
      body = this.futures.place(grid.accountId, ledger, {
        symbol: grid.symbol,
        side,
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: grid.quantity,
        price: grid.levels[level] as string,
        newOrderRespType: 'RESULT',
      });
    } catch (error) {
      // A level the account cannot afford (or the filters refuse) stays empty, as on the venue.
      if (error instanceof ExchangeError) return;
      throw error;
    }
    const order = ledger.orders.get(body.orderId as number);
    if (order) grid.orders.set(order.orderId, { order, level });
  }

  #strategyUpdate(grid: Grid, opCode: number): Record<string, unknown> {
    return {
      e: 'STRATEGY_UPDATE',
      T: grid.updateTime,
      E: 0,
      su: {
        si: grid.strategyId,
        st: 'GRID',
        ss: grid.status,
        s: grid.symbol,
        ut: grid.updateTime,
        c: opCode,
      },
    };
  }
}
