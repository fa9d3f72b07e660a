import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Dialect, type NormalizedEvent, normalizeEvent, parseEvent, parseFrame } from './index.js';
import { normalizeRestOrder, orderSnapshotOf } from './normalize.js';

function normalized(path: string, dialect: Dialect): NormalizedEvent {
  const text = readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');
  const parsed = parseFrame(text, dialect);
  if (!parsed.ok) throw parsed.error;
  const event = parsed.events[0];
  if (event === undefined) throw new Error('no event');
  const view = normalizeEvent(event, dialect);
  expect(view.raw).toBe(event);
  return view;
}

/** The view without `raw` (the parsed event, pinned by the parse tests). */
function withoutRaw(view: NormalizedEvent): Omit<NormalizedEvent, 'raw'> {
  const { raw: _raw, ...rest } = view;
  return rest;
}

describe('normalizeEvent: orders', () => {
  it('spot executionReport', () => {
    expect(withoutRaw(normalized('binance-spot/executionReport.json', 'spot'))).toMatchInlineSnapshot(`
      {
        "clientOrderId": "mUvoqJxFIILMdfAW5iGSOW",
        "commission": "0",
        "commissionAsset": null,
        "eventType": "executionReport",
        "executionType": "NEW",
        "filledQuantity": "0.00000000",
        "isMaker": false,
        "kind": "order",
        "lastFilledPrice": "0.00000000",
        "lastFilledQuantity": "0.00000000",
        "orderId": "4293153",
        "price": "0.10264410",
        "quantity": "1.00000000",
        "quoteFilledQuantity": "0.00000000",
        "side": "BUY",
        "status": "NEW",
        "symbol": "ETHBTC",
        "timeInForce": "GTC",
        "tradeId": undefined,
        "transactionTime": 1499405658657,
        "type": "LIMIT",
        "venueEventTime": 1499405658658,
      }
    `);
  });

  it('futures ORDER_TRADE_UPDATE', () => {
    expect(withoutRaw(normalized('futures/ORDER_TRADE_UPDATE.json', 'futures'))).toMatchInlineSnapshot(`
      {
        "clientOrderId": "TEST",
        "commission": "0",
        "commissionAsset": "USDT",
        "eventType": "ORDER_TRADE_UPDATE",
        "executionType": "NEW",
        "filledQuantity": "0",
        "isMaker": false,
        "kind": "order",
        "lastFilledPrice": "0",
        "lastFilledQuantity": "0",
        "orderId": "8886774",
        "price": "0",
        "quantity": "0.001",
        "quoteFilledQuantity": undefined,
        "side": "SELL",
        "status": "NEW",
        "symbol": "BTCUSDT",
        "timeInForce": "GTC",
        "tradeId": undefined,
        "transactionTime": 1568879465650,
        "type": "TRAILING_STOP_MARKET",
        "venueEventTime": 1568879465651,
      }
    `);
  });

  it('bhex executionReport: numeric client order id becomes a string', () => {
    const view = normalized('bhex/executionReport.json', 'bhex');
    expect(view.kind === 'order' && view.clientOrderId).toBe('1000087761');
    expect(withoutRaw(view)).toMatchInlineSnapshot(`
      {
        "clientOrderId": "1000087761",
        "commission": "0",
        "commissionAsset": null,
        "eventType": "executionReport",
        "executionType": undefined,
        "filledQuantity": "0.00000000",
        "isMaker": false,
        "kind": "order",
        "lastFilledPrice": "0.00000000",
        "lastFilledQuantity": "0.00000000",
        "orderId": "4293153",
        "price": "0.10264410",
        "quantity": "1.00000000",
        "quoteFilledQuantity": "0.00000000",
        "side": "BUY",
        "status": "NEW",
        "symbol": "ETHBTC",
        "timeInForce": "GTC",
        "tradeId": undefined,
        "transactionTime": undefined,
        "type": "LIMIT",
        "venueEventTime": 1499405658658,
      }
    `);
  });

  // Coins.ph documents order id 1241518645726809840, above 2^53: JSON.parse rounds it, hence …900.
  it('coins executionReport', () => {
    expect(withoutRaw(normalized('coins/executionReport.json', 'coins'))).toMatchInlineSnapshot(`
      {
        "clientOrderId": "1000087761",
        "commission": "0",
        "commissionAsset": null,
        "eventType": "executionReport",
        "executionType": "NEW",
        "filledQuantity": "0.00000000",
        "isMaker": false,
        "kind": "order",
        "lastFilledPrice": "0.00000000",
        "lastFilledQuantity": "0.00000000",
        "orderId": "1241518645726809900",
        "price": "0.10264410",
        "quantity": "1.00000000",
        "quoteFilledQuantity": "0.00000000",
        "side": "BUY",
        "status": "NEW",
        "symbol": "ETHBTC",
        "timeInForce": "GTC",
        "tradeId": undefined,
        "transactionTime": undefined,
        "type": "LIMIT",
        "venueEventTime": 1499405658658,
      }
    `);
  });

  it('futures order without commission fields reports "0" and null', () => {
    const event = JSON.parse(
      readFileSync(new URL('../../test/fixtures/futures/ORDER_TRADE_UPDATE.json', import.meta.url), 'utf8'),
    );
    delete event.o.N;
    delete event.o.n;
    const parsed = parseEvent(event, 'futures');
    if (!parsed.ok) throw parsed.error;
    expect(normalizeEvent(parsed.event, 'futures')).toMatchObject({ commission: '0', commissionAsset: null });
  });
});

describe('normalizeEvent: balances', () => {
  it('spot outboundAccountPosition', () => {
    expect(
      withoutRaw(normalized('binance-spot/outboundAccountPosition.json', 'spot')),
    ).toMatchInlineSnapshot(`
      {
        "balances": [
          {
            "asset": "ETH",
            "free": "10000.000000",
            "locked": "0.000000",
          },
        ],
        "eventType": "outboundAccountPosition",
        "kind": "balances",
        "lastUpdateTime": 1564034571073,
        "venueEventTime": 1564034571105,
      }
    `);
  });

  it('spot balanceUpdate', () => {
    expect(withoutRaw(normalized('binance-spot/balanceUpdate.json', 'spot'))).toMatchInlineSnapshot(`
      {
        "asset": "BTC",
        "clearTime": 1573200697068,
        "delta": "100.00000000",
        "eventType": "balanceUpdate",
        "kind": "balanceDelta",
        "venueEventTime": 1573200697110,
      }
    `);
  });

  it('bhex outboundAccountInfo with T/W/D flags', () => {
    expect(withoutRaw(normalized('bhex/outboundAccountInfo.json', 'bhex'))).toMatchInlineSnapshot(`
      {
        "balances": [
          {
            "asset": "LTC",
            "free": "17366.18538083",
            "locked": "0.00000000",
          },
        ],
        "canDeposit": true,
        "canTrade": true,
        "canWithdraw": true,
        "eventType": "outboundAccountInfo",
        "kind": "balances",
        "lastUpdateTime": undefined,
        "venueEventTime": 1499405658849,
      }
    `);
  });

  it('coins outboundAccountPosition and balanceUpdate', () => {
    expect(withoutRaw(normalized('coins/outboundAccountPosition.json', 'coins'))).toMatchInlineSnapshot(`
      {
        "balances": [
          {
            "asset": "ETH",
            "free": "10000.000000",
            "locked": "0.000000",
          },
        ],
        "eventType": "outboundAccountPosition",
        "kind": "balances",
        "lastUpdateTime": 1564034571073,
        "venueEventTime": 1564034571105,
      }
    `);
    expect(withoutRaw(normalized('coins/balanceUpdate.json', 'coins'))).toMatchInlineSnapshot(`
      {
        "asset": "ETH",
        "clearTime": 1573200697068,
        "delta": "100.00000000",
        "eventType": "balanceUpdate",
        "kind": "balanceDelta",
        "venueEventTime": 1573200697110,
      }
    `);
  });

  it('futures ACCOUNT_UPDATE', () => {
    expect(withoutRaw(normalized('futures/ACCOUNT_UPDATE.json', 'futures'))).toMatchInlineSnapshot(`
      {
        "balances": [
          {
            "asset": "USDT",
            "balanceChange": "50.12345678",
            "crossWalletBalance": "100.12345678",
            "walletBalance": "122624.12345678",
          },
          {
            "asset": "BUSD",
            "balanceChange": "-49.12345678",
            "crossWalletBalance": "0.00000000",
            "walletBalance": "1.00000000",
          },
        ],
        "book": undefined,
        "eventType": "ACCOUNT_UPDATE",
        "kind": "accountUpdate",
        "positions": [
          {
            "accumulatedRealized": "200",
            "breakEvenPrice": "0",
            "entryPrice": "0.00000",
            "isolatedWallet": "0.00000000",
            "marginType": "isolated",
            "positionAmount": "0",
            "positionSide": "BOTH",
            "symbol": "BTCUSDT",
            "unrealizedPnl": "0",
          },
          {
            "accumulatedRealized": "0",
            "breakEvenPrice": "0",
            "entryPrice": "6563.66500",
            "isolatedWallet": "13200.70726908",
            "marginType": "isolated",
            "positionAmount": "20",
            "positionSide": "LONG",
            "symbol": "BTCUSDT",
            "unrealizedPnl": "2850.21200",
          },
          {
            "accumulatedRealized": "-45.04000000",
            "breakEvenPrice": "6563.6",
            "entryPrice": "6563.86000",
            "isolatedWallet": "6570.42511771",
            "marginType": "isolated",
            "positionAmount": "-10",
            "positionSide": "SHORT",
            "symbol": "BTCUSDT",
            "unrealizedPnl": "-1423.15600",
          },
        ],
        "reason": "ORDER",
        "transactionTime": 1564745798938,
        "venueEventTime": 1564745798939,
      }
    `);
  });
});

describe('normalizeEvent: other kinds', () => {
  it('spot listStatus', () => {
    expect(withoutRaw(normalized('binance-spot/listStatus.json', 'spot'))).toMatchInlineSnapshot(`
      {
        "contingencyType": "OCO",
        "eventType": "listStatus",
        "kind": "orderList",
        "listClientOrderId": "F4QN4G8DlFATFlIUQ0cjdD",
        "listOrderStatus": "EXECUTING",
        "listRejectReason": "NONE",
        "listStatusType": "EXEC_STARTED",
        "orderListId": 2,
        "orders": [
          {
            "clientOrderId": "AJYsMjErWJesZvqlJCTUgL",
            "orderId": "17",
            "symbol": "ETHBTC",
          },
          {
            "clientOrderId": "bfYPSQdLoqAJeNrOr9adzq",
            "orderId": "18",
            "symbol": "ETHBTC",
          },
        ],
        "symbol": "ETHBTC",
        "transactionTime": 1564035303625,
        "venueEventTime": 1564035303637,
      }
    `);
  });

  it.each([
    ['binance-spot/listenKeyExpired.json', 'spot', 'credentialExpired'],
    ['binance-spot/eventStreamTerminated.json', 'spot', 'credentialExpired'],
    ['futures/listenKeyExpired.json', 'futures', 'credentialExpired'],
    ['binance-spot/serverShutdown.json', 'spot', 'serverShutdown'],
    ['binance-spot/externalLockUpdate.json', 'spot', 'other'],
    ['futures/TRADE_LITE.json', 'futures', 'other'],
    ['futures/ACCOUNT_CONFIG_UPDATE.json', 'futures', 'other'],
    ['futures/MARGIN_CALL.json', 'futures', 'other'],
  ] as const)('%s is %s', (path, dialect, kind) => {
    const view = normalized(path, dialect);
    expect(view.kind).toBe(kind);
    expect(typeof view.venueEventTime).toBe('number');
  });

  it('unknown events are other, with their type and raw object', () => {
    const parsed = parseEvent({ e: 'FUTURE_EVENT_X', E: 5, x: {} }, 'futures');
    if (!parsed.ok) throw parsed.error;
    expect(normalizeEvent(parsed.event, 'futures')).toMatchInlineSnapshot(`
      {
        "eventType": "FUTURE_EVENT_X",
        "kind": "other",
        "raw": {
          "E": 5,
          "e": "unknown",
          "raw": {
            "E": 5,
            "e": "FUTURE_EVENT_X",
            "x": {},
          },
          "type": "FUTURE_EVENT_X",
        },
        "venueEventTime": 5,
      }
    `);
  });
});

describe('normalizeEvent: a spot cancel', () => {
  it("names the canceled order's own client id (C) beside the cancel request's (c); absent when C is empty", () => {
    const text = readFileSync(
      new URL('../../test/fixtures/binance-spot/executionReport.json', import.meta.url),
      'utf8',
    );
    const raw = (JSON.parse(text) as { event: Record<string, unknown> }).event;
    const cancel = parseEvent(
      { ...raw, x: 'CANCELED', X: 'CANCELED', c: 'cancel-request', C: 'my-order' },
      'spot',
    );
    if (!cancel.ok) throw cancel.error;
    expect(normalizeEvent(cancel.event, 'spot')).toMatchObject({
      kind: 'order',
      clientOrderId: 'cancel-request',
      originalClientOrderId: 'my-order',
    });
    const fresh = parseEvent(raw, 'spot');
    if (!fresh.ok) throw fresh.error;
    expect('originalClientOrderId' in normalizeEvent(fresh.event, 'spot')).toBe(false);
  });
});

describe('one order shape for events and REST orders', () => {
  it('orderSnapshotOf: an order event as snapshots hold it (a cancel names the order by its own client id)', () => {
    const text = readFileSync(
      new URL('../../test/fixtures/binance-spot/executionReport.json', import.meta.url),
      'utf8',
    );
    const raw = (JSON.parse(text) as { event: Record<string, unknown> }).event;
    const cancel = parseEvent(
      { ...raw, x: 'CANCELED', X: 'CANCELED', c: 'cancel-request', C: 'my-order' },
      'spot',
    );
    if (!cancel.ok) throw cancel.error;
    const view = normalizeEvent(cancel.event, 'spot');
    if (view.kind !== 'order') throw new Error('not an order');
    expect(orderSnapshotOf(view, 7)).toMatchInlineSnapshot(`
      {
        "clientOrderId": "my-order",
        "filledQuantity": "0.00000000",
        "orderId": "4293153",
        "price": "0.10264410",
        "quantity": "1.00000000",
        "side": "BUY",
        "status": "CANCELED",
        "symbol": "ETHBTC",
        "type": "LIMIT",
        "updateTime": 7,
      }
    `);
    const futures = normalized('futures/ORDER_TRADE_UPDATE.json', 'futures');
    if (futures.kind !== 'order') throw new Error('not an order');
    expect(orderSnapshotOf(futures, 8).clientOrderId).toBe(futures.clientOrderId);
  });

  it('normalizeRestOrder: spot, futures and BHEX open-order objects', () => {
    expect(
      normalizeRestOrder({
        symbol: 'BTCUSDT',
        orderId: 12,
        clientOrderId: 'a',
        side: 'BUY',
        type: 'LIMIT',
        status: 'NEW',
        price: '50000.00',
        origQty: '0.010',
        executedQty: '0',
        updateTime: 1700,
        time: 1600,
      }),
    ).toMatchInlineSnapshot(`
      {
        "clientOrderId": "a",
        "filledQuantity": "0",
        "orderId": "12",
        "price": "50000.00",
        "quantity": "0.010",
        "side": "BUY",
        "status": "NEW",
        "symbol": "BTCUSDT",
        "type": "LIMIT",
        "updateTime": 1700,
      }
    `);
    // BHEX: numeric ids, no updateTime (its `time` is used); missing fields become "".
    expect(
      normalizeRestOrder({ symbol: 'ETHBTC', orderId: '5', clientOrderId: 77, time: '1600' }),
    ).toMatchInlineSnapshot(`
      {
        "clientOrderId": "77",
        "filledQuantity": "",
        "orderId": "5",
        "price": "",
        "quantity": "",
        "side": "",
        "status": "",
        "symbol": "ETHBTC",
        "type": "",
        "updateTime": 1600,
      }
    `);
  });
});
