import { ErrorCode, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.js';

/** The code and message of what `fn` throws or rejects with. */
async function refusal(fn: () => unknown): Promise<string> {
  try {
    const made = (await fn()) as { close?: () => Promise<void> } | undefined;
    await made?.close?.();
  } catch (error) {
    return `${(error as { code?: string }).code ?? 'untyped'}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('issue 16 item 9: simulator durations beyond 2^31-1 ms', () => {
  it.each([
    ['pingIntervalMs', { pingIntervalMs: 2 ** 31 }],
    ['pongTimeoutMs', { pongTimeoutMs: 2 ** 31 }],
    ['priceWalk.intervalMs', { priceWalk: { intervalMs: 2 ** 31 } }],
  ])('startSimulator({ %s: 2^31 }) is refused naming it', async (field, options) => {
    const got = await refusal(() => startSimulator({ clock: new VirtualClock(), ...options }));
    expect(got).toMatch(
      new RegExp(`^${ErrorCode.InvalidConfig}: @userstream/simulator: ${field.replace('.', '\\.')} must be`),
    );
    expect(got).toContain('2147483647');
  });

  it('fault durations past the limit are refused too (a stall of 2^31 ms would end after 1 ms)', async () => {
    const sim = await startSimulator({ clock: new VirtualClock() });
    try {
      for (const call of [
        () => sim.faults.stall({ durationMs: 2 ** 31 }),
        () => sim.faults.ban({ venue: 'binance-usdm', durationMs: 2 ** 31 }),
        () => sim.faults.rateLimit({ venue: 'binance-usdm', retryAfterMs: 2 ** 31 }),
      ]) {
        const got = await refusal(call);
        expect(got).toMatch(new RegExp(`^${ErrorCode.InvalidInput}: .*Ms must be .*2147483647`));
      }
      // Counts go through the same kit: a fault is a method call, so its refusals are input errors.
      for (const call of [
        () => sim.faults.duplicate({ count: 0 }),
        () => sim.faults.reorder({ windows: 1.5 }),
      ]) {
        expect(await refusal(call)).toMatch(
          new RegExp(`^${ErrorCode.InvalidInput}: @userstream/simulator: \\w+ must be a whole number`),
        );
      }
    } finally {
      await sim.close();
    }
  });
});

describe('issue 16 item 8: prototype names are not venue ids in the simulator', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('sim.venue(%j)', async (name) => {
    const sim = await startSimulator({ clock: new VirtualClock() });
    try {
      const got = await refusal(() => sim.venue(name as never));
      expect(got).toMatch(new RegExp(`^${ErrorCode.InvalidConfig}: @userstream/simulator: unknown venue`));
      expect(got).toContain('coins-ph');
    } finally {
      await sim.close();
    }
  });
});
