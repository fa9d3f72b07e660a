/**
 * MEXC spot private push events (issue #13 item 1). MEXC sends protobuf `PushDataV3ApiWrapper`
 * frames (github.com/mexcdevelop/websocket-proto); `@userstream/stream` decodes them into
 *   {"e":"<body name>","E":<sendTime>,"c":"<channel>","s":"<symbol>","d":{…body…}}
 * and these schemas read that. Field lists from the .proto files and the docs' examples:
 * https://www.mexc.com/api-docs/spot-v3/websocket-user-data-streams/spot-account-update,
 * …/spot-account-deals, …/spot-account-orders (checked 2026-12-03).
 * proto3 sends no field that holds its default: a missing string is "" and a number 0 after
 * decoding, so the schemas accept the defaults.
 */
import { z } from 'zod';
import { decimal, int } from './common.js';

const envelope = {
  /** `sendTime` of the wrapper (when MEXC pushed it), ms. */
  E: int,
  /** Channel, e.g. `spot@private.orders.v3.api.pb`. */
  c: z.string(),
};

export const mexcPrivateAccountSchema = z.object({
  e: z.literal('privateAccount'),
  ...envelope,
  /** No symbol on account pushes. */
  s: z.string().optional(),
  d: z.object({
    /** Asset, e.g. USDT. */
    vcoinName: z.string(),
    coinId: z.string().optional(),
    /** Available balance after the change. */
    balanceAmount: decimal,
    /** Change of the available balance. */
    balanceAmountChange: decimal,
    /** Frozen balance after the change. */
    frozenAmount: decimal,
    /** Change of the frozen balance. */
    frozenAmountChange: decimal,
    /** Why it changed, e.g. ENTRUST (order placed), DEAL, CONTRACT_TRANSFER. */
    type: z.string(),
    /** Settlement time, ms. */
    time: int,
  }),
});
/** MEXC `spot@private.account.v3.api.pb`: one asset's balance after a change. */
export type MexcPrivateAccount = z.infer<typeof mexcPrivateAccountSchema>;

export const mexcPrivateDealsSchema = z.object({
  e: z.literal('privateDeals'),
  ...envelope,
  s: z.string(),
  d: z.object({
    price: decimal,
    quantity: decimal,
    /** Quote amount of the trade. */
    amount: decimal,
    /** 1 buy, 2 sell. */
    tradeType: int,
    isMaker: z.boolean(),
    isSelfTrade: z.boolean().optional(),
    tradeId: z.string(),
    clientOrderId: z.string(),
    orderId: z.string(),
    feeAmount: decimal,
    feeCurrency: z.string(),
    /** Trade time, ms. */
    time: int,
  }),
});
/** MEXC `spot@private.deals.v3.api.pb`: one fill of an order. */
export type MexcPrivateDeals = z.infer<typeof mexcPrivateDealsSchema>;

export const mexcPrivateOrdersSchema = z.object({
  e: z.literal('privateOrders'),
  ...envelope,
  s: z.string(),
  d: z.object({
    /** Order id. */
    id: z.string(),
    clientId: z.string(),
    price: decimal,
    quantity: decimal,
    /** Quote amount of the order (market buys by amount). */
    amount: decimal,
    avgPrice: decimal,
    /** LIMIT_ORDER 1, POST_ONLY 2, IMMEDIATE_OR_CANCEL 3, FILL_OR_KILL 4, MARKET_ORDER 5, stop 100. */
    orderType: int,
    /** 1 buy, 2 sell. */
    tradeType: int,
    isMaker: z.boolean().optional(),
    remainAmount: decimal,
    remainQuantity: decimal,
    lastDealQuantity: decimal.optional(),
    cumulativeQuantity: decimal,
    cumulativeAmount: decimal,
    /** 1 new, 2 filled, 3 partially filled, 4 canceled, 5 partially filled then canceled. */
    status: int,
    createTime: int,
  }),
});
/** MEXC `spot@private.orders.v3.api.pb`: an order's state after a change. */
export type MexcPrivateOrders = z.infer<typeof mexcPrivateOrdersSchema>;

export const mexcSchemas = {
  privateAccount: mexcPrivateAccountSchema,
  privateDeals: mexcPrivateDealsSchema,
  privateOrders: mexcPrivateOrdersSchema,
};

export type MexcEvent = MexcPrivateAccount | MexcPrivateDeals | MexcPrivateOrders;
