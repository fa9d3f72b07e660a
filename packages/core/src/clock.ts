import { describeValue } from './describe.js';
import { InvalidInputError } from './errors.js';

/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type ClockTimer =
  | {
      /** A brand only: a timer is opaque, pass it back to `clearTimeout`. */
      readonly __clockTimer?: never;
    }
  | object;

/**
 * Time and timers. Every package takes one, so hours of protocol time (60 min key validity,
 * 30 min keepalives, 24 h connection life) can run in milliseconds in tests.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` after `delayMs` of this clock's time. */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  /** Cancels a timer of this clock; a timer that already fired or was cancelled is ignored. */
  clearTimeout(timer: ClockTimer): void;
  /**
   * How many times faster than real time this clock runs (a scaled clock's); absent means 1.
   * Read it through `clockSpeed()`, the one rule every package scales network bounds by.
   */
  readonly speed?: number;
}

/** The real clock: `Date.now()` and Node timers (unref'd: a timer alone never keeps a process alive). */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const t = globalThis.setTimeout(callback, Math.max(0, delayMs));
    t.unref();
    return t;
  },
  clearTimeout(timer: ClockTimer): void {
    globalThis.clearTimeout(timer as ReturnType<typeof globalThis.setTimeout>);
  },
});

/** Options of {@link createScaledClock}. */
export interface ScaledClockOptions {
  /** How many clock milliseconds pass per real millisecond (3600: an hour a second). */
  speed: number;
  /** Epoch ms the clock starts at. @default Date.now() */
  start?: number;
}

/**
 * A clock that runs `speed` times faster than real time, for tests with real sockets that
 * need to live through days in seconds. Share one instance between the simulator and clients.
 */
export function createScaledClock(options: ScaledClockOptions): Clock & {
  /** Clock ms per real ms, as given (a positive number, else `InvalidInputError`). */
  readonly speed: number;
} {
  const { speed } = options;
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new InvalidInputError(
      `@userstream/core: scaled clock speed must be a positive number, got ${speed}`,
      {
        field: 'speed',
      },
    );
  }
  const realStart = performance.now();
  const start = options.start ?? Date.now();
  const now = (): number => Math.floor(start + (performance.now() - realStart) * speed);
  return {
    speed,
    now,
    setTimeout(callback: () => void, delayMs: number): ClockTimer {
      // Node timers may fire a fraction of a millisecond early by performance.now(); scaled up
      // that is whole seconds of protocol time, so re-arm until this clock has reached `due`.
      const due = now() + Math.max(0, delayMs);
      const handle: { t?: ReturnType<typeof globalThis.setTimeout> } = {};
      const arm = (ms: number): void => {
        handle.t = globalThis.setTimeout(() => {
          const left = due - now();
          if (left > 0) arm(left);
          else callback();
        }, ms / speed);
        handle.t.unref();
      };
      arm(Math.max(0, delayMs));
      return handle;
    },
    clearTimeout(timer: ClockTimer): void {
      globalThis.clearTimeout((timer as { t?: ReturnType<typeof globalThis.setTimeout> }).t);
    },
  };
}

interface VirtualTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. `advance()` runs due timers in time order and lets
 * promise continuations run between them, so async code driven by timers progresses as it
 * would in real time.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: VirtualTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const timer: VirtualTimer = {
      at: this.#now + Math.max(0, delayMs),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#timers.push(timer);
    return timer;
  }

  /** Cancels a timer; it will not fire on a later `advance()`. */
  clearTimeout(timer: ClockTimer): void {
    (timer as VirtualTimer).cancelled = true;
    const i = this.#timers.indexOf(timer as VirtualTimer);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.#next();
      if (!next || next.at > target) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  #next(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.#timers) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Binance's default and maximum `recvWindow`, in ms. */
export const DEFAULT_RECV_WINDOW = 5000;
/** The largest `recvWindow` a venue accepts, in ms (60 s); `validateRecvWindow` refuses more. */
export const MAX_RECV_WINDOW = 60_000;

/** Checks a `recvWindow`: a whole number of ms in 1..60000. */
export function validateRecvWindow(recvWindow: unknown): number {
  if (
    typeof recvWindow !== 'number' ||
    !Number.isInteger(recvWindow) ||
    recvWindow <= 0 ||
    recvWindow > MAX_RECV_WINDOW
  ) {
    throw new InvalidInputError(
      `recvWindow must be a whole number of milliseconds from 1 to ${MAX_RECV_WINDOW} (default ${DEFAULT_RECV_WINDOW}), got ${describeValue(recvWindow)}`,
      { field: 'recvWindow' },
    );
  }
  return recvWindow;
}

/**
 * The venue's time as seen from here: an offset measured from a round trip
 * (server time minus the midpoint of send and receive), applied to a local clock.
 */
export class ServerTime {
  #offset = 0;
  #rtt: number | undefined;
  readonly #clock: Pick<Clock, 'now'>;

  constructor(clock: Pick<Clock, 'now'> = systemClock) {
    this.#clock = clock;
  }

  /** Server time minus local time, in ms. */
  get offsetMs(): number {
    return this.#offset;
  }

  /** Round trip of the last measurement, in ms (undefined before the first). */
  get roundTripMs(): number | undefined {
    return this.#rtt;
  }

  /** Records a measurement: `serverTime` read from a response sent at `sentAt`, received at `receivedAt`. */
  record(serverTime: number, sentAt: number, receivedAt: number): number {
    if (!Number.isFinite(serverTime) || receivedAt < sentAt) {
      throw new InvalidInputError(
        'server time measurement is invalid: expected a finite serverTime and receivedAt >= sentAt',
      );
    }
    this.#rtt = receivedAt - sentAt;
    this.#offset = Math.round(serverTime - (sentAt + receivedAt) / 2);
    return this.#offset;
  }

  /** Estimated current server time, in epoch ms. */
  now(): number {
    return this.#clock.now() + this.#offset;
  }
}
