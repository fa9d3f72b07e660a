/**
 * What every protocol's opening shares: the options handed to the sibling packages, the lease
 * view a handle exposes, holding the process while opening, and waiting for the first `open`.
 */
import { ClosedError, ErrorCode, TransportError, UserstreamError } from '@userstream/core';
import type { RestClient, RestClientOptions } from '@userstream/rest';
import { DEFAULT_OPEN_TIMEOUT_MS, type ReconnectingInfo, type StreamOptions } from '@userstream/stream';
import type { BaseLease } from './lease.js';
import type { Lease } from './lease-types.js';
import type { LeaseView, ManagedStream } from './managed-stream.js';
import type { CheckedOpenOptions, OpenUserDataStreamOptions } from './open-options.js';

/** A user data stream kept alive by a lease; `stream.lease.state()` for dashboards. */
export type UserDataStreamHandle = ManagedStream<RestClient>;

/** One `openUserDataStream()` call, checked, with what every protocol's opener needs. */
export interface OpenContext {
  readonly checked: CheckedOpenOptions;
  /** The options of the lease's REST client. */
  readonly rest: RestClientOptions;
  /** The stream options every protocol's stream starts from (it adds its credential or auth). */
  readonly stream: StreamOptions;
  /** Rate-limit group of the lease's jobs: the venue's REST origin. */
  readonly group: string;
  /** Closes the scheduler when this call made it (nothing shared with anyone else). */
  closeScheduler(): void;
}

export function openContext(checked: CheckedOpenOptions, options: OpenUserDataStreamOptions): OpenContext {
  const insecure = options.allowInsecure ? { allowInsecure: true } : {};
  // One proxy for both sides; a side's own `proxy` wins (REST and stream check the value).
  const proxy = options.proxy === undefined ? {} : { proxy: options.proxy };
  return {
    checked,
    rest: {
      ...proxy,
      ...options.rest,
      venue: checked.venue,
      credentials: checked.credentials,
      clock: checked.clock,
      logger: checked.logger,
      ...insecure,
    },
    stream: {
      ...proxy,
      ...options.stream,
      venue: checked.venue,
      clock: checked.clock,
      logger: checked.logger,
      ...insecure,
    },
    group: new URL(checked.venue.restBaseUrl).origin,
    closeScheduler: () => {
      if (checked.ownScheduler) checked.scheduler.close();
    },
  };
}

/** The lease options every protocol passes the same way. */
export function baseLeaseOptions(ctx: OpenContext) {
  const { checked } = ctx;
  const { retry, ownershipTtlMs, ownershipRenewMs } = checked.lease;
  return {
    key: checked.key,
    scheduler: checked.scheduler,
    store: checked.store,
    owner: checked.owner,
    logger: checked.logger,
    group: ctx.group,
    ...(retry ? { retry } : {}),
    ...(ownershipTtlMs === undefined ? {} : { ownershipTtlMs }),
    ...(ownershipRenewMs === undefined ? {} : { ownershipRenewMs }),
  };
}

/** A handle's read-only view of its lease: state and lifecycle events, not close() or attach(). */
export function viewOf(base: BaseLease): LeaseView {
  // Through the `Lease` interface, whose on/off/once are typed per event (EventEmitter's are not
  // callable with a generic event name).
  const lease: Lease = base;
  const view: LeaseView = {
    kind: lease.kind,
    key: lease.key,
    get fencingToken() {
      return lease.fencingToken;
    },
    state: () => lease.state(),
    on: (type, listener) => {
      lease.on(type, listener);
      return view;
    },
    off: (type, listener) => {
      lease.off(type, listener);
      return view;
    },
    once: (type, listener) => {
      lease.once(type, listener);
      return view;
    },
  };
  return view;
}

/** Longest interval Node accepts; the hold never does anything when it fires. */
const HOLD_INTERVAL_MS = 2 ** 31 - 1;

/**
 * Runs `open` holding the process. Every timer of opening (REST retries, lease jobs, reconnects)
 * is unref'd on purpose: this holds the process until opening settles, so `await
 * openUserDataStream()` resolves or rejects, and never leaves an unsettled top-level await (exit
 * 13, nothing printed) when the venue is unreachable. Once open, the stream holds the process
 * itself until close().
 */
export async function holdingProcess<T>(open: () => Promise<T>): Promise<T> {
  const hold = setInterval(() => {}, HOLD_INTERVAL_MS);
  try {
    return await open();
  } finally {
    clearInterval(hold);
  }
}

/** The first open's deadline: the stream's `openTimeoutMs` (real milliseconds), as it would use. */
export function openTimeoutOf(options: OpenUserDataStreamOptions): number {
  const value = options.stream?.openTimeoutMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_OPEN_TIMEOUT_MS;
}

/**
 * Waits for the first `open`. Fails (and releases everything) when the signal aborts, when the
 * venue rejects the subscription in a way retrying cannot fix (a bad key or signature), or when
 * the stream has not opened within `timeoutMs` of real time (an unreachable or refusing venue:
 * a typed USERSTREAM_TIMEOUT saying what was tried, rather than a caller waiting forever).
 */
export async function waitOpen(
  handle: UserDataStreamHandle,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<void> {
  let onAbort: (() => void) | undefined;
  let onError: ((error: UserstreamError) => void) | undefined;
  let onReconnecting: ((info: ReconnectingInfo) => void) | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    let attempts = 0;
    let last: string | undefined;
    onReconnecting = (info) => {
      attempts++;
      // The network cause (`connect ECONNREFUSED …`) is what the caller can act on.
      last = info.cause === undefined ? info.reason : `${info.reason} (${info.cause})`;
    };
    handle.on('reconnecting', onReconnecting);
    deadline = setTimeout(() => {
      reject(
        new TransportError(
          `@userstream/keepalive: the ${handle.lease.key.venue} stream did not open within ${timeoutMs} ms (${attempts} failed connection attempt${attempts === 1 ? '' : 's'}${last ? `, last: ${last}` : ''}); check the network and the venue's stream URL, raise stream.openTimeoutMs, or pass waitForOpen: false to keep trying in the background`,
          { timeout: true, retryable: true, details: { timeoutMs, attempts, reason: last } },
        ),
      );
    }, timeoutMs);
    onError = (error) => {
      if (error.code === ErrorCode.Exchange && error.isRetryable === false) reject(error);
    };
    handle.on('error', onError);
    if (signal) {
      onAbort = () =>
        reject(new ClosedError('@userstream/keepalive: opening was aborted', { aborted: true }));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    await Promise.race([handle.opened(), failed]);
  } catch (error) {
    await handle.close().catch(() => {});
    throw UserstreamError.isInstance(error)
      ? error
      : new ClosedError('@userstream/keepalive: opening failed', { cause: error });
  } finally {
    clearTimeout(deadline);
    if (onError) handle.off('error', onError);
    if (onReconnecting) handle.off('reconnecting', onReconnecting);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
