import { readFileSync } from 'node:fs';
import { VirtualClock } from '@userstream/core';
import { Exchange } from './exchange.js';
import type { ExchangeOptions, ExchangeTarget } from './exchange-options.js';

// core does not re-export its event parser from its index yet: read it from its source so the
// engine's events are checked against the same schemas clients use.
export { parseEvent } from '@userstream/core';

/** Test support (not exported from the package): an exchange recording what it emits. */
export interface Recorded {
  target: ExchangeTarget;
  event: Record<string, unknown>;
}

export function setup(options: Partial<ExchangeOptions> = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const emitted: Recorded[] = [];
  const exchange = new Exchange({
    clock,
    emit: (target, event) => emitted.push({ target, event }),
    ...options,
  });
  exchange.addAccount('alice');
  /** Takes (and clears) what was emitted so far. */
  const take = (): Recorded[] => emitted.splice(0, emitted.length);
  const types = (list: Recorded[]) => list.map((r) => `${r.event.e}${r.event.x ? `:${r.event.x}` : ''}`);
  return { clock, exchange, emitted, take, types };
}

/** A documented payload from core's fixtures (the event itself, unwrapped). */
export function fixture(path: string): Record<string, unknown> {
  const url = new URL(`../../../core/test/fixtures/${path}`, import.meta.url);
  const json = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  return (json.event as Record<string, unknown> | undefined) ?? json;
}

/** Runs `fn`, expecting an `ExchangeError`; returns `{code, msg}` as a venue body would carry them. */
export function rejection(fn: () => unknown): { code: number; msg: string } {
  try {
    fn();
  } catch (error) {
    const e = error as { exchangeCode?: number; exchangeMessage?: string };
    if (typeof e.exchangeCode !== 'number') throw error;
    return { code: e.exchangeCode, msg: e.exchangeMessage as string };
  }
  throw new Error('expected an ExchangeError, nothing was thrown');
}

/** The `i`-th recorded event (negative counts from the end); throws when there is none. */
export function at(list: readonly Recorded[], i: number): Record<string, unknown> {
  const r = list.at(i);
  if (!r) throw new Error(`no event #${i}; ${list.length} recorded`);
  return r.event;
}
