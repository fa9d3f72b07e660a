/**
 * Bitrue's events in the common model (issue #13 item 5). Bitrue sends its enums as numbers;
 * the tables below map them to the names Bitrue's REST orders use (and the common model's
 * strings), from https://github.com/Bitrue-exchange/Spot-official-api-docs "ENUM definitions"
 * (checked 2026-12-03) and ccxt's bitrue pro client where the page is silent:
 *
 * | field        | number | common model                                                 |
 * |--------------|--------|--------------------------------------------------------------|
 * | side `S`     | 1 / 2  | BUY / SELL                                                   |
 * | type `o`     | 1 / 2  | LIMIT / MARKET (3: LIMIT, ccxt's table)                      |
 * | event `x`    | 1      | NEW (created by the user)                                    |
 * |              | 2      | CANCELED (canceled by the user)                              |
 * |              | 3      | TRADE (filled by the engine)                                 |
 * |              | 4      | EXPIRED (canceled by the engine)                             |
 * | status `X`   | 0      | PENDING_NEW (not accepted by the engine yet)                 |
 * |              | 1      | NEW (accepted)                                               |
 * |              | 2      | FILLED (completed)                                           |
 * |              | 3      | PARTIALLY_FILLED                                             |
 * |              | 4      | CANCELED                                                     |
 * |              | 7      | NEW (a stop order placed, ccxt)                              |
 * An unlisted number becomes `UNKNOWN_<n>`. Symbols and assets are upper-cased (Bitrue's pushes
 * write `btcusdt`/`usdt`; its REST answers and the mirror use `BTCUSDT`/`USDT`).
 * A `BALANCE` becomes a balance snapshot of the assets whose free and locked balances it both
 * carries; an asset with only one side changed is left out of the snapshot (the event still
 * reaches the user, with everything, in `raw`).
 */
import type { BitrueBalance, BitrueEvent, BitrueOrder } from './bitrue.js';
import type { NormalizedBalance, NormalizedEvent, NormalizedOrder } from './normalize-types.js';

const SIDES: Readonly<Record<number, string>> = { 1: 'BUY', 2: 'SELL' };
const TYPES: Readonly<Record<number, string>> = { 1: 'LIMIT', 2: 'MARKET', 3: 'LIMIT' };
const EXECUTIONS: Readonly<Record<number, string>> = { 1: 'NEW', 2: 'CANCELED', 3: 'TRADE', 4: 'EXPIRED' };
const STATUSES: Readonly<Record<number, string>> = {
  0: 'PENDING_NEW',
  1: 'NEW',
  2: 'FILLED',
  3: 'PARTIALLY_FILLED',
  4: 'CANCELED',
  7: 'NEW',
};

const named = (table: Readonly<Record<number, string>>, n: number) => table[n] ?? `UNKNOWN_${n}`;

/** The common model's name of a pushed Bitrue order status (`UNKNOWN_<n>` for one not documented). */
export function bitrueOrderStatus(status: number): string {
  return named(STATUSES, status);
}

function order(event: BitrueOrder): NormalizedOrder {
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: event.s.toUpperCase(),
    orderId: String(event.i),
    clientOrderId: event.c ?? '',
    ...(event.C ? { originalClientOrderId: event.C } : {}),
    side: named(SIDES, event.S),
    type: named(TYPES, event.o),
    // The push carries no time in force; GTT is the only one Bitrue's enum lists.
    timeInForce: 'GTT',
    status: bitrueOrderStatus(event.X),
    executionType: named(EXECUTIONS, event.x),
    price: event.p,
    quantity: event.q,
    filledQuantity: event.z,
    lastFilledQuantity: event.l,
    lastFilledPrice: event.L,
    quoteFilledQuantity: event.Y,
    commission: event.n,
    commissionAsset: event.N === null ? null : event.N.toUpperCase(),
    tradeId: event.t === undefined || event.t < 0 ? undefined : event.t,
    transactionTime: event.T,
    raw: event,
  };
}

function balances(event: BitrueBalance): NormalizedBalance[] {
  const out: NormalizedBalance[] = [];
  for (const b of event.B) {
    if (b.F === undefined || b.L === undefined) continue;
    out.push({ asset: b.a.toUpperCase(), free: b.F, locked: b.L });
  }
  return out;
}

export function normalizeBitrue(event: BitrueEvent): NormalizedEvent {
  if (event.e === 'BALANCE') {
    return {
      kind: 'balances',
      eventType: event.e,
      venueEventTime: event.E,
      lastUpdateTime: undefined,
      balances: balances(event),
      raw: event,
    };
  }
  return order(event);
}
