import { normalizeDecimal, type VenueId } from '@userstream/core';
import { type AccountState, type InitialBalances, openAccount, spotTarget } from './account-book.js';
import { accountBody, balancesOf, openOrdersBody, type QueryContext } from './account-queries.js';
import { AlgoService } from './algo-orders.js';
import type { EngineContext } from './context.js';
import { divDecimal, mulDecimal } from './decimal-math.js';
import { ASSET, checkAmount, checkParams, inputError } from './engine-input.js';
import { EventOutbox } from './event-outbox.js';
import {
  checkPrice,
  type ExchangeOptions,
  PARTIAL_FILL_PROBABILITY,
  resolveExchangeOptions,
  type SetPriceOptions,
} from './exchange-options.js';
import { FuturesMarket } from './futures-market.js';
import { loanParams, MarginRisk, type SimMarginLevel, usdtValue } from './margin-risk.js';
import {
  isFuturesMarket,
  MARKETS,
  marketOf,
  PRICE_TICKS,
  SPOT_INSTRUMENTS,
  type SpotMarketKey,
  SYMBOLS,
  spotInstrument,
} from './markets.js';
import { OptionsMarket } from './options-market.js';
import { PM_OPERATIONS, PM_QUERIES, type PmOperation, PortfolioMarginDesk } from './portfolio-margin-desk.js';
import { positionRiskOf } from './positions.js';
import { ALPHANUMERIC, DIGITS, SeededRandom } from './random.js';
import type { SpotLedger } from './spot-ledger.js';
import { SpotMarket } from './spot-market.js';
import { GridStrategies } from './strategies.js';

/**
 * A local exchange's accounts: balances, orders and positions per account per market, order
 * placement and cancellation, deposits, and a seeded price walk that fills resting limit
 * orders. Every state change emits the exact event sequence of the venue, in its dialect, with
 * `E` the clock's millisecond (shared by the events of one operation, never decreasing per
 * stream), and the REST bodies (`account`, `openOrders`) always agree
 * with the events sent. Pure logic: no sockets, no timers.
 *
 * This file holds order entry and the matching-step orchestration (prices, the walk, fills
 * across accounts); the account ledgers are built in account-book.ts, the read-only bodies in
 * account-queries.ts, `E` stamping in event-outbox.ts and the constructor's options in
 * exchange-options.ts.
 *
 * Errors a venue would answer with are thrown as core `ExchangeError`s (`exchangeCode`,
 * `exchangeMessage`, `status` 400); misuse of the API (unknown account, bad amount) as
 * `InvalidInputError` (USERSTREAM_INVALID_INPUT; bad constructor options USERSTREAM_INVALID_CONFIG).
 */
export class Exchange {
  readonly #random: SeededRandom;
  readonly #accounts = new Map<string, AccountState>();
  readonly #prices: Map<string, string>;
  readonly #outbox: EventOutbox;
  #orderId = 0;
  #tradeId = 0;
  #executionId = 0;
  readonly #spot: Readonly<Record<SpotMarketKey, SpotMarket>>;
  readonly #futures: Readonly<Record<'usdm' | 'coinm', FuturesMarket>>;
  /** USDⓈ-M only: Binance moved USDⓈ-M conditional orders to the Algo service (2025-12); COIN-M's docs have no such service. */
  readonly #algo: AlgoService;
  readonly #grids: GridStrategies;
  readonly #risk: MarginRisk;
  readonly #options: OptionsMarket;
  /** Portfolio margin beyond the shared USDⓈ-M book: margin orders, CM conditional orders, loans, risk. */
  readonly #pm: PortfolioMarginDesk;
  readonly #queries: QueryContext;

  constructor(options: ExchangeOptions) {
    const { clock, emit, logger, seed, prices } = resolveExchangeOptions(options);
    this.#random = new SeededRandom(seed);
    this.#prices = prices;
    this.#outbox = new EventOutbox(clock, emit, logger);
    const ctx: EngineContext = {
      now: () => clock.now(),
      price: (symbol) => this.#prices.get(symbol) as string,
      nextOrderId: () => ++this.#orderId,
      nextTradeId: () => ++this.#tradeId,
      nextExecutionId: () => ++this.#executionId,
      clientOrderId: (numeric) =>
        numeric
          ? `${this.#random.int(1, 9)}${this.#random.string(9, DIGITS)}`
          : this.#random.string(22, ALPHANUMERIC),
      random: () => this.#random.next(),
      send: (accountId, market, symbol, event) => this.#outbox.send(accountId, market, symbol, event),
      sendVenue: (accountId, venue, event) => this.#outbox.sendVenue(accountId, venue, event),
    };
    this.#spot = Object.freeze({
      spot: new SpotMarket('spot', ctx),
      margin: new SpotMarket('margin', ctx),
      isolatedMargin: new SpotMarket('isolatedMargin', ctx),
      bhex: new SpotMarket('bhex', ctx),
      coins: new SpotMarket('coins', ctx),
    });
    this.#futures = Object.freeze({
      usdm: new FuturesMarket('usdm', ctx),
      coinm: new FuturesMarket('coinm', ctx),
    });
    this.#algo = new AlgoService('usdm', ctx);
    this.#grids = new GridStrategies(ctx, this.#futures.usdm);
    this.#options = new OptionsMarket(ctx);
    this.#pm = new PortfolioMarginDesk(ctx);
    this.#risk = new MarginRisk(
      ctx,
      usdtValue((symbol) => this.price(symbol)),
    );
    this.#queries = {
      price: (symbol) => this.price(symbol),
      futures: this.#futures,
      ...this.#pm.queries,
    };
  }

  /**
   * Opens an account on every market. `balances` replaces the demo balances of the markets it
   * names (by any of their venue ids); isolated-margin keys are `PAIR:ASSET`, or `ASSET` for
   * every pair that trades it.
   */
  addAccount(accountId: string, balances?: InitialBalances): void {
    // Account ids are never echoed: a caller may use something secret-ish (an API key) as the id.
    // A malformed id is never in the map, so openAccount refuses it before anything else.
    if (this.#accounts.has(accountId))
      throw inputError('this accountId is already taken; use another id', 'accountId');
    this.#accounts.set(accountId, openAccount(accountId, balances));
  }

  /** True when `accountId` was added. */
  hasAccount(accountId: string): boolean {
    return this.#accounts.has(accountId);
  }

  /** Places an order as POST /api/v3/order, /sapi/v1/margin/order, /fapi/v1/order… and returns the venue's body. */
  placeOrder(accountId: string, venue: VenueId, params: Record<string, string>): Record<string, unknown> {
    if (venue === 'binance-options')
      return this.options(accountId, 'place', params) as Record<string, unknown>;
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const p = checkParams(params);
    return this.#run(() => {
      if (isFuturesMarket(market)) return this.#futures[market].place(accountId, account[market], p);
      const { ledger, spotMarket, isIsolated } = spotTarget(account, market, p);
      return this.#spot[spotMarket].place(accountId, ledger, p, isIsolated);
    });
  }

  /** Cancels an open order as DELETE …/order and returns the venue's body. */
  cancelOrder(accountId: string, venue: VenueId, params: Record<string, string>): Record<string, unknown> {
    if (venue === 'binance-options')
      return this.options(accountId, 'cancel', params) as Record<string, unknown>;
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const p = checkParams(params);
    return this.#run(() => {
      if (isFuturesMarket(market)) return this.#futures[market].cancel(accountId, account[market], p);
      const { ledger, spotMarket } = spotTarget(account, market, p);
      return this.#spot[spotMarket].cancel(accountId, ledger, p);
    });
  }

  /**
   * Places a conditional order in the USDⓈ-M Algo service as POST /fapi/v1/algoOrder (portfolio
   * margin /papi/v1/um/algo/order) and returns the venue's body.
   */
  placeAlgoOrder(accountId: string, venue: VenueId, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    this.#algoMarket(venue);
    const p = checkParams(params);
    return this.#run(() => this.#algo.place(accountId, account.usdm, p));
  }

  /** Cancels a waiting conditional order as DELETE /fapi/v1/algoOrder (`algoId` or `clientAlgoId`). */
  cancelAlgoOrder(
    accountId: string,
    venue: VenueId,
    params: Record<string, string>,
  ): Record<string, unknown> {
    this.#account(accountId);
    this.#algoMarket(venue);
    const p = checkParams(params);
    return this.#run(() => this.#algo.cancel(accountId, p));
  }

  /** The conditional orders waiting for their trigger, as GET /fapi/v1/openAlgoOrders lists them. */
  openAlgoOrders(
    accountId: string,
    venue: VenueId,
    params: Record<string, string> = {},
  ): Record<string, unknown>[] {
    this.#account(accountId);
    this.#algoMarket(venue);
    return this.#algo.open(accountId, checkParams(params));
  }

  /**
   * Starts a USDⓈ-M grid strategy (`symbol`, `lowerPrice`, `upperPrice`, `gridNumber`,
   * `quantity` per level). Binance's strategy-trading API is not public, so there is no REST
   * route: tests drive grids through `sim.exchange`. Returns `{strategyId, strategyStatus, levels}`.
   */
  createGrid(accountId: string, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    const p = checkParams(params);
    return this.#run(() => this.#grids.create(accountId, account.usdm, p));
  }

  /** Cancels a grid (`strategyId`): its orders are cancelled, then STRATEGY_UPDATE CANCELLED. */
  cancelGrid(accountId: string, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    const p = checkParams(params);
    return this.#run(() => this.#grids.cancel(accountId, account.usdm, p));
  }

  /**
   * Options (`binance-options`, /eapi): POST /eapi/v1/order (`place`), DELETE (`cancel`),
   * GET /eapi/v1/position (`positions`), /eapi/v1/openOrders, /eapi/v1/marginAccount
   * (`account`); `setOptionMark` moves an option's premium. placeOrder, cancelOrder, account and
   * openOrders with venue binance-options come here too. Every
   * account has an options wallet of 10000 USDT; events go to the binance-options streams.
   */
  options(
    accountId: string,
    action: 'place' | 'cancel' | 'positions' | 'openOrders' | 'account',
    params: Record<string, string> = {},
  ): unknown {
    this.#account(accountId);
    const p = checkParams(params);
    if (action === 'positions') return this.#options.positions(accountId, p);
    if (action === 'openOrders') return this.#options.openOrders(accountId, p);
    if (action === 'account') return this.#options.marginAccount(accountId);
    return this.#run(() =>
      action === 'place' ? this.#options.place(accountId, p) : this.#options.cancel(accountId, p),
    );
  }

  /**
   * Portfolio margin loans: POST /papi/v1/marginLoan (`type` BORROW) and /papi/v1/repayLoan
   * (REPAY), `asset` and `amount`. Sends `liabilityChange` (PM streams only; `T` an exact
   * transaction id beyond 2^53) and returns `{tranId}` (a digit string, exact).
   */
  pmLoan(
    accountId: string,
    type: 'BORROW' | 'REPAY',
    params: Record<string, string>,
  ): Record<string, unknown> {
    this.#account(accountId);
    const p = checkParams(params);
    return this.#run(() => this.#pm.loan(accountId, type, loanParams(p)));
  }

  /**
   * Portfolio margin's own books (portfolio-margin-desk.ts): margin orders (POST/DELETE
   * /papi/v1/margin/order, GET /papi/v1/margin/openOrders) and COIN-M conditional orders
   * (POST/DELETE /papi/v1/cm/conditional/order, GET /papi/v1/cm/conditional/openOrders).
   */
  portfolioMargin(accountId: string, op: PmOperation, params: Record<string, string> = {}): unknown {
    const account = this.#account(accountId);
    if (!PM_OPERATIONS.has(op)) throw inputError(`op must be one of ${[...PM_OPERATIONS].join(', ')}`, 'op');
    const p = checkParams(params);
    if (PM_QUERIES.has(op)) return this.#pm.run(accountId, account, op, p);
    return this.#run(() => this.#pm.run(accountId, account, op, p));
  }

  /** Moves an option's mark (premium) and fills the resting options orders it crosses. */
  setOptionMark(symbol: string, price: string): void {
    const value = checkAmount(price, 'price', true);
    this.#run(() => this.#options.setMark(symbol, value));
  }

  /** USDT balance of the account's options wallet. */
  optionsBalance(accountId: string): string {
    this.#account(accountId);
    return this.#options.balance(accountId);
  }

  /**
   * Cross margin borrow or repay as POST /sapi/v1/margin/borrow-repay (`type` BORROW or REPAY,
   * `asset`, `amount`; isolated margin is not simulated): the balance, `USER_LIABILITY_CHANGE`
   * and, when the margin level changes status, `MARGIN_LEVEL_STATUS_CHANGE`. Returns `{tranId}`.
   */
  borrowRepay(accountId: string, venue: VenueId, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    if (marketOf(venue) !== 'margin')
      throw inputError('borrow and repay are cross margin only; use binance-margin', 'venue');
    const p = checkParams(params);
    if ((p.isIsolated ?? 'FALSE').toUpperCase() === 'TRUE')
      throw inputError('isolated margin borrowing is not simulated', 'isIsolated');
    const type = p.type;
    if (type !== 'BORROW' && type !== 'REPAY') throw inputError('type must be BORROW or REPAY', 'type');
    const { asset, amount } = loanParams(p);
    return this.#run(() =>
      type === 'BORROW'
        ? this.#risk.borrow(accountId, account.margin, asset, amount)
        : this.#risk.repay(accountId, account.margin, asset, amount),
    );
  }

  /** The cross margin level (total asset / total liability, in USDT) and its status. */
  marginLevel(accountId: string): SimMarginLevel {
    const account = this.#account(accountId);
    return this.#risk.level(accountId, account.margin);
  }

  /**
   * Positions as GET /fapi/v3/positionRisk (USDⓈ-M), /dapi/v1/positionRisk (COIN-M) answer them;
   * `shape: 'papi-um' | 'papi-cm'` for /papi/v1/um|cm/positionRisk. `symbol` (COIN-M `pair`) optional.
   */
  positionRisk(
    accountId: string,
    venue: VenueId,
    params: Record<string, string> = {},
  ): Record<string, unknown>[] {
    const account = this.#account(accountId);
    const p = checkParams(params);
    const shape = p.shape ?? (venue === 'binance-coinm' ? 'dapi' : 'fapi-v3');
    const market = shape === 'papi-cm' ? 'coinm' : this.#futuresMarket(venue);
    return positionRiskOf(account[market], market, shape, p, (s) => this.price(s));
  }

  /**
   * The account snapshot body of the venue: spot /api/v3/account (`omitZeroBalances`), cross
   * margin /sapi/v1/margin/account, isolated /sapi/v1/margin/isolated/account (`symbols`),
   * USDⓈ-M /fapi/v3/account (`version: 'v2'` for the v2 shape), portfolio margin
   * /papi/v1/balance (`asset`; `view: 'account'` for /papi/v1/account), COIN-M /dapi/v1/account,
   * BHEX and Coins.ph /openapi/v1/account.
   */
  account(accountId: string, venue: VenueId, params: Record<string, string> = {}): unknown {
    if (venue === 'binance-options') return this.options(accountId, 'account');
    const account = this.#account(accountId);
    const market = marketOf(venue);
    return accountBody(this.#queries, account, venue, market, checkParams(params));
  }

  /** Open orders as GET …/openOrders lists them (`symbol` optional; margin `isIsolated=TRUE` + `symbol`). */
  openOrders(accountId: string, venue: VenueId, params: Record<string, string> = {}): unknown {
    if (venue === 'binance-options') return this.options(accountId, 'openOrders', params);
    const account = this.#account(accountId);
    const market = marketOf(venue);
    return openOrdersBody(this.#queries, account, market, checkParams(params));
  }

  /**
   * Credits `amount` of `asset` and emits what the venue sends: spot, margin and Coins.ph
   * `balanceUpdate` then `outboundAccountPosition`; BHEX `outboundAccountInfo`; futures
   * `ACCOUNT_UPDATE` with reason DEPOSIT. Isolated margin takes `PAIR:ASSET` (or the first
   * pair trading `ASSET`).
   */
  deposit(accountId: string, venue: VenueId, asset: string, amount: string): void {
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const value = checkAmount(amount, 'amount', true);
    if (typeof asset !== 'string') throw inputError('asset must be a string such as "USDT"', 'asset');
    if (market === 'isolatedMargin') {
      const [pair, coin] = asset.includes(':') ? asset.split(':', 2) : [undefined, asset];
      const inst = Object.values(SPOT_INSTRUMENTS).find(
        (i) => (pair === undefined || i.symbol === pair) && (i.baseAsset === coin || i.quoteAsset === coin),
      );
      if (!inst)
        throw inputError(
          `asset ${JSON.stringify(asset)} is not traded by an isolated pair; use PAIR:ASSET`,
          'asset',
        );
      const ledger = account.isolated.get(inst.symbol) as SpotLedger;
      this.#run(() => this.#spot.isolatedMargin.deposit(accountId, ledger, coin as string, value));
      return;
    }
    if (!ASSET.test(asset))
      throw inputError('asset must be upper-case letters and digits, such as "USDT"', 'asset');
    this.#run(() => {
      if (isFuturesMarket(market)) this.#futures[market].deposit(accountId, account[market], asset, value);
      else this.#spot[market].deposit(accountId, account[market], asset, value);
    });
  }

  /** The current price of `symbol`. */
  price(symbol: string): string {
    const p = this.#prices.get(symbol);
    if (p === undefined)
      throw inputError(
        `unknown symbol ${JSON.stringify(String(symbol).slice(0, 32))}; use one of ${SYMBOLS.join(', ')}`,
        'symbol',
      );
    return p;
  }

  /**
   * Moves `symbol` to `price` and fills every resting limit order it crosses, in every account
   * and market that lists the symbol, at the order's limit price.
   */
  setPrice(symbol: string, price: string, options: SetPriceOptions = {}): void {
    this.price(symbol);
    const value = checkPrice(symbol, price, inputError);
    const partial = options.partial === true;
    this.#run(() => {
      this.#prices.set(symbol, value);
      this.#fillAll(symbol, value, () => partial);
    });
  }

  /** One step of the seeded walk (at most ±0.1 %) for every symbol, filling what it crosses. */
  tick(): void {
    this.#run(() => {
      for (const symbol of SYMBOLS) {
        const tick = PRICE_TICKS[symbol] as string;
        const current = this.#prices.get(symbol) as string;
        const ticks = BigInt(divDecimal(current, tick, 0, 'down'));
        const range = ticks / 1000n > 1n ? ticks / 1000n : 1n;
        const step = BigInt(this.#random.int(-Number(range), Number(range)));
        let next = ticks + step;
        if (next < 1n) next = 1n;
        const price = normalizeDecimal(mulDecimal(next.toString(), tick));
        this.#prices.set(symbol, price);
        this.#fillAll(symbol, price, () => this.#random.next() < PARTIAL_FILL_PROBABILITY);
      }
    });
  }

  /**
   * Internal balances for tests and the demo: spot-like markets `{ASSET: {free, locked}}`
   * (isolated margin keyed `PAIR:ASSET`); futures `{ASSET: {free: walletBalance, locked: "0…"}}`.
   */
  balances(accountId: string, venue: VenueId) {
    const account = this.#account(accountId);
    return balancesOf(account, marketOf(venue));
  }

  /** Open orders of the account on `venue`'s market, as that venue lists them. */
  orders(accountId: string, venue: VenueId): readonly Record<string, unknown>[] {
    return this.openOrders(accountId, venue, {}) as Record<string, unknown>[];
  }

  // ---------------------------------------------------------------------------------------

  #account(accountId: string): AccountState {
    const account = this.#accounts.get(accountId);
    if (!account) {
      throw inputError('unknown accountId; call addAccount() with it first', 'accountId');
    }
    return account;
  }

  #futuresMarket(venue: VenueId): 'usdm' | 'coinm' {
    const market = marketOf(venue);
    if (!isFuturesMarket(market))
      throw inputError('algo orders and positions are USDⓈ-M and COIN-M only; use a futures venue', 'venue');
    return market;
  }

  #algoMarket(venue: VenueId): void {
    if (marketOf(venue) !== 'usdm')
      throw inputError(
        'conditional (algo) orders are USDⓈ-M only (binance-usdm, binance-usdm-testnet, binance-portfolio-margin)',
        'venue',
      );
  }

  #fillAll(symbol: string, price: string, partial: () => boolean): void {
    for (const account of this.#accounts.values()) {
      for (const market of MARKETS) {
        if (market === 'usdm' || market === 'coinm') {
          const engine = this.#futures[market];
          if (engine.instrument(symbol)) {
            engine.fillCrossing(account.id, account[market], symbol, price, partial);
            // Conditional orders see the price after the book has filled at it.
            if (market === 'usdm') this.#algo.check(account.id, account.usdm, symbol, price);
          }
        } else if (spotInstrument(symbol)) {
          const ledger =
            market === 'isolatedMargin' ? (account.isolated.get(symbol) as SpotLedger) : account[market];
          this.#spot[market].fillCrossing(account.id, ledger, symbol, price, partial);
        }
      }
    }
  }

  /** Runs one operation, then hands its events to `emit`, stamped with the clock's `E` (never decreasing per stream). */
  #run<T>(operation: () => T): T {
    try {
      const result = operation();
      // Triggered conditional orders whose order is done finish in the same step (same E).
      if (this.#algo.live > 0) {
        this.#algo.settle([...this.#accounts.values()].map((a) => ({ id: a.id, ledger: a.usdm })));
      }
      if (this.#grids.live > 0) this.#grids.settle((id) => this.#account(id).usdm);
      if (this.#risk.live > 0) this.#risk.settle((id) => this.#account(id).margin);
      const usdm = this.#futures.usdm;
      this.#pm.settle(
        [...this.#accounts.values()],
        (sym) => usdm.instrument(sym),
        (sym) => this.price(sym),
      );
      return result;
    } finally {
      this.#outbox.flush();
    }
  }
}
