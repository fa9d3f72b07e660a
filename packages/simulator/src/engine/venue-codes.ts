import { ExchangeCode } from '@userstream/core';

/**
 * Every exchange error code the simulator answers with, named once. The codes clients act on
 * are core's `ExchangeCode` (spread in, so both sides use one number); the rest are venue-side
 * answers only the simulator gives (order checks, filters, futures rules), which core does not
 * carry.
 */
export const VenueCode = {
  ...ExchangeCode,
  /** "An unknown error occurred while processing the request." */
  Unknown: -1000,
  /** "Filter failure: …" (PRICE_FILTER, LOT_SIZE, NOTIONAL). */
  FilterFailure: -1013,
  /** "Parameter '…' sent when not required." */
  ParameterNotRequired: -1106,
  /** Futures: "Precision is over the maximum defined for this asset." */
  TooMuchPrecision: -1111,
  InvalidTimeInForce: -1115,
  InvalidOrderType: -1116,
  InvalidSide: -1117,
  InvalidSymbol: -1121,
  /** "Data sent for parameter '…' is not valid." */
  InvalidParameterData: -1130,
  /** BHEX: "Duplicate clientOrderId". */
  BhexDuplicateClientOrderId: -1141,
  /** WebSocket API: too many active subscriptions on one connection. */
  TooManyActiveSubscriptions: -1191,
  /** A new order was rejected (insufficient balance, would take, duplicate). */
  NewOrderRejected: -2010,
  /** Futures: "Margin is insufficient." */
  MarginInsufficient: -2019,
  /** Futures algo orders: "Order would immediately trigger." */
  WouldTriggerImmediately: -2021,
  /** Futures: "ReduceOnly Order is rejected." */
  ReduceOnlyRejected: -2022,
  FuturesPriceTooSmall: -4001,
  FuturesPriceTooBig: -4002,
  FuturesQtyTooSmall: -4003,
  FuturesQtyTooBig: -4005,
  FuturesTickSize: -4014,
  FuturesPositionSide: -4061,
  FuturesDuplicateClientOrderId: -4116,
  /** Futures since 2025-12: conditional types on /fapi/v1/order ("Please use the Algo Order API endpoints instead."). */
  UseAlgoService: -4120,
  FuturesMinNotional: -4164,
  FuturesPostOnlyRejected: -5022,
} as const;
