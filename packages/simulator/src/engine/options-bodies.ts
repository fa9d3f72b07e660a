import { isZeroDecimal } from '@userstream/core';
import type { Side } from './context.js';
import { divDecimal } from './decimal-math.js';

/** One European option the simulator lists (BTC, USDT-settled, expiring 2026-12-25 08:00 UTC). */
export interface OptionInstrument {
  readonly symbol: string;
  readonly underlying: string;
  readonly strike: string;
  readonly side: 'CALL' | 'PUT';
  readonly expiry: number;
}

const EXPIRY = Date.UTC(2026, 11, 25, 8);
export const OPTION_INSTRUMENTS: Readonly<Record<string, OptionInstrument>> = Object.freeze({
  'BTC-261225-60000-C': {
    symbol: 'BTC-261225-60000-C',
    underlying: 'BTCUSDT',
    strike: '60000',
    side: 'CALL',
    expiry: EXPIRY,
  },
  'BTC-261225-60000-P': {
    symbol: 'BTC-261225-60000-P',
    underlying: 'BTCUSDT',
    strike: '60000',
    side: 'PUT',
    expiry: EXPIRY,
  },
});
/** Initial marks (premiums in USDT). */
export const OPTION_MARKS: Readonly<Record<string, string>> = Object.freeze({
  'BTC-261225-60000-C': '2500',
  'BTC-261225-60000-P': '2400',
});

/** An options order (one-way, USDT-settled). */
export interface OptionOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'LIMIT' | 'MARKET';
  readonly timeInForce: string;
  readonly price: string;
  readonly quantity: string;
  readonly reduceOnly: boolean;
  executedQty: string;
  cumPriceQty: string;
  fee: string;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
  readonly createTime: number;
  updateTime: number;
}

export function averageOf(order: OptionOrder): string {
  return isZeroDecimal(order.executedQty) ? '0' : divDecimal(order.cumPriceQty, order.executedQty, 8);
}

/** The order as POST/DELETE /eapi/v1/order answer it. */
export function orderBody(order: OptionOrder): Record<string, unknown> {
  const inst = OPTION_INSTRUMENTS[order.symbol] as OptionInstrument;
  return {
    orderId: order.orderId,
    symbol: order.symbol,
    price: order.price,
    quantity: order.quantity,
    executedQty: order.executedQty,
    fee: order.fee,
    side: order.side,
    type: order.type,
    timeInForce: order.timeInForce,
    reduceOnly: order.reduceOnly,
    postOnly: false,
    createTime: order.createTime,
    updateTime: order.updateTime,
    status: order.status,
    avgPrice: averageOf(order),
    clientOrderId: order.clientOrderId,
    priceScale: 0,
    quantityScale: 2,
    optionSide: inst.side,
    quoteAsset: 'USDT',
    mmp: false,
  };
}
