/**
 * What a portfolio-margin (`/papi`) account does beyond the USDⓈ-M book it shares with
 * `binance-usdm` here: margin-side orders, their `openOrderLoss`, COIN-M conditional orders,
 * loans and risk levels. Everything it sends goes to the USDⓈ-M book's stream key with an event
 * type only PM streams carry (portfolio-margin.ts `PORTFOLIO_MARGIN_ONLY`), so the hub hands it
 * to PM streams alone. Sources (developers.binance.com/docs/derivatives/portfolio-margin/…):
 * user-data-streams/Event-Margin-Order-Update and Event-Margin-Account-Update (the margin
 * account's spot-shaped executionReport / outboundAccountPosition on the PM stream),
 * user-data-streams/Event-OpenOrderLoss-Update ("Cross margin order margin stream"),
 * user-data-streams/Event-Conditional-Order-Trade-Update, trade/New-CM-Conditional-Order and
 * trade/Query-All-Current-CM-Open-Conditional-Orders.
 *
 * Simplifications, said once: the PM margin account is its own spot-like ledger (demo balances
 * 10000 USDT, 1 BTC, 10 ETH; a loan is credited to it, no interest), filled like cross margin; CM conditional orders ride
 * the COIN-M book (`binance-coinm`) as UM ones ride the USDⓈ-M book. When one fires, the order it
 * places and the account update it causes reach the PM stream with `fs` CM (user-data-streams/
 * Event-Futures-Order-update, Event-Futures-Balance-and-Position-Update) as well as the COIN-M
 * book's own streams; the PM stream gets no CONDITIONAL_ORDER_TRIGGER_REJECT (no PM page has
 * one; the strategy order's EXPIRED says it). Other COIN-M book activity (orders placed on
 * `binance-coinm`, a triggered limit order filled later by a price move) stays on the COIN-M
 * streams here.
 */
import { DEFAULT_BALANCES } from './account-book.js';
import type { QueryContext } from './account-queries.js';
import { AlgoService } from './algo-orders.js';
import type { EngineContext } from './context.js';
import { addDecimal, compareDecimal, fixed } from './decimal-math.js';
import { inputError } from './engine-input.js';
import { orderBody } from './futures-bodies.js';
import type { FuturesLedger } from './futures-ledger.js';
import { COINM_INSTRUMENTS, type FuturesInstrument, SPOT_INSTRUMENTS } from './markets.js';
import { PortfolioMarginLoans, PortfolioMarginRisk } from './portfolio-margin.js';
import { param } from './reject.js';
import { openOrderBody } from './spot-bodies.js';
import { accountEvent } from './spot-events.js';
import { SpotLedger } from './spot-ledger.js';
import { SpotMarket } from './spot-market.js';

/** The PM desk's REST operations (`Exchange.portfolioMargin`). */
export type PmOperation =
  | 'marginOrder'
  | 'cancelMarginOrder'
  | 'marginOpenOrders'
  | 'cmConditionalOrder'
  | 'cancelCmConditionalOrder'
  | 'cmOpenConditionalOrders'
  | 'cmOpenOrders';

export const PM_OPERATIONS: ReadonlySet<string> = new Set<PmOperation>([
  'marginOrder',
  'cancelMarginOrder',
  'marginOpenOrders',
  'cmConditionalOrder',
  'cancelCmConditionalOrder',
  'cmOpenConditionalOrders',
  'cmOpenOrders',
]);

/** The desk's read-only operations (they change nothing, so no settle step follows them). */
export const PM_QUERIES: ReadonlySet<string> = new Set<PmOperation>([
  'marginOpenOrders',
  'cmOpenConditionalOrders',
  'cmOpenOrders',
]);

/** One account's books as the desk's settle step needs them. */
export interface PmBooks {
  readonly id: string;
  readonly usdm: FuturesLedger;
  readonly coinm: FuturesLedger;
}

/** Algo statuses as `CONDITIONAL_ORDER_TRADE_UPDATE` `os` names them (its page lists NEW, CANCELED, EXPIRED, TRIGGERED, FINISHED). */
const STRATEGY_STATUS: Readonly<Record<string, string | undefined>> = {
  NEW: 'NEW',
  // The Algo service's in-between step has no strategy status: TRIGGERED follows at once.
  TRIGGERING: undefined,
  TRIGGERED: 'TRIGGERED',
  FINISHED: 'FINISHED',
  CANCELED: 'CANCELED',
  // A trigger the matching engine refused ends the strategy order on the system's side.
  REJECTED: 'EXPIRED',
  EXPIRED: 'EXPIRED',
};

export class PortfolioMarginDesk {
  readonly #ctx: EngineContext;
  readonly #margin: SpotMarket;
  readonly #ledgers = new Map<string, SpotLedger>();
  readonly #cm: AlgoService;
  /** Book time (`so.T`) of each CM strategy order, by strategy id, while it is open. */
  readonly #bookTime = new Map<number, number>();
  /** The last `openOrderLoss` figures sent per account (asset → amount, absent when none). */
  readonly #loss = new Map<string, Map<string, string>>();
  readonly loans = new PortfolioMarginLoans();
  readonly #risk = new PortfolioMarginRisk();
  /** What GET /papi/v1/balance reads of the desk (account-queries.ts): the loans and the margin ledger. */
  readonly queries: Required<Pick<QueryContext, 'pmLoans' | 'pmMargin'>> = {
    pmLoans: (id) => new Map(this.loans.assets(id).map((a) => [a, this.loans.borrowed(id, a)])),
    pmMargin: (id) => this.marginLedger(id),
  };

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
    // Margin-side events are the cross-margin spot shape, addressed to the PM stream (USDⓈ-M key).
    this.#margin = new SpotMarket('margin', {
      ...ctx,
      send: (accountId, _market, _symbol, event) => ctx.send(accountId, 'usdm', undefined, event),
    });
    this.#cm = new AlgoService('coinm', {
      ...ctx,
      send: (accountId, market, symbol, event) => {
        if (event.e === 'ALGO_UPDATE') {
          const update = this.#strategyUpdate(event);
          if (update) ctx.send(accountId, 'usdm', undefined, update);
        } else if (event.e !== 'CONDITIONAL_ORDER_TRIGGER_REJECT') {
          ctx.send(accountId, market, symbol, event);
          // The PM stream's copy names its book; the hub hands an event with `fs` to PM streams only.
          ctx.send(accountId, 'usdm', undefined, { ...event, fs: 'CM' });
        }
      },
    });
  }

  /**
   * Runs one REST operation (POST/DELETE /papi/v1/margin/order, GET …/margin/openOrders, CM
   * conditional orders, GET /papi/v1/cm/openOrders).
   */
  run(accountId: string, books: PmBooks, op: PmOperation, p: Record<string, string>): unknown {
    switch (op) {
      case 'marginOrder':
        return this.#margin.place(accountId, this.#ledger(accountId), p, false);
      case 'cancelMarginOrder':
        return this.#margin.cancel(accountId, this.#ledger(accountId), p);
      case 'marginOpenOrders': {
        const symbol = param(p, 'symbol');
        return [...(this.#ledgers.get(accountId)?.orders.values() ?? [])]
          .filter((o) => symbol === undefined || o.symbol === symbol)
          .map((o) => openOrderBody('margin', o));
      }
      case 'cmConditionalOrder':
        return strategyBody(this.#cm.place(accountId, books.coinm, algoParams(p)));
      case 'cancelCmConditionalOrder': {
        const q: Record<string, string> = {};
        if (p.strategyId !== undefined) q.algoId = p.strategyId;
        if (p.newClientStrategyId !== undefined) q.clientAlgoId = p.newClientStrategyId;
        const body = this.#cm.cancel(accountId, q);
        return {
          strategyId: body.algoId,
          newClientStrategyId: body.clientAlgoId,
          strategyStatus: 'CANCELED',
        };
      }
      case 'cmOpenConditionalOrders':
        return this.#cm.open(accountId, p).map(strategyBody);
      case 'cmOpenOrders': {
        // GET /papi/v1/cm/openOrders: the CM book's open orders, in the COIN-M order shape.
        const symbol = param(p, 'symbol');
        return [...books.coinm.orders.values()]
          .filter((o) => symbol === undefined || o.symbol === symbol)
          .map((o) => orderBody('coinm', o, true));
      }
    }
  }

  /**
   * POST /papi/v1/marginLoan (BORROW) and /papi/v1/repayLoan (REPAY): the amount enters (leaves)
   * the margin wallet; `liabilityChange` (T an exact transaction id beyond 2^53), then the
   * wallet's `outboundAccountPosition` ("sent any time an account balance has changed",
   * user-data-streams/Event-Margin-Account-Update), and `{tranId}`.
   */
  loan(
    accountId: string,
    type: 'BORROW' | 'REPAY',
    { asset, amount }: { asset: string; amount: string },
  ): Record<string, unknown> {
    if (type === 'REPAY' && compareDecimal(amount, this.loans.borrowed(accountId, asset)) > 0)
      throw inputError('amount is more than the loan of this asset', 'amount');
    const ledger = this.#ledger(accountId);
    if (type === 'REPAY' && compareDecimal(amount, ledger.free(asset)) > 0)
      throw inputError('the margin account holds less free of this asset than the repayment', 'amount');
    const { event, tranId } = this.loans.change(accountId, asset, type, amount, addDecimal);
    // The loan lands in (the repayment leaves) the margin wallet: its balance event follows.
    if (type === 'BORROW') ledger.credit(asset, amount);
    else ledger.debit(asset, amount);
    const now = this.#ctx.now();
    ledger.updateTime = now;
    this.#ctx.send(accountId, 'usdm', undefined, event);
    this.#ctx.send(accountId, 'usdm', undefined, accountEvent('spot', ledger, [asset], now));
    return { tranId };
  }

  /**
   * The account's PM margin ledger (GET /papi/v1/balance). Every PM account has one from the start
   * (its demo balances): made on first use, by a read as by an order, so no balance ever appears
   * without an event.
   */
  marginLedger(accountId: string): SpotLedger {
    return this.#ledger(accountId);
  }

  /** The account's PM margin balances (test support). */
  marginBalances(accountId: string): Record<string, { free: string; locked: string }> {
    return Object.fromEntries(
      [...this.#ledger(accountId).balances].map(([asset, b]) => [asset, { free: b.free, locked: b.locked }]),
    );
  }

  /**
   * After every operation: resting margin orders the prices cross fill, CM conditional orders
   * whose trigger is crossed fire (and finish), `openOrderLoss` reports what changed, and UM
   * books are rated (`riskLevelChange`).
   */
  settle(
    books: readonly PmBooks[],
    instrumentOf: (symbol: string) => FuturesInstrument | undefined,
    mark: (symbol: string) => string,
  ): void {
    for (const [id, ledger] of this.#ledgers) {
      if (ledger.orders.size === 0) continue;
      for (const symbol of Object.keys(SPOT_INSTRUMENTS))
        this.#margin.fillCrossing(id, ledger, symbol, this.#ctx.price(symbol), () => false);
    }
    if (this.#cm.live > 0) {
      for (const b of books)
        for (const symbol of Object.keys(COINM_INSTRUMENTS))
          this.#cm.check(b.id, b.coinm, symbol, this.#ctx.price(symbol));
      this.#cm.settle(books.map((b) => ({ id: b.id, ledger: b.coinm })));
    }
    for (const [id, ledger] of this.#ledgers) this.#openOrderLoss(id, ledger);
    this.#risk.settleBooks(
      books.map((b) => ({ id: b.id, ledger: b.usdm })),
      instrumentOf,
      mark,
      (id, event) => this.#ctx.send(id, 'usdm', undefined, event),
    );
  }

  /**
   * `openOrderLoss` ("Cross margin order margin stream"): per asset, the margin the account's open
   * margin orders hold (a BUY holds quote, a SELL base), as the negative amount the page's example
   * prints, with 8 places as the margin account's balances. Sent when a figure changes, with the assets that changed only ("0" when an asset's
   * last order left the book). The page gives no formula; this is the model the simulator keeps.
   */
  #openOrderLoss(accountId: string, ledger: SpotLedger): void {
    const now = new Map<string, string>();
    for (const [asset, b] of ledger.balances)
      if (compareDecimal(b.locked, '0') > 0) now.set(asset, `-${fixed(b.locked)}`);
    const before = this.#loss.get(accountId) ?? new Map<string, string>();
    const changed: { a: string; o: string }[] = [];
    for (const [a, o] of now) if (before.get(a) !== o) changed.push({ a, o });
    for (const a of before.keys()) if (!now.has(a)) changed.push({ a, o: '0' });
    if (changed.length === 0) return;
    this.#loss.set(accountId, now);
    this.#ctx.send(accountId, 'usdm', undefined, { e: 'openOrderLoss', E: 0, O: changed });
  }

  #ledger(accountId: string): SpotLedger {
    let ledger = this.#ledgers.get(accountId);
    if (!ledger) {
      ledger = new SpotLedger({ ...DEFAULT_BALANCES.margin });
      this.#ledgers.set(accountId, ledger);
    }
    return ledger;
  }

  /** The Algo service's `ALGO_UPDATE` as PM's `CONDITIONAL_ORDER_TRADE_UPDATE` (fs CM), or undefined for TRIGGERING. */
  #strategyUpdate(event: Record<string, unknown>): Record<string, unknown> | undefined {
    const o = event.o as Record<string, unknown>;
    const os = STRATEGY_STATUS[String(o.X)];
    if (os === undefined) return undefined;
    const si = o.aid as number;
    const T = event.T as number;
    if (os === 'NEW') this.#bookTime.set(si, T);
    const bookTime = this.#bookTime.get(si) ?? T;
    if (os !== 'NEW' && os !== 'TRIGGERED') this.#bookTime.delete(si);
    const so: Record<string, unknown> = {
      s: o.s,
      c: o.caid,
      si,
      S: o.S,
      st: o.o,
      f: o.f,
      q: o.q,
      p: o.p,
      sp: o.tp,
      os,
      T: bookTime,
      ut: T,
      R: o.R,
      wt: o.wt,
      ps: o.ps,
      cp: o.cp,
    };
    // The matching-engine order's id, once the trigger has placed one.
    if (o.ai !== '') so.i = Number(o.ai);
    so.V = 'NONE';
    so.gtd = 0;
    return { e: 'CONDITIONAL_ORDER_TRADE_UPDATE', T, E: 0, fs: 'CM', so };
  }
}

/** PM's strategy parameters (strategyType, stopPrice, newClientStrategyId) as the Algo service's. */
function algoParams(p: Record<string, string>): Record<string, string> {
  const { strategyType, stopPrice, newClientStrategyId, algoType, ...rest } = p;
  if (algoType !== undefined)
    throw inputError('CM conditional orders take strategyType, not algoType', 'algoType');
  const out: Record<string, string> = { ...rest, algoType: 'CONDITIONAL' };
  if (strategyType !== undefined) out.type = strategyType;
  if (stopPrice !== undefined) out.triggerPrice = stopPrice;
  if (newClientStrategyId !== undefined) out.clientAlgoId = newClientStrategyId;
  return out;
}

/** An Algo-service body in the CM conditional order shape (New-CM-Conditional-Order, the open list). */
function strategyBody(a: Record<string, unknown>): Record<string, unknown> {
  return {
    newClientStrategyId: a.clientAlgoId,
    strategyId: a.algoId,
    strategyStatus: a.algoStatus,
    strategyType: a.orderType,
    origQty: a.quantity,
    price: a.price,
    reduceOnly: a.reduceOnly,
    side: a.side,
    positionSide: a.positionSide,
    stopPrice: a.triggerPrice,
    symbol: a.symbol,
    timeInForce: a.timeInForce,
    workingType: a.workingType,
    priceProtect: a.priceProtect,
    bookTime: a.createTime,
    updateTime: a.updateTime,
  };
}
