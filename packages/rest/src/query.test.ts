import { encodeQuery } from '@userstream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeParams } from './query.js';

describe('encodeParams', () => {
  it('is exactly core encodeQuery', () => {
    const value = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary-ascii' }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.bigInt(),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary-ascii', minLength: 1 }), value), (params) => {
        expect(encodeParams(params)).toBe(encodeQuery(params));
      }),
      { numRuns: 2000 },
    );
    expect(encodeParams({ listenKey: 'Ab9'.repeat(20), recvWindow: 5000, s: "a b&c=d!'()*~" })).toBe(
      `listenKey=${'Ab9'.repeat(20)}&recvWindow=5000&s=a%20b%26c%3Dd%21%27%28%29%2A~`,
    );
  });
});
