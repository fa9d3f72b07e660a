import type { VenueId } from '@userstream/core';
import type { AccountState } from './account-book.js';
import { divDecimal, fixed, mulDecimal, roundDecimal } from './decimal-math.js';
import {
  coinmAccountBody,
  orderBody,
  papiAccountBody,
  papiBalanceBody,
  usdmAccountBody,
} from './futures-bodies.js';
import type { FuturesMarket } from './futures-market.js';
import {
  COINM_INSTRUMENTS,
  isFuturesMarket,
  type MarketKey,
  type SpotMarketKey,
  spotInstrument,
  USDM_INSTRUMENTS,
} from './markets.js';
import { boolParam, param, Reject } from './reject.js';
import {
  crossMarginAccountBody,
  isolatedMarginAccountBody,
  openOrderBody,
  spotAccountBody,
} from './spot-bodies.js';
import type { SpotLedger } from './spot-ledger.js';

/** What the read-only account queries need from the exchange: prices and the futures books. */
export interface QueryContext {
  price(symbol: string): string;
  readonly futures: Readonly<Record<'usdm' | 'coinm', FuturesMarket>>;
  /** Portfolio-margin loans of an account: the assets and the principal of each. */
  pmLoans?(accountId: string): ReadonlyMap<string, string>;
  /** The PM margin account's ledger. */
  pmMargin?(accountId: string): SpotLedger | undefined;
}

/** Value of `amount` of `asset` in BTC at the current prices (margin account totals). */
function toBtc(q: QueryContext, asset: string, amount: string): string {
  if (asset === 'BTC') return amount;
  if (asset === 'USDT') return divDecimal(amount, q.price('BTCUSDT'), 8);
  if (asset === 'ETH') return roundDecimal(mulDecimal(amount, q.price('ETHBTC')), 8);
  return '0';
}

function toUsdt(q: QueryContext, asset: string, amount: string): string {
  if (asset === 'USDT') return amount;
  if (asset === 'BTC') return roundDecimal(mulDecimal(amount, q.price('BTCUSDT')), 8);
  if (asset === 'ETH') return roundDecimal(mulDecimal(amount, q.price('ETHUSDT')), 8);
  return '0';
}

/** The account snapshot body of `venue` (see `Exchange.account`). */
export function accountBody(
  q: QueryContext,
  account: AccountState,
  venue: VenueId,
  market: MarketKey,
  p: Record<string, string>,
): unknown {
  switch (market) {
    case 'spot':
    case 'bhex':
    case 'coins':
      return spotAccountBody(market, account[market], param(p, 'omitZeroBalances') === 'true', account.uid);
    case 'margin':
      return crossMarginAccountBody(
        account.margin,
        (a, n) => toBtc(q, a, n),
        (a, n) => toUsdt(q, a, n),
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
        (a, n) => toBtc(q, a, n),
        (s) => q.price(s),
      );
    }
    case 'usdm': {
      const instrumentOf = (s: string) => q.futures.usdm.instrument(s);
      const mark = (s: string) => q.price(s);
      if (venue === 'binance-portfolio-margin') {
        return param(p, 'view') === 'account'
          ? papiAccountBody(account.usdm, instrumentOf, mark)
          : papiBalanceBody(account.usdm, instrumentOf, mark, param(p, 'asset'), {
              cm: account.coinm,
              margin: q.pmMargin?.(account.id),
              loans: q.pmLoans?.(account.id),
            });
      }
      const version = param(p, 'version') === 'v2' ? 'v2' : 'v3';
      return usdmAccountBody(account.usdm, Object.values(USDM_INSTRUMENTS), instrumentOf, mark, version);
    }
    case 'coinm':
      return coinmAccountBody(
        account.coinm,
        Object.values(COINM_INSTRUMENTS),
        (s) => q.futures.coinm.instrument(s),
        (s) => q.price(s),
      );
  }
}

/** Open orders as GET …/openOrders lists them (see `Exchange.openOrders`). */
export function openOrdersBody(
  q: QueryContext,
  account: AccountState,
  market: MarketKey,
  p: Record<string, string>,
): unknown {
  const symbol = param(p, 'symbol');
  if (isFuturesMarket(market)) {
    if (symbol !== undefined && !q.futures[market].instrument(symbol)) throw Reject.invalidSymbol();
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

/** One asset of `exchange.balances()`. */
export interface SimBalance {
  /** Available amount, a decimal string (futures: the wallet balance). */
  free: string;
  /** Amount held by open orders, a decimal string. */
  locked: string;
}

/** Internal balances for tests and the demo (see `Exchange.balances`). */
export function balancesOf(account: AccountState, market: MarketKey): Record<string, SimBalance> {
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
