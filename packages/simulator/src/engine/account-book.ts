import type { VenueId } from '@userstream/core';
import { ACCOUNT_ID, ASSET, checkAmount, inputError } from './engine-input.js';
import { FuturesLedger } from './futures-ledger.js';
import { type MarketKey, marketOf, SPOT_INSTRUMENTS, type SpotMarketKey } from './markets.js';
import { boolParam, Reject, requireParam } from './reject.js';
import { SpotLedger } from './spot-ledger.js';

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

/** One account's ledgers, one per market (isolated margin: one per pair). */
export interface AccountState {
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

/** Initial balances given per venue id, as `addAccount` takes them. */
export type InitialBalances = Partial<Record<VenueId, Record<string, string>>>;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Checks an account id and its initial balances, and builds the account's ledgers. */
export function openAccount(accountId: string, balances: InitialBalances | undefined): AccountState {
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw inputError('accountId must be 1 to 128 printable characters without spaces', 'accountId');
  }
  const given: Partial<Record<MarketKey, Record<string, string>>> = {};
  for (const [venue, record] of Object.entries(balances ?? {})) {
    if (record === undefined) continue;
    const market = marketOf(venue);
    if (!record || typeof record !== 'object')
      throw inputError(`balances.${venue} must be { ASSET: "amount" }`, 'balances');
    const target = given[market] ?? {};
    for (const [key, amount] of Object.entries(record)) {
      const assetPart =
        market === 'isolatedMargin' && key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
      if (!ASSET.test(assetPart)) {
        throw inputError(
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
  return {
    id: accountId,
    uid: 100_000_000 + (fnv1a(accountId) % 900_000_000),
    spot: new SpotLedger(initial('spot')),
    margin: new SpotLedger(initial('margin')),
    isolated,
    bhex: new SpotLedger(initial('bhex')),
    coins: new SpotLedger(initial('coins')),
    usdm: new FuturesLedger(initial('usdm')),
    coinm: new FuturesLedger(initial('coinm')),
  };
}

/**
 * The ledger an order of a spot-like market goes to: the market's own, or (isolated margin, or
 * margin with `isIsolated=TRUE`) the pair's, which needs `symbol`.
 */
export function spotTarget(
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
