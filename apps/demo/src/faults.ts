import type { VenueId } from '@userstream/core';
import type { FaultHandle, Simulator } from '@userstream/simulator';

/**
 * Where each stream (in the demo's order: spot, margin, usdm, bhex) starts in its list of faults,
 * so that the first five rounds already include every kind of fault.
 */
const START_OFFSETS = [0, 5, 0, 1];

/** A stream the injector may aim at. */
export interface FaultTargetStream {
  name: string;
  venue: VenueId;
  protocol: 'wsApi' | 'listenToken' | 'listenKey';
}

export interface InjectedFault {
  /** Short name (drop, stall, expire, …). */
  type: string;
  /** The stream it was aimed at, or `all`. */
  stream: string;
  /** What happened, for the dashboard. */
  description: string;
  /** How many connections, keys or subscriptions it touched. */
  affected: number;
}

interface Recipe {
  type: string;
  applies: (s: FaultTargetStream) => boolean;
  run: (sim: Simulator, target: { accountId: string; venue: VenueId }, s: FaultTargetStream) => InjectedFault;
}

/**
 * Injects the simulator's faults in a fixed rotation over the streams: every kind of failure a
 * venue produces, each of which the libraries must survive and the mirrors must reconcile.
 * Faults that last (stall, refused connections) are released by the clock after a short while.
 */
export class FaultInjector {
  readonly #sim: Simulator;
  readonly #accountId: string;
  readonly #streams: readonly FaultTargetStream[];
  readonly #speed: number;
  readonly #handles: FaultHandle[] = [];
  readonly #recipes: Recipe[];
  #turn = 0;
  readonly #recipeTurns = new Map<string, number>();
  readonly counts: Record<string, number> = {};
  injected = 0;

  constructor(sim: Simulator, accountId: string, streams: readonly FaultTargetStream[], speed: number) {
    this.#sim = sim;
    this.#accountId = accountId;
    this.#streams = streams;
    this.#speed = speed;
    // Protocol-clock durations for lasting faults: about 1.5 s of real time.
    const lasting = Math.round(1_500 * speed);
    const any = () => true;
    const credential = (s: FaultTargetStream) => s.protocol !== 'wsApi';
    const wsApi = (s: FaultTargetStream) => s.protocol !== 'listenKey';
    const listenKey = (s: FaultTargetStream) => s.protocol === 'listenKey';
    const fault = (
      type: string,
      s: FaultTargetStream,
      description: string,
      affected: number,
    ): InjectedFault => ({
      type,
      stream: s.name,
      // Shown on a line that names the stream already: the description does not repeat it.
      description: `${type}: ${description}`,
      affected,
    });
    this.#recipes = [
      {
        type: 'drop',
        applies: any,
        run: (sim, t, s) =>
          fault('drop', s, 'connection killed', sim.faults.drop({ ...t, mode: 'terminate' })),
      },
      {
        type: 'expire',
        applies: credential,
        run: (sim, t, s) => fault('expire', s, 'credential lapsed', sim.faults.expire(t)),
      },
      {
        type: 'stall',
        applies: any,
        run: (sim, t, s) => {
          const h = sim.faults.stall({ ...t, durationMs: lasting });
          this.#handles.push(h);
          return fault('stall', s, 'connection silent (no data, no pings)', 1);
        },
      },
      {
        type: 'eventStreamTerminated',
        applies: wsApi,
        run: (sim, t, s) =>
          fault('eventStreamTerminated', s, 'subscription ended', sim.faults.eventStreamTerminated(t)),
      },
      {
        type: 'failKeepalives',
        applies: listenKey,
        run: (sim, t, s) => {
          this.#handles.push(sim.faults.failKeepalives({ ...t, mode: '-1125', count: 1 }));
          return fault('failKeepalives', s, 'next keepalive answers -1125', 1);
        },
      },
      {
        type: 'serverShutdown',
        applies: (s) => s.protocol !== 'listenKey',
        run: (sim, t, s) =>
          fault(
            'serverShutdown',
            s,
            'serverShutdown, closing soon',
            sim.faults.serverShutdown({ ...t, closeAfterMs: Math.round(500 * speed) }),
          ),
      },
      {
        type: 'duplicate',
        applies: any,
        run: (sim, t, s) =>
          fault('duplicate', s, 'next 5 events sent twice', sim.faults.duplicate({ ...t, count: 5 })),
      },
      {
        type: 'refuseConnections',
        applies: any,
        run: (sim, t, s) => {
          const refused = sim.faults.refuseConnections({ durationMs: lasting, mode: 'reject' });
          this.#handles.push(refused);
          return fault('refuseConnections', s, 'dropped, reconnects refused for a while', sim.faults.drop(t));
        },
      },
      {
        type: 'reorder',
        applies: any,
        run: (sim, t, s) =>
          fault('reorder', s, 'next 4 events sent last-first', sim.faults.reorder({ ...t, window: 4 })),
      },
      {
        type: 'malformedFrame',
        applies: any,
        run: (sim, t, s) => fault('malformedFrame', s, 'truncated JSON frame', sim.faults.malformedFrame(t)),
      },
      {
        type: 'unknownEvent',
        applies: any,
        run: (sim, t, s) => fault('unknownEvent', s, 'event of an unknown type', sim.faults.unknownEvent(t)),
      },
    ];
  }

  /** Injects the next fault of the rotation: streams in turn, each cycling through every fault that applies to it. */
  next(): InjectedFault {
    const stream = this.#streams[this.#turn++ % this.#streams.length];
    if (!stream) throw new Error('no streams to inject faults into');
    const recipes = this.#recipes.filter((r) => r.applies(stream));
    const turn = this.#recipeTurns.get(stream.name) ?? START_OFFSETS[this.#streams.indexOf(stream)] ?? 0;
    this.#recipeTurns.set(stream.name, turn + 1);
    const recipe = recipes[turn % recipes.length] as Recipe;
    const injected = recipe.run(this.#sim, { accountId: this.#accountId, venue: stream.venue }, stream);
    this.injected++;
    this.counts[injected.type] = (this.counts[injected.type] ?? 0) + 1;
    return injected;
  }

  /** Releases every lasting fault (stalls flush what they held back). */
  releaseAll(): void {
    for (const h of this.#handles.splice(0)) h.release();
    this.#sim.faults.clear();
  }

  get speed(): number {
    return this.#speed;
  }
}
