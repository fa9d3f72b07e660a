import { ErrorCode, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { createScheduler } from './create-scheduler.js';
import type { SchedulerOptions } from './scheduler.js';

const MIN = 60_000;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createScheduler', () => {
  it('runs jobs in due order with a single clock timer, however many jobs there are', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0 });
    const ran: number[] = [];
    let maxPending = 0;
    for (let i = 0; i < 1000; i++) {
      const job = scheduler.add({ run: () => void ran.push(i) });
      // Reverse order: job 999 is due first.
      job.scheduleIn((1000 - i) * 1000);
      maxPending = Math.max(maxPending, clock.pending);
    }
    expect(maxPending).toBe(1);
    expect(scheduler.stats.scheduled).toBe(1000);
    await clock.advance(1001 * 1000);
    expect(ran).toHaveLength(1000);
    expect(ran[0]).toBe(999);
    expect(ran[999]).toBe(0);
    expect(scheduler.stats.late).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('fires each job at its due time on the clock, not before', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0 });
    const at: number[] = [];
    const start = clock.now();
    const job = scheduler.add({ run: () => void at.push(clock.now() - start) });
    job.scheduleIn(30 * MIN);
    await clock.advance(30 * MIN - 1);
    expect(at).toEqual([]);
    await clock.advance(1);
    expect(at).toEqual([30 * MIN]);
    expect(job.dueAt).toBeUndefined();
  });

  it('applies jitter by running early, never late', () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0.1, random: () => 0.5 });
    const job = scheduler.add({ run: () => {} });
    expect(job.scheduleIn(30 * MIN)).toBe(clock.now() + 30 * MIN - 90_000);
    expect(job.scheduleIn(30 * MIN, { jitter: false })).toBe(clock.now() + 30 * MIN);
    expect(job.scheduleIn(30 * MIN, { jitter: 0.2 })).toBe(clock.now() + 30 * MIN - 180_000);
    scheduler.close();
  });

  it('caps the jobs in flight and starts waiting ones as slots free up', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0, maxInFlight: 2 });
    const gates = Array.from({ length: 5 }, deferred);
    let running = 0;
    let peak = 0;
    gates.forEach((gate, i) => {
      scheduler
        .add({
          run: async () => {
            running++;
            peak = Math.max(peak, running);
            await gate.promise;
            running--;
          },
        })
        .scheduleIn(1000 + i);
    });
    await clock.advance(2000);
    expect(running).toBe(2);
    expect(scheduler.stats.inFlight).toBe(2);
    expect(scheduler.stats.deferredByCap).toBeGreaterThan(0);
    for (const gate of gates) {
      gate.resolve();
      await clock.advance(0);
    }
    expect(peak).toBe(2);
    expect(scheduler.stats.runs).toBe(5);
    expect(scheduler.stats.inFlight).toBe(0);
  });

  it("waits out a REST client's ban (418) and 429 hold before running", async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0, holdSpreadMs: 0 });
    const state: { bannedUntil?: number; retryAfterUntil?: number } = { bannedUntil: clock.now() + 10 * MIN };
    const ranAt: number[] = [];
    const job = scheduler.add({ run: () => void ranAt.push(clock.now()), rateLimit: () => state });
    const t0 = clock.now();
    job.scheduleIn(MIN);
    await clock.advance(9 * MIN);
    expect(ranAt).toEqual([]);
    expect(scheduler.stats.deferredByRateLimit).toBe(1);
    await clock.advance(MIN);
    expect(ranAt).toEqual([t0 + 10 * MIN]);

    state.bannedUntil = undefined;
    state.retryAfterUntil = clock.now() + 30_000;
    const t1 = clock.now();
    job.scheduleIn(0);
    await clock.advance(60_000);
    expect(ranAt[1]).toBe(t1 + 30_000);
  });

  it('holds every job of a group after hold(), and holds only extend', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0, holdSpreadMs: 0 });
    const ran: string[] = [];
    const a = scheduler.add({ run: () => void ran.push('a'), group: 'venue-1' });
    const b = scheduler.add({ run: () => void ran.push('b'), group: 'venue-2' });
    scheduler.hold('venue-1', clock.now() + 5 * MIN, 'rate-limited');
    scheduler.hold('venue-1', clock.now() + MIN, 'rate-limited');
    expect(scheduler.holdUntil('venue-1')).toBe(clock.now() + 5 * MIN);
    a.scheduleIn(1000);
    b.scheduleIn(1000);
    await clock.advance(2000);
    expect(ran).toEqual(['b']);
    await clock.advance(5 * MIN);
    expect(ran).toEqual(['b', 'a']);
    expect(scheduler.holdUntil('venue-1')).toBeUndefined();
  });

  it('never runs one job twice at once: a reschedule during a run waits for the run to end', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0 });
    const gate = deferred();
    let concurrent = 0;
    let peak = 0;
    let runs = 0;
    const job = scheduler.add({
      run: async () => {
        concurrent++;
        runs++;
        peak = Math.max(peak, concurrent);
        if (runs === 1) await gate.promise;
        concurrent--;
      },
    });
    job.scheduleIn(1000);
    await clock.advance(1000);
    expect(job.running).toBe(true);
    job.scheduleIn(0);
    await clock.advance(1000);
    expect(runs).toBe(1);
    gate.resolve();
    await clock.advance(0);
    expect(runs).toBe(2);
    expect(peak).toBe(1);
  });

  it('counts a failing task and keeps going', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0 });
    const errors: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (o: Record<string, unknown>) => void errors.push(o),
    };
    const s2 = createScheduler({ clock, jitter: 0, logger });
    s2.add({
      run: () => {
        throw new Error('boom');
      },
    }).scheduleIn(10);
    s2.add({ run: () => Promise.reject(new Error('later boom')) }).scheduleIn(20);
    let ok = false;
    s2.add({
      run: () => {
        ok = true;
      },
    }).scheduleIn(30);
    await clock.advance(100);
    expect(s2.stats.failures).toBe(2);
    expect(errors).toHaveLength(2);
    expect(ok).toBe(true);
    scheduler.close();
  });

  it('cancel() and close() leave no timer behind', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock });
    const a = scheduler.add({ run: () => {} });
    const b = scheduler.add({ run: () => {} });
    a.scheduleIn(MIN);
    b.scheduleIn(2 * MIN);
    expect(clock.pending).toBe(1);
    a.cancel();
    expect(clock.pending).toBe(1);
    expect(scheduler.stats.jobs).toBe(1);
    b.cancel();
    expect(clock.pending).toBe(0);
    const c = scheduler.add({ run: () => {} });
    c.scheduleIn(MIN);
    scheduler.close();
    expect(clock.pending).toBe(0);
    expect(scheduler.closed).toBe(true);
    expect(() => scheduler.add({ run: () => {} })).toThrow(/scheduler is closed/);
  });

  it('moves its single timer earlier when an earlier job arrives', async () => {
    const clock = new VirtualClock();
    const scheduler = createScheduler({ clock, jitter: 0 });
    const ran: string[] = [];
    scheduler.add({ run: () => void ran.push('late') }).scheduleIn(10 * MIN);
    scheduler.add({ run: () => void ran.push('early') }).scheduleIn(MIN);
    expect(clock.pending).toBe(1);
    await clock.advance(MIN);
    expect(ran).toEqual(['early']);
    expect(clock.pending).toBe(1);
    await clock.advance(9 * MIN);
    expect(ran).toEqual(['early', 'late']);
  });

  it('checks its options with errors that say what to do', () => {
    expect(() => createScheduler({ maxInFlight: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/keepalive: maxInFlight must be a whole number >= 1, got 0]`,
    );
    expect(() => createScheduler({ jitter: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/keepalive: jitter must be a share in [0, 1), got 1]`,
    );
    // Options a caller without types could pass.
    const untyped = (options: object) => createScheduler(options as SchedulerOptions);
    expect(() => untyped({ maxInFlihgt: 3 })).toThrow(/unknown option 'maxInFlihgt'/);
    expect(() => untyped({ logger: {} })).toThrow(/logger must have/);
    // Bad factory options are configuration, as in every package.
    expect(() => createScheduler({ maxInFlight: -1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidConfig, field: 'maxInFlight' }),
    );
  });
});
