import { absDecimal, addDecimal, fixed, signOf } from './decimal-math.js';
import { averagePrice } from './futures-events.js';
import type { FuturesLedger, FuturesOrder } from './futures-ledger.js';
import {
  breakEvenPrice,
  FUTURES_LEVERAGE,
  marginSummary,
  notional,
  orderInitialMargin,
  positionInitialMargin,
  positionMaintMargin,
  unrealizedPnl,
} from './futures-math.js';
import type { FuturesInstrument } from './markets.js';

/**
 * An order as POST/DELETE /fapi/v1/order return it and GET /fapi/v1/openOrders lists it
 * (`withTime`); COIN-M adds `pair` and reports `cumBase` instead of `cumQuote`.
 */
export function orderBody(
  market: 'usdm' | 'coinm',
  order: FuturesOrder,
  withTime: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    orderId: order.orderId,
    symbol: order.symbol,
  };
  if (market === 'coinm') body.pair = order.instrument.pair;
  Object.assign(body, {
    status: order.status,
    clientOrderId: order.clientOrderId,
    price: order.price,
    avgPrice: averagePrice(order),
    origQty: order.origQty,
    executedQty: order.executedQty,
  });
  if (!withTime) body.cumQty = order.executedQty;
  if (market === 'coinm') body.cumBase = order.cumValue;
  else body.cumQuote = order.cumValue;
  Object.assign(body, {
    timeInForce: order.timeInForce,
    type: order.type,
    reduceOnly: order.reduceOnly,
    closePosition: order.trigger?.closePosition ?? false,
    side: order.side,
    positionSide: 'BOTH',
    stopPrice: order.trigger?.stopPrice ?? '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: order.trigger?.origType ?? order.type,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
  });
  if (withTime) body.time = order.time;
  body.updateTime = order.updateTime;
  return body;
}

type InstrumentOf = (symbol: string) => FuturesInstrument | undefined;
type Mark = (symbol: string) => string;

function assetRows(ledger: FuturesLedger, instrumentOf: InstrumentOf, mark: Mark) {
  return [...ledger.wallets.keys()].sort().map((asset) => {
    const s = marginSummary(ledger, asset, instrumentOf, mark);
    const im = addDecimal(s.positionIM, s.orderIM);
    return {
      asset,
      walletBalance: fixed(s.wallet),
      unrealizedProfit: fixed(s.unrealized),
      marginBalance: fixed(addDecimal(s.wallet, s.unrealized)),
      maintMargin: fixed(s.maint),
      initialMargin: fixed(im),
      positionInitialMargin: fixed(s.positionIM),
      openOrderInitialMargin: fixed(s.orderIM),
      crossWalletBalance: fixed(s.wallet),
      crossUnPnl: fixed(s.unrealized),
      availableBalance: fixed(s.available),
      maxWithdrawAmount: fixed(s.available),
      updateTime: ledger.updateTime,
    };
  });
}

function openOrderMargin(ledger: FuturesLedger, symbol: string): string {
  let total = '0';
  for (const o of ledger.orders.values())
    if (o.symbol === symbol) total = addDecimal(total, orderInitialMargin(o));
  return total;
}

function sideNotional(ledger: FuturesLedger, symbol: string, side: 'BUY' | 'SELL'): string {
  let total = '0';
  for (const o of ledger.orders.values()) {
    if (o.symbol === symbol && o.side === side)
      total = addDecimal(total, notional(o.instrument, o.origQty, o.price));
  }
  return total;
}

/**
 * GET /fapi/v3/account (default) or the older /fapi/v2/account shape (`version: 'v2'`), which
 * lists every symbol with its entry price and leverage.
 */
export function usdmAccountBody(
  ledger: FuturesLedger,
  instruments: readonly FuturesInstrument[],
  instrumentOf: InstrumentOf,
  mark: Mark,
  version: 'v2' | 'v3',
): Record<string, unknown> {
  const assets = assetRows(ledger, instrumentOf, mark);
  const usdt = marginSummary(ledger, 'USDT', instrumentOf, mark);
  const positions: Record<string, unknown>[] = [];
  for (const inst of instruments) {
    const p = ledger.positions.get(inst.symbol) ?? { pa: '0', ep: '0', cr: '0', updateTime: 0 };
    const hasOrders = [...ledger.orders.values()].some((o) => o.symbol === inst.symbol);
    if (version === 'v3' && signOf(p.pa) === 0 && !hasOrders) continue;
    const m = mark(inst.symbol);
    const signedNotional =
      signOf(p.pa) < 0 ? `-${notional(inst, absDecimal(p.pa), m)}` : notional(inst, absDecimal(p.pa), m);
    const common = {
      symbol: inst.symbol,
      positionSide: 'BOTH',
      positionAmt: p.pa,
      unrealizedProfit: fixed(unrealizedPnl(inst, p, m)),
      isolatedMargin: '0',
      notional: signOf(p.pa) === 0 ? '0' : signedNotional,
      isolatedWallet: '0',
      initialMargin: fixed(
        addDecimal(positionInitialMargin(inst, p, m), openOrderMargin(ledger, inst.symbol)),
      ),
      maintMargin: fixed(positionMaintMargin(inst, p, m)),
      updateTime: p.updateTime,
    };
    if (version === 'v3') {
      positions.push(common);
    } else {
      positions.push({
        ...common,
        positionInitialMargin: fixed(positionInitialMargin(inst, p, m)),
        openOrderInitialMargin: fixed(openOrderMargin(ledger, inst.symbol)),
        leverage: String(FUTURES_LEVERAGE),
        isolated: false,
        entryPrice: p.ep,
        breakEvenPrice: breakEvenPrice(p),
        maxNotional: '250000',
        bidNotional: sideNotional(ledger, inst.symbol, 'BUY'),
        askNotional: sideNotional(ledger, inst.symbol, 'SELL'),
      });
    }
  }
  const totals = {
    totalInitialMargin: fixed(addDecimal(usdt.positionIM, usdt.orderIM)),
    totalMaintMargin: fixed(usdt.maint),
    totalWalletBalance: fixed(usdt.wallet),
    totalUnrealizedProfit: fixed(usdt.unrealized),
    totalMarginBalance: fixed(addDecimal(usdt.wallet, usdt.unrealized)),
    totalPositionInitialMargin: fixed(usdt.positionIM),
    totalOpenOrderInitialMargin: fixed(usdt.orderIM),
    totalCrossWalletBalance: fixed(usdt.wallet),
    totalCrossUnPnl: fixed(usdt.unrealized),
    availableBalance: fixed(usdt.available),
    maxWithdrawAmount: fixed(usdt.available),
  };
  if (version === 'v2') {
    return {
      feeTier: 0,
      feeBurn: false,
      canTrade: true,
      canDeposit: true,
      canWithdraw: true,
      updateTime: 0,
      multiAssetsMargin: false,
      tradeGroupId: -1,
      ...totals,
      assets: assets.map((a) => ({ ...a, marginAvailable: true })),
      positions,
    };
  }
  return { ...totals, assets, positions };
}

/** GET /dapi/v1/account. */
export function coinmAccountBody(
  ledger: FuturesLedger,
  instruments: readonly FuturesInstrument[],
  instrumentOf: InstrumentOf,
  mark: Mark,
): Record<string, unknown> {
  const positions = instruments.map((inst) => {
    const p = ledger.positions.get(inst.symbol) ?? { pa: '0', ep: '0', cr: '0', updateTime: 0 };
    const m = mark(inst.symbol);
    const pim = positionInitialMargin(inst, p, m);
    const oim = openOrderMargin(ledger, inst.symbol);
    return {
      symbol: inst.symbol,
      positionAmt: p.pa,
      initialMargin: fixed(addDecimal(pim, oim)),
      maintMargin: fixed(positionMaintMargin(inst, p, m)),
      unrealizedProfit: fixed(unrealizedPnl(inst, p, m)),
      positionInitialMargin: fixed(pim),
      openOrderInitialMargin: fixed(oim),
      leverage: String(FUTURES_LEVERAGE),
      isolated: false,
      positionSide: 'BOTH',
      entryPrice: p.ep,
      breakEvenPrice: breakEvenPrice(p),
      maxQty: '250',
      updateTime: p.updateTime,
    };
  });
  return {
    assets: assetRows(ledger, instrumentOf, mark),
    positions,
    canDeposit: true,
    canTrade: true,
    canWithdraw: true,
    feeTier: 0,
    updateTime: ledger.updateTime,
  };
}

/**
 * The portfolio-margin parts beside the UM ledger that GET /papi/v1/balance reports: the COIN-M
 * book's wallets, the PM margin account (portfolio-margin-desk.ts) and the PM loans.
 */
export interface PapiBalanceParts {
  /** The CM book (the COIN-M ledger this account shares with binance-coinm). */
  readonly cm?: FuturesLedger | undefined;
  /** The PM margin account's balances and update time. */
  readonly margin?:
    | {
        readonly balances: ReadonlyMap<string, { readonly free: string; readonly locked: string }>;
        readonly updateTime: number;
      }
    | undefined;
  /** Outstanding PM loan principal by asset. */
  readonly loans?: ReadonlyMap<string, string> | undefined;
}

/**
 * GET /papi/v1/balance: one row per asset over the account's three ledgers. The PM Pro balance
 * page prints the same row (developers.binance.com/docs/derivatives/portfolio-margin-pro/account/
 * Get-Classic-Portfolio-Margin-Balance-Info): totalWalletBalance = cross margin free + cross
 * margin locked + UM wallet + CM wallet, crossMarginAsset = free + locked. A PM loan is in the
 * margin ledger's free amount (the desk credits it) and in crossMarginBorrowed.
 * `updateTime` is the newest of the three ledgers'.
 */
export function papiBalanceBody(
  ledger: FuturesLedger,
  instrumentOf: InstrumentOf,
  mark: Mark,
  asset: string | undefined,
  parts: PapiBalanceParts = {},
): unknown {
  const loans = parts.loans ?? new Map<string, string>();
  const margin = parts.margin?.balances ?? new Map<string, { free: string; locked: string }>();
  const cm = parts.cm;
  const updateTime = Math.max(ledger.updateTime, parts.margin?.updateTime ?? 0, cm?.updateTime ?? 0);
  const assets = new Set([
    ...ledger.wallets.keys(),
    ...loans.keys(),
    ...margin.keys(),
    ...(cm ? cm.wallets.keys() : []),
  ]);
  const rows = [...assets].sort().map((a) => {
    const s = marginSummary(ledger, a, instrumentOf, mark);
    const borrowed = loans.get(a) ?? '0';
    const free = margin.get(a)?.free ?? '0';
    const locked = margin.get(a)?.locked ?? '0';
    const crossAsset = addDecimal(free, locked);
    const cmWallet = cm ? cm.wallet(a) : '0';
    return {
      asset: a,
      totalWalletBalance: fixed(addDecimal(addDecimal(crossAsset, s.wallet), cmWallet)),
      crossMarginAsset: fixed(crossAsset),
      crossMarginBorrowed: fixed(borrowed),
      crossMarginFree: fixed(free),
      crossMarginInterest: '0.00000000',
      crossMarginLocked: fixed(locked),
      umWalletBalance: fixed(s.wallet),
      umUnrealizedPNL: fixed(s.unrealized),
      cmWalletBalance: fixed(cmWallet),
      cmUnrealizedPNL: '0.00000000',
      updateTime,
      negativeBalance: '0',
    };
  });
  if (asset === undefined) return rows;
  return rows.find((r) => r.asset === asset) ?? { ...emptyPapiRow(asset), updateTime };
}

function emptyPapiRow(asset: string) {
  const z = '0.00000000';
  return {
    asset,
    totalWalletBalance: z,
    crossMarginAsset: z,
    crossMarginBorrowed: z,
    crossMarginFree: z,
    crossMarginInterest: z,
    crossMarginLocked: z,
    umWalletBalance: z,
    umUnrealizedPNL: z,
    cmWalletBalance: z,
    cmUnrealizedPNL: z,
    negativeBalance: '0',
  };
}

/**
 * GET /papi/v1/account: the portfolio-margin account summary. With nothing borrowed the uniMMR
 * is reported as 999 (no maintenance requirement pressing).
 */
export function papiAccountBody(
  ledger: FuturesLedger,
  instrumentOf: InstrumentOf,
  mark: Mark,
): Record<string, unknown> {
  const s = marginSummary(ledger, 'USDT', instrumentOf, mark);
  const equity = addDecimal(s.wallet, s.unrealized);
  return {
    uniMMR: '999.00000000',
    accountEquity: fixed(equity),
    actualEquity: fixed(equity),
    accountInitialMargin: fixed(addDecimal(s.positionIM, s.orderIM)),
    accountMaintMargin: fixed(s.maint),
    accountStatus: 'NORMAL',
    virtualMaxWithdrawAmount: fixed(s.available),
    totalAvailableBalance: fixed(s.available),
    totalMarginOpenLoss: '0.00000000',
    updateTime: ledger.updateTime,
  };
}
