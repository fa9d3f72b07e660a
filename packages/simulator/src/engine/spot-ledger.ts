import type { OrderStatus, Side } from './context.js';
import { addDecimal, compareDecimal, subDecimal } from './decimal-math.js';
import type { SpotInstrument } from './markets.js';

export type SpotOrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

/** An order of a spot-like account (spot, margin, isolated margin, BHEX, Coins.ph). */
export interface SpotOrder {
  readonly symbol: string;
  readonly instrument: SpotInstrument;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: SpotOrderType;
  readonly timeInForce: TimeInForce;
  /** Limit price; "0" for MARKET. */
  readonly price: string;
  origQty: string;
  readonly origQuoteOrderQty: string;
  executedQty: string;
  cumQuote: string;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
  readonly isIsolated: boolean;
}

export interface Balance {
  free: string;
  locked: string;
}

/** Balances and open orders of one spot-like account (one isolated pair for isolated margin). */
export class SpotLedger {
  readonly balances = new Map<string, Balance>();
  /** Open orders by id, in id order. */
  readonly orders = new Map<number, SpotOrder>();
  updateTime = 0;

  /**
   * @param initial starting free balances by asset
   * @param pair the isolated-margin pair this ledger belongs to (events go to that pair's stream)
   */
  constructor(
    initial: Record<string, string>,
    readonly pair?: string,
  ) {
    for (const [asset, amount] of Object.entries(initial))
      this.balances.set(asset, { free: amount, locked: '0' });
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: '0', locked: '0' };
      this.balances.set(asset, b);
    }
    return b;
  }

  free(asset: string): string {
    return this.balances.get(asset)?.free ?? '0';
  }

  credit(asset: string, amount: string): void {
    const b = this.balance(asset);
    b.free = addDecimal(b.free, amount);
  }

  debit(asset: string, amount: string): void {
    const b = this.balance(asset);
    const next = subDecimal(b.free, amount);
    if (compareDecimal(next, '0') < 0)
      throw new Error(`@userstream/simulator: internal: ${asset} free would go negative`);
    b.free = next;
  }

  lock(asset: string, amount: string): void {
    this.debit(asset, amount);
    const b = this.balance(asset);
    b.locked = addDecimal(b.locked, amount);
  }

  unlock(asset: string, amount: string): void {
    this.spendLocked(asset, amount);
    this.credit(asset, amount);
  }

  spendLocked(asset: string, amount: string): void {
    const b = this.balance(asset);
    const next = subDecimal(b.locked, amount);
    if (compareDecimal(next, '0') < 0) {
      throw new Error(`@userstream/simulator: internal: ${asset} locked would go negative`);
    }
    b.locked = next;
  }

  findByClientId(clientOrderId: string): SpotOrder | undefined {
    for (const o of this.orders.values()) if (o.clientOrderId === clientOrderId) return o;
    return undefined;
  }
}
