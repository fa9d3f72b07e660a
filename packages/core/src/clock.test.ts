import { describe, expect, it } from 'vitest';
import { createScaledClock, ServerTime, VirtualClock, validateRecvWindow } from './clock.js';

describe('VirtualClock', () => {
  it('runs hours of timers in order, letting promise chains progress between them', async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 60 * 60_000);
    clock.setTimeout(() => {
      seen.push(`a@${clock.now()}`);
      void Promise.resolve().then(() => clock.setTimeout(() => seen.push(`c@${clock.now()}`), 1000));
    }, 30 * 60_000);
    const cancelled = clock.setTimeout(() => seen.push('never'), 10);
    clock.clearTimeout(cancelled);
    await clock.advance(24 * 60 * 60_000);
    expect(seen).toEqual(['a@1800000', 'c@1801000', 'b@3600000']);
    expect(clock.now()).toBe(86_400_000);
    expect(clock.pending).toBe(0);
  });
});

describe('createScaledClock', () => {
  it('runs faster than real time', async () => {
    const clock = createScaledClock({ speed: 1000, start: 0 });
    const fired = await new Promise<number>((resolve) =>
      clock.setTimeout(() => resolve(clock.now()), 60_000),
    );
    expect(fired).toBeGreaterThanOrEqual(60_000);
    expect(() => createScaledClock({ speed: 0 })).toThrow(/positive number/);
  });
});

describe('ServerTime', () => {
  it('measures the offset from the round-trip midpoint', () => {
    let local = 1000;
    const st = new ServerTime({ now: () => local });
    expect(st.record(5000, 1000, 1200)).toBe(3900);
    expect(st.roundTripMs).toBe(200);
    local = 2000;
    expect(st.now()).toBe(5900);
  });
});

describe('validateRecvWindow', () => {
  it('accepts 1..60000 whole ms and explains anything else', () => {
    expect(validateRecvWindow(5000)).toBe(5000);
    expect(validateRecvWindow(60_000)).toBe(60_000);
    expect(() => validateRecvWindow(60_001)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: recvWindow must be a whole number of milliseconds from 1 to 60000 (default 5000), got 60001]`,
    );
    expect(() => validateRecvWindow(1.5)).toThrow(/whole number/);
    expect(() => validateRecvWindow('5000')).toThrow(/whole number/);
  });
});
