import { ExchangeCode } from '@userstream/core';
import { expect, test } from 'vitest';
import { VenueCode } from './venue-codes.js';

test('the codes clients act on are core’s, and no number has two names', () => {
  for (const [name, code] of Object.entries(ExchangeCode)) {
    expect(VenueCode[name as keyof typeof VenueCode], name).toBe(code);
  }
  const values = Object.values(VenueCode);
  expect(new Set(values).size).toBe(values.length);
});
