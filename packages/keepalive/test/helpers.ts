import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { VirtualClock } from '@userstream/core';
import { DIAGNOSTICS_CHANNELS, type Logger, type Scheduler } from '../src/index.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Lets real I/O (HTTP round trips on loopback) happen: resolves after a real macrotask turn. */
export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (real time, bounded) until `predicate` holds. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(2);
  }
}

/**
 * Lives through `ms` of virtual time: advances the clock from one scheduled job to the next and
 * lets each job's real HTTP round trip finish before moving on. While a request is in flight
 * (e.g. a keepalive the simulator never answers), time moves in `stepMs` steps so client timeouts fire.
 */
export async function live(
  clock: VirtualClock,
  scheduler: Scheduler,
  ms: number,
  stepMs = 1_000,
): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    await settle(scheduler);
    const now = clock.now();
    const due = scheduler.stats.nextDueAt;
    const target =
      scheduler.stats.inFlight > 0
        ? now + stepMs
        : Math.min(end, due === undefined ? end : Math.max(due, now));
    await clock.advance(Math.max(0, Math.min(end, target) - now));
    await settle(scheduler);
  }
}

/**
 * Gives in-flight jobs up to ~60 ms of real time to finish (a loopback round trip takes a
 * few ms; a request the simulator holds on purpose stays in flight, and `live` moves time on).
 */
export async function settle(scheduler: Scheduler): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await tick(0);
    if (scheduler.stats.inFlight === 0) {
      // One more turn for continuations (events, store writes).
      await tick(0);
      if (scheduler.stats.inFlight === 0) return;
    }
    if (i > 10) await tick(2);
  }
}

/** Everything this package publishes or logs, to prove no secret appears in it. */
export function captureOutput(): {
  logger: Logger;
  text: () => string;
  stop: () => void;
  messages: unknown[];
} {
  const messages: unknown[] = [];
  const handlers = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
    const h = (message: unknown) => messages.push({ channel: name, message });
    subscribe(name, h);
    return [name, h] as const;
  });
  const log =
    (level: string) =>
    (obj: Record<string, unknown>, msg: string): void => {
      messages.push({ level, obj, msg });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    logger,
    messages,
    text: () =>
      JSON.stringify(messages, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
    stop: () => {
      for (const [name, h] of handlers) unsubscribe(name, h);
    },
  };
}

/** A deterministic random source for jitter. */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Lives through `ms` of virtual time in fixed steps, letting real I/O (requests, socket frames,
 * reconnects) happen between steps. For end-to-end runs where streams and the simulator have
 * their own timers besides the scheduler's.
 */
export async function liveSteps(
  clock: VirtualClock,
  scheduler: Scheduler,
  ms: number,
  stepMs = 10 * MIN,
): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    await clock.advance(Math.min(stepMs, end - clock.now()));
    await settle(scheduler);
    await tick(1);
  }
}
