/**
 * Hand-made venue profiles are user input: every built-in profile with 1 to 3 fields replaced by
 * hostile values (wrong types, NaN, 2^53+2, null prototypes, {"toString":1}, prototype-named keys,
 * 20,000-level nesting) or removed. The contract: defineVenue returns a frozen profile or throws
 * USERSTREAM_INVALID_CONFIG; never an untyped throw; nothing reaches Object.prototype.
 * FUZZ_RUNS=N raises the runs.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  expectNoPollution,
  expectOptionError,
  fuzzParams,
  fuzzTimeoutMs,
  hostileValue,
  PROTO_KEYS,
} from '../test/hostile-values.js';
import { ErrorCode, UserstreamError } from './errors.js';
import { defineVenue, type VenueProfileInput, venues } from './venues.js';

vi.setConfig({ testTimeout: fuzzTimeoutMs() });

const params = fuzzParams(300);
const PROFILES = Object.values(venues);

/** Paths to every node of a plain value (objects' keys and arrays' indexes). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [
    [...prefix, k],
    ...paths((value as Record<string | number, unknown>)[k], [...prefix, k]),
  ]);
}

const REMOVE = Symbol('remove');

function mutate(profile: unknown, edits: [number, unknown, boolean][]): unknown {
  const copy = structuredClone(profile) as Record<string, unknown>;
  const nodes = paths(copy);
  for (const [index, value, asSibling] of edits) {
    const path = nodes[index % nodes.length];
    if (!path) continue;
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = (parent as Record<string | number, unknown>)[key];
    }
    // An earlier edit may have put a frozen hostile value here: nothing to write into.
    if (parent === null || typeof parent !== 'object' || !Object.isExtensible(parent)) continue;
    const last = path[path.length - 1] as string | number;
    if (value === REMOVE) delete (parent as Record<string | number, unknown>)[last];
    else if (asSibling && !Array.isArray(parent)) {
      // A prototype-named key next to the real ones, as JSON.parse would make it: an own property.
      Object.defineProperty(parent, PROTO_KEYS[index % PROTO_KEYS.length] as string, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    } else (parent as Record<string | number, unknown>)[last] = value;
  }
  return copy;
}

afterAll(expectNoPollution);

describe('defineVenue under hostile profiles', () => {
  it('every built-in profile, mutated: a frozen profile or USERSTREAM_INVALID_CONFIG', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROFILES),
        fc.array(fc.tuple(fc.nat(), fc.oneof(hostileValue, fc.constant(REMOVE)), fc.boolean()), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        (profile, edits, allowInsecure) => {
          const input = mutate(profile, edits);
          let result: unknown;
          try {
            result = defineVenue(input as VenueProfileInput, { allowInsecure });
          } catch (error) {
            expectOptionError(error, 'defineVenue');
            expect((error as UserstreamError).code).toBe(ErrorCode.InvalidConfig);
            expectNoPollution();
            return;
          }
          expect(Object.isFrozen(result)).toBe(true);
          expect(UserstreamError.isInstance(result)).toBe(false);
          expectNoPollution();
        },
      ),
      params,
    );
  });

  it('hostile values in place of the whole profile', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        try {
          defineVenue(value as VenueProfileInput);
        } catch (error) {
          expectOptionError(error, 'defineVenue');
        }
      }),
      params,
    );
  });
});
