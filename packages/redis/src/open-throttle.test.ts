/**
 * The open throttle on its own (issue 15, the overload cascade; test/overload.test.ts runs the
 * whole fleet): opens in progress follow the event loop's lag, injected here, and the gate lets
 * ownership renewals go first. A virtual clock; keepalive's memory store for renewals.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { VirtualClock } from '@userstream/core';
import { createLeaseKey, createMemoryLeaseStore, silentLogger } from '@userstream/keepalive';
import { expect, it, onTestFinished } from 'vitest';
import { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
import { OpenThrottle } from './open-throttle.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function throttle(clock: VirtualClock, lag: { ms: number }, owns = () => true): OpenThrottle {
  return new OpenThrottle({
    clock,
    workerId: 'w1',
    logger: silentLogger,
    maxConcurrency: 4,
    lagTargetMs: 100,
    renewMs: 1_000,
    maxWaitMs: 5_000,
    lagMs: () => lag.ms,
    owns,
  });
}

/** Items whose work ends when the test says; `active` is what runs right now. */
function items(n: number) {
  const finish = new Map<number, () => void>();
  const active = new Set<number>();
  const work = (i: number) =>
    new Promise<void>((resolve) => {
      active.add(i);
      finish.set(i, () => {
        active.delete(i);
        resolve();
      });
    });
  return { list: Array.from({ length: n }, (_, i) => i), work, active, end: (i: number) => finish.get(i)!() };
}

function backoffs(): unknown[] {
  const seen: unknown[] = [];
  const on = (m: unknown) => {
    if ((m as { type?: string }).type === 'open-backoff') seen.push(m);
  };
  subscribe(DIAGNOSTICS_CHANNELS.ownership, on);
  onTestFinished(() => {
    unsubscribe(DIAGNOSTICS_CHANNELS.ownership, on);
  });
  return seen;
}

it('starts each round with one open and adds one per open that saw no lag, up to openConcurrency', async () => {
  const clock = new VirtualClock();
  const t = throttle(clock, { ms: 0 });
  const { list, work, active, end } = items(10);
  const done = t.run(list, () => true, work);
  const widths: number[] = [];
  for (let i = 0; i < 10; i++) {
    await flush();
    widths.push(active.size);
    end(Math.min(...active));
  }
  await done;
  expect(widths).toEqual([1, 2, 3, 4, 4, 4, 4, 3, 2, 1]);
  expect(t.concurrency).toBe(4);
});

it('halves on lag down to one open at a time (the floor: no pause, so a takeover finishes), and says so', async () => {
  const clock = new VirtualClock();
  const lag = { ms: 0 };
  const seen = backoffs();
  const t = throttle(clock, lag);
  const { list, work, active, end } = items(8);
  let finished = false;
  const done = t
    .run(list, () => true, work)
    .then(() => {
      finished = true;
    });
  // Calm: 1, 2, 3, 4 at once.
  for (let i = 0; i < 3; i++) {
    await flush();
    end(Math.min(...active));
  }
  await flush();
  expect(active.size).toBe(4);
  lag.ms = 250; // the loop now lags 250 ms (target 100)
  end(Math.min(...active));
  await flush();
  expect(t.concurrency).toBe(2);
  expect(active.size).toBe(3); // none started
  end(Math.min(...active));
  end(Math.min(...active));
  await flush();
  expect(t.concurrency).toBe(1);
  expect(active.size).toBe(1);
  // Still lagging: one at a time, the next as soon as one ends (the clock does not move).
  const widths: number[] = [];
  while (!finished) {
    widths.push(active.size);
    if (active.size > 0) end(Math.min(...active));
    await flush();
  }
  await done;
  expect(widths).toEqual([1, 1]);
  expect(t.concurrency).toBe(1);
  expect(seen[0]).toEqual({ type: 'open-backoff', worker: 'w1', lagMs: 250, concurrency: 2 });
  expect(seen.length).toBeGreaterThanOrEqual(3);
});

it('lets ownership renewals go first: an open waits while one is in flight, and for a renewal tick due within lagTargetMs', async () => {
  const clock = new VirtualClock(1_000_000); // on the 1 s renewal grid
  const t = throttle(clock, { ms: 0 });
  const memory = createMemoryLeaseStore({ clock });
  let answer: (() => void) | undefined;
  const store = t.track({
    ...memory,
    get: (k) => memory.get(k),
    put: (k, r, o) => memory.put(k, r, o),
    delete: (k, o) => memory.delete(k, o),
    claim: (k, owner, ttl) => memory.claim!(k, owner, ttl),
    release: (k, o) => memory.release!(k, o),
    renewOwnership: (k, o, ttl) =>
      new Promise((resolve) => {
        answer = () => resolve(memory.renewOwnership!(k, o, ttl));
      }),
  });
  const key = createLeaseKey({
    venue: { id: 'binance-usdm', restBaseUrl: 'https://fapi.binance.com' },
    apiKey: 'k'.repeat(64),
  });
  const ownership = (await store.claim!(key, 'w1', 5_000))!;

  // A renewal in flight: no open goes until it is answered.
  const renewed = store.renewOwnership!(key, ownership, 5_000);
  let clear = false;
  const gate = t.renewalsFirst().then(() => {
    clear = true;
  });
  await flush();
  expect(clear).toBe(false);
  answer!();
  await renewed;
  await gate;
  expect(clear).toBe(true);

  // 950 ms into the period: the tick is 50 ms away (< lagTargetMs), so wait for it.
  await clock.advance(950);
  clear = false;
  const gate2 = t.renewalsFirst().then(() => {
    clear = true;
  });
  await flush();
  expect(clear).toBe(false);
  await clock.advance(51);
  await gate2;
  expect(clear).toBe(true);

  // Far from the tick: no wait.
  await clock.advance(300);
  clear = false;
  const gate3 = t.renewalsFirst().then(() => {
    clear = true;
  });
  await flush();
  expect(clear).toBe(true);
  await gate3;
});

it('warns again on the next round that lags: a round that ends backed off says so and resets', async () => {
  const clock = new VirtualClock();
  const lag = { ms: 500 };
  const lines: { level: string; msg: string }[] = [];
  const logger = {
    ...silentLogger,
    warn: (_o: unknown, msg?: string) => void lines.push({ level: 'warn', msg: msg ?? '' }),
    info: (_o: unknown, msg?: string) => void lines.push({ level: 'info', msg: msg ?? '' }),
  };
  const t = new OpenThrottle({
    clock,
    workerId: 'w1',
    logger,
    maxConcurrency: 4,
    lagTargetMs: 100,
    renewMs: 1_000,
    maxWaitMs: 5_000,
    lagMs: () => lag.ms,
    owns: () => true,
  });
  for (let round = 0; round < 2; round++) {
    const { list, work, active, end } = items(3);
    const done = t.run(list, () => true, work);
    for (let i = 0; i < 3; i++) {
      await flush();
      end(Math.min(...active));
    }
    await done;
  }
  // One warning per lagging round (the first round's backoff does not silence the second's),
  // and an info line when a round ends backed off.
  expect(lines.map((l) => l.level)).toEqual(['warn', 'info', 'warn', 'info']);
});
