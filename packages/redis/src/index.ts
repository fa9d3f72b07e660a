export type { RedisClient } from './client.js';
export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export { RedisErrorCode, RedisUnavailableError } from './errors.js';
export {
  createRedisEventSink,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_STREAM_MAX_LEN,
  eventIdempotencyKey,
  GAP_MARKER,
  type GapMarker,
  type RedisEventSink,
  type RedisEventSinkOptions,
  type SinkEvent,
  type SinkTarget,
  serializeEvent,
} from './event-sink.js';
export {
  DEFAULT_FLEET_OWNERSHIP_RENEW_MS,
  DEFAULT_FLEET_OWNERSHIP_TTL_MS,
  DEFAULT_OPEN_RATE_PER_SECOND,
  DEFAULT_RECONCILE_MS,
  type FleetAccount,
  type FleetWorkerOptions,
} from './fleet-options.js';
export {
  createFleetWorker,
  FleetWorker,
  type FleetWorkerEvents,
  type FleetWorkerStats,
} from './fleet-worker.js';
export { DEFAULT_PREFIX } from './keys.js';
export { createRedisLeaseStore, type RedisLeaseStore, type RedisLeaseStoreOptions } from './lease-store.js';
export {
  createMembership,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MEMBER_TTL_MS,
  listMembers,
  Membership,
  type MembershipChange,
  type MembershipEvents,
  type MembershipOptions,
} from './membership.js';
export { rendezvousAssign, rendezvousOwner } from './rendezvous.js';
export {
  DEFAULT_OPEN_WEIGHT_SHARE,
  type TakeoverBound,
  takeoverBound,
  venueOpenRate,
} from './takeover-bound.js';
