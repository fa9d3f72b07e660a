import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidInputError } from './errors.js';
import { resolveVenue } from './resolve-venue.js';
import { venues, withBaseUrls } from './venues.js';

const prefix = '@userstream/test';

function refusal(venue: unknown, options: { allowInsecure?: boolean } = {}): InvalidInputError {
  try {
    resolveVenue(venue, { prefix, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error(`accepted ${String(venue)}`);
}

describe('resolveVenue', () => {
  it('takes a built-in id or a profile; keeps the caller object unless asked for the frozen copy', () => {
    expect(resolveVenue('binance-usdm', { prefix })).toBe(venues['binance-usdm']);
    const local = withBaseUrls(venues.bhex, { rest: 'http://127.0.0.1:9' });
    const mutable = { ...local };
    expect(resolveVenue(mutable, { prefix })).toBe(mutable);
    const copy = resolveVenue(mutable, { prefix, frozenCopy: true });
    expect(copy).not.toBe(mutable);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(copy.restBaseUrl).toBe('http://127.0.0.1:9');
  });

  it('refuses unknown ids, prototype names, other values and bad profiles as INVALID_CONFIG on venue', () => {
    const unknown = refusal('binance-moon');
    expect(unknown.code).toBe(ErrorCode.InvalidConfig);
    expect(unknown.field).toBe('venue');
    expect(unknown.message).toMatch(
      /^@userstream\/test: unknown venue 'binance-moon'; known venues: binance-spot/,
    );
    expect(refusal('constructor').message).toMatch(/unknown venue 'constructor'/);
    for (const value of [undefined, null, 42, {}, []]) {
      expect(refusal(value).message).toBe(
        '@userstream/test: venue must be a venue id such as "binance-usdm" or a profile from defineVenue() / sim.venue()',
      );
    }
    const insecure = { ...venues.bhex, restBaseUrl: 'http://example.com' };
    expect(refusal(insecure).message).toMatch(/^@userstream\/test: .*only loopback may be unencrypted/);
    expect(resolveVenue(insecure, { prefix, allowInsecure: true })).toBe(insecure);
    expect(refusal({ ...venues.bhex, weightLimitPerMinute: -5 }).code).toBe(ErrorCode.InvalidConfig);
  });
});
