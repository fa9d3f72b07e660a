import { describe, expect, it } from 'vitest';
import { Holdback } from './handoff.js';

describe('Holdback (the new owner of a planned move)', () => {
  it('holds deliveries until released, then the gap marker first when continuity is not proven', () => {
    const out: string[] = [];
    const h = new Holdback(10, () => out.push('gap acquired'));
    expect(h.hold(() => out.push('e1'))).toBe(true);
    expect(h.hold(() => out.push('gap reconnect'))).toBe(true);
    expect(h.hold(() => out.push('e2'))).toBe(true);
    expect(out).toEqual([]);
    h.release(true);
    expect(out).toEqual(['gap acquired', 'e1', 'gap reconnect', 'e2']);
    // Released: the caller delivers at once; a second release changes nothing.
    expect(h.holding).toBe(false);
    expect(h.hold(() => out.push('late'))).toBe(false);
    h.release(true);
    expect(out).toHaveLength(4);
  });

  it('a covered move: what was held, no marker', () => {
    const out: string[] = [];
    const h = new Holdback(10, () => out.push('gap acquired'));
    h.hold(() => out.push('e1'));
    h.release(false);
    expect(out).toEqual(['e1']);
  });

  it('past its bound it stops waiting: the marker, then everything held, in order', () => {
    const out: string[] = [];
    const h = new Holdback(2, () => out.push('gap acquired'));
    for (const e of ['e1', 'e2']) h.hold(() => out.push(e));
    expect(out).toEqual([]);
    expect(h.hold(() => out.push('e3'))).toBe(true);
    expect(out).toEqual(['gap acquired', 'e1', 'e2', 'e3']);
    expect(h.holding).toBe(false);
    // The move's outcome, arriving later, writes nothing more.
    h.release(true);
    expect(out).toHaveLength(4);
  });
});
