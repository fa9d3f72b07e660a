import { describe, expect, it } from 'vitest';
import { rendezvousAssign, rendezvousOwner } from './rendezvous.js';

const keys = Array.from({ length: 10_000 }, (_, i) => `account-${i}`);
const workers = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i}`);

function owners(ws: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [w, ks] of rendezvousAssign(keys, ws)) for (const k of ks) out.set(k, w);
  return out;
}

describe('rendezvous hashing', () => {
  it('agrees with rendezvousOwner and does not depend on the order of the member list', () => {
    const ws = workers(5);
    const a = owners(ws);
    const b = owners([...ws].reverse());
    for (const k of keys.slice(0, 500)) {
      expect(a.get(k)).toBe(rendezvousOwner(k, ws));
      expect(b.get(k)).toBe(a.get(k));
    }
    expect(rendezvousOwner('x', [])).toBeUndefined();
  });

  it.each([2, 4, 8])('spreads 10,000 keys evenly over %i workers', (n) => {
    const counts = [...rendezvousAssign(keys, workers(n)).values()].map((ks) => ks.length);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(keys.length);
    const ideal = keys.length / n;
    for (const c of counts) expect(Math.abs(c - ideal) / ideal).toBeLessThan(0.1);
  });

  it.each([3, 4, 8])(
    'adding or removing one worker of %i moves about 1/N of the keys and drops none',
    (n) => {
      const before = owners(workers(n));
      const added = owners(workers(n + 1));
      const newcomer = `worker-${n}`;
      let moved = 0;
      for (const k of keys) {
        expect(added.get(k)).toBeDefined();
        if (added.get(k) !== before.get(k)) {
          moved++;
          // Only keys the newcomer wins move.
          expect(added.get(k)).toBe(newcomer);
        }
      }
      expect(Math.abs(moved / keys.length - 1 / (n + 1))).toBeLessThan(0.02);

      const removed = workers(n).filter((w) => w !== 'worker-1');
      const after = owners(removed);
      let movedOnRemove = 0;
      for (const k of keys) {
        expect(after.get(k)).toBeDefined();
        if (after.get(k) !== before.get(k)) {
          movedOnRemove++;
          // Only the removed worker's keys move.
          expect(before.get(k)).toBe('worker-1');
        }
      }
      expect(Math.abs(movedOnRemove / keys.length - 1 / n)).toBeLessThan(0.02);
    },
  );
});
