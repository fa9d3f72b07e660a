import { inputKit } from './option-kits.js';

/*
 * The checks of a fault's options: a fault is a method call (or an admin request), not
 * configuration, so they are the input kit's (USERSTREAM_INVALID_INPUT, naming the field).
 */

/**
 * A duration in clock ms, 0 allowed; `fallback` (e.g. -1: "until released") when absent. Above
 * 2^31-1 ms Node fires a timer after 1 ms: a long stall would end at once.
 */
export function durationOr(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : inputKit.duration(value, field, { allowZero: true });
}

/** A count of at least 1; `fallback` when absent. */
export function countOr(value: unknown, field: string, fallback: number): number {
  return value === undefined ? fallback : inputKit.integer(value, field, { min: 1 });
}
