import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeEvent, normalizeRestOrder, normalizeRestPosition } from './events/normalize.js';
import { parseFrame } from './events/parse.js';
import { streamUrl } from './venue-url.js';
import { getVenue } from './venues.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/toobit/', import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}.json`, 'utf8');
const K = 'k'.repeat(64);

/**
 * Issue #13 item 4, Toobit USDT-M perpetual futures. The facts the pages state (checked 2026-12-03):
 * https://api-docs.toobit.com/api/usdt-m-websocket-account.html (listenKey routes, stream, pushes);
 * https://toobit-docs.github.io/apidocs/usdt_swap/v1/en/ (REST: balance, openOrders, positions;
 * the search store's copy of api-docs.toobit.com lacks the USDT-M REST pages, this is Toobit's own
 * earlier reference, the toobit-docs/apidocs repository).
 */
describe('toobit-usdm profile', () => {
  it("speaks toobit-spot's signed listenKey protocol on the futures paths", () => {
    const v = getVenue('toobit-usdm');
    expect([v.market, v.dialect, v.restBaseUrl, v.apiKeyHeader]).toEqual([
      'usdm',
      'toobit',
      'https://api.toobit.com',
      'X-BB-APIKEY',
    ]);
    expect(streamUrl(v, K)).toBe(`wss://stream.toobit.com/api/v1/ws/${K}`);
    expect(
      [v.listenKey!.create, v.listenKey!.keepAlive, v.listenKey!.close].map(
        (e) => `${e.method} ${e.path} ${e.weight} ${e.signed}`,
      ),
    ).toEqual([
      'POST /api/v1/listenKey 1 true',
      'PUT /api/v1/listenKey 1 true',
      'DELETE /api/v1/listenKey 1 true',
    ]);
    expect(v.timing).toEqual({
      keyValidityMs: 3_600_000,
      renewIntervalMs: 1_800_000,
      connectionLifetimeMs: 86_400_000,
    });
    expect(v.frames).toEqual({ encoding: 'json-array', heartbeat: 'json-ping' });
    expect(v.listenKey!.renewOn).toEqual(['listenKeyWillExpire']);
    expect(
      Object.entries(v.endpoints).map(
        ([name, e]) => `${name}: ${e.method} ${e.path} ${e.weight} ${e.signed}`,
      ),
    ).toEqual([
      'serverTime: GET /api/v1/time 1 false',
      'account: GET /api/v1/futures/balance 5 true',
      'openOrders: GET /api/v1/futures/openOrders 1 true',
      'order: POST /api/v1/futures/order 1 true',
      'positions: GET /api/v1/futures/positions 5 true',
    ]);
    // The spot profile is unchanged.
    expect(getVenue('toobit-spot').listenKey!.create.path).toBe('/api/v1/userDataStream');
  });
});

describe('toobit dialect, USDT-M pushes in the common model', () => {
  it('a position push is an account update with that side, signed (SHORT negative)', () => {
    const parsed = parseFrame(fixture('outboundContractPositionInfo'), 'toobit');
    if (!parsed.ok) throw parsed.error;
    const long = normalizeEvent(parsed.events[0]!, 'toobit');
    expect(long).toMatchObject({
      kind: 'accountUpdate',
      eventType: 'outboundContractPositionInfo',
      venueEventTime: 1668693440976,
      transactionTime: 1668693440976,
      balances: [],
      positions: [
        {
          symbol: 'BTC-SWAP-USDT',
          positionSide: 'LONG',
          positionAmount: '1291488620385157122',
          entryPrice: '441.0',
          unrealizedPnl: '12',
          accumulatedRealized: '44',
          marginType: 'cross',
          isolatedWallet: undefined,
        },
      ],
    });
    const short = JSON.parse(fixture('outboundContractPositionInfo')) as Record<string, unknown>[];
    short[0] = { ...short[0], S: 'SHORT', P: '2.50', mt: 'ISOLATED' };
    const s = parseFrame(JSON.stringify(short), 'toobit');
    if (!s.ok) throw s.error;
    expect(normalizeEvent(s.events[0]!, 'toobit')).toMatchObject({
      positions: [
        { positionSide: 'SHORT', positionAmount: '-2.5', marginType: 'isolated', isolatedWallet: '18.2' },
      ],
    });
  });

  it('a contract order report is an order with its update time; the balance push a balance snapshot', () => {
    const order = parseFrame(fixture('contractExecutionReport'), 'toobit');
    if (!order.ok) throw order.error;
    expect(normalizeEvent(order.events[0]!, 'toobit')).toMatchObject({
      kind: 'order',
      symbol: 'BTC-SWAP-USDT',
      orderId: '4293153',
      clientOrderId: '1000087761',
      side: 'BUY',
      status: 'NEW',
      quantity: '1.00000000',
      filledQuantity: '0.00000000',
      transactionTime: 1499405658658,
    });
    const account = parseFrame(fixture('outboundContractAccountInfo'), 'toobit');
    if (!account.ok) throw account.error;
    expect(normalizeEvent(account.events[0]!, 'toobit')).toMatchObject({
      kind: 'balances',
      eventType: 'outboundContractAccountInfo',
      balances: [{ asset: 'LTC', free: '17366.18538083', locked: '0' }],
    });
    // A non-zero `l` (undefined by the docs on a futures account) is not taken as locked: the
    // snapshot reads the REST `balance` as free with locked 0, and the push must agree with it,
    // or every reconciliation would report the difference (the profile writes the choice down).
    const withL = JSON.parse(fixture('outboundContractAccountInfo')) as [{ B: { l: string }[] }];
    withL[0].B[0]!.l = '12.50000000';
    const busy = parseFrame(JSON.stringify(withL), 'toobit');
    if (!busy.ok) throw busy.error;
    expect(normalizeEvent(busy.events[0]!, 'toobit')).toMatchObject({
      balances: [{ asset: 'LTC', free: '17366.18538083', locked: '0' }],
    });
  });
});

describe('Toobit USDT-M REST objects in the snapshot shapes', () => {
  // The documented examples (usdt_swap/v1/en: "Query Position", "Query Current Open Order").
  const position = {
    symbol: 'BTC-SWAP-USDT',
    side: 'LONG',
    avgPrice: '24000',
    position: '10',
    available: '10',
    leverage: '2',
    lastPrice: '16854.4',
    positionValue: '24',
    flp: '12077.8',
    margin: '11.9825',
    marginRate: '0.4992',
    unrealizedPnL: '0',
    profitRate: '0',
    realizedPnL: '-0.018',
  };
  const order = {
    time: '1570760254539',
    updateTime: '1570760254539',
    orderId: '469965509788581888',
    clientOrderId: '1570760253946',
    symbol: 'BTC-PERP-REV',
    price: '8502.34',
    leverage: '20',
    origQty: '222',
    executedQty: '0',
    avgPrice: '0',
    marginLocked: '0.00130552',
    type: 'LIMIT',
    side: 'BUY_OPEN',
    timeInForce: 'GTC',
    status: 'NEW',
    priceType: 'INPUT',
  };

  it('a position: side kept, size signed as its push is', () => {
    expect(normalizeRestPosition(position)).toEqual({
      book: undefined,
      symbol: 'BTC-SWAP-USDT',
      positionSide: 'LONG',
      positionAmount: '10',
      entryPrice: '24000',
      unrealizedPnl: '0',
      marginType: '',
      isolatedWallet: '0',
      updateTime: 0,
    });
    expect(normalizeRestPosition({ ...position, side: 'SHORT', position: '3.5' }).positionAmount).toBe(
      '-3.5',
    );
    // Binance's positionRisk objects read as before.
    expect(
      normalizeRestPosition({ symbol: 'BTCUSDT', positionSide: 'BOTH', positionAmt: '-1', entryPrice: '1' })
        .positionAmount,
    ).toBe('-1');
  });

  it("an open order: the side as the order push names it (BUY_OPEN is BUY), times from Toobit's digit strings", () => {
    expect(normalizeRestOrder(order)).toEqual({
      symbol: 'BTC-PERP-REV',
      orderId: '469965509788581888',
      clientOrderId: '1570760253946',
      side: 'BUY',
      type: 'LIMIT',
      status: 'NEW',
      price: '8502.34',
      quantity: '222',
      filledQuantity: '0',
      updateTime: 1570760254539,
    });
    expect(
      ['SELL_OPEN', 'BUY_CLOSE', 'SELL_CLOSE', 'SELL', 'BUY'].map(
        (side) => normalizeRestOrder({ side }).side,
      ),
    ).toEqual(['SELL', 'BUY', 'SELL', 'SELL', 'BUY']);
  });
});
