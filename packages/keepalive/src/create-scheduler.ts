import { createOptionKit, systemClock } from '@userstream/core';
import { isLogger, silentLogger } from './logger.js';
import {
  DEFAULT_HOLD_SPREAD_MS,
  DEFAULT_JITTER,
  DEFAULT_LATE_THRESHOLD_MS,
  DEFAULT_MAX_IN_FLIGHT,
  type Scheduler,
  SchedulerImpl,
  type SchedulerOptions,
} from './scheduler.js';

const kit = createOptionKit('@userstream/keepalive');

const KNOWN = [
  'clock',
  'maxInFlight',
  'jitter',
  'holdSpreadMs',
  'lateThresholdMs',
  'random',
  'logger',
] as const satisfies readonly (keyof SchedulerOptions)[];

/**
 * Creates a scheduler. Create ONE per process (or per group of streams that should share
 * leases) and pass it to every `openUserDataStream()` call: streams opened with the same
 * scheduler share leases and renewals. There is no hidden global instance.
 */
export function createScheduler(options: SchedulerOptions = {}): Scheduler {
  if (typeof options !== 'object' || options === null) {
    throw kit.invalid('createScheduler() takes an options object', 'options');
  }
  kit.known(options, KNOWN);
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw kit.invalid('logger must have debug, info, warn and error methods', 'logger');
  }
  return new SchedulerImpl({
    clock: options.clock === undefined ? systemClock : kit.clock(options.clock),
    maxInFlight:
      options.maxInFlight === undefined
        ? DEFAULT_MAX_IN_FLIGHT
        : kit.integer(options.maxInFlight, 'maxInFlight', { min: 1 }),
    jitter: options.jitter === undefined ? DEFAULT_JITTER : kit.share(options.jitter, 'jitter'),
    // Durations are Node timers: above 2^31-1 ms one fires after 1 ms, so the kit refuses those.
    holdSpreadMs:
      options.holdSpreadMs === undefined
        ? DEFAULT_HOLD_SPREAD_MS
        : kit.duration(options.holdSpreadMs, 'holdSpreadMs', { allowZero: true }),
    lateThresholdMs:
      options.lateThresholdMs === undefined
        ? DEFAULT_LATE_THRESHOLD_MS
        : kit.duration(options.lateThresholdMs, 'lateThresholdMs', { allowZero: true }),
    random:
      options.random === undefined
        ? Math.random
        : kit.fn<() => number>(options.random, 'random', 'a function returning [0, 1)'),
    logger: options.logger ?? silentLogger,
  });
}
