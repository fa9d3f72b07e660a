import type { VenueId } from '@userstream/core';

/** The derivatives trading and query actions the REST server routes to the engine. */
export type DerivativeAction =
  | 'placeAlgoOrder'
  | 'cancelAlgoOrder'
  | 'openAlgoOrders'
  | 'positionRisk'
  | 'borrowRepay'
  | 'optionPositions'
  | 'pmLoan'
  | 'portfolioMargin';

export interface DerivativeRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly venue: VenueId;
  readonly weight: number;
  readonly action: DerivativeAction;
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * Paths the venue profiles do not name (all signed):
 * - USDⓈ-M Algo service: developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order
 *   (POST weight 0 on the IP limit), Cancel-Algo-Order, Current-All-Algo-Open-Orders.
 * - Position snapshots: /fapi/v3/positionRisk (Position-Information-V3), /dapi/v1/positionRisk,
 *   /papi/v1/um/positionRisk and /papi/v1/cm/positionRisk (portfolio margin); Aster futures'
 *   /fapi/v2/positionRisk and BingX swap's /openApi/swap/v2/user/positions (their profiles' paths,
 *   core's venues-aster.ts and venues-bingx.ts say where they were read).
 * - Options positions: developers.binance.com/docs/derivatives/options-trading/trade/Option-Position-Information
 *   (order, openOrders and marginAccount come from the binance-options profile).
 * - Portfolio margin UM conditional orders: developers.binance.com/docs/derivatives/portfolio-margin/trade/New-UM-Algo-Order
 *   (POST; DELETE on the same path by the venue's convention, its page is not in the store) and
 *   Query-All-Current-UM-Open-Algo-Orders (GET /papi/v1/um/algo/openAlgoOrders).
 * - Portfolio margin loans: developers.binance.com/docs/derivatives/portfolio-margin/trade/Margin-Account-Borrow
 *   and Margin-Account-Repay (not in the search store; paths and the weight as the issue's sources name them).
 * - Portfolio margin's margin account and CM conditional orders (`portfolioMargin`, the engine's
 *   portfolio-margin-desk.ts; `extra.op` names the operation): developers.binance.com/docs/derivatives/
 *   portfolio-margin/trade/New-Margin-Order (POST /papi/v1/margin/order, weight 1), Cancel-Margin-
 *   Account-Order (DELETE, weight 2), Query-Current-Margin-Open-Order (GET /papi/v1/margin/openOrders,
 *   weight 5), New-CM-Conditional-Order (POST /papi/v1/cm/conditional/order, weight 1), Cancel-CM-
 *   Conditional-Order (DELETE, weight 1) and Query-All-Current-CM-Open-Conditional-Orders (GET
 *   /papi/v1/cm/conditional/openOrders, weight 40 without a symbol). Only the last page is in the
 *   search store; the others' paths and weights follow the issue's sources and the PM trade index.
 *   GET /papi/v1/cm/openOrders (Query-All-Current-CM-Open-Orders, not in the store either): the CM
 *   book's open orders, weight taken as the UM list's (40 without a symbol, the venue profile's).
 * - Cross margin borrow and repay: developers.binance.com/docs/margin_trading/borrow-and-repay/
 *   Margin-Account-Borrow-Repay (`type` BORROW | REPAY; its weight is on the UID limit).
 */
export const DERIVATIVE_ROUTES: readonly DerivativeRoute[] = Object.freeze<DerivativeRoute[]>([
  { method: 'POST', path: '/fapi/v1/algoOrder', venue: 'binance-usdm', weight: 0, action: 'placeAlgoOrder' },
  {
    method: 'DELETE',
    path: '/fapi/v1/algoOrder',
    venue: 'binance-usdm',
    weight: 1,
    action: 'cancelAlgoOrder',
  },
  {
    method: 'GET',
    path: '/fapi/v1/openAlgoOrders',
    venue: 'binance-usdm',
    weight: 1,
    action: 'openAlgoOrders',
  },
  { method: 'GET', path: '/fapi/v3/positionRisk', venue: 'binance-usdm', weight: 5, action: 'positionRisk' },
  // Issue #13: the position endpoints of Aster futures v1 (its profile's, Binance's v2 shape) and
  // BingX swap (venues/bingx-rest.ts writes BingX's objects into its envelope).
  {
    method: 'GET',
    path: '/fapi/v2/positionRisk',
    venue: 'aster-futures',
    weight: 5,
    action: 'positionRisk',
    extra: { shape: 'fapi-v2' },
  },
  {
    method: 'GET',
    path: '/openApi/swap/v2/user/positions',
    venue: 'bingx-swap',
    weight: 1,
    action: 'positionRisk',
  },
  { method: 'GET', path: '/dapi/v1/positionRisk', venue: 'binance-coinm', weight: 1, action: 'positionRisk' },
  {
    method: 'GET',
    path: '/papi/v1/um/positionRisk',
    venue: 'binance-portfolio-margin',
    weight: 5,
    action: 'positionRisk',
    extra: { shape: 'papi-um' },
  },
  {
    method: 'GET',
    path: '/papi/v1/cm/positionRisk',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'positionRisk',
    extra: { shape: 'papi-cm' },
  },
  {
    method: 'POST',
    path: '/papi/v1/um/algo/order',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'placeAlgoOrder',
  },
  {
    method: 'DELETE',
    path: '/papi/v1/um/algo/order',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'cancelAlgoOrder',
  },
  {
    method: 'GET',
    path: '/papi/v1/um/algo/openAlgoOrders',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'openAlgoOrders',
  },
  {
    method: 'POST',
    path: '/papi/v1/marginLoan',
    venue: 'binance-portfolio-margin',
    weight: 100,
    action: 'pmLoan',
    extra: { type: 'BORROW' },
  },
  {
    method: 'POST',
    path: '/papi/v1/repayLoan',
    venue: 'binance-portfolio-margin',
    weight: 100,
    action: 'pmLoan',
    extra: { type: 'REPAY' },
  },
  {
    method: 'POST',
    path: '/papi/v1/margin/order',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'portfolioMargin',
    extra: { op: 'marginOrder' },
  },
  {
    method: 'DELETE',
    path: '/papi/v1/margin/order',
    venue: 'binance-portfolio-margin',
    weight: 2,
    action: 'portfolioMargin',
    extra: { op: 'cancelMarginOrder' },
  },
  {
    method: 'GET',
    path: '/papi/v1/margin/openOrders',
    venue: 'binance-portfolio-margin',
    weight: 5,
    action: 'portfolioMargin',
    extra: { op: 'marginOpenOrders' },
  },
  {
    method: 'POST',
    path: '/papi/v1/cm/conditional/order',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'portfolioMargin',
    extra: { op: 'cmConditionalOrder' },
  },
  {
    method: 'DELETE',
    path: '/papi/v1/cm/conditional/order',
    venue: 'binance-portfolio-margin',
    weight: 1,
    action: 'portfolioMargin',
    extra: { op: 'cancelCmConditionalOrder' },
  },
  {
    method: 'GET',
    path: '/papi/v1/cm/conditional/openOrders',
    venue: 'binance-portfolio-margin',
    weight: 40,
    action: 'portfolioMargin',
    extra: { op: 'cmOpenConditionalOrders' },
  },
  {
    method: 'GET',
    path: '/papi/v1/cm/openOrders',
    venue: 'binance-portfolio-margin',
    weight: 40,
    action: 'portfolioMargin',
    extra: { op: 'cmOpenOrders' },
  },
  {
    method: 'GET',
    path: '/eapi/v1/position',
    venue: 'binance-options',
    weight: 5,
    action: 'optionPositions',
  },
  {
    method: 'POST',
    path: '/sapi/v1/margin/borrow-repay',
    venue: 'binance-margin',
    weight: 1,
    action: 'borrowRepay',
  },
]);
