/** Defined once, by `@userstream/stream`: each venue event type with its payload type. */
export type { UserDataEventsByType } from '@userstream/stream';
export {
  type FoldChange,
  isTerminalStatus,
  type MirrorBalance,
  type MirrorBook,
  type MirrorDifference,
  type MirrorLedgerView,
  type MirrorOrder,
  type MirrorSnapshot,
} from './account-fold.js';
export {
  AccountMirror,
  type AccountMirrorEvents,
  type AccountMirrorOptions,
  createAccountMirror,
  DEFAULT_MIRROR_RETRY_BASE_MS,
  DEFAULT_MIRROR_RETRY_MAX_MS,
  MAX_BUFFERED_EVENTS,
  type MirrorEventSource,
  type MirrorReconciled,
  type MirrorRestSource,
  type MirrorStats,
} from './account-mirror.js';
export type { AlgoOrderChange, MirrorAlgoOrder, MirrorAlgoOrderInput } from './algo-orders-fold.js';
export { createScheduler } from './create-scheduler.js';
export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export { LeaseConflictError, LeaseErrorCode, LeaseLostError } from './errors.js';
export { createLeaseKey, fingerprint, type LeaseKey, LeaseKeyMap, sameLeaseKey } from './lease-key.js';
export { LeaseRegistry, leaseRegistryOf } from './lease-registry.js';
export {
  createMemoryLeaseStore,
  type LeaseKind,
  type LeaseRecord,
  type LeaseStore,
  type MemoryLeaseStore,
  type MemoryLeaseStoreOptions,
  type Ownership,
  type StoredLease,
} from './lease-store.js';
export {
  type CredentialConsumer,
  DEFAULT_LEASE_RETRY_BASE_MS,
  DEFAULT_LEASE_RETRY_MAX_MS,
  type Lease,
  type LeaseClosedInfo,
  type LeaseEvents,
  type LeaseExpiredInfo,
  type LeaseRecreatedInfo,
  type LeaseRenewedInfo,
  type LeaseRenewFailedInfo,
  type LeaseRetryOptions,
  type LeaseState,
  type LeaseStatus,
} from './lease-types.js';
export { ListenKeyLease, type ListenKeyLeaseOptions, type ListenKeyRestClient } from './listen-key-lease.js';
export {
  DEFAULT_TOKEN_RENEW_AT,
  ListenTokenLease,
  type ListenTokenLeaseOptions,
  type ListenTokenRestClient,
} from './listen-token-lease.js';
export { type Logger, silentLogger } from './logger.js';
export { type LeaseView, ManagedStream, type ManagedStreamEvents } from './managed-stream.js';
export type {
  LeaseOptions,
  OpenUserDataStreamOptions,
  RestPassThroughOptions,
  StreamPassThroughOptions,
} from './open-options.js';
export type { UserDataStreamHandle } from './open-shared.js';
export { openUserDataStream } from './open-user-data-stream.js';
export type { MirrorPosition, MirrorPositionInput, PositionChange } from './positions-fold.js';
export {
  DEFAULT_HOLD_SPREAD_MS,
  DEFAULT_JITTER,
  DEFAULT_LATE_THRESHOLD_MS,
  DEFAULT_MAX_IN_FLIGHT,
  type Job,
  type RateLimitView,
  type ScheduledTask,
  type ScheduleOptions,
  type Scheduler,
  type SchedulerOptions,
  type SchedulerStats,
} from './scheduler.js';
export { WsApiLease, type WsApiLeaseOptions } from './ws-api-lease.js';
