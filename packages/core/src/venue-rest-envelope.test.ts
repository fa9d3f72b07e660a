/**
 * One profile field says how a venue wraps its REST answers (issue #13 leftovers): `restEnvelope`
 * — BingX's `code-data`, Bitrue's `code-data-200` and Tokocrypto's `open-v1` (which used to be a
 * field of its own, `restFormat`, kept as a deprecated alias). Venue facts are in
 * venues-bingx.ts, venues-bitrue.ts and venues-tokocrypto.ts (https://www.tokocrypto.com/apidocs/,
 * checked 2026-12-03).
 */
import { describe, expect, it } from 'vitest';
import type { VenueProfileInput } from './venue-schema.js';
import { defineVenue, getVenue } from './venues.js';

const { restFormat: _old, ...tokocrypto } = getVenue('tokocrypto') as VenueProfileInput & {
  restFormat?: unknown;
};

describe('restEnvelope: how a venue wraps its REST answers', () => {
  it('names all three envelopes of the built-in profiles', () => {
    expect(
      ['bingx-spot', 'bingx-swap', 'bitrue-spot', 'tokocrypto'].map((id) => getVenue(id).restEnvelope),
    ).toEqual(['code-data', 'code-data', 'code-data-200', 'open-v1']);
    expect(getVenue('binance-spot').restEnvelope).toBeUndefined();
  });

  it("takes restEnvelope: 'open-v1' and keeps the deprecated restFormat readable", () => {
    const v = defineVenue({ ...tokocrypto, id: 'my-tokocrypto', restEnvelope: 'open-v1' });
    expect([v.restEnvelope, v.restFormat]).toEqual(['open-v1', 'open-v1']);
  });

  it("reads the deprecated restFormat: 'open-v1' as restEnvelope: 'open-v1'", () => {
    const { restEnvelope: _e, ...old } = tokocrypto as VenueProfileInput;
    const v = defineVenue({ ...old, id: 'old-tokocrypto', restFormat: 'open-v1' });
    expect([v.restEnvelope, v.restFormat]).toEqual(['open-v1', 'open-v1']);
  });

  it('refuses the two fields disagreeing, naming both', () => {
    expect(() =>
      defineVenue({ ...tokocrypto, id: 'confused', restFormat: 'open-v1', restEnvelope: 'code-data' }),
    ).toThrowError(
      expect.objectContaining({
        code: 'USERSTREAM_INVALID_CONFIG',
        message: expect.stringMatching(/restFormat.*deprecated.*restEnvelope/),
      }),
    );
  });
});
