import { isZeroDecimal } from '@userstream/core';
import type { EngineContext } from './context.js';
import {
  absDecimal,
  addDecimal,
  compareDecimal,
  divDecimal,
  fixed,
  isMultipleOf,
  minDecimal,
  mulDecimal,
  roundDecimal,
  signOf,
  subDecimal,
} from './decimal-math.js';
import {
  averageOf,
  OPTION_INSTRUMENTS,
  OPTION_MARKS,
  type OptionInstrument,
  type OptionOrder,
  orderBody,
} from './options-bodies.js';
import { clientIdParam, decimalParam, idParam, param, Reject, requireParam } from './reject.js';

const TICK = '5';
const STEP = '0.01';
/** Fee on the premium (a simplification of the venue's index-based, premium-capped fee). */
const FEE_RATE = '0.001';
/**
 * Greeks per contract, fixed (the simulator prices no volatility surface): delta, gamma, theta,
 * vega of a long CALL / PUT. GREEK_UPDATE carries them times the position.
 */
const GREEKS = {
  CALL: { d: '0.52', g: '0.00004', t: '-42.5', v: '31.2' },
  PUT: { d: '-0.48', g: '0.00004', t: '-40.1', v: '31.2' },
} as const;
/** Short-option margin as a share of the underlying's notional (simplified). */
const SHORT_IM_RATE = '0.1';
const SHORT_MM_RATE = '0.075';

interface OptionPosition {
  qty: string;
  entry: string;
}

interface OptionsAccount {
  balance: string;
  readonly positions: Map<string, OptionPosition>;
  readonly orders: Map<number, OptionOrder>;
  risk: 'NORMAL' | 'REDUCE_ONLY';
}

/**
 * The options market (`/eapi`): LIMIT and MARKET orders on the listed options, filled at the
 * mark (taker) or at their limit when the mark crosses it (maker), USDT balances and signed
 * positions, and the options user data events addressed to `binance-options` (the server wraps
 * them in `{stream, data}`): ORDER_TRADE_UPDATE, BALANCE_POSITION_UPDATE, GREEK_UPDATE,
 * ACCOUNT_UPDATE and RISK_LEVEL_CHANGE (REDUCE_ONLY when the margin balance falls under the
 * maintenance margin of short options, NORMAL when it recovers).
 * Sources: developers.binance.com/docs/derivatives/options-trading/user-data-streams/ and
 * .../trade/New-Order, .../account/Option-Position-Information.
 */
export class OptionsMarket {
  readonly #accounts = new Map<string, OptionsAccount>();
  readonly #marks = new Map<string, string>(Object.entries(OPTION_MARKS));

  constructor(private readonly ctx: EngineContext) {}

  mark(symbol: string): string {
    const m = this.#marks.get(symbol);
    if (m === undefined) throw Reject.invalidSymbol();
    return m;
  }

  /** POST /eapi/v1/order. */
  place(accountId: string, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    const symbol = requireParam(params, 'symbol');
    this.mark(symbol);
    const side = requireParam(params, 'side');
    if (side !== 'BUY' && side !== 'SELL') throw Reject.invalidSide();
    const type = requireParam(params, 'type');
    if (type !== 'LIMIT' && type !== 'MARKET') throw Reject.invalidType();
    const quantity = decimalParam(params, 'quantity', true) as string;
    if (isZeroDecimal(quantity) || !isMultipleOf(quantity, STEP)) throw Reject.futuresPrecision();
    let price = '0';
    const timeInForce = param(params, 'timeInForce') ?? 'GTC';
    if (timeInForce !== 'GTC' && timeInForce !== 'IOC' && timeInForce !== 'FOK')
      throw Reject.invalidTimeInForce();
    if (type === 'LIMIT') {
      price = decimalParam(params, 'price', true) as string;
      if (!isMultipleOf(price, TICK)) throw Reject.futuresTick();
    } else if (param(params, 'price') !== undefined) throw Reject.notRequired('price');
    const reduceOnly = (param(params, 'reduceOnly') ?? 'false').toLowerCase() === 'true';
    const clientOrderId = clientIdParam(params, 'clientOrderId') ?? this.ctx.clientOrderId(false);
    const mark = this.mark(symbol);
    const crossing =
      type === 'MARKET' ||
      (side === 'BUY' ? compareDecimal(price, mark) >= 0 : compareDecimal(price, mark) <= 0);
    const cost = mulDecimal(quantity, crossing ? mark : price);
    if (side === 'BUY' && compareDecimal(addDecimal(cost, mulDecimal(cost, FEE_RATE)), account.balance) > 0)
      throw Reject.insufficientBalance();
    const now = this.ctx.now();
    const order: OptionOrder = {
      orderId: this.ctx.nextOrderId(),
      clientOrderId,
      symbol,
      side,
      type,
      timeInForce,
      price,
      quantity,
      reduceOnly,
      executedQty: '0',
      cumPriceQty: '0',
      fee: '0',
      status: 'NEW',
      createTime: now,
      updateTime: now,
    };
    this.#send(accountId, this.#orderUpdate(account, order, 'NEW', now));
    if (crossing) this.#fill(accountId, account, order, mark, false);
    else if (timeInForce === 'GTC') account.orders.set(order.orderId, order);
    else {
      order.status = 'EXPIRED';
      this.#send(accountId, this.#orderUpdate(account, order, 'EXPIRED', now));
    }
    return orderBody(order);
  }

  /** DELETE /eapi/v1/order (`orderId` or `clientOrderId`). */
  cancel(accountId: string, params: Record<string, string>): Record<string, unknown> {
    const account = this.#account(accountId);
    const orderId = idParam(params, 'orderId');
    const clientOrderId = param(params, 'clientOrderId');
    if (orderId === undefined && clientOrderId === undefined)
      throw Reject.eitherParam('orderId', 'clientOrderId');
    let order = orderId !== undefined ? account.orders.get(orderId) : undefined;
    if (orderId === undefined)
      for (const o of account.orders.values()) if (o.clientOrderId === clientOrderId) order = o;
    if (!order) throw Reject.unknownOrder();
    const now = this.ctx.now();
    order.status = 'CANCELED';
    order.updateTime = now;
    account.orders.delete(order.orderId);
    this.#send(accountId, this.#orderUpdate(account, order, 'CANCELED', now));
    return orderBody(order);
  }

  /** Moves an option's mark and fills the resting orders it crosses (at their limit: maker). */
  setMark(symbol: string, price: string): void {
    this.mark(symbol);
    this.#marks.set(symbol, price);
    for (const [accountId, account] of this.#accounts) {
      for (const order of [...account.orders.values()]) {
        if (order.symbol !== symbol) continue;
        const crosses =
          order.side === 'BUY'
            ? compareDecimal(price, order.price) <= 0
            : compareDecimal(price, order.price) >= 0;
        if (crosses) this.#fill(accountId, account, order, order.price, true);
      }
      this.#risk(accountId, account);
    }
  }

  /** GET /eapi/v1/position (`symbol` optional): open positions. */
  positions(accountId: string, params: Record<string, string>): Record<string, unknown>[] {
    const account = this.#account(accountId);
    const only = param(params, 'symbol');
    const out: Record<string, unknown>[] = [];
    for (const [symbol, p] of account.positions) {
      if (only !== undefined && symbol !== only) continue;
      const inst = OPTION_INSTRUMENTS[symbol] as OptionInstrument;
      const mark = this.mark(symbol);
      const value = mulDecimal(p.qty, mark);
      const cost = mulDecimal(p.qty, p.entry);
      const upnl = subDecimal(value, cost);
      out.push({
        entryPrice: p.entry,
        symbol,
        side: signOf(p.qty) > 0 ? 'LONG' : 'SHORT',
        quantity: p.qty,
        reducibleQty: absDecimal(p.qty),
        markValue: value,
        ror: isZeroDecimal(cost) ? '0' : divDecimal(upnl, absDecimal(cost), 4),
        unrealizedPNL: upnl,
        markPrice: mark,
        strikePrice: inst.strike,
        positionCost: cost,
        expiryDate: inst.expiry,
        priceScale: 0,
        quantityScale: 2,
        optionSide: inst.side,
        quoteAsset: 'USDT',
      });
    }
    return out;
  }

  /** GET /eapi/v1/openOrders (`symbol` optional). */
  openOrders(accountId: string, params: Record<string, string>): Record<string, unknown>[] {
    const only = param(params, 'symbol');
    return [...this.#account(accountId).orders.values()]
      .filter((o) => only === undefined || o.symbol === only)
      .map(orderBody);
  }

  /** GET /eapi/v1/marginAccount: the USDT wallet with its margins and the account's greeks. */
  marginAccount(accountId: string): Record<string, unknown> {
    const account = this.#account(accountId);
    const { value, upnl, im, mm } = this.#margins(account);
    const equity = fixed(addDecimal(account.balance, value));
    const { u, d, g, t, v } = this.#greeks(account);
    return {
      asset: [
        {
          asset: 'USDT',
          marginBalance: fixed(account.balance),
          equity,
          available: fixed(subDecimal(equity, im)),
          initialMargin: fixed(im),
          maintMargin: fixed(mm),
          unrealizedPNL: fixed(upnl),
          lpProfit: '0',
        },
      ],
      greek: [{ underlying: u, delta: d, gamma: g, theta: t, vega: v }],
      time: this.ctx.now(),
      riskLevel: account.risk,
    };
  }

  /** USDT balance of the options account (tests, the demo). */
  balance(accountId: string): string {
    return this.#account(accountId).balance;
  }

  #fill(accountId: string, account: OptionsAccount, order: OptionOrder, price: string, maker: boolean): void {
    const now = this.ctx.now();
    const qty = subDecimal(order.quantity, order.executedQty);
    const premium = mulDecimal(qty, price);
    const fee = roundDecimal(mulDecimal(premium, FEE_RATE), 8);
    const signed = order.side === 'BUY' ? qty : subDecimal('0', qty);
    const position = account.positions.get(order.symbol) ?? { qty: '0', entry: '0' };
    let realized = '0';
    if (signOf(position.qty) === 0 || signOf(position.qty) === signOf(signed)) {
      const total = addDecimal(absDecimal(position.qty), qty);
      position.entry = divDecimal(
        addDecimal(mulDecimal(absDecimal(position.qty), position.entry), premium),
        total,
        8,
      );
    } else {
      const closed = minDecimal(qty, absDecimal(position.qty));
      realized = mulDecimal(
        subDecimal(price, position.entry),
        signOf(position.qty) > 0 ? closed : subDecimal('0', closed),
      );
      const next = addDecimal(position.qty, signed);
      if (signOf(next) !== 0 && signOf(next) !== signOf(position.qty)) position.entry = price;
    }
    position.qty = addDecimal(position.qty, signed);
    if (signOf(position.qty) === 0) account.positions.delete(order.symbol);
    else account.positions.set(order.symbol, position);
    // Premium is paid or received in full; the fee always goes.
    account.balance = subDecimal(
      order.side === 'BUY' ? subDecimal(account.balance, premium) : addDecimal(account.balance, premium),
      fee,
    );
    order.executedQty = order.quantity;
    order.cumPriceQty = addDecimal(order.cumPriceQty, premium);
    order.fee = addDecimal(order.fee, fee);
    order.status = 'FILLED';
    order.updateTime = now;
    account.orders.delete(order.orderId);
    const update = this.#orderUpdate(account, order, 'TRADE', now, {
      qty,
      price,
      fee,
      realized,
      maker,
      tradeId: this.ctx.nextTradeId(),
    });
    this.#send(accountId, update);
    this.#send(accountId, {
      e: 'BALANCE_POSITION_UPDATE',
      E: 0,
      T: now,
      m: 'ORDER',
      B: [{ a: 'USDT', b: fixed(account.balance), bc: '0' }],
      P:
        signOf(position.qty) === 0
          ? [{ s: order.symbol, c: '0', p: '0', a: '0' }]
          : [
              {
                s: order.symbol,
                c: position.qty,
                p: mulDecimal(position.qty, this.mark(order.symbol)),
                a: position.entry,
              },
            ],
    });
    this.#send(accountId, { e: 'GREEK_UPDATE', E: 0, T: now, G: [this.#greeks(account)] });
    this.#send(accountId, this.#accountUpdate(account, now));
    this.#risk(accountId, account);
  }

  #greeks(account: OptionsAccount): Record<string, string> {
    const sum = { d: '0', g: '0', t: '0', v: '0' };
    for (const [symbol, p] of account.positions) {
      const greeks = GREEKS[(OPTION_INSTRUMENTS[symbol] as OptionInstrument).side];
      for (const k of ['d', 'g', 't', 'v'] as const)
        sum[k] = addDecimal(sum[k], mulDecimal(greeks[k], p.qty));
    }
    return { u: 'BTCUSDT', ...sum };
  }

  #margins(account: OptionsAccount): { value: string; upnl: string; im: string; mm: string } {
    let value = '0';
    let upnl = '0';
    let shortNotional = '0';
    for (const [symbol, p] of account.positions) {
      const v = mulDecimal(p.qty, this.mark(symbol));
      value = addDecimal(value, v);
      upnl = addDecimal(upnl, subDecimal(v, mulDecimal(p.qty, p.entry)));
      if (signOf(p.qty) < 0)
        shortNotional = addDecimal(shortNotional, mulDecimal(absDecimal(p.qty), this.ctx.price('BTCUSDT')));
    }
    return {
      value,
      // The average entry keeps 8 places, so quantity × entry can have 10: round once, here.
      upnl: roundDecimal(upnl, 8),
      im: roundDecimal(mulDecimal(shortNotional, SHORT_IM_RATE), 8),
      mm: roundDecimal(mulDecimal(shortNotional, SHORT_MM_RATE), 8),
    };
  }

  #accountUpdate(account: OptionsAccount, now: number): Record<string, unknown> {
    const { value, upnl, im, mm } = this.#margins(account);
    const eq = fixed(addDecimal(account.balance, value));
    return {
      e: 'ACCOUNT_UPDATE',
      E: 0,
      T: now,
      eq,
      aeq: eq,
      b: fixed(account.balance),
      m: fixed(value),
      u: fixed(upnl),
      i: fixed(im),
      M: fixed(mm),
    };
  }

  /** RISK_LEVEL_CHANGE when the margin balance crosses the maintenance margin of short options. */
  #risk(accountId: string, account: OptionsAccount): void {
    const { value, mm } = this.#margins(account);
    const mb = addDecimal(account.balance, value);
    const level = !isZeroDecimal(mm) && compareDecimal(mb, mm) < 0 ? 'REDUCE_ONLY' : 'NORMAL';
    if (level === account.risk) return;
    account.risk = level;
    this.#send(accountId, { e: 'RISK_LEVEL_CHANGE', E: 0, s: level, mb: fixed(mb), mm: fixed(mm) });
  }

  #orderUpdate(
    account: OptionsAccount,
    order: OptionOrder,
    x: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED',
    now: number,
    fill?: { qty: string; price: string; fee: string; realized: string; maker: boolean; tradeId: number },
  ): Record<string, unknown> {
    let b = '0';
    let a = '0';
    for (const o of account.orders.values()) {
      if (o.symbol !== order.symbol) continue;
      if (o.side === 'BUY') b = addDecimal(b, o.quantity);
      else a = addDecimal(a, o.quantity);
    }
    return {
      e: 'ORDER_TRADE_UPDATE',
      E: 0,
      T: now,
      o: {
        s: order.symbol,
        c: order.clientOrderId,
        S: order.side,
        o: order.type,
        f: order.timeInForce,
        q: order.quantity,
        p: order.price,
        ap: averageOf(order),
        x,
        X: order.status,
        i: order.orderId,
        l: fill ? fill.qty : '0',
        z: order.executedQty,
        L: fill ? fill.price : '0',
        N: 'USDT',
        // The venue shows the commission as a negative amount.
        n: fill ? subDecimal('0', fill.fee) : '0',
        T: now,
        t: fill ? fill.tradeId : 0,
        b,
        a,
        m: fill ? fill.maker : false,
        R: order.reduceOnly,
        ot: order.type,
        rp: fill ? fill.realized : '0',
        ps: 'BOTH',
        V: 'NONE',
        pm: 'NONE',
        gtd: 0,
      },
    };
  }

  #send(accountId: string, event: Record<string, unknown>): void {
    this.ctx.sendVenue(accountId, 'binance-options', event);
  }

  #account(accountId: string): OptionsAccount {
    let account = this.#accounts.get(accountId);
    if (!account) {
      account = { balance: '10000', positions: new Map(), orders: new Map(), risk: 'NORMAL' };
      this.#accounts.set(accountId, account);
    }
    return account;
  }
}
