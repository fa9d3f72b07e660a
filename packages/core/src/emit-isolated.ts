import type { EventEmitter } from 'node:events';

/**
 * Emits `type` so that a listener's exception costs nothing else: each listener is called on
 * its own, and a throw (or an async listener's rejection) goes to `threw` instead of up into the
 * caller (a socket's message handler, a reorder window, a timer), where it would skip the
 * listeners after it and lose the events released with it. The one way every emitter of the
 * packages (streams, managed streams, leases) isolates its listeners. No allocation per call
 * beyond what `emit` makes: pass a `threw` made once per emitter.
 */
export function emitIsolated(
  emitter: EventEmitter,
  type: string,
  arg: unknown,
  threw: (type: string, thrown: unknown) => void,
): void {
  const count = emitter.listenerCount(type);
  if (count === 0) return;
  if (count === 1) {
    // The common case: no copy of the listener array (Node's emit makes none for one listener).
    // An async listener's rejection reaches the emitter's captureRejections handler.
    try {
      emitter.emit(type, arg);
    } catch (error) {
      threw(type, error);
    }
    return;
  }
  for (const listener of emitter.rawListeners(type) as ((arg: unknown) => unknown)[]) {
    try {
      const result = listener.call(emitter, arg);
      // Called directly, so emit's captureRejections does not see the promise: catch it here.
      if (result !== undefined && typeof (result as Promise<unknown>).then === 'function')
        (result as Promise<unknown>).then(undefined, (error: unknown) => threw(type, error));
    } catch (error) {
      threw(type, error);
    }
  }
}
