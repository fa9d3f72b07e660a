import { type Clock, InvalidInputError, isDecimal, normalizeDecimal, type VenueId } from '@userstream/core';
import type { EngineContext } from './context.js';
import {
  compareDecimal,
  decimalPlaces,
  divDecimal,
  fixed,
  isMultipleOf,
  mulDecimal,
  roundDecimal,
} from './decimal-math.js';
import {
  coinmAccountBody,
  orderBody,
  papiAccountBody,
  papiBalanceBody,
  usdmAccountBody,
} from './futures-bodies.js';
import { FuturesLedger } from './futures-ledger.js';
import { FuturesMarket } from './futures-market.js';
import {
  CANONICAL_VENUE,
  COINM_INSTRUMENTS,
  INITIAL_PRICES,
  isFuturesMarket,
  MARKETS,
  type MarketKey,
  marketOf,
  PRICE_TICKS,
  SPOT_INSTRUMENTS,
  type SpotMarketKey,
  SYMBOLS,
  spotInstrument,
  USDM_INSTRUMENTS,
} from './markets.js';
import { ALPHANUMERIC, DIGITS, SeededRandom } from './random.js';
import { boolParam, param, Reject, requireParam } from './reject.js';
import {
  crossMarginAccountBody,
  isolatedMarginAccountBody,
  openOrderBody,
  spotAccountBody,
} from './spot-bodies.js';
import { SpotLedger } from './spot-ledger.js';
import { SpotMarket } from './spot-market.js';

/** Where an event goes: the account, the market's canonical venue id and, for isolated margin, the pair. */
export interface ExchangeTarget {
  accountId: string;
  /** The canonical venue id of the market ({@link CANONICAL_VENUE}); deliver to every venue id with the same `marketOf`. */
  venue: VenueId;
  /** Isolated margin only: the pair whose stream (listenKey `symbol`) receives the event. */
  symbol?: string;
}

export type ExchangeEmit = (target: ExchangeTarget, event: Record<string, unknown>) => void;

/** pino-compatible logger; only `error` is used (an `emit` callback that threw). */
export interface ExchangeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ExchangeOptions {
  /** Time source for `E`, `T`, order and update times. */
  clock: Clock;
  /**
   * Seed of the synthetic price walk, generated client order ids and partial fills.
   * @default DEFAULT_SEED
   */
  seed?: number;
  /** Receives every event, in order, after the operation that caused it has committed. */
  emit: ExchangeEmit;
  /** Starting prices by symbol. @default INITIAL_PRICES */
  prices?: Partial<Record<string, string>>;
  /** Told when `emit` throws (the engine carries on with the next event). */
  logger?: ExchangeLogger;
}

export interface SetPriceOptions {
  /**
   * Fill only half (rounded down to the step size) of what is left of each crossed order, to
   * produce PARTIALLY_FILLED updates. @default false
   */
  partial?: boolean;
}

/** @default 1 */
export const DEFAULT_SEED = 1;

/** Chance that the synthetic walk fills only part of a crossed order. */
export const PARTIAL_FILL_PROBABILITY = 0.3;

const SPOT_DEFAULT = Object.freeze({ USDT: '10000', BTC: '1', ETH: '10' });

/**
 * Demo balances of a new account, per market. Isolated-margin keys are `PAIR:ASSET`.
 * @default spot, margin, BHEX and Coins.ph: 10000 USDT, 1 BTC, 10 ETH; USDⓈ-M: 10000 USDT; COIN-M: 1 BTC.
 */
export const DEFAULT_BALANCES: Readonly<Record<MarketKey, Readonly<Record<string, string>>>> = Object.freeze({
  spot: SPOT_DEFAULT,
  margin: SPOT_DEFAULT,
  isolatedMargin: Object.freeze({
    'BTCUSDT:BTC': '0.1',
    'BTCUSDT:USDT': '1000',
    'ETHUSDT:ETH': '1',
    'ETHUSDT:USDT': '1000',
    'ETHBTC:ETH': '1',
    'ETHBTC:BTC': '0.05',
  }),
  bhex: SPOT_DEFAULT,
  coins: SPOT_DEFAULT,
  usdm: Object.freeze({ USDT: '10000' }),
  coinm: Object.freeze({ BTC: '1' }),
});

interface AccountState {
  readonly id: string;
  readonly uid: number;
  readonly spot: SpotLedger;
  readonly margin: SpotLedger;
  readonly isolated: Map<string, SpotLedger>;
  readonly bhex: SpotLedger;
  readonly coins: SpotLedger;
  readonly usdm: FuturesLedger;
  readonly coinm: FuturesLedger;
}

interface Queued {
  accountId: string;
  market: MarketKey;
  symbol: string | undefined;
  event: Record<string, unknown>;
}

const ACCOUNT_ID = /^[\x21-\x7e]{1,128}$/;
const ASSET = /^[A-Z0-9]{1,20}$/;
const PREFIX = '@userstream/simulator:';

function invalid(message: string, field: string): InvalidInputError {
  return new InvalidInputError(`${PREFIX} ${message}`, { field });
}

function checkAmount(value: unknown, field: string, positive: boolean): string {
  if (typeof value !== 'string' || !isDecimal(value) || value.startsWith('-') || value.startsWith('+')) {
    throw invalid(`${field} must be a non-negative decimal string such as "10.5"`, field);
  }
  if (decimalPlaces(value) > 8) throw invalid(`${field} must have at most 8 decimal places`, field);
  if (positive && compareDecimal(value, '0') <= 0) throw invalid(`${field} must be greater than zero`, field);
  return normalizeDecimal(value);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A local exchange's accounts: balances, orders and positions per account per market, order
 * placement and cancellation, deposits, and a seeded price walk that fills resting limit
 * orders. Every state change emits the exact event sequence of the venue, in its dialect, with
 * `E` the clock's millisecond (shared by the events of one operation, never decreasing per
 * stream), and the REST bodies (`account`, `openOrders`) always agree
 * with the events sent. Pure logic: no sockets, no timers.
 *
 * Errors a venue would answer with are thrown as core `ExchangeError`s (`exchangeCode`,
 * `exchangeMessage`, `status` 400); misuse of the API (unknown account, bad amount) as
 * `InvalidInputError`.
 */
export class Exchange {
  readonly #clock: Clock;
  readonly #emit: ExchangeEmit;
  readonly #logger: ExchangeLogger | undefined;
  readonly #random: SeededRandom;
  readonly #accounts = new Map<string, AccountState>();
  readonly #prices = new Map<string, string>();
  readonly #lastE = new Map<string, number>();
  readonly #outbox: Queued[] = [];
  #orderId = 0;
  #tradeId = 0;
  #executionId = 0;
  readonly #spot: Readonly<Record<SpotMarketKey, SpotMarket>>;
  readonly #futures: Readonly<Record<'usdm' | 'coinm', FuturesMarket>>;

  constructor(options: ExchangeOptions) {
    if (!options || typeof options !== 'object')
      throw invalid('new Exchange(options) needs { clock, emit }', 'options');
    const { clock, emit } = options;
    if (!clock || typeof clock.now !== 'function') {
      throw invalid(
        'options.clock must be a Clock from @userstream/core (systemClock, VirtualClock…)',
        'clock',
      );
    }
    if (typeof emit !== 'function')
      throw invalid('options.emit must be a function (target, event) => void', 'emit');
    const seed = options.seed ?? DEFAULT_SEED;
    if (!Number.isSafeInteger(seed))
      throw invalid(`options.seed must be an integer, got ${String(seed)}`, 'seed');
    this.#clock = clock;
    this.#emit = emit;
    this.#logger = options.logger;
    this.#random = new SeededRandom(seed);
    for (const symbol of SYMBOLS) {
      const given = options.prices?.[symbol];
      this.#prices.set(
        symbol,
        given === undefined ? (INITIAL_PRICES[symbol] as string) : this.#checkPrice(symbol, given),
      );
    }
    for (const symbol of Object.keys(options.prices ?? {})) {
      if (!this.#prices.has(symbol))
        throw invalid(`options.prices: unknown symbol ${JSON.stringify(symbol)}`, 'prices');
    }
    const ctx: EngineContext = {
      now: () => this.#clock.now(),
      price: (symbol) => this.#prices.get(symbol) as string,
      nextOrderId: () => ++this.#orderId,
      nextTradeId: () => ++this.#tradeId,
      nextExecutionId: () => ++this.#executionId,
      clientOrderId: (numeric) =>
        numeric
          ? `${this.#random.int(1, 9)}${this.#random.string(9, DIGITS)}`
          : this.#random.string(22, ALPHANUMERIC),
      random: () => this.#random.next(),
      send: (accountId, market, symbol, event) => {
        this.#outbox.push({ accountId, market, symbol, event });
      },
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
  }

  /**
   * Opens an account on every market. `balances` replaces the demo balances of the markets it
   * names (by any of their venue ids); isolated-margin keys are `PAIR:ASSET`, or `ASSET` for
   * every pair that trades it.
   */
  addAccount(accountId: string, balances?: Partial<Record<VenueId, Record<string, string>>>): void {
    if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
      throw invalid('accountId must be 1 to 128 printable characters without spaces', 'accountId');
    }
    // Account ids are never echoed: a caller may use something secret-ish (an API key) as the id.
    if (this.#accounts.has(accountId))
      throw invalid('this accountId is already taken; use another id', 'accountId');
    const given: Partial<Record<MarketKey, Record<string, string>>> = {};
    for (const [venue, record] of Object.entries(balances ?? {})) {
      if (record === undefined) continue;
      const market = marketOf(venue);
      if (!record || typeof record !== 'object')
        throw invalid(`balances.${venue} must be { ASSET: "amount" }`, 'balances');
      const target = given[market] ?? {};
      for (const [key, amount] of Object.entries(record)) {
        const assetPart =
          market === 'isolatedMargin' && key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
        if (!ASSET.test(assetPart)) {
          throw invalid(
            `balances.${venue}: asset ${JSON.stringify(key)} must be upper-case letters and digits`,
            'balances',
          );
        }
        target[key] = checkAmount(amount, `balances.${venue}.${key}`, false);
      }
      given[market] = target;
    }
    const initial = (market: MarketKey): Record<string, string> => ({
      ...(given[market] ?? DEFAULT_BALANCES[market]),
    });
    const isolated = new Map<string, SpotLedger>();
    const isolatedInitial = initial('isolatedMargin');
    for (const inst of Object.values(SPOT_INSTRUMENTS)) {
      const pairBalances: Record<string, string> = {};
      for (const [key, amount] of Object.entries(isolatedInitial)) {
        const [pair, asset] = key.includes(':') ? key.split(':', 2) : [undefined, key];
        if (pair !== undefined && pair !== inst.symbol) continue;
        if (pair === undefined && asset !== inst.baseAsset && asset !== inst.quoteAsset) continue;
        if (asset === inst.baseAsset || asset === inst.quoteAsset) pairBalances[asset as string] = amount;
      }
      isolated.set(inst.symbol, new SpotLedger(pairBalances, inst.symbol));
    }
    this.#accounts.set(accountId, {
      id: accountId,
      uid: 100_000_000 + (fnv1a(accountId) % 900_000_000),
      spot: new SpotLedger(initial('spot')),
      margin: new SpotLedger(initial('margin')),
      isolated,
      bhex: new SpotLedger(initial('bhex')),
      coins: new SpotLedger(initial('coins')),
      usdm: new FuturesLedger(initial('usdm')),
      coinm: new FuturesLedger(initial('coinm')),
    });
  }

  /** True when `accountId` was added. */
  hasAccount(accountId: string): boolean {
    return this.#accounts.has(accountId);
  }

  /** Places an order as POST /api/v3/order, /sapi/v1/margin/order, /fapi/v1/order… and returns the venue's body. */
  placeOrder(accountId: string, venue: VenueId, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const p = this.#params(params);
    return this.#run(() => {
      if (isFuturesMarket(market)) return this.#futures[market].place(accountId, account[market], p);
      const { ledger, spotMarket, isIsolated } = this.#spotTarget(account, market, p);
      return this.#spot[spotMarket].place(accountId, ledger, p, isIsolated);
    });
  }

  /** Cancels an open order as DELETE …/order and returns the venue's body. */
  cancelOrder(accountId: string, venue: VenueId, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const p = this.#params(params);
    return this.#run(() => {
      if (isFuturesMarket(market)) return this.#futures[market].cancel(accountId, account[market], p);
      const { ledger, spotMarket } = this.#spotTarget(account, market, p);
      return this.#spot[spotMarket].cancel(accountId, ledger, p);
    });
  }

  /**
   * The account snapshot body of the venue: spot /api/v3/account (`omitZeroBalances`), cross
   * margin /sapi/v1/margin/account, isolated /sapi/v1/margin/isolated/account (`symbols`),
   * USDⓈ-M /fapi/v3/account (`version: 'v2'` for the v2 shape), portfolio margin
   * /papi/v1/balance (`asset`; `view: 'account'` for /papi/v1/account), COIN-M /dapi/v1/account,
   * BHEX and Coins.ph /openapi/v1/account.
   */
  account(accountId: string, venue: VenueId, params: Record<string, string> = {}): unknown {
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const p = this.#params(params);
    switch (market) {
      case 'spot':
      case 'bhex':
      case 'coins':
        return spotAccountBody(market, account[market], param(p, 'omitZeroBalances') === 'true', account.uid);
      case 'margin':
        return crossMarginAccountBody(
          account.margin,
          (a, n) => this.#toBtc(a, n),
          (a, n) => this.#toUsdt(a, n),
        );
      case 'isolatedMargin': {
        const list = param(p, 'symbols');
        let ledgers = [...account.isolated.values()];
        if (list !== undefined) {
          const symbols = list.split(',');
          if (symbols.length > 5) throw Reject.invalidParam('symbols');
          ledgers = symbols.map((s) => {
            const l = account.isolated.get(s);
            if (!l) throw Reject.invalidSymbol();
            return l;
          });
        }
        return isolatedMarginAccountBody(
          ledgers,
          (a, n) => this.#toBtc(a, n),
          (s) => this.price(s),
        );
      }
      case 'usdm': {
        const instrumentOf = (s: string) => this.#futures.usdm.instrument(s);
        const mark = (s: string) => this.price(s);
        if (venue === 'binance-portfolio-margin') {
          return param(p, 'view') === 'account'
            ? papiAccountBody(account.usdm, instrumentOf, mark)
            : papiBalanceBody(account.usdm, instrumentOf, mark, param(p, 'asset'));
        }
        const version = param(p, 'version') === 'v2' ? 'v2' : 'v3';
        return usdmAccountBody(account.usdm, Object.values(USDM_INSTRUMENTS), instrumentOf, mark, version);
      }
      case 'coinm':
        return coinmAccountBody(
          account.coinm,
          Object.values(COINM_INSTRUMENTS),
          (s) => this.#futures.coinm.instrument(s),
          (s) => this.price(s),
        );
    }
  }

  /** Open orders as GET …/openOrders lists them (`symbol` optional; margin `isIsolated=TRUE` + `symbol`). */
  openOrders(accountId: string, venue: VenueId, params: Record<string, string> = {}): unknown {
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const p = this.#params(params);
    const symbol = param(p, 'symbol');
    if (isFuturesMarket(market)) {
      if (symbol !== undefined && !this.#futures[market].instrument(symbol)) throw Reject.invalidSymbol();
      return [...account[market].orders.values()]
        .filter((o) => symbol === undefined || o.symbol === symbol)
        .map((o) => orderBody(market, o, true));
    }
    if (symbol !== undefined && !spotInstrument(symbol)) throw Reject.invalidSymbol();
    const isolated = market === 'isolatedMargin' || (market === 'margin' && boolParam(p, 'isIsolated'));
    if (isolated && market === 'margin' && symbol === undefined) throw Reject.mandatory('symbol');
    const ledgers = isolated
      ? symbol !== undefined
        ? [account.isolated.get(symbol) as SpotLedger]
        : [...account.isolated.values()]
      : [account[market as 'spot' | 'margin' | 'bhex' | 'coins']];
    const spotMarket: SpotMarketKey = isolated ? 'isolatedMargin' : (market as SpotMarketKey);
    return ledgers
      .flatMap((l) => [...l.orders.values()])
      .filter((o) => symbol === undefined || o.symbol === symbol)
      .sort((a, b) => a.orderId - b.orderId)
      .map((o) => openOrderBody(spotMarket, o));
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
    if (typeof asset !== 'string') throw invalid('asset must be a string such as "USDT"', 'asset');
    if (market === 'isolatedMargin') {
      const [pair, coin] = asset.includes(':') ? asset.split(':', 2) : [undefined, asset];
      const inst = Object.values(SPOT_INSTRUMENTS).find(
        (i) => (pair === undefined || i.symbol === pair) && (i.baseAsset === coin || i.quoteAsset === coin),
      );
      if (!inst)
        throw invalid(
          `asset ${JSON.stringify(asset)} is not traded by an isolated pair; use PAIR:ASSET`,
          'asset',
        );
      const ledger = account.isolated.get(inst.symbol) as SpotLedger;
      this.#run(() => this.#spot.isolatedMargin.deposit(accountId, ledger, coin as string, value));
      return;
    }
    if (!ASSET.test(asset))
      throw invalid('asset must be upper-case letters and digits, such as "USDT"', 'asset');
    this.#run(() => {
      if (isFuturesMarket(market)) this.#futures[market].deposit(accountId, account[market], asset, value);
      else this.#spot[market].deposit(accountId, account[market], asset, value);
    });
  }

  /** The current price of `symbol`. */
  price(symbol: string): string {
    const p = this.#prices.get(symbol);
    if (p === undefined)
      throw invalid(
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
    const value = this.#checkPrice(symbol, price);
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
  balances(accountId: string, venue: VenueId): Record<string, { free: string; locked: string }> {
    const account = this.#account(accountId);
    const market = marketOf(venue);
    const out: Record<string, { free: string; locked: string }> = {};
    if (isFuturesMarket(market)) {
      for (const [asset, wb] of [...account[market].wallets.entries()].sort()) {
        out[asset] = { free: fixed(wb), locked: fixed('0') };
      }
      return out;
    }
    const entries: [string, SpotLedger][] =
      market === 'isolatedMargin' ? [...account.isolated.entries()] : [['', account[market]]];
    for (const [pair, ledger] of entries) {
      for (const [asset, b] of [...ledger.balances.entries()].sort()) {
        out[pair ? `${pair}:${asset}` : asset] = { free: fixed(b.free), locked: fixed(b.locked) };
      }
    }
    return out;
  }

  /** Open orders of the account on `venue`'s market, as that venue lists them. */
  orders(accountId: string, venue: VenueId): readonly Record<string, unknown>[] {
    return this.openOrders(accountId, venue, {}) as Record<string, unknown>[];
  }

  // ---------------------------------------------------------------------------------------

  #account(accountId: string): AccountState {
    const account = this.#accounts.get(accountId);
    if (!account) {
      throw invalid('unknown accountId; call addAccount() with it first', 'accountId');
    }
    return account;
  }

  #params(params: Record<string, string> | undefined): Record<string, string> {
    if (params === undefined || params === null) return {};
    if (typeof params !== 'object') throw invalid('params must be an object of strings', 'params');
    return params;
  }

  #spotTarget(
    account: AccountState,
    market: SpotMarketKey,
    params: Record<string, string>,
  ): { ledger: SpotLedger; spotMarket: SpotMarketKey; isIsolated: boolean } {
    const isolated = market === 'isolatedMargin' || (market === 'margin' && boolParam(params, 'isIsolated'));
    if (!isolated)
      return {
        ledger: account[market as 'spot' | 'margin' | 'bhex' | 'coins'],
        spotMarket: market,
        isIsolated: false,
      };
    const symbol = requireParam(params, 'symbol');
    const ledger = account.isolated.get(symbol);
    if (!ledger) throw Reject.invalidSymbol();
    return { ledger, spotMarket: 'isolatedMargin', isIsolated: true };
  }

  #checkPrice(symbol: string, price: unknown): string {
    if (typeof price !== 'string' || !isDecimal(price) || compareDecimal(price, '0') <= 0) {
      throw invalid(`price of ${symbol} must be a positive decimal string such as "60000.5"`, 'price');
    }
    const tick = PRICE_TICKS[symbol] as string;
    if (!isMultipleOf(price, tick))
      throw invalid(`price of ${symbol} must be a multiple of ${tick}`, 'price');
    return normalizeDecimal(price);
  }

  #fillAll(symbol: string, price: string, partial: () => boolean): void {
    for (const account of this.#accounts.values()) {
      for (const market of MARKETS) {
        if (market === 'usdm' || market === 'coinm') {
          const engine = this.#futures[market];
          if (engine.instrument(symbol))
            engine.fillCrossing(account.id, account[market], symbol, price, partial);
        } else if (spotInstrument(symbol)) {
          const ledger =
            market === 'isolatedMargin' ? (account.isolated.get(symbol) as SpotLedger) : account[market];
          this.#spot[market].fillCrossing(account.id, ledger, symbol, price, partial);
        }
      }
    }
  }

  #toBtc(asset: string, amount: string): string {
    if (asset === 'BTC') return amount;
    if (asset === 'USDT') return divDecimal(amount, this.price('BTCUSDT'), 8);
    if (asset === 'ETH') return roundDecimal(mulDecimal(amount, this.price('ETHBTC')), 8);
    return '0';
  }

  #toUsdt(asset: string, amount: string): string {
    if (asset === 'USDT') return amount;
    if (asset === 'BTC') return roundDecimal(mulDecimal(amount, this.price('BTCUSDT')), 8);
    if (asset === 'ETH') return roundDecimal(mulDecimal(amount, this.price('ETHUSDT')), 8);
    return '0';
  }

  /** Runs one operation, then hands its events to `emit`, stamped with the clock's `E` (never decreasing per stream). */
  #run<T>(operation: () => T): T {
    try {
      return operation();
    } finally {
      this.#flush();
    }
  }

  #flush(): void {
    while (this.#outbox.length > 0) {
      const { accountId, market, symbol, event } = this.#outbox.shift() as Queued;
      const key = `${accountId}\u0000${market}\u0000${symbol ?? ''}`;
      // The exchange's millisecond clock: every event of one operation (a matching step and the
      // account update it causes) carries the same E; E never goes backwards on a stream, but it
      // is not unique (a sequence number would hide what clients must cope with).
      const last = this.#lastE.get(key) ?? Number.NEGATIVE_INFINITY;
      const E = Math.max(this.#clock.now(), last);
      this.#lastE.set(key, E);
      event.E = E;
      const target: ExchangeTarget = { accountId, venue: CANONICAL_VENUE[market] };
      if (symbol !== undefined) target.symbol = symbol;
      try {
        this.#emit(target, event);
      } catch (error) {
        this.#logger?.error(
          {
            err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
            event: event.e,
          },
          `${PREFIX} emit threw; the engine carried on`,
        );
      }
    }
  }
}
