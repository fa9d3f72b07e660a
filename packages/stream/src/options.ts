import type { Agent } from 'node:http';
import {
  type BackoffOptions,
  type Clock,
  clockSpeed,
  createOptionKit,
  describeValue,
  InvalidInputError,
  resolveVenue,
  systemClock,
  type VenueProfile,
} from '@userstream/core';
import { isLogger, type Logger, silentLogger } from './logger.js';
import { proxyAgentOf, type StreamProxyOptions } from './proxy-agent.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Client-side liveness checks on every connection. */
export interface HeartbeatOptions {
  /** Send a ping this often. @default 10000 */
  pingIntervalMs?: number;
  /**
   * Terminate and reconnect when a ping is not answered within this time and no frame arrived
   * since the ping either (frames prove the socket delivers; the pong may sit behind them): a
   * silent connection is found within `pingIntervalMs + pongTimeoutMs` (15 s by default).
   * @default 5000
   */
  pongTimeoutMs?: number;
  /**
   * Terminate and reconnect when nothing at all (frame, ping or pong) arrived for this long.
   * @default 60000
   */
  inactivityTimeoutMs?: number;
}

/** Reconnects go on forever (until `close()`), with capped exponential backoff and full jitter. */
export interface ReconnectOptions {
  /** Upper bound of the first retry's delay (the first retry after a healthy connection is immediate). @default 250 */
  baseDelayMs?: number;
  /** Cap of the backoff. @default 30000 */
  maxDelayMs?: number;
  /** Growth per attempt. @default 2 */
  factor?: number;
}

/** Make-before-break rotation ahead of the venue's connection lifetime (24 h on Binance). */
export interface RotationOptions {
  /** Rotate this long before the venue's cutoff. @default 600000 (10 min) */
  marginMs?: number;
  /** Spread rotations of many connections by up to this much. @default 60000 */
  jitterMs?: number;
}

/** What happens when an async iterator's consumer falls behind. */
export type SlowConsumerPolicy = 'warn' | 'gap' | 'error';

/** The async iterator's buffer. */
export interface BufferOptions {
  /** Events held for a slow `for await` consumer before the policy applies. @default 10000 */
  size?: number;
  /**
   * - `warn` (default): keep buffering, emit `slowConsumer` each time another `size` events pile up.
   * - `gap`: discard what is buffered, emit `gap` (reason `overflow`) so the consumer resyncs.
   * - `error`: end the iterator with a `USERSTREAM_SLOW_CONSUMER` error.
   * Events are never dropped without a `slowConsumer` or `gap` saying so.
   */
  policy?: SlowConsumerPolicy;
  /**
   * Hard cap of buffered events under every policy: there the backlog is discarded, `slowConsumer`
   * and `gap` (reason `overflow`) are emitted so the consumer resyncs (`AccountMirror` does), and
   * buffering starts again; under `error` the iterator fails instead. At least `size`. @default 50000
   */
  maxEvents?: number;
  /**
   * Hard cap of buffered bytes (each event counted as the length of the frame it arrived in), with
   * the same action as `maxEvents`. @default 33554432 (32 MiB)
   */
  maxBytes?: number;
}

/** Duplicate suppression (overlapping connections, venue resends). */
export interface DedupeOptions {
  /** Remember at most this many recent events. @default 1024 */
  capacity?: number;
  /** Forget events older than this (by arrival). @default 60000 */
  windowMs?: number;
}

/** Options every stream and connection takes. */
export interface StreamOptions {
  /** A built-in venue id (`binance-usdm`, …) or a profile (`defineVenue`, `sim.venue(id)`). */
  venue: string | VenueProfile;
  /** Protocol time and timers (heartbeat, rotation, backoff). @default systemClock */
  clock?: Clock;
  /** Where connection changes, gaps and listener errors are logged (pino-compatible; no credential ever). @default silent */
  logger?: Logger;
  /** Client pings and liveness bounds; `false` disables them. @default true */
  heartbeat?: boolean | HeartbeatOptions;
  /** Backoff between connection attempts (capped exponential with jitter); retried forever until `close()`. */
  reconnect?: ReconnectOptions;
  /** Make-before-break before the venue's connection lifetime; `false` disables it. @default true */
  rotation?: boolean | RotationOptions;
  /**
   * Hold events this many (real) milliseconds to deliver them in `E` order; 0 delivers at once.
   * @default 50 on BHEX and Coins.ph (whose docs say events can arrive out of order), else 0
   */
  reorderWindowMs?: number;
  /** Duplicate suppression; `false` disables it. @default true */
  dedupe?: boolean | DedupeOptions;
  /** Bounds of each `for await` consumer's buffer and what happens past them (`warn`, `gap`, `error`). */
  buffer?: BufferOptions;
  /** Time allowed to open a connection (and, on the WebSocket API, to subscribe). @default 10000 */
  openTimeoutMs?: number;
  /** WebSocket API request timeout. @default 10000 */
  requestTimeoutMs?: number;
  /** Accept plain `ws:` off loopback. @default false */
  allowInsecure?: boolean;
  /**
   * Largest WebSocket frame accepted, in bytes. A bigger frame is not read: the connection is
   * replaced (with backoff) and `error` carries a `PayloadTooLargeError`. @default 1048576 (1 MiB)
   */
  maxPayload?: number;
  /** Dial every WebSocket through this HTTP CONNECT or SOCKS proxy (REST's `proxy` shape). */
  proxy?: string | StreamProxyOptions;
  /** Random source for jitter, for tests. @default Math.random */
  random?: () => number;
}

/** Heartbeat defaults: a ping every 10 s, 5 s for its pong, and 60 s without any frame counts as dead. */
export const DEFAULT_HEARTBEAT: Readonly<Required<HeartbeatOptions>> = Object.freeze({
  pingIntervalMs: 10 * SECOND,
  pongTimeoutMs: 5 * SECOND,
  inactivityTimeoutMs: MINUTE,
});
/** Reconnect defaults: 250 ms first delay, doubling, at most 30 s. */
export const DEFAULT_RECONNECT: Readonly<Required<ReconnectOptions>> = Object.freeze({
  baseDelayMs: 250,
  maxDelayMs: 30 * SECOND,
  factor: 2,
});
/** Rotation defaults: a new connection 10 min (±1 min jitter) before the venue's connection lifetime ends. */
export const DEFAULT_ROTATION: Readonly<Required<RotationOptions>> = Object.freeze({
  marginMs: 10 * MINUTE,
  jitterMs: MINUTE,
});
/** Buffer defaults per `for await` consumer: warn past 10,000 events; hard caps 50,000 events or 32 MiB. */
export const DEFAULT_BUFFER: Readonly<Required<BufferOptions>> = Object.freeze({
  size: 10_000,
  policy: 'warn',
  // A parsed event holds about 500 bytes of heap (a frame of ~450): 50,000 ordinary events stay
  // near 25 MB, and the byte cap takes over for bulky frames before they add up to more.
  maxEvents: 50_000,
  maxBytes: 32 * 1024 * 1024,
});
/** Dedupe defaults: remember the last 1,024 events, for one minute. */
export const DEFAULT_DEDUPE: Readonly<Required<DedupeOptions>> = Object.freeze({
  capacity: 1024,
  windowMs: MINUTE,
});
/** Time allowed to open a connection (and subscribe), ms: then the attempt counts as failed and is retried. */
export const DEFAULT_OPEN_TIMEOUT_MS = 10 * SECOND;
/** Time a WebSocket API request may wait for its answer, ms: then it fails with `USERSTREAM_TIMEOUT`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10 * SECOND;
/** User data frames are a few KB; 1 MiB leaves a wide margin and bounds each socket's memory. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** Options after checking, with every default filled in. */
export interface ResolvedOptions {
  venue: VenueProfile;
  clock: Clock;
  logger: Logger;
  heartbeat: Required<HeartbeatOptions> | undefined;
  reconnect: Required<ReconnectOptions>;
  rotation: Required<RotationOptions> | undefined;
  reorderWindowMs: number;
  dedupe: Required<DedupeOptions> | undefined;
  buffer: Required<BufferOptions>;
  openTimeoutMs: number;
  requestTimeoutMs: number;
  allowInsecure: boolean;
  maxPayload: number;
  /** The proxy's agent (`proxy` option), if any. */
  agent: Agent | undefined;
  random: () => number;
  /** `reconnect` with `random`: what core's `backoffDelay` takes, built once. */
  backoff: BackoffOptions;
}

/** Every factory option refusal: `USERSTREAM_INVALID_CONFIG` naming the field (core's kit). */
export const kit = createOptionKit('@userstream/stream');

/** A refusal of a value passed to a method (a listenKey, a token): `USERSTREAM_INVALID_INPUT`. */
export function invalidInput(message: string, field: string): InvalidInputError {
  return new InvalidInputError(`@userstream/stream: ${message}`, { field });
}

/** The refusal a value gets where it arrived: a factory's option, or a method's argument. */
export type Refuse = (message: string, field: string) => InvalidInputError;

const BASE_KEYS = [
  'venue',
  'clock',
  'logger',
  'heartbeat',
  'reconnect',
  'rotation',
  'reorderWindowMs',
  'dedupe',
  'buffer',
  'openTimeoutMs',
  'requestTimeoutMs',
  'allowInsecure',
  'maxPayload',
  'proxy',
  'random',
] as const;

/**
 * Milliseconds for a timer: whole, and at most 2^31-1 (Node fires a timer above that after
 * 1 ms: a 2^31 ms ping interval was a ping storm).
 */
function ms(value: unknown, field: string, { allowZero = false } = {}): number {
  return kit.duration(value, field, { allowZero, integer: true });
}

function count(value: unknown, field: string): number {
  return kit.integer(value, field, { min: 1 });
}

/** A nested options object (`heartbeat`, …): its own names only, each checked, defaults filled in. */
function section<T extends object>(
  value: unknown,
  field: string,
  defaults: Readonly<Required<T>>,
  check: (key: keyof T & string, v: unknown) => unknown,
): Required<T> {
  if (value === undefined || value === true) return { ...defaults };
  if (typeof value !== 'object' || value === null) {
    throw kit.invalid(`${field} must be an object of options (or true/false where allowed)`, field);
  }
  kit.known(value, Object.keys(defaults), field);
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = check(k as keyof T & string, v);
  return out as Required<T>;
}

/** Checks the options shared by every stream; `extra` names the factory's own options. */
export function resolveOptions(options: unknown, factory: string, extra: readonly string[]): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw kit.invalid(`${factory}() takes an options object: { venue, ... }`, 'options');
  }
  kit.known(options, [...BASE_KEYS, ...extra]);
  const o = options as StreamOptions;
  // The plaintext rule is the transport's, per URL it dials, with this stream's `allowInsecure`.
  const venue = resolveVenue(o.venue, { prefix: '@userstream/stream', allowInsecure: true });
  const clock = o.clock === undefined ? systemClock : kit.clock(o.clock);
  if (o.logger !== undefined && !isLogger(o.logger)) {
    throw kit.invalid('logger must have debug, info, warn and error methods (pino works)', 'logger');
  }
  const heartbeat =
    o.heartbeat === false
      ? undefined
      : section<HeartbeatOptions>(o.heartbeat, 'heartbeat', DEFAULT_HEARTBEAT, (k, v) =>
          ms(v, `heartbeat.${k}`),
        );
  const reconnect = section<ReconnectOptions>(o.reconnect, 'reconnect', DEFAULT_RECONNECT, (k, v) => {
    if (k === 'factor') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) {
        throw kit.invalid(
          `reconnect.factor must be a number >= 1, got ${describeValue(v)}`,
          'reconnect.factor',
        );
      }
      return v;
    }
    return ms(v, `reconnect.${k}`, { allowZero: true });
  });
  if (reconnect.maxDelayMs < reconnect.baseDelayMs) {
    throw kit.invalid('reconnect.maxDelayMs must be at least reconnect.baseDelayMs', 'reconnect.maxDelayMs');
  }
  const rotation =
    o.rotation === false
      ? undefined
      : section<RotationOptions>(o.rotation, 'rotation', DEFAULT_ROTATION, (k, v) =>
          ms(v, `rotation.${k}`, { allowZero: true }),
        );
  if (rotation && rotation.marginMs + rotation.jitterMs >= venue.timing.connectionLifetimeMs) {
    throw kit.invalid(
      `rotation.marginMs + rotation.jitterMs must be below the venue's connection lifetime (${venue.timing.connectionLifetimeMs} ms)`,
      'rotation.marginMs',
    );
  }
  const reorderWindowMs =
    o.reorderWindowMs === undefined
      ? venue.dialect === 'bhex' || venue.dialect === 'coins'
        ? 50
        : 0
      : ms(o.reorderWindowMs, 'reorderWindowMs', { allowZero: true });
  const dedupe =
    o.dedupe === false
      ? undefined
      : section<DedupeOptions>(o.dedupe, 'dedupe', DEFAULT_DEDUPE, (k, v) => ms(v, `dedupe.${k}`));
  const buffer = section<BufferOptions>(o.buffer, 'buffer', DEFAULT_BUFFER, (k, v) => {
    if (k === 'policy') {
      if (v !== 'warn' && v !== 'gap' && v !== 'error') {
        throw kit.invalid(
          `buffer.policy must be 'warn', 'gap' or 'error', got ${describeValue(v)}`,
          'buffer.policy',
        );
      }
      return v;
    }
    return count(v, `buffer.${k}`);
  });
  if (buffer.maxEvents < buffer.size) {
    throw kit.invalid(
      `buffer.maxEvents (${buffer.maxEvents}) must be at least buffer.size (${buffer.size})`,
      'buffer.maxEvents',
    );
  }
  const random =
    o.random === undefined
      ? Math.random
      : kit.fn<() => number>(o.random, 'random', 'a function returning a number in [0, 1)');
  // Network bounds (pings, timeouts, backoff) are wall-clock quantities. On a scaled clock
  // (createScaledClock) they are scaled so they keep their real-time meaning; a VirtualClock or
  // the system clock uses them as given. core's clockSpeed is the one rule for what a speed is.
  const scale = clockSpeed(clock);
  const scaled = <T extends object>(value: T): T => {
    if (scale === 1) return value;
    const out = { ...value } as Record<string, unknown>;
    for (const [k, v] of Object.entries(out))
      if (typeof v === 'number' && k !== 'factor') out[k] = Math.round(v * scale);
    return out as T;
  };
  const reconnectScaled = scaled(reconnect);
  return {
    venue,
    clock,
    logger: o.logger ?? silentLogger,
    heartbeat: heartbeat && scaled(heartbeat),
    reconnect: reconnectScaled,
    backoff: { ...reconnectScaled, random },
    rotation,
    reorderWindowMs,
    dedupe,
    buffer,
    openTimeoutMs:
      scale *
      (o.openTimeoutMs === undefined ? DEFAULT_OPEN_TIMEOUT_MS : ms(o.openTimeoutMs, 'openTimeoutMs')),
    requestTimeoutMs:
      scale *
      (o.requestTimeoutMs === undefined
        ? DEFAULT_REQUEST_TIMEOUT_MS
        : ms(o.requestTimeoutMs, 'requestTimeoutMs')),
    allowInsecure: o.allowInsecure === true,
    maxPayload: o.maxPayload === undefined ? DEFAULT_MAX_PAYLOAD : count(o.maxPayload, 'maxPayload'),
    agent: proxyAgentOf(o.proxy),
    random,
  };
}
