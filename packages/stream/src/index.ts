export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export { ListenerError, PayloadTooLargeError } from './errors.js';
export { SlowConsumerError } from './event-queue.js';
export type { LinkEndReason } from './link.js';
export type { ListenKeyConnectionOptions, ListenKeyStreamOptions } from './listen-key-options.js';
export {
  createListenKeyConnection,
  ListenKeyConnection,
  ListenKeyStream,
  openListenKeyStream,
} from './listen-key-stream.js';
export { isLogger, type Logger, silentLogger } from './logger.js';
export {
  createWsApiSession,
  openWsApiStream,
  type WsApiStreamOptions,
} from './open-ws-api-stream.js';
export {
  type BufferOptions,
  DEFAULT_BUFFER,
  DEFAULT_DEDUPE,
  DEFAULT_HEARTBEAT,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_RECONNECT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_ROTATION,
  type DedupeOptions,
  type HeartbeatOptions,
  type ReconnectOptions,
  type RotationOptions,
  type SlowConsumerPolicy,
  type StreamOptions,
} from './options.js';
export type { StreamProxyOptions } from './proxy-agent.js';
export type {
  CredentialExpiredInfo,
  CredentialExpiredReason,
  GapInfo,
  GapReason,
  ReconnectingInfo,
  StreamEvents,
  StreamState,
  StreamStats,
  UserDataEventsByType,
} from './stream-events.js';
export { UserDataStream } from './user-data-stream.js';
export type { WsApiAuth } from './ws-api-auth.js';
export { WsApiSession, type WsApiSessionOptions } from './ws-api-session.js';
export { WsApiStream } from './ws-api-stream.js';
