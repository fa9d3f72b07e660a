/**
 * Rules of the issue #18 events beyond "the documented example parses" (conformance.test.ts does
 * that for every fixture): statuses, optional newer fields, exact ids beyond 2^53, the options
 * envelope, and each dialect keeping its own shape of a shared event type.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Dialect, parseDecodedFrame, parseEvent, parseFrame } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const fixture = (path: string): string => readFileSync(`${FIXTURES}${path}`, 'utf8');
const decoded = (path: string): Record<string, unknown> =>
  JSON.parse(fixture(path)) as Record<string, unknown>;

function one<D extends Dialect>(text: string, dialect: D) {
  const parsed = parseFrame(text, dialect);
  if (!parsed.ok) throw parsed.error;
  expect(parsed.events).toHaveLength(1);
  return parsed.events[0];
}

describe('ALGO_UPDATE (USDⓈ-M, COIN-M)', () => {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
  const base = decoded('futures/ALGO_UPDATE.json');
  const withStatus = (X: string) => ({ ...base, o: { ...(base.o as object), X } });

  it.each(['NEW', 'CANCELED', 'TRIGGERING', 'TRIGGERED', 'FINISHED', 'REJECTED', 'EXPIRED'])(
    'the documented status %s parses as a typed algo order',
    (X) => {
      const event = one(JSON.stringify(withStatus(X)), 'futures');
      if (event?.e !== 'ALGO_UPDATE') throw new Error(String(event?.e));
      expect(event.o.X).toBe(X);
      expect(event.o.aid).toBe(2148719);
    },
  );

  it('E is the event time the stream is ordered by: the docs swap the labels, not the values', () => {
    // The page labels T "Event Time" and E "Transaction Time"; its example's E (…303) is the later
    // one, as an event time after its matching-engine time must be. Parsed as sent, never swapped.
    const event = one(fixture('futures/ALGO_UPDATE.json'), 'futures');
    if (event?.e !== 'ALGO_UPDATE') throw new Error(String(event?.e));
    expect([event.E, event.T]).toEqual([1750515742303, 1750515742297]);
    expect(event.E).toBeGreaterThan(event.T);
  });

  it('a conditional order without its algo order, or with a numeric quantity, is malformed', () => {
    const { o: _o, ...noOrder } = base;
    expect(parseEvent(noOrder, 'futures').ok).toBe(false);
    const numericQty = { ...base, o: { ...(base.o as object), q: 0.01 } };
    const parsed = parseEvent(numericQty, 'futures');
    if (parsed.ok) throw new Error('accepted a numeric quantity');
    expect(parsed.error.message).toMatchInlineSnapshot(
      `"Malformed futures "ALGO_UPDATE" event: field o.q: Invalid input: expected string, received number"`,
    );
  });
});

describe('ORDER_TRADE_UPDATE newer fields (er, V, pm, gtd)', () => {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update
  it('keeps er as the venue sent it, and older frames without er, V, pm, gtd still parse', () => {
    const event = one(fixture('futures/ORDER_TRADE_UPDATE-er.json'), 'futures');
    if (event?.e !== 'ORDER_TRADE_UPDATE') throw new Error(String(event?.e));
    expect([event.o.er, event.o.V, event.o.pm, event.o.gtd]).toEqual(['0', 'EXPIRE_TAKER', 'OPPONENT', 0]);

    const older = decoded('futures/ORDER_TRADE_UPDATE.json');
    const { V: _v, pm: _pm, gtd: _gtd, ...order } = older.o as Record<string, unknown>;
    const old = one(JSON.stringify({ ...older, o: order }), 'futures');
    if (old?.e !== 'ORDER_TRADE_UPDATE') throw new Error(String(old?.e));
    expect([old.o.er, old.o.V, old.o.pm, old.o.gtd]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('liabilityChange: the transaction id T beyond 2^53 stays exact', () => {
  // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Liability-Update
  const frame = (T: string) =>
    `{"e":"liabilityChange","E":1573200697110,"a":"BTC","t":"BORROW","T":${T},"p":"1.03453430","i":"0","l":"1.03476851"}`;

  it('2^53 + 1, which JSON.parse rounds to 2^53, arrives as its exact digits', () => {
    const text = frame('9007199254740993');
    expect(String((JSON.parse(text) as { T: number }).T)).toBe('9007199254740992'); // what JSON.parse alone gives
    const event = one(text, 'portfolioMargin');
    if (event?.e !== 'liabilityChange') throw new Error(String(event?.e));
    expect(event.T).toBe('9007199254740993');
  });

  it('the documented id, in every envelope', () => {
    const exact = '1352286576452864727';
    for (const text of [
      fixture('portfolio-margin/liabilityChange.json'),
      `{"stream":"pm","data":${frame(exact)}}`,
      `{"subscriptionId":3,"event":${frame(exact)}}`,
    ]) {
      const event = one(text, 'portfolioMargin');
      if (event?.e !== 'liabilityChange') throw new Error(String(event?.e));
      expect(event.T).toBe(exact);
    }
  });

  it('a small id is a digit string too; a decoded frame needs its text for a big one', () => {
    const small = one(frame('42'), 'portfolioMargin');
    expect(small).toMatchObject({ e: 'liabilityChange', T: '42' });

    const text = frame('1352286576452864727');
    const withText = parseDecodedFrame(JSON.parse(text), 'portfolioMargin', text);
    expect(withText.ok && withText.events[0]).toMatchObject({ T: '1352286576452864727' });

    const without = parseDecodedFrame(JSON.parse(text), 'portfolioMargin');
    if (without.ok) throw new Error('accepted a rounded id');
    expect(without.error.message).toMatchInlineSnapshot(
      `"Malformed portfolioMargin "liabilityChange" event: field T: expected the transaction id as exact digits; JSON.parse rounds ids beyond 2^53, so parse the frame text (parseFrame, or parseDecodedFrame with the text)"`,
    );
  });

  it('only liabilityChange pays for it: other events keep their numbers as parsed', () => {
    const event = one(fixture('portfolio-margin/riskLevelChange.json'), 'portfolioMargin');
    expect(event).toMatchObject({ e: 'riskLevelChange', E: 1587727187525 });
    const otu = one(fixture('portfolio-margin/ORDER_TRADE_UPDATE.json'), 'portfolioMargin');
    if (otu?.e !== 'ORDER_TRADE_UPDATE') throw new Error(String(otu?.e));
    expect(typeof otu.T).toBe('number');
  });
});

describe('options frames come in a {stream, data} envelope', () => {
  // https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Account-data
  // ("The event payload is wrapped in a stream/data envelope on the WebSocket connection.")
  it.each([
    'options/ORDER_TRADE_UPDATE.json',
    'options/BALANCE_POSITION_UPDATE.json',
    'options/GREEK_UPDATE.json',
    'options/RISK_LEVEL_CHANGE.json',
  ])('%s parses the same bare and wrapped', (path) => {
    const bare = fixture(path);
    const wrapped = `{"stream":"89ljxuL6jFTN3Ej85aYOqH2BYXQ7eeuNYcGm7ktV","data":${bare}}`;
    expect(one(wrapped, 'options')).toEqual(one(bare, 'options'));
  });

  it("an options ACCOUNT_UPDATE is the options shape, not USDⓈ-M's, and the reverse", () => {
    const options = fixture('options/ACCOUNT_UPDATE.json');
    const event = one(options, 'options');
    if (event?.e !== 'ACCOUNT_UPDATE') throw new Error(String(event?.e));
    expect([event.eq, event.b, event.M]).toEqual(['10000371.61462086', '10000475.51032086', '6089.28766956']);
    expect(parseFrame(options, 'futures').ok).toBe(false);
    expect(parseFrame(fixture('futures/ACCOUNT_UPDATE.json'), 'options').ok).toBe(false);
  });
});

describe('the account alias i', () => {
  it('COIN-M MARGIN_CALL has it in its type (the fast path always delivered it; the type lacked it)', () => {
    // https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Event-Margin-Call
    const event = one(fixture('futures/MARGIN_CALL-coinm.json'), 'futures');
    if (event?.e !== 'MARGIN_CALL') throw new Error(String(event?.e));
    expect(event.i).toBe('SfsR');
  });
});

describe('portfolio margin', () => {
  it('futures events carry the business unit and the account alias', () => {
    // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
    const event = one(fixture('portfolio-margin/ORDER_TRADE_UPDATE.json'), 'portfolioMargin');
    expect(event).toMatchObject({ e: 'ORDER_TRADE_UPDATE', fs: 'UM', i: '' });
  });

  it('ALGO_UPDATE carries its order under ao; the USDⓈ-M o shape is not PM’s', () => {
    // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Algo-Order-Update
    // (not in the search store: USDⓈ-M's fields under `ao`, per the issue)
    const event = one(fixture('portfolio-margin/ALGO_UPDATE.json'), 'portfolioMargin');
    if (event?.e !== 'ALGO_UPDATE') throw new Error(String(event?.e));
    expect([event.fs, event.ao.aid, event.ao.X]).toEqual(['UM', 2148719, 'CANCELED']);
    expect(parseFrame(fixture('futures/ALGO_UPDATE.json'), 'portfolioMargin').ok).toBe(false);
  });

  it('margin-side spot events parse on the PM stream', () => {
    // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Order-Update
    expect(one(fixture('portfolio-margin/executionReport.json'), 'portfolioMargin')?.e).toBe(
      'executionReport',
    );
    expect(one(fixture('portfolio-margin/outboundAccountPosition.json'), 'portfolioMargin')?.e).toBe(
      'outboundAccountPosition',
    );
  });
});

describe('cross margin risk events', () => {
  // https://developers.binance.com/docs/margin_trading/risk-data-stream/Event-Liability-Update
  it('parse on the risk data stream and on the spot dialect (listenToken stream)', () => {
    for (const dialect of ['marginRisk', 'spot'] as const) {
      expect(one(fixture('margin-risk/USER_LIABILITY_CHANGE.json'), dialect)).toMatchObject({
        p: '0.00000100',
      });
      expect(one(fixture('margin-risk/MARGIN_LEVEL_STATUS_CHANGE.json'), dialect)).toMatchObject({
        l: '1.1',
      });
    }
  });
});
