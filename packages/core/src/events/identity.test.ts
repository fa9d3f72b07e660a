import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dialect } from './common.js';
import { eventIdentity } from './identity.js';
import { parseFrame } from './parse.js';

it('is equal for copies of an event in any field order, different for events of one millisecond', () => {
  const fill1 = { e: 'executionReport', E: 1700000000000, i: 7, x: 'TRADE', t: 1, z: '1' };
  const fill2 = { e: 'executionReport', E: 1700000000000, i: 7, x: 'TRADE', t: 2, z: '2' };
  const reordered = { z: '1', t: 1, x: 'TRADE', i: 7, E: 1700000000000, e: 'executionReport' };
  expect(eventIdentity(fill1)).toBe(eventIdentity(reordered));
  expect(eventIdentity(fill1)).not.toBe(eventIdentity(fill2));
  expect(eventIdentity({ e: 'x', E: 1, T: 2n ** 60n })).toBe('x|1|{"E":1,"T":1152921504606846976n,"e":"x"}');
});

it('is the same exactly when the events are deeply equal (key order aside)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const [x, y] = [a, b].map((v) => JSON.parse(JSON.stringify({ e: 'a', E: 1, v })));
      expect(eventIdentity(x) === eventIdentity(y)).toBe(isDeepStrictEqual(x, y));
    }),
    { numRuns: 500 },
  );
});

describe('the #18 events', () => {
  const parsed = (text: string, dialect: Dialect) => {
    const r = parseFrame(text, dialect);
    if (!r.ok) throw r.error;
    return r.events[0] as object;
  };

  it('liabilityChange ids that differ only beyond 2^53 are different events', () => {
    // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Liability-Update
    const frame = (T: string) =>
      `{"e":"liabilityChange","E":1573200697110,"a":"BTC","t":"BORROW","T":${T},"p":"1.03453430","i":"0","l":"1.03476851"}`;
    const [a, b] = ['9007199254740993', '9007199254740992'].map((T) => parsed(frame(T), 'portfolioMargin'));
    expect(JSON.parse(frame('9007199254740993'))).toEqual(JSON.parse(frame('9007199254740992'))); // JSON.parse alone: one event
    expect(eventIdentity(a as object)).not.toBe(eventIdentity(b as object));
  });

  it('an algo order moving through two statuses in one millisecond is two events; a re-sent copy is one', () => {
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
    const algo = (X: string, order: 'docs' | 'reversed') => {
      const o = {
        caid: 'c1',
        aid: 7,
        at: 'CONDITIONAL',
        o: 'STOP_MARKET',
        s: 'BTCUSDT',
        S: 'SELL',
        ps: 'BOTH',
        f: 'GTC',
        q: '0.01',
        X,
      };
      const ordered = order === 'docs' ? o : Object.fromEntries(Object.entries(o).reverse());
      return parsed(
        JSON.stringify({ e: 'ALGO_UPDATE', T: 1750515742297, E: 1750515742303, o: ordered }),
        'futures',
      );
    };
    expect(eventIdentity(algo('TRIGGERING', 'docs'))).not.toBe(eventIdentity(algo('TRIGGERED', 'docs')));
    expect(eventIdentity(algo('TRIGGERED', 'docs'))).toBe(eventIdentity(algo('TRIGGERED', 'reversed')));
  });

  it('a periodic options GREEK_UPDATE with unchanged greeks is a new event each time (its E moves)', () => {
    // https://developers.binance.com/docs/derivatives/options-trading/user-data-streams/Event-Greek-Update
    const greeks = (E: number) =>
      `{"stream":"k","data":{"e":"GREEK_UPDATE","E":${E},"T":${E},"G":[{"u":"BTCUSDT","d":"-0.01304097","g":"-0.00000124","t":"16.11648100","v":"-3.83444011"}]}}`;
    expect(eventIdentity(parsed(greeks(1762917544216), 'options'))).not.toBe(
      eventIdentity(parsed(greeks(1762917554216), 'options')),
    );
    expect(eventIdentity(parsed(greeks(1762917544216), 'options'))).toBe(
      eventIdentity(parsed(greeks(1762917544216), 'options')),
    );
  });
});
