/**
 * Tokocrypto's `/open/v1` REST form (core's `restEnvelope: 'open-v1'`; issue #13 item 7). Every
 * answer is an envelope `{code, msg, data, timestamp}`: code 0 is success, anything else an error
 * even with HTTP 200; balances sit in `data.accountAssets` and orders in `data.list` with numeric
 * enums and `BASE_QUOTE` symbols. This file turns them into Binance's bodies, so the snapshot
 * readers (snapshot.ts) and everything above them stay venue-blind.
 * https://www.tokocrypto.com/apidocs/ (checked 2026-12-03; see core's venues-tokocrypto.ts).
 */
import { ProtocolError } from '@userstream/core';

type Body = Record<string, unknown>;

/** What the envelope held: `data`, or the error it carried (`code` not 0). */
export type OpenV1Answer = { ok: true; data: unknown } | { ok: false };

/**
 * Opens an envelope. `timestamp` is the answer of the time endpoint (its `data` is null there), so
 * a body without data gives `{ serverTime: timestamp }`, what the server-time reader expects.
 */
export function openEnvelope(body: unknown, context: string): OpenV1Answer {
  if (typeof body !== 'object' || body === null || typeof (body as Body).code !== 'number') {
    throw new ProtocolError(`@userstream/rest: ${context} answered without the {code, data} envelope`);
  }
  const b = body as Body;
  if (b.code !== 0) return { ok: false };
  if (b.data === null || b.data === undefined) return { ok: true, data: { serverTime: b.timestamp } };
  return { ok: true, data: b.data };
}

/** Numeric enums of the /open/v1 order objects (Binance TR and Tokocrypto share the platform). */
const SIDE = ['BUY', 'SELL'];
const TYPE: Record<number, string> = {
  1: 'LIMIT',
  2: 'MARKET',
  3: 'STOP_LOSS',
  4: 'STOP_LOSS_LIMIT',
  5: 'TAKE_PROFIT',
  6: 'TAKE_PROFIT_LIMIT',
  7: 'LIMIT_MAKER',
};
const STATUS: Record<number, string> = {
  [-2]: 'PENDING_NEW',
  0: 'NEW',
  1: 'PARTIALLY_FILLED',
  2: 'FILLED',
  3: 'CANCELED',
  4: 'PENDING_CANCEL',
  5: 'REJECTED',
  6: 'EXPIRED',
};
const TIME_IN_FORCE: Record<number, string> = { 1: 'GTC', 2: 'IOC', 3: 'FOK', 4: 'GTX' };

/** A number enum by its name; an unknown value stays visible as its digits. */
function named(table: Record<number, string> | string[], value: unknown): string {
  const n = typeof value === 'number' ? value : Number(value);
  return (table as Record<number, string>)[n] ?? String(value ?? '');
}

/** One /open/v1 order as Binance's REST order object (the symbol without its `_`). */
export function binanceOrderOf(o: Body): Body {
  return {
    symbol: typeof o.symbol === 'string' ? o.symbol.replace('_', '') : o.symbol,
    orderId: o.orderId,
    clientOrderId: o.clientId,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cummulativeQuoteQty: o.executedQuoteQty,
    status: named(STATUS, o.status),
    timeInForce: named(TIME_IN_FORCE, o.timeInForce),
    type: named(TYPE, o.type),
    side: named(SIDE, o.side),
    stopPrice: o.stopPrice,
    icebergQty: o.icebergQty,
    time: o.createTime,
    updateTime: o.updateTime ?? o.createTime,
    isWorking: o.isWorking === 1 || o.isWorking === true,
  };
}

/** The open orders of an opened `/open/v1/orders` answer (`{list: [...]}`), in Binance's form. */
export function binanceOpenOrdersOf(data: unknown): Body[] {
  const list = (data as { list?: unknown } | null)?.list;
  if (!Array.isArray(list))
    throw new ProtocolError('@userstream/rest: unexpected open orders body: expected data.list');
  return (list as Body[]).map(binanceOrderOf);
}
