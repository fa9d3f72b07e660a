import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScaledClock, systemClock, VirtualClock } from './clock.js';
import { ErrorCode, UserstreamError } from './errors.js';
import { clockSpeed, createOptionKit } from './option-kit.js';

const kit = createOptionKit('@userstream/test');

describe('createOptionKit for values passed to methods', () => {
  it('refuses with the code it was made with (USERSTREAM_INVALID_INPUT), the same checks and messages', () => {
    const input = createOptionKit('@userstream/test', { code: ErrorCode.InvalidInput });
    for (const refuse of [
      () => input.duration(-1, 'durationMs', { allowZero: true }),
      () => input.integer(0, 'count', { min: 1 }),
      () => {
        throw input.invalid('mode must be a or b', 'mode');
      },
    ]) {
      expect(refuse).toThrow(expect.objectContaining({ code: ErrorCode.InvalidInput }));
    }
    expect(() =>
      input.duration(2 ** 31, 'durationMs', { allowZero: true }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/test: durationMs must be a non-negative number of milliseconds no greater than 2147483647 (the Node timer limit, about 24.8 days), got 2147483648]`,
    );
    expect(input.duration(0, 'durationMs', { allowZero: true })).toBe(0);
  });
});

describe('createOptionKit', () => {
  it('refuses with USERSTREAM_INVALID_CONFIG, the field, and what to pass', () => {
    expect(() => kit.duration(2 ** 31, 'pingIntervalMs')).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/test: pingIntervalMs must be a positive number of milliseconds no greater than 2147483647 (the Node timer limit, about 24.8 days), got 2147483648]`,
    );
    expect(() => kit.integer(1.5, 'maxInFlight', { min: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/test: maxInFlight must be a whole number >= 1, got 1.5]`,
    );
    expect(() => kit.integer(70, 'n', { min: 1, max: 60 })).toThrow(
      /n must be a whole number from 1 to 60, got 70/,
    );
    expect(() => kit.share(1, 'jitter')).toThrow(/jitter must be a share in \[0, 1\), got 1/);
    expect(() => kit.positive(-1, 'rate')).toThrow(/rate must be a positive number, got -1/);
    expect(() => kit.fn(1, 'random', 'a function returning a number in [0, 1)')).toThrow(
      /random must be a function/,
    );
    expect(() => kit.clock({ now: () => 1 })).toThrow(
      /clock must have now\(\), setTimeout\(\) and clearTimeout\(\)/,
    );
    try {
      kit.known({ heartbeat: 1, foo: 2 }, ['heartbeat']);
      expect.unreachable();
    } catch (error) {
      expect(UserstreamError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: ErrorCode.InvalidConfig, field: 'foo' });
      expect((error as Error).message).toBe("@userstream/test: unknown option 'foo'; known: heartbeat");
    }
  });

  it('takes only own option names, so prototype names are never options', () => {
    expect(() => kit.known(JSON.parse('{"__proto__": 1}'), ['a'])).toThrow(/unknown option '__proto__'/);
    expect(() => kit.known({ constructor: 1 }, ['a'])).toThrow(/unknown option 'constructor'/);
    expect(() => kit.known({ pongTimeoutMs: 1 }, ['pongTimeoutMs'], 'heartbeat')).not.toThrow();
    expect(() => kit.known({ x: 1 }, ['y'], 'heartbeat')).toThrow(/unknown option 'heartbeat.x'; known: y/);
  });

  it('returns the value it accepted, and refuses every non-number with a typed error', () => {
    expect(kit.duration(0, 'ms', { allowZero: true })).toBe(0);
    expect(kit.integer(5, 'n', { min: 1 })).toBe(5);
    expect(kit.share(0.1, 'jitter')).toBe(0.1);
    const clock = new VirtualClock();
    expect(kit.clock(clock)).toBe(clock);
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'number'),
        (value) => {
          for (const check of [
            () => kit.duration(value, 'f'),
            () => kit.integer(value, 'f'),
            () => kit.positive(value, 'f'),
            () => kit.share(value, 'f'),
          ]) {
            try {
              check();
              expect.unreachable();
            } catch (error) {
              expect(UserstreamError.isInstance(error)).toBe(true);
              expect((error as UserstreamError).code).toBe(ErrorCode.InvalidConfig);
            }
          }
        },
      ),
    );
  });
});

describe('clockSpeed', () => {
  it("is a scaled clock's speed, else 1", () => {
    expect(clockSpeed(systemClock)).toBe(1);
    expect(clockSpeed(new VirtualClock())).toBe(1);
    expect(clockSpeed(createScaledClock({ speed: 60 }))).toBe(60);
    expect(clockSpeed(createScaledClock({ speed: 0.5 }))).toBe(0.5);
    expect(clockSpeed({ ...systemClock, speed: Number.NaN } as never)).toBe(1);
  });
});
