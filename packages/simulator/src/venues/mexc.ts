/**
 * MEXC spot's private push frames (issue #13 item 1), built from the engine's spot events: MEXC
 * pushes protobuf `PushDataV3ApiWrapper` messages (MEXC's published .proto files, kept with their
 * Apache-2.0 licence, shipped by core: `mexcProtoDir()`; encoded with protobufjs). This is the simulator's own
 * encoder: it shares no code with the client's decoder, so a mistake in one shows up as a test
 * failure instead of cancelling out.
 *
 * Field by field from https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams
 * (spot-account-update, spot-account-deals, spot-account-orders; checked 2026-12-03):
 * - an executionReport becomes a `privateOrders` push (its status, cumulative quantity and
 *   amount) and, when it is a fill, a `privateDeals` push before it (MEXC's documented samples
 *   show the deal's sendTime after the order's; the simulator sends the deal first so a client
 *   sees the fill before the order's new state, and both carry the same E);
 * - an outboundAccountPosition becomes one `privateAccount` push per asset, with the changes
 *   since the last push of that asset (MEXC sends the change and the new balance);
 * - balanceUpdate, listStatus and the rest have no MEXC push: MEXC follows a deposit with an
 *   account push, which the engine's outboundAccountPosition produces.
 */
import { fileURLToPath } from 'node:url';
import { isZeroDecimal, mexcProtoDir, subDecimal } from '@userstream/core';
import protobuf from 'protobufjs';
import { divDecimal } from '../engine/decimal-math.js';

/** The channels of the three private pushes. */
export const MEXC_CHANNELS = {
  account: 'spot@private.account.v3.api.pb',
  deals: 'spot@private.deals.v3.api.pb',
  orders: 'spot@private.orders.v3.api.pb',
} as const;

let wrapperType: protobuf.Type | undefined;

function wrapper(): protobuf.Type {
  if (wrapperType) return wrapperType;
  const dir = mexcProtoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => fileURLToPath(new URL(target.replace(/^.*[\\/]/, ''), dir));
  root.loadSync('PushDataV3ApiWrapper.proto');
  wrapperType = root.lookupType('PushDataV3ApiWrapper');
  return wrapperType;
}

/** One encoded push. */
export function encodeMexcPush(message: Record<string, unknown>): Buffer {
  const type = wrapper();
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}

/** Spot order type + time in force → MEXC's orderType number. */
function orderType(o: string, f: string): number {
  if (o === 'MARKET') return 5;
  if (o === 'LIMIT_MAKER') return 2;
  if (f === 'IOC') return 3;
  if (f === 'FOK') return 4;
  return 1;
}

/** Spot status → MEXC's status number (a cancel after fills is "partially canceled", 5). */
function status(X: string, filled: string): number {
  switch (X) {
    case 'NEW':
      return 1;
    case 'FILLED':
      return 2;
    case 'PARTIALLY_FILLED':
      return 3;
    default:
      return isZeroDecimal(filled) ? 4 : 5;
  }
}

const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * The MEXC pushes of one engine event for one account. `balances` keeps the last pushed balance
 * per asset of the account (for the documented `…Change` fields).
 */
export function mexcPushes(
  event: Record<string, unknown>,
  balances: Map<string, { free: string; locked: string }>,
): { channel: string; frame: Buffer }[] {
  const E = n(event.E);
  switch (event.e) {
    case 'executionReport': {
      const out: { channel: string; frame: Buffer }[] = [];
      const side = event.S === 'SELL' ? 2 : 1;
      const filled = s(event.z) || '0';
      const quantity = s(event.q);
      const canceled = event.x === 'CANCELED' && s(event.C) !== '';
      const clientId = canceled ? s(event.C) : s(event.c);
      if (event.x === 'TRADE') {
        out.push({
          channel: MEXC_CHANNELS.deals,
          frame: encodeMexcPush({
            channel: MEXC_CHANNELS.deals,
            symbol: s(event.s),
            sendTime: E,
            privateDeals: {
              price: s(event.L),
              quantity: s(event.l),
              amount: s(event.Y),
              tradeType: side,
              isMaker: event.m === true,
              isSelfTrade: false,
              tradeId: s(event.t),
              clientOrderId: clientId,
              orderId: s(event.i),
              feeAmount: s(event.n) || '0',
              feeCurrency: s(event.N),
              time: n(event.T),
            },
          }),
        });
      }
      const cumulativeAmount = s(event.Z) || '0';
      out.push({
        channel: MEXC_CHANNELS.orders,
        frame: encodeMexcPush({
          channel: MEXC_CHANNELS.orders,
          symbol: s(event.s),
          sendTime: E,
          privateOrders: {
            id: s(event.i),
            clientId,
            price: s(event.p),
            quantity,
            amount: s(event.Q) || '0',
            avgPrice: isZeroDecimal(filled) ? '0' : average(cumulativeAmount, filled),
            orderType: orderType(s(event.o), s(event.f)),
            tradeType: side,
            isMaker: event.m === true,
            remainAmount: '0',
            remainQuantity: subDecimal(quantity || '0', filled),
            lastDealQuantity: s(event.l) || '0',
            cumulativeQuantity: filled,
            cumulativeAmount,
            status: status(s(event.X), filled),
            createTime: n(event.O),
          },
        }),
      });
      return out;
    }
    case 'outboundAccountPosition': {
      const out: { channel: string; frame: Buffer }[] = [];
      for (const b of (event.B as { a: string; f: string; l: string }[] | undefined) ?? []) {
        const last = balances.get(b.a) ?? { free: '0', locked: '0' };
        balances.set(b.a, { free: b.f, locked: b.l });
        out.push({
          channel: MEXC_CHANNELS.account,
          frame: encodeMexcPush({
            channel: MEXC_CHANNELS.account,
            createTime: E,
            sendTime: E,
            privateAccount: {
              vcoinName: b.a,
              coinId: b.a.toLowerCase(),
              balanceAmount: b.f,
              balanceAmountChange: subDecimal(b.f, last.free),
              frozenAmount: b.l,
              frozenAmountChange: subDecimal(b.l, last.locked),
              type: 'ENTRUST',
              time: n(event.u) || E,
            },
          }),
        });
      }
      return out;
    }
    default:
      return [];
  }
}

/** cumulativeAmount / cumulativeQuantity to 8 places (exact decimal division, no floats). */
function average(amount: string, quantity: string): string {
  return divDecimal(amount, quantity, 8);
}
