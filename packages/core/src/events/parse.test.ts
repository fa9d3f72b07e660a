import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ProtocolError } from '../errors.js';
import { eventSchemas, type ParsedFrame, parseEvent, parseFrame } from './index.js';

const fixture = (path: string): string =>
  readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');

function expectMalformed(parsed: ParsedFrame | ReturnType<typeof parseEvent>): ProtocolError {
  if (parsed.ok) throw new Error('expected a malformed frame');
  expect(parsed.error).toBeInstanceOf(ProtocolError);
  expect(parsed.error.code).toBe(ErrorCode.MalformedFrame);
  expect(parsed.error.code).toBe('USERSTREAM_MALFORMED_FRAME');
  return parsed.error;
}

describe('parseFrame: wrappers', () => {
  it('unwraps the WebSocket API wrapper and keeps subscriptionId', () => {
    const parsed = parseFrame(
      '{"subscriptionId":7,"event":{"e":"eventStreamTerminated","E":1728973001334}}',
      'spot',
    );
    expect(parsed).toEqual({
      ok: true,
      events: [{ e: 'eventStreamTerminated', E: 1728973001334 }],
      subscriptionId: 7,
    });
  });

  it('serverShutdown arrives with `event` only: subscriptionId is undefined', () => {
    const parsed = parseFrame(fixture('binance-spot/serverShutdown.json'), 'spot');
    expect(parsed).toEqual({
      ok: true,
      events: [{ e: 'serverShutdown', E: 1770123456789 }],
      subscriptionId: undefined,
    });
  });

  it('unwraps the combined-stream wrapper {stream, data}', () => {
    const frame = JSON.stringify({
      stream: 'pqia91ma19a5s61cv6a81va65sdf19v8',
      data: JSON.parse(fixture('futures/TRADE_LITE.json')),
    });
    const parsed = parseFrame(frame, 'futures');
    expect(parsed.ok && parsed.events[0]?.e).toBe('TRADE_LITE');
  });

  it('reads an array of events (BHEX frames)', () => {
    const frame = `[${fixture('bhex/outboundAccountInfo.json')},${fixture('bhex/executionReport.json')}]`;
    const parsed = parseFrame(frame, 'bhex');
    if (!parsed.ok) throw parsed.error;
    expect(parsed.events.map((e) => e.e)).toEqual(['outboundAccountInfo', 'executionReport']);
    expect(parsed.subscriptionId).toBeUndefined();
  });

  it('an empty array is an empty batch', () => {
    expect(parseFrame('[]', 'bhex')).toEqual({ ok: true, events: [], subscriptionId: undefined });
  });

  it('keeps BHEX numeric client order ids as sent', () => {
    const parsed = parseFrame(fixture('bhex/executionReport.json'), 'bhex');
    expect(parsed.ok && parsed.events[0]).toMatchObject({ c: 1000087761, N: null });
  });

  it('parses a USD-M digit-string event time to a number and leaves the expired key out (a secret)', () => {
    const parsed = parseFrame(fixture('futures/listenKeyExpired.json'), 'futures');
    expect(parsed.ok && parsed.events[0]).toEqual({ e: 'listenKeyExpired', E: 1736996475556 });
  });

  it('never fails on fields it does not know, and delivers the event as decoded (no copy)', () => {
    const parsed = parseFrame(
      '{"e":"balanceUpdate","E":1,"a":"BTC","d":"1.5","T":2,"zz":{"deep":[1,2]}}',
      'spot',
    );
    expect(parsed).toEqual({
      ok: true,
      events: [{ e: 'balanceUpdate', E: 1, a: 'BTC', d: '1.5', T: 2, zz: { deep: [1, 2] } }],
      subscriptionId: undefined,
    });
  });

  it('accepts every conditional executionReport field', () => {
    const event = {
      ...JSON.parse(fixture('binance-spot/executionReport.json')).event,
      d: 4,
      D: 1668680518494,
      j: 1,
      J: 1000000,
      A: '3.000000',
      B: '3.000000',
      u: 1,
      U: 37,
      Cs: 'BTCUSDT',
      pl: '2.123456',
      pL: '0.10000001',
      pY: '0.21234562',
      b: 'ONE_PARTY_TRADE_REPORT',
      a: 1234,
      k: 'SOR',
      uS: true,
      gP: 'PRIMARY_PEG',
      gOT: 'PRICE_LEVEL',
      gOV: 5,
      gp: '1.00000000',
      eR: 'INSUFFICIENT_LIQUIDITY',
    };
    const parsed = parseEvent(event, 'spot');
    expect(parsed.ok && parsed.event).toEqual(event);
  });
});

describe('unknown events pass through', () => {
  it('yields {e: "unknown", type, E, raw}', () => {
    // A type no dialect lists (STRATEGY_UPDATE, the old example here, is known since #18).
    const raw = { e: 'FUTURE_EVENT_X', E: 1669262908216, T: 1, x: { si: 176054594 } };
    const parsed = parseFrame(JSON.stringify(raw), 'futures');
    expect(parsed).toEqual({
      ok: true,
      events: [{ e: 'unknown', type: 'FUTURE_EVENT_X', E: 1669262908216, raw }],
      subscriptionId: undefined,
    });
  });

  it('E is undefined when it is not a number', () => {
    const parsed = parseEvent({ e: 'somethingNew', E: 'soon' }, 'coins');
    expect(parsed.ok && parsed.event).toEqual({
      e: 'unknown',
      type: 'somethingNew',
      E: undefined,
      raw: { e: 'somethingNew', E: 'soon' },
    });
  });

  it('an event of another dialect is unknown here', () => {
    const parsed = parseFrame(fixture('futures/MARGIN_CALL.json'), 'spot');
    expect(parsed.ok && parsed.events[0]?.e).toBe('unknown');
  });

  it('prototype names are not event types', () => {
    for (const e of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const parsed = parseEvent({ e, E: 1 }, 'spot');
      expect(parsed.ok && parsed.event.e).toBe('unknown');
    }
  });
});

describe('malformed frames', () => {
  it('bad JSON', () => {
    const error = expectMalformed(parseFrame('{"e":"executionReport",', 'spot'));
    expect(error.message).toMatchInlineSnapshot(`"Malformed spot frame: not valid JSON (23 characters)"`);
  });

  it('a required field of the wrong type', () => {
    const event = JSON.parse(fixture('binance-spot/executionReport.json'));
    event.event.q = 1;
    const error = expectMalformed(parseFrame(JSON.stringify(event), 'spot'));
    expect(error.message).toMatchInlineSnapshot(
      `"Malformed spot "executionReport" event: field q: Invalid input: expected string, received number"`,
    );
    expect(error.details).toEqual({ dialect: 'spot', eventType: 'executionReport', path: 'q', issues: 1 });
  });

  it('a missing field, deep in the event', () => {
    const event = JSON.parse(fixture('futures/ACCOUNT_UPDATE.json'));
    delete event.a.P[1].pa;
    const error = expectMalformed(parseFrame(JSON.stringify(event), 'futures'));
    expect(error.message).toMatchInlineSnapshot(
      `"Malformed futures "ACCOUNT_UPDATE" event: field a.P[1].pa: Invalid input: expected string, received undefined"`,
    );
  });

  it('counts further issues', () => {
    const error = expectMalformed(parseEvent({ e: 'balanceUpdate', E: '1', a: 1, d: 2 }, 'coins'));
    expect(error.message).toMatchInlineSnapshot(
      `"Malformed coins "balanceUpdate" event: field E: Invalid input: expected number, received string (and 3 more)"`,
    );
  });

  it('an array of garbage', () => {
    const error = expectMalformed(parseFrame('[1, "x", null]', 'bhex'));
    expect(error.message).toMatchInlineSnapshot(
      `"Malformed bhex frame (frame[0]): expected an event object, got a number"`,
    );
  });

  it('a bad element of an array rejects the whole frame and says which one', () => {
    const frame = `[${fixture('bhex/outboundAccountInfo.json')},{"e":"executionReport","E":1}]`;
    const error = expectMalformed(parseFrame(frame, 'bhex'));
    expect(error.message).toMatch(/^Malformed bhex "executionReport" event \(frame\[1\]\): field s: /);
  });

  it.each([
    ['null', 'Malformed spot frame: expected a JSON object or array, got null'],
    ['42', 'Malformed spot frame: expected a JSON object or array, got a number'],
    ['"text"', 'Malformed spot frame: expected a JSON object or array, got a string'],
    ['{}', 'Malformed spot frame: missing event type "e" (and no "event" or "data")'],
    ['{"e":5}', 'Malformed spot frame: event type "e" is a number'],
    ['{"event":[]}', 'Malformed spot frame: expected an event object, got an array'],
    [
      '{"subscriptionId":"1","event":{"e":"serverShutdown","E":1}}',
      'Malformed spot frame: subscriptionId is a string',
    ],
    [
      '{"id":1,"status":200,"result":{}}',
      'Malformed spot frame: missing event type "e" (and no "event" or "data")',
    ],
  ])('%s', (text, message) => {
    expect(expectMalformed(parseFrame(text, 'spot')).message).toBe(message);
  });

  it('an unknown dialect is an error, not a crash', () => {
    const error = expectMalformed(parseFrame('{"e":"x","E":1}', 'kraken' as 'spot'));
    expect(error.message).toMatchInlineSnapshot(
      `"Cannot parse events: unknown dialect (use one of spot, futures, bhex, coins, options, portfolioMargin, marginRisk, bingxSpot, bingxSwap, mexc, aster, asterFutures, tokocrypto, toobit, bitrue)"`,
    );
  });

  it('never quotes the listenKey of a malformed futures listenKeyExpired frame', () => {
    const listenKey = 'WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv';
    const frames = [
      `{"e":"listenKeyExpired","E":"not-a-time","listenKey":"${listenKey}"}`,
      `{"e":"listenKeyExpired","E":1,"listenKey":["${listenKey}"]}`,
      `{"e":"listenKeyExpired","E":1,"listenKey":"${listenKey}"`,
      `{"stream":"${listenKey}","data":{"e":"listenKeyExpired","listenKey":"${listenKey}"}}`,
      `${listenKey}`,
    ];
    for (const text of frames) {
      const error = expectMalformed(parseFrame(text, 'futures'));
      const rendered = [
        error.message,
        error.stack,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
      ].join('\n');
      expect(rendered).not.toContain(listenKey);
      expect(rendered).not.toContain(listenKey.slice(0, 16));
    }
    expect(expectMalformed(parseFrame(frames[0] ?? '', 'futures')).message).toMatchInlineSnapshot(
      `"Malformed futures "listenKeyExpired" event: field E: Invalid input: expected a number or a string of digits"`,
    );
  });
});

describe('eventSchemas', () => {
  it('lists the known events of each dialect', () => {
    expect(Object.fromEntries(Object.entries(eventSchemas).map(([d, s]) => [d, Object.keys(s)]))).toEqual({
      spot: [
        'outboundAccountPosition',
        'balanceUpdate',
        'executionReport',
        'listStatus',
        'listenKeyExpired',
        'eventStreamTerminated',
        'externalLockUpdate',
        'serverShutdown',
        'MARGIN_LEVEL_STATUS_CHANGE',
        'USER_LIABILITY_CHANGE',
      ],
      futures: [
        'ORDER_TRADE_UPDATE',
        'ACCOUNT_UPDATE',
        'TRADE_LITE',
        'ACCOUNT_CONFIG_UPDATE',
        'MARGIN_CALL',
        'listenKeyExpired',
        'ALGO_UPDATE',
        'CONDITIONAL_ORDER_TRIGGER_REJECT',
        'STRATEGY_UPDATE',
        'GRID_UPDATE',
        'RISK_LEVEL_CHANGE',
        'PM_PRO_ACCOUNT_UPDATE',
      ],
      bhex: ['outboundAccountInfo', 'outboundMarginAccountInfo', 'executionReport', 'marginExecutionReport'],
      coins: ['outboundAccountPosition', 'balanceUpdate', 'executionReport'],
      options: [
        'ACCOUNT_UPDATE',
        'ORDER_TRADE_UPDATE',
        'BALANCE_POSITION_UPDATE',
        'GREEK_UPDATE',
        'RISK_LEVEL_CHANGE',
        'listenKeyExpired',
      ],
      portfolioMargin: [
        'ORDER_TRADE_UPDATE',
        'ACCOUNT_UPDATE',
        'TRADE_LITE',
        'ACCOUNT_CONFIG_UPDATE',
        'MARGIN_CALL',
        'listenKeyExpired',
        'executionReport',
        'outboundAccountPosition',
        'balanceUpdate',
        'listStatus',
        'CONDITIONAL_ORDER_TRADE_UPDATE',
        'ALGO_UPDATE',
        'riskLevelChange',
        'openOrderLoss',
        'liabilityChange',
      ],
      marginRisk: ['MARGIN_LEVEL_STATUS_CHANGE', 'USER_LIABILITY_CHANGE', 'listenKeyExpired'],
      bingxSpot: ['executionReport', 'ACCOUNT_UPDATE'],
      bingxSwap: ['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE', 'ACCOUNT_CONFIG_UPDATE', 'listenKeyExpired'],
      mexc: ['privateAccount', 'privateDeals', 'privateOrders'],
      aster: ['outboundAccountPosition', 'executionReport'],
      asterFutures: [
        'ORDER_TRADE_UPDATE',
        'ACCOUNT_UPDATE',
        'TRADE_LITE',
        'ACCOUNT_CONFIG_UPDATE',
        'MARGIN_CALL',
        'listenKeyExpired',
        'announcement',
      ],
      tokocrypto: ['outboundAccountPosition', 'executionReport', 'eventStreamTerminated'],
      toobit: [
        'outboundAccountInfo',
        'executionReport',
        'ticketInfo',
        'listenKeyWillExpire',
        'outboundContractAccountInfo',
        'outboundContractPositionInfo',
        'contractExecutionReport',
      ],
      bitrue: ['ORDER', 'executionReport', 'BALANCE'],
    });
    expect(Object.isFrozen(eventSchemas.spot)).toBe(true);
  });
});
