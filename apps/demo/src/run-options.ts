import { type Clock, createScaledClock, systemClock } from '@userstream/core';

/** The protocol clock of an embedded exchange run: real time at speed 1, else scaled. */
export function demoClock(speed: number): Clock {
  return speed === 1 ? systemClock : createScaledClock({ speed });
}

/**
 * REST options on a clock running `speed` times real time: a compressed clock stretches network
 * latency too, so signed requests get the widest window.
 */
export function demoRestOptions(speed: number): { recvWindow?: number } {
  return speed > 1 ? { recvWindow: 60_000 } : {};
}

/**
 * Stream reliability options on the embedded exchange (wall-clock ms): silence is detected and
 * streams come back faster than the defaults (15 s pings, 10 s pong timeout, 30 s backoff cap),
 * so every recovery shows within a second or two. The stream scales them to the compressed clock.
 */
export const DEMO_STREAM_OPTIONS = Object.freeze({
  heartbeat: { pingIntervalMs: 1_000, pongTimeoutMs: 1_000, inactivityTimeoutMs: 3_000 },
  reconnect: { baseDelayMs: 100, maxDelayMs: 2_000 },
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
