export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export { ListenerError, PayloadTooLargeError } from './errors.js';
export { SlowConsumerError } from './event-queue.js';
export type { LinkEndReason } from './link.js';
export {
  createListenKeyConnection,
  ListenKeyConnection,
  type ListenKeyConnectionOptions,
  ListenKeyStream,
  type ListenKeyStreamOptions,
  openListenKeyStream,
} from './listen-key-stream.js';
export { isLogger, type Logger, silentLogger } from './logger.js';
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
export {
  type CredentialExpiredInfo,
  type CredentialExpiredReason,
  type GapInfo,
  type GapReason,
  type ReconnectingInfo,
  type StreamEvents,
  type StreamState,
  type StreamStats,
  type UserDataEventsByType,
  UserDataStream,
} from './user-data-stream.js';
export {
  createWsApiSession,
  openWsApiStream,
  type WsApiAuth,
  WsApiSession,
  type WsApiSessionOptions,
  WsApiStream,
  type WsApiStreamOptions,
} from './ws-api-stream.js';
