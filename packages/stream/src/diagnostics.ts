import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels this package publishes to. Messages name the venue and a
 * connection number, never a URL, listenKey, listenToken, API key or signature.
 */
export const DIAGNOSTICS_CHANNELS = {
  /** A WebSocket opened: `{ venue, connection, kind }`. */
  connect: 'userstream:stream:connect',
  /** A WebSocket ended: `{ venue, connection, kind, reason, code }`. */
  disconnect: 'userstream:stream:disconnect',
  /** A reconnect is scheduled: `{ venue, attempt, delayMs, reason, cause? }` (`cause`: `connect ECONNREFUSED …`). */
  reconnecting: 'userstream:stream:reconnecting',
  /** A make-before-break rotation started: `{ venue, connection, reason }`. */
  rotate: 'userstream:stream:rotate',
  /** Continuity could not be proven: `{ venue, reason, lastEventTime }`. */
  gap: 'userstream:stream:gap',
  /** A frame was rejected: `{ venue, code, message }` (the message never quotes the frame). */
  malformed: 'userstream:stream:malformed',
  /** The consumer is behind: `{ venue, buffered, limit, policy }`. */
  slowConsumer: 'userstream:stream:slow-consumer',
} as const;

export const channels = {
  connect: channel(DIAGNOSTICS_CHANNELS.connect),
  disconnect: channel(DIAGNOSTICS_CHANNELS.disconnect),
  reconnecting: channel(DIAGNOSTICS_CHANNELS.reconnecting),
  rotate: channel(DIAGNOSTICS_CHANNELS.rotate),
  gap: channel(DIAGNOSTICS_CHANNELS.gap),
  malformed: channel(DIAGNOSTICS_CHANNELS.malformed),
  slowConsumer: channel(DIAGNOSTICS_CHANNELS.slowConsumer),
};
