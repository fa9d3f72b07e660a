import { eventIdentity } from '@userstream/core';
import type { RecordedEvent } from '@userstream/simulator';

/** An event the exchange sent: its type, time and, for engine events, its payload. */
export interface SentEvent {
  readonly e: string;
  readonly E: number;
  readonly event?: Readonly<Record<string, unknown>> | undefined;
}

/** The events of the simulator's record a client must receive: the engine's and the load generator's. */
export function streamedEvents(recorded: readonly RecordedEvent[]): RecordedEvent[] {
  return recorded.filter((r) => r.source === 'engine' || r.source === 'load');
}

/**
 * Events as delivered (to the bot's listener, or into an account's Redis Stream), counted by
 * core's `eventIdentity` (type, `E` and content: one matching step yields several events in one
 * millisecond, so `e` and `E` alone would call them duplicates of each other) and by type and
 * `E` (the simulator records load events without their payload, so those can only be matched so).
 */
export class EventTally {
  readonly #byIdentity = new Map<string, number>();
  /** Copies per type and E, keyed by both at add time (never parsed back out of an identity). */
  readonly #byTime = new Map<string, Map<number, number>>();
  #duplicates = 0;

  /** Counts one delivery of `event`, whose `E` the caller has read as a number. */
  add(event: { readonly e: string }, E: number): void {
    this.addIdentity(eventIdentity(event), event.e, E);
  }

  /** Counts one delivery of an event whose identity is already known. */
  addIdentity(identity: string, e: string, E: number): void {
    const n = this.#byIdentity.get(identity) ?? 0;
    if (n > 0) this.#duplicates++;
    this.#byIdentity.set(identity, n + 1);
    let times = this.#byTime.get(e);
    if (!times) {
      times = new Map();
      this.#byTime.set(e, times);
    }
    times.set(E, (times.get(E) ?? 0) + 1);
  }

  /** Deliveries beyond the first of each event. */
  get duplicates(): number {
    return this.#duplicates;
  }

  has(event: object): boolean {
    return this.#byIdentity.has(eventIdentity(event));
  }

  clear(): void {
    this.#byIdentity.clear();
    this.#byTime.clear();
    this.#duplicates = 0;
  }

  /**
   * The sent events that were never delivered, and of those the ones `announced` (a gap window
   * around their `E`) does not cover. A sent event with a payload is delivered when its identity
   * was; every sent event also takes one delivered copy of its type and `E`, so N events sent in
   * one millisecond need N deliveries.
   */
  losses(
    sent: readonly SentEvent[],
    announced: (E: number) => boolean,
  ): { lost: number; unannounced: number } {
    const copies = new Map<string, Map<number, number>>();
    for (const [e, times] of this.#byTime) copies.set(e, new Map(times));
    let lost = 0;
    let unannounced = 0;
    for (const r of sent) {
      const E = Number(r.E);
      const times = copies.get(r.e);
      const left = times?.get(E) ?? 0;
      if ((r.event ? this.has(r.event) : true) && left > 0) {
        times?.set(E, left - 1);
        continue;
      }
      lost++;
      if (!announced(E)) unannounced++;
    }
    return { lost, unannounced };
  }
}
