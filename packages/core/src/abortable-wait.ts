import { ClosedError, InvalidInputError } from './errors.js';

/** One pending wait on a handle (`opened()`, `ready()`): the handle settles it. */
export interface Waiter<T = void> {
  /** Settles the wait with `value` (the handle calls it when the awaited state is reached). */
  resolve(value: T): void;
  /** Fails the wait (the handle closed first: a `ClosedError`; or the signal aborted). */
  reject(error: unknown): void;
}

/**
 * Adds a wait to `waiters` (the handle settles and empties that list as before) that a `signal`
 * can end first: an abort takes the wait out of the list again and rejects with a `ClosedError`
 * `{ aborted: true }` (code `USERSTREAM_ABORTED`), and a settled wait drops its abort listener, so
 * neither the handle nor a long-lived signal keeps anything per wait. Aborting ends the wait only,
 * never the handle: close it if it is not wanted. `what` starts the abort message
 * (`'@userstream/stream: opened()'`). A `signal` that is not an AbortSignal is refused, typed.
 */
export function addWaiter<T = void>(
  waiters: Waiter<T>[],
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (signal !== undefined && !(signal instanceof AbortSignal))
    return Promise.reject(
      new InvalidInputError(`${what}: signal must be an AbortSignal (from an AbortController)`, {
        field: 'signal',
      }),
    );
  const aborted = () =>
    new ClosedError(`${what} was aborted; the handle stays as it was (close() it if it is not wanted)`, {
      aborted: true,
    });
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter<T> = {
      resolve: (value) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      reject: (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    };
    function onAbort(): void {
      const at = waiters.indexOf(waiter);
      if (at >= 0) waiters.splice(at, 1);
      reject(aborted());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    waiters.push(waiter);
  });
}

/**
 * `promise`, or a `ClosedError` `{ aborted: true }` as soon as `signal` aborts, for a wait on
 * work that goes on anyway (a worker joining its fleet): the abort listener is removed when either
 * comes first, and aborting never stops or closes what `promise` waits on.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  const waiters: Waiter<T>[] = [];
  const wait = addWaiter(waiters, signal, what);
  promise.then(
    (value) => waiters[0]?.resolve(value),
    (error: unknown) => waiters[0]?.reject(error),
  );
  return wait;
}
