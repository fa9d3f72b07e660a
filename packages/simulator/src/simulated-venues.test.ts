import { venues } from '@userstream/core';
import { expect, test } from 'vitest';
import { SIMULATED_VENUES } from './simulated-venues.js';

test('the simulator plays every built-in venue, in core order', () => {
  // The engine's map is typed against core's VenueId, so no profile can be left out of it.
  expect(SIMULATED_VENUES).toEqual(Object.keys(venues));
  expect(SIMULATED_VENUES).toContain('tokocrypto');
  expect(Object.isFrozen(SIMULATED_VENUES)).toBe(true);
});
