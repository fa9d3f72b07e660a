import type { OrderStatus, Side } from './context.js';
import { addDecimal } from './decimal-math.js';
import type { FuturesInstrument } from './markets.js';

export type FuturesTimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';

/** An order of a USDⓈ-M or COIN-M account (one-way mode: positionSide BOTH). */
export interface FuturesOrder {
  readonly symbol: string;
  readonly instrument: FuturesInstrument;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: 'LIMIT' | 'MARKET';
  readonly timeInForce: FuturesTimeInForce;
  /** Limit price; "0" for MARKET. */
  readonly price: string;
  readonly origQty: string;
  executedQty: string;
  /** Quote (USDⓈ-M) or base (COIN-M) value executed so far. */
  cumValue: string;
  /** Sum of fill quantity × fill price, for the average price. */
  cumPriceQty: string;
  readonly reduceOnly: boolean;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
  /** Set on an order a conditional (algo) order placed when it triggered. */
  readonly trigger?: OrderTrigger;
}

/** Where a triggered conditional order came from: shown as `ot`, `sp`, `cp` on its updates. */
export interface OrderTrigger {
  /** STOP_MARKET, STOP, TAKE_PROFIT, TAKE_PROFIT_MARKET. */
  readonly origType: string;
  readonly stopPrice: string;
  readonly closePosition: boolean;
}

/** One-way position of a symbol. */
export interface Position {
  /** Signed amount (base asset for USDⓈ-M, contracts for COIN-M). */
  pa: string;
  /** Entry price ("0" when flat). */
  ep: string;
  /** Accumulated realized profit, before fees. */
  cr: string;
  updateTime: number;
}

/** Wallet balances, positions and open orders of one futures account. */
export class FuturesLedger {
  readonly wallets = new Map<string, string>();
  readonly positions = new Map<string, Position>();
  readonly orders = new Map<number, FuturesOrder>();
  updateTime = 0;

  constructor(initial: Record<string, string>) {
    for (const [asset, amount] of Object.entries(initial)) this.wallets.set(asset, amount);
  }

  wallet(asset: string): string {
    return this.wallets.get(asset) ?? '0';
  }

  credit(asset: string, amount: string): void {
    this.wallets.set(asset, addDecimal(this.wallet(asset), amount));
  }

  position(symbol: string): Position {
    let p = this.positions.get(symbol);
    if (!p) {
      p = { pa: '0', ep: '0', cr: '0', updateTime: 0 };
      this.positions.set(symbol, p);
    }
    return p;
  }

  findByClientId(clientOrderId: string): FuturesOrder | undefined {
    for (const o of this.orders.values()) if (o.clientOrderId === clientOrderId) return o;
    return undefined;
  }
}
