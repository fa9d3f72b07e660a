import type { EngineContext } from './context.js';
import {
  addDecimal,
  compareDecimal,
  divDecimal,
  fixed,
  minDecimal,
  mulDecimal,
  subDecimal,
} from './decimal-math.js';
import { checkAmount, inputError } from './engine-input.js';
import { Reject } from './reject.js';
import { accountEvent } from './spot-events.js';
import type { SpotLedger } from './spot-ledger.js';

/** What `exchange.marginLevel()` answers for a cross margin account. */
export interface SimMarginLevel {
  /** Total asset ÷ total liability in USDT, a decimal string (8 places; `"0"` without liabilities). */
  level: string;
  /** The margin status Binance names for that level (`NORMAL`, `MARGIN_CALL`, …); undefined without debt. */
  status: string | undefined;
}

/**
 * Cross margin level thresholds, highest first: the status is the first whose floor the level
 * reaches. Binance's margin-level page is not in the search store; these are Cross Margin
 * Classic's published defaults as the sources describe them (excessive above 2, margin
 * call at 1.3, pre-liquidation at 1.15, liquidation at 1.1). Exported so a test can name them.
 */
export const MARGIN_LEVEL_STATUS: readonly (readonly [floor: string, status: string])[] = Object.freeze([
  ['2', 'EXCESSIVE'],
  ['1.3', 'NORMAL'],
  ['1.15', 'MARGIN_CALL'],
  ['1.1', 'PRE_LIQUIDATION'],
  ['0', 'FORCE_LIQUIDATION'],
]);

interface Liability {
  principal: string;
  interest: string;
}

interface RiskState {
  readonly liabilities: Map<string, Liability>;
  status: string | undefined;
}

/** The asset's value in USDT at the current prices (USDT itself at 1). */
type ValueOf = (asset: string, amount: string) => string;

/**
 * Borrowing and repaying in cross margin accounts, and the risk events they cause on the margin
 * user data stream and the risk data stream (developers.binance.com/docs/margin_trading/
 * risk-data-stream/Event-Liability-Update and Event-Margin-Call): `USER_LIABILITY_CHANGE` on
 * every borrow and repay, `MARGIN_LEVEL_STATUS_CHANGE` whenever the margin level (total asset
 * value / total liability value) crosses into another status — after a borrow, a repay, a fill
 * or a price move, in the same step (same `E`). No interest accrues in the simulator.
 */
export class MarginRisk {
  readonly #state = new Map<string, RiskState>();
  #tranId = 100_000_000;

  constructor(
    private readonly ctx: EngineContext,
    private readonly usdt: ValueOf,
  ) {}

  get live(): number {
    return this.#state.size;
  }

  /** POST /sapi/v1/margin/borrow-repay type=BORROW: credits the asset, records the liability. */
  borrow(accountId: string, ledger: SpotLedger, asset: string, amount: string): Record<string, unknown> {
    const state = this.#risk(accountId);
    const now = this.ctx.now();
    const liability = state.liabilities.get(asset) ?? { principal: '0', interest: '0' };
    liability.principal = addDecimal(liability.principal, amount);
    state.liabilities.set(asset, liability);
    ledger.credit(asset, amount);
    ledger.updateTime = now;
    this.ctx.send(accountId, 'margin', undefined, accountEvent('spot', ledger, [asset], now));
    this.ctx.send(accountId, 'margin', undefined, liabilityChange(asset, 'BORROW', amount, '0'));
    return { tranId: ++this.#tranId };
  }

  /** type=REPAY: interest first, then principal; at most what is owed and what is free. */
  repay(accountId: string, ledger: SpotLedger, asset: string, amount: string): Record<string, unknown> {
    const state = this.#state.get(accountId);
    const liability = state?.liabilities.get(asset);
    if (!state || !liability) throw Reject.invalidParam('asset');
    const owed = addDecimal(liability.principal, liability.interest);
    if (compareDecimal(amount, owed) > 0 || compareDecimal(amount, ledger.free(asset)) > 0)
      throw Reject.insufficientBalance();
    const now = this.ctx.now();
    const interest = minDecimal(amount, liability.interest);
    const principal = subDecimal(amount, interest);
    liability.interest = subDecimal(liability.interest, interest);
    liability.principal = subDecimal(liability.principal, principal);
    if (compareDecimal(addDecimal(liability.principal, liability.interest), '0') === 0)
      state.liabilities.delete(asset);
    ledger.debit(asset, amount);
    ledger.updateTime = now;
    this.ctx.send(accountId, 'margin', undefined, accountEvent('spot', ledger, [asset], now));
    this.ctx.send(accountId, 'margin', undefined, liabilityChange(asset, 'REPAY', principal, interest));
    return { tranId: ++this.#tranId };
  }

  /** The account's margin level (8 places, down) and status; level "0" and no status without debt. */
  level(accountId: string, ledger: SpotLedger): SimMarginLevel {
    const state = this.#state.get(accountId);
    let debt = '0';
    for (const [asset, l] of state?.liabilities ?? [])
      debt = addDecimal(debt, this.usdt(asset, addDecimal(l.principal, l.interest)));
    if (compareDecimal(debt, '0') === 0) return { level: '0', status: undefined };
    let assets = '0';
    for (const [asset, b] of ledger.balances)
      assets = addDecimal(assets, this.usdt(asset, addDecimal(b.free, b.locked)));
    const level = divDecimal(assets, debt, 8, 'down');
    const status = MARGIN_LEVEL_STATUS.find(([floor]) => compareDecimal(level, floor) >= 0)?.[1];
    return { level, status };
  }

  /** After each operation: a status change of an indebted account is announced. */
  settle(ledgerOf: (accountId: string) => SpotLedger): void {
    for (const [accountId, state] of this.#state) {
      const { level, status } = this.level(accountId, ledgerOf(accountId));
      if (status === state.status) continue;
      const first = state.status === undefined;
      state.status = status;
      if (status === undefined) {
        this.#state.delete(accountId);
        continue;
      }
      // A first borrow that leaves the account healthy sets the baseline; only a change is news.
      if (first && (status === 'EXCESSIVE' || status === 'NORMAL')) continue;
      this.ctx.send(accountId, 'margin', undefined, {
        e: 'MARGIN_LEVEL_STATUS_CHANGE',
        E: 0,
        l: fixed(level),
        s: status,
      });
    }
  }

  #risk(accountId: string): RiskState {
    let state = this.#state.get(accountId);
    if (!state) {
      state = { liabilities: new Map(), status: undefined };
      this.#state.set(accountId, state);
    }
    return state;
  }
}

/** `asset` (USDT, BTC or ETH: the assets priced in USDT) and a positive `amount` of a borrow or repay. */
export function loanParams(p: Record<string, string>): { asset: string; amount: string } {
  const asset = p.asset;
  if (asset !== 'USDT' && asset !== 'BTC' && asset !== 'ETH')
    throw inputError('asset must be USDT, BTC or ETH', 'asset');
  return { asset, amount: checkAmount(p.amount as string, 'amount', true) };
}

function liabilityChange(
  asset: string,
  type: string,
  principal: string,
  interest: string,
): Record<string, unknown> {
  return { e: 'USER_LIABILITY_CHANGE', E: 0, a: asset, t: type, p: fixed(principal), i: fixed(interest) };
}

/** USDT value of `amount` of `asset` from the spot prices (BTCUSDT, ETHUSDT; USDT at 1). */
export function usdtValue(price: (symbol: string) => string): ValueOf {
  return (asset, amount) => {
    if (asset === 'USDT') return amount;
    return mulDecimal(amount, price(`${asset}USDT`));
  };
}
