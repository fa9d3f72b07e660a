/**
 * Partition runs add to the suite without changing what any existing seed means: a seed's
 * partition plan is its fleet plan (same streams, faults, kill) plus a partition schedule drawn
 * from a PRNG stream of its own, and `kindOf` never names `partition`.
 */
import { describe, expect, it } from 'vitest';
import { kindOf, makePlan, partitionSchedule } from '../src/plan.js';

describe('partition plans', () => {
  it.each([1, 8, 13, 40])('seed %i: the fleet plan of the seed plus partitions', (seed) => {
    const { kind, partitions, ...rest } = makePlan(seed, 'partition');
    const { kind: _fleet, ...fleet } = makePlan(seed, 'fleet');
    expect(kind).toBe('partition');
    expect(rest).toEqual(fleet);
    expect(partitions).toEqual(partitionSchedule(seed, fleet.chaosMs));
    expect(partitions?.length).toBeGreaterThanOrEqual(3);
  });

  it('no seed is a partition run by itself', () => {
    for (let seed = 1; seed <= 400; seed++) expect(kindOf(seed)).not.toBe('partition');
  });
});
