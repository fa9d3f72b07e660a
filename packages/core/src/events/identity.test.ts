import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { eventIdentity } from './identity.js';

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
