import { ErrorCode, UserstreamError } from '@userstream/core';

/**
 * One of your listeners threw. The stream caught it, went on with the next listener and the next
 * event (nothing lost, repeated or reordered), logged it at `error` level and emits it as an
 * `error` event; `cause` is what was thrown, `details.event` the event type it was thrown for.
 */
export class ListenerError extends UserstreamError {
  /** Always `'ListenerError'`; test `code` (`USERSTREAM_LISTENER_ERROR`) rather than the name. */
  override readonly name: string = 'ListenerError';
  /** The event type whose listener threw (`event`, `executionReport`, `gap`, …). */
  readonly event: string;
  constructor(event: string, cause: unknown) {
    super(
      ErrorCode.ListenerError,
      `@userstream/stream: a '${event}' listener threw; the stream went on without it (fix the listener, or catch inside it)`,
      { cause, retryable: false, details: { event } },
    );
    this.event = event;
  }
}

/**
 * The venue sent a WebSocket frame larger than the stream's `maxPayload`. The frame is not read;
 * the connection is replaced with backoff (a `gap` follows, as after any reconnect).
 */
export class PayloadTooLargeError extends UserstreamError {
  /** Always `'PayloadTooLargeError'`; test `code` rather than the name. */
  override readonly name: string = 'PayloadTooLargeError';
  /** The limit the frame exceeded, in bytes (the stream's `maxPayload`). */
  readonly maxPayload: number;
  constructor(maxPayload: number) {
    super(
      ErrorCode.PayloadTooLarge,
      `@userstream/stream: the venue sent a frame larger than maxPayload (${maxPayload} bytes); the connection was replaced. Raise the maxPayload option if the venue's frames are legitimately this large`,
      { retryable: true, details: { maxPayload } },
    );
    this.maxPayload = maxPayload;
  }
}
