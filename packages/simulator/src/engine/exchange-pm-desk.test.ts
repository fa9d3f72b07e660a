import { describe, expect, test } from 'vitest';
import { parseEvent, type Recorded, rejection, setup } from './test-helpers.js';

// Portfolio margin's own activity, from the PM user-data pages:
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Order-Update
//   (margin orders: the spot executionReport on the PM stream)
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-OpenOrderLoss-Update
//   ("Cross margin order margin stream": O [{a, o}], the example's amounts negative)
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Conditional-Order-Trade-Update
//   (fs, so {s, c, si, S, st, f, q, p, sp, os NEW/CANCELED/EXPIRED/TRIGGERED/FINISHED, T, ut, …, i})
// https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-All-Current-CM-Open-Conditional-Orders
//   (newClientStrategyId, strategyId, strategyStatus, strategyType, origQty, stopPrice, bookTime, …)
// The margin account-update page (Event-Margin-Account-Update) is not in the search store; its
// event is the spot outboundAccountPosition, as the margin order page's sibling pages say.

/** Every event parses as a typed (not unknown) event of core's portfolio-margin dialect. */
function typedPm(list: readonly Recorded[]): string[] {
  return list.map((r) => {
    const parsed = parseEvent(r.event, 'portfolioMargin');
    if (!parsed.ok) throw parsed.error;
    expect(parsed.event.e).not.toBe('unknown');
    return parsed.event.e;
  });
}

describe('portfolio margin margin-side orders and openOrderLoss', () => {
  test('a resting margin order streams executionReport, outboundAccountPosition and the order margin it holds; a fill frees it', () => {
    const { exchange, take } = setup();
    take();
    const body = exchange.portfolioMargin('alice', 'marginOrder', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: '59000',
    }) as Record<string, unknown>;
    expect(body.status).toBe('NEW');
    const placed = take();
    // The PM stream's book key (the hub hands these types to PM streams only).
    expect(new Set(placed.map((r) => r.target.venue))).toEqual(new Set(['binance-usdm']));
    expect(typedPm(placed)).toEqual(['executionReport', 'outboundAccountPosition', 'openOrderLoss']);
    expect(placed[0]?.event).toMatchObject({ x: 'NEW', X: 'NEW', s: 'BTCUSDT', p: '59000.00000000' });
    expect(placed[2]?.event.O).toEqual([{ a: 'USDT', o: '-590.00000000' }]);
    expect(exchange.portfolioMargin('alice', 'marginOpenOrders')).toMatchObject([
      { symbol: 'BTCUSDT', orderId: body.orderId, status: 'NEW' },
    ]);
    // The USDⓈ-M book's own margin account is untouched: the PM margin account is its own.
    expect(exchange.orders('alice', 'binance-margin')).toEqual([]);

    exchange.setPrice('BTCUSDT', '58990');
    const filled = take().filter((r) => r.event.e !== 'riskLevelChange');
    expect(typedPm(filled)).toEqual(['executionReport', 'outboundAccountPosition', 'openOrderLoss']);
    expect(filled[0]?.event).toMatchObject({ x: 'TRADE', X: 'FILLED' });
    expect(filled[2]?.event.O).toEqual([{ a: 'USDT', o: '0' }]);
    expect(exchange.portfolioMargin('alice', 'marginOpenOrders')).toEqual([]);
  });

  test('cancelling sends CANCELED and the order margin back to 0; nothing changed, nothing sent', () => {
    const { exchange, take } = setup();
    const sell = exchange.portfolioMargin('alice', 'marginOrder', {
      symbol: 'ETHUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '2',
      price: '9000',
    }) as Record<string, unknown>;
    expect(take().at(-1)?.event.O).toEqual([{ a: 'ETH', o: '-2.00000000' }]);
    exchange.setPrice('BTCUSDT', '60010'); // another symbol: no order margin changes
    expect(take().filter((r) => r.event.e === 'openOrderLoss')).toEqual([]);
    exchange.portfolioMargin('alice', 'cancelMarginOrder', {
      symbol: 'ETHUSDT',
      orderId: String(sell.orderId),
    });
    const cancelled = take();
    expect(typedPm(cancelled)).toEqual(['executionReport', 'outboundAccountPosition', 'openOrderLoss']);
    expect(cancelled[0]?.event).toMatchObject({ x: 'CANCELED', X: 'CANCELED' });
    expect(cancelled[2]?.event.O).toEqual([{ a: 'ETH', o: '0' }]);
  });
});

describe('portfolio margin CM conditional orders (CONDITIONAL_ORDER_TRADE_UPDATE)', () => {
  const stop = {
    symbol: 'BTCUSD_PERP',
    side: 'SELL',
    strategyType: 'STOP_MARKET',
    quantity: '1',
    stopPrice: '59000',
    newClientStrategyId: 'pm-cm-stop-1',
  };

  test('NEW, then TRIGGERED with the placed order id and FINISHED once it filled; listed while waiting', () => {
    const { exchange, take } = setup();
    take();
    const body = exchange.portfolioMargin('alice', 'cmConditionalOrder', stop) as Record<string, unknown>;
    expect(body).toMatchObject({
      newClientStrategyId: 'pm-cm-stop-1',
      strategyStatus: 'NEW',
      strategyType: 'STOP_MARKET',
      stopPrice: '59000',
      origQty: '1',
      symbol: 'BTCUSD_PERP',
    });
    const created = take();
    expect(typedPm(created)).toEqual(['CONDITIONAL_ORDER_TRADE_UPDATE']);
    expect(created[0]?.event).toMatchObject({
      fs: 'CM',
      so: {
        s: 'BTCUSD_PERP',
        c: 'pm-cm-stop-1',
        si: body.strategyId,
        st: 'STOP_MARKET',
        os: 'NEW',
        sp: '59000',
      },
    });
    expect(exchange.portfolioMargin('alice', 'cmOpenConditionalOrders')).toEqual([body]);

    exchange.setPrice('BTCUSD_PERP', '58990');
    const fired = take();
    const pm = fired.filter((r) => r.event.e === 'CONDITIONAL_ORDER_TRADE_UPDATE');
    expect(typedPm(pm)).toEqual(['CONDITIONAL_ORDER_TRADE_UPDATE', 'CONDITIONAL_ORDER_TRADE_UPDATE']);
    const [triggered, finished] = pm.map((r) => r.event.so as Record<string, unknown>);
    expect(triggered).toMatchObject({ os: 'TRIGGERED', si: body.strategyId, i: expect.any(Number) });
    expect(finished).toMatchObject({ os: 'FINISHED', i: triggered?.i });
    // The book time stays the placement's; the update time moves.
    expect(finished?.T).toBe(body.bookTime);
    // The order the trigger placed trades on the COIN-M book: streamed to the COIN-M streams, and
    // to the PM stream (the USD-M book's key) as the CM business unit's (test/pm-cm-conditional.test.ts).
    const orders = fired.filter((r) => r.event.e === 'ORDER_TRADE_UPDATE');
    expect(orders.map((r) => [r.target.venue, r.event.fs])).toEqual([
      ['binance-coinm', undefined],
      ['binance-usdm', 'CM'],
      ['binance-coinm', undefined],
      ['binance-usdm', 'CM'],
    ]);
    expect((orders[0]?.event.o as Record<string, unknown> | undefined)?.i).toBe(triggered?.i);
    expect(exchange.portfolioMargin('alice', 'cmOpenConditionalOrders')).toEqual([]);
  });

  test('cancel by client id sends CANCELED; an unknown one is the venue refusal', () => {
    const { exchange, take } = setup();
    exchange.portfolioMargin('alice', 'cmConditionalOrder', stop);
    take();
    expect(
      exchange.portfolioMargin('alice', 'cancelCmConditionalOrder', { newClientStrategyId: 'pm-cm-stop-1' }),
    ).toMatchObject({ strategyStatus: 'CANCELED' });
    const events = take();
    expect(typedPm(events)).toEqual(['CONDITIONAL_ORDER_TRADE_UPDATE']);
    expect(events[0]?.event.so).toMatchObject({ os: 'CANCELED' });
    expect(
      rejection(() => exchange.portfolioMargin('alice', 'cancelCmConditionalOrder', { strategyId: '999' })),
    ).toEqual({ code: -2011, msg: 'Unknown order sent.' });
  });
});
