export { RedisErrorCode, RedisUnavailableError } from './errors.js';
export { DEFAULT_PREFIX } from './keys.js';
export { createRedisLeaseStore, type RedisLeaseStore, type RedisLeaseStoreOptions } from './lease-store.js';
