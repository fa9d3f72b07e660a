/**
 * Toobit's events in the common model (issue #13 item 4). Spot is BHEX's: `executionReport`
 * becomes an order and `outboundAccountInfo` a balance snapshot with the can-trade/withdraw/
 * deposit flags, exactly as the bhex dialect reads them. USDT-M's `contractExecutionReport`
 * (BHEX's letters) is an order and `outboundContractAccountInfo` a balance snapshot.
 * `outboundContractPositionInfo` is an account update holding that one position (no balances):
 * Toobit's positions are per side (LONG, SHORT) with an unsigned size, the common model signs it
 * (a SHORT position's amount is negative, as Binance's hedge mode reports it), so the mirror folds
 * it like a futures `ACCOUNT_UPDATE`'s. Its time is `E` (the push carries no other).
 * `listenKeyWillExpire` is `other`: the key is still valid (the client renews it, it has not
 * lapsed), and `ticketInfo` is `other` (its fill is already in the order's report).
 */
import { bhexOrder } from './normalize-orders.js';
import { signedToobitSize } from './normalize-toobit-rest.js';
import type { NormalizedAccountUpdate, NormalizedEvent, NormalizedOrder } from './normalize-types.js';
import type { ToobitContractExecutionReport, ToobitContractPositionInfo, ToobitEvent } from './toobit.js';

function contractOrder(event: ToobitContractExecutionReport): NormalizedOrder {
  return {
    kind: 'order',
    eventType: event.e,
    venueEventTime: event.E,
    symbol: event.s,
    orderId: String(event.i),
    clientOrderId: String(event.c),
    side: event.S,
    type: event.o,
    timeInForce: event.f,
    status: event.X,
    executionType: undefined,
    price: event.p,
    quantity: event.q,
    filledQuantity: event.z,
    lastFilledQuantity: event.l,
    lastFilledPrice: event.L,
    quoteFilledQuantity: event.Z,
    commission: event.n,
    commissionAsset: event.N,
    isMaker: event.m,
    transactionTime: event.U,
    raw: event,
  };
}

function contractPosition(event: ToobitContractPositionInfo): NormalizedAccountUpdate {
  const isolated = event.mt === 'ISOLATED';
  return {
    kind: 'accountUpdate',
    eventType: event.e,
    venueEventTime: event.E,
    transactionTime: event.E,
    // Toobit says no more than "the position changed".
    reason: '',
    book: undefined,
    balances: [],
    positions: [
      {
        symbol: event.s,
        positionAmount: signedToobitSize(event.S, event.P),
        entryPrice: event.p,
        breakEvenPrice: undefined,
        unrealizedPnl: event.up ?? '0',
        accumulatedRealized: event.r ?? '0',
        marginType: event.mt === undefined ? '' : event.mt.toLowerCase(),
        isolatedWallet: isolated ? event.m : undefined,
        positionSide: event.S,
      },
    ],
    raw: event,
  };
}

export function normalizeToobit(event: ToobitEvent): NormalizedEvent {
  switch (event.e) {
    case 'executionReport':
    case 'marginExecutionReport':
      return bhexOrder(event);
    case 'contractExecutionReport':
      return contractOrder(event);
    case 'outboundContractPositionInfo':
      return contractPosition(event);
    case 'outboundAccountInfo':
    case 'outboundMarginAccountInfo':
    case 'outboundContractAccountInfo':
      return {
        kind: 'balances',
        eventType: event.e,
        venueEventTime: event.E,
        lastUpdateTime: undefined,
        // USDT-M: `l` is not defined on a futures account; the push is read as the wallet balance,
        // locked 0, as the REST snapshot reads `balance` (venues-toobit-usdm.ts writes it down).
        balances: event.B.map((b) => ({
          asset: b.a,
          free: b.f,
          locked: event.e === 'outboundContractAccountInfo' ? '0' : b.l,
        })),
        canTrade: event.T,
        canWithdraw: event.W,
        canDeposit: event.D,
        raw: event,
      };
    default:
      return { kind: 'other', eventType: event.e, venueEventTime: event.E, raw: event };
  }
}
