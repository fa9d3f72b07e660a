import { isZeroDecimal } from '@userstream/core';
import { addDecimal, divDecimal, fixed } from './decimal-math.js';
import { type SpotInstrument, type SpotMarketKey, spotInstrument } from './markets.js';
import type { SpotFill } from './spot-events.js';
import type { SpotLedger, SpotOrder } from './spot-ledger.js';

const ZERO8 = '0.00000000';

function isMargin(market: SpotMarketKey): boolean {
  return market === 'margin' || market === 'isolatedMargin';
}

/** An order as GET /api/v3/openOrders (and the margin, BHEX and Coins.ph equivalents) lists it. */
export function openOrderBody(market: SpotMarketKey, order: SpotOrder): Record<string, unknown> {
  const price = order.type === 'MARKET' ? ZERO8 : fixed(order.price);
  if (market === 'bhex') {
    return {
      symbol: order.symbol,
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      price,
      origQty: fixed(order.origQty),
      executedQty: fixed(order.executedQty),
      cummulativeQuoteQty: fixed(order.cumQuote),
      avgPrice: isZeroDecimal(order.executedQty)
        ? '0.0'
        : fixed(divDecimal(order.cumQuote, order.executedQty, 8)),
      status: order.status,
      timeInForce: order.timeInForce,
      type: order.type,
      side: order.side,
      stopPrice: '0.0',
      icebergQty: '0.0',
      time: order.time,
      updateTime: order.updateTime,
      isWorking: true,
    };
  }
  const body: Record<string, unknown> = {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    price,
    origQty: fixed(order.origQty),
    executedQty: fixed(order.executedQty),
    cummulativeQuoteQty: fixed(order.cumQuote),
    status: order.status,
    timeInForce: order.timeInForce,
    type: order.type,
    side: order.side,
    stopPrice: ZERO8,
    icebergQty: ZERO8,
    time: order.time,
    updateTime: order.updateTime,
    isWorking: true,
    workingTime: order.time,
    origQuoteOrderQty: fixed(order.origQuoteOrderQty),
    selfTradePreventionMode: 'NONE',
  };
  if (market === 'coins') {
    delete body.orderListId;
    delete body.workingTime;
    delete body.selfTradePreventionMode;
  }
  if (isMargin(market)) body.isIsolated = order.isIsolated;
  return body;
}

export type RespType = 'ACK' | 'RESULT' | 'FULL';

/** The body of POST /api/v3/order (ACK, RESULT or FULL), margin, BHEX and Coins.ph alike. */
export function orderResponseBody(
  market: SpotMarketKey,
  order: SpotOrder,
  respType: RespType,
  fills: readonly SpotFill[],
  transactTime: number,
): Record<string, unknown> {
  if (market === 'bhex') {
    return {
      symbol: order.symbol,
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      transactTime,
      price: order.type === 'MARKET' ? ZERO8 : fixed(order.price),
      origQty: fixed(order.origQty),
      executedQty: fixed(order.executedQty),
      status: order.status,
      timeInForce: order.timeInForce,
      type: order.type,
      side: order.side,
    };
  }
  const ack: Record<string, unknown> = {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    transactTime,
  };
  if (market === 'coins') delete ack.orderListId;
  if (isMargin(market)) {
    delete ack.orderListId;
    ack.isIsolated = order.isIsolated;
  }
  if (respType === 'ACK') return ack;
  const result: Record<string, unknown> = {
    ...ack,
    price: order.type === 'MARKET' ? ZERO8 : fixed(order.price),
    origQty: fixed(order.origQty),
    executedQty: fixed(order.executedQty),
    origQuoteOrderQty: fixed(order.origQuoteOrderQty),
    cummulativeQuoteQty: fixed(order.cumQuote),
    status: order.status,
    timeInForce: order.type === 'MARKET' ? 'GTC' : order.timeInForce,
    type: order.type,
    side: order.side,
  };
  if (market !== 'coins') {
    result.workingTime = order.time;
    result.selfTradePreventionMode = 'NONE';
  }
  if (respType === 'RESULT') return result;
  result.fills = fills.map((f) => ({
    price: fixed(f.price),
    qty: fixed(f.qty),
    commission: fixed(f.commission),
    commissionAsset: f.commissionAsset,
    tradeId: f.tradeId,
  }));
  return result;
}

/** The body of DELETE /api/v3/order (and equivalents). */
export function cancelResponseBody(
  market: SpotMarketKey,
  order: SpotOrder,
  cancelClientId: string,
  transactTime: number,
): Record<string, unknown> {
  if (market === 'bhex') {
    return {
      symbol: order.symbol,
      clientOrderId: order.clientOrderId,
      orderId: order.orderId,
      status: order.status,
    };
  }
  const body: Record<string, unknown> = {
    symbol: order.symbol,
    origClientOrderId: order.clientOrderId,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: cancelClientId,
    transactTime,
    price: order.type === 'MARKET' ? ZERO8 : fixed(order.price),
    origQty: fixed(order.origQty),
    executedQty: fixed(order.executedQty),
    origQuoteOrderQty: fixed(order.origQuoteOrderQty),
    cummulativeQuoteQty: fixed(order.cumQuote),
    status: order.status,
    timeInForce: order.timeInForce,
    type: order.type,
    side: order.side,
    selfTradePreventionMode: 'NONE',
  };
  if (market === 'coins') {
    delete body.orderListId;
    delete body.selfTradePreventionMode;
  }
  if (isMargin(market)) {
    delete body.orderListId;
    body.isIsolated = order.isIsolated;
  }
  return body;
}

/** Balances sorted by asset, as the venues list them. */
export function balanceList(
  ledger: SpotLedger,
  omitZero: boolean,
): { asset: string; free: string; locked: string }[] {
  return [...ledger.balances.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, b]) => !omitZero || b.free !== '0' || b.locked !== '0')
    .map(([asset, b]) => ({ asset, free: fixed(b.free), locked: fixed(b.locked) }));
}

/** Converts an amount of `asset` to BTC at the engine's prices (for margin totals). */
export type ToBtc = (asset: string, amount: string) => string;

const MARGIN_LEVEL_NO_DEBT = '999.00000000';

function marginAsset(asset: string, b: { free: string; locked: string }) {
  return {
    asset,
    borrowed: ZERO8,
    free: fixed(b.free),
    interest: ZERO8,
    locked: fixed(b.locked),
    netAsset: fixed(addDecimal(b.free, b.locked)),
  };
}

/** GET /sapi/v1/margin/account (cross margin; nothing is ever borrowed in the simulator). */
export function crossMarginAccountBody(
  ledger: SpotLedger,
  toBtc: ToBtc,
  toUsdt: ToBtc,
): Record<string, unknown> {
  let totalBtc = '0';
  let totalUsdt = '0';
  const userAssets = [...ledger.balances.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, b]) => {
      const total = addDecimal(b.free, b.locked);
      totalBtc = addDecimal(totalBtc, toBtc(asset, total));
      totalUsdt = addDecimal(totalUsdt, toUsdt(asset, total));
      return marginAsset(asset, b);
    });
  return {
    created: true,
    borrowEnabled: true,
    marginLevel: MARGIN_LEVEL_NO_DEBT,
    collateralMarginLevel: MARGIN_LEVEL_NO_DEBT,
    totalAssetOfBtc: fixed(totalBtc),
    totalLiabilityOfBtc: ZERO8,
    totalNetAssetOfBtc: fixed(totalBtc),
    TotalCollateralValueInUSDT: fixed(totalUsdt),
    totalOpenOrderLossInUsdt: ZERO8,
    tradeEnabled: true,
    transferInEnabled: true,
    transferOutEnabled: true,
    accountType: 'MARGIN_1',
    userAssets,
  };
}

/** GET /sapi/v1/margin/isolated/account for the given pairs. */
export function isolatedMarginAccountBody(
  ledgers: readonly SpotLedger[],
  toBtc: ToBtc,
  indexPrice: (symbol: string) => string,
): Record<string, unknown> {
  let totalBtc = '0';
  const assets = ledgers.map((ledger) => {
    const inst = spotInstrument(ledger.pair as string) as SpotInstrument;
    const side = (asset: string) => {
      const b = ledger.balance(asset);
      const total = addDecimal(b.free, b.locked);
      const inBtc = toBtc(asset, total);
      totalBtc = addDecimal(totalBtc, inBtc);
      return {
        asset,
        borrowEnabled: true,
        borrowed: ZERO8,
        free: fixed(b.free),
        interest: ZERO8,
        locked: fixed(b.locked),
        netAsset: fixed(total),
        netAssetOfBtc: fixed(inBtc),
        repayEnabled: true,
        totalAsset: fixed(total),
      };
    };
    return {
      baseAsset: side(inst.baseAsset),
      quoteAsset: side(inst.quoteAsset),
      symbol: inst.symbol,
      isolatedCreated: true,
      enabled: true,
      marginLevel: MARGIN_LEVEL_NO_DEBT,
      marginLevelStatus: 'EXCESSIVE',
      marginRatio: '10.00000000',
      indexPrice: fixed(indexPrice(inst.symbol)),
      liquidatePrice: ZERO8,
      liquidateRate: ZERO8,
      tradeEnabled: true,
    };
  });
  return {
    assets,
    totalAssetOfBtc: fixed(totalBtc),
    totalLiabilityOfBtc: ZERO8,
    totalNetAssetOfBtc: fixed(totalBtc),
  };
}

/** GET /api/v3/account, /openapi/v1/account (BHEX) or Coins.ph's account. */
export function spotAccountBody(
  market: 'spot' | 'bhex' | 'coins',
  ledger: SpotLedger,
  omitZero: boolean,
  uid: number,
): Record<string, unknown> {
  const balances = balanceList(ledger, omitZero);
  if (market === 'bhex') {
    return { canTrade: true, canWithdraw: true, canDeposit: true, updateTime: ledger.updateTime, balances };
  }
  if (market === 'coins') {
    return {
      canTrade: true,
      canDeposit: true,
      canWithdraw: true,
      accountType: 'SPOT',
      updateTime: ledger.updateTime,
      balances,
    };
  }
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: ZERO8, seller: ZERO8 },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: ledger.updateTime,
    accountType: 'SPOT',
    balances,
    permissions: ['SPOT'],
    uid,
  };
}
