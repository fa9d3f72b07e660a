/** core's Logger, re-exported: the one logger type of every package. */
export type { Logger } from '@userstream/core';
export type { AccountBalances, AccountSpec, SimAccount, SimKeyType } from './accounts.js';
export type { SimulatorAddress } from './address.js';
export { AdminRefusal } from './admin-guard.js';
export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export {
  CANONICAL_VENUE,
  DEFAULT_BALANCES,
  dialectOf,
  type EngineDialect,
  Exchange,
  type ExchangeOptions,
  type ExchangeTarget,
  INITIAL_PRICES,
  type MarketKey,
  marketOf,
  type SimBalance,
  type SimMarginLevel,
} from './engine/index.js';
export type {
  BanOptions,
  ConnectionSelector,
  DropOptions,
  DuplicateOptions,
  ExpireOptions,
  FailKeepalivesOptions,
  FaultHandle,
  FaultResult,
  FaultSpec,
  Faults,
  FaultTarget,
  FaultType,
  HangRequestsOptions,
  RateLimitOptions,
  RefuseOptions,
  ReorderOptions,
  ServerShutdownOptions,
  StallOptions,
} from './fault-types.js';
export { MAX_LISTEN_TOKEN_VALIDITY_MS } from './listen-tokens.js';
export {
  type BurstOptions,
  type BurstResult,
  LOAD_HIGH_WATER_BYTES,
  type LoadEventType,
  type LoadGenerator,
  type SteadyHandle,
  type SteadyOptions,
} from './load.js';
export {
  type AdminOptions,
  DEFAULT_HOST,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_PONG_TIMEOUT_MS,
  DEFAULT_PRICE_WALK_INTERVAL_MS,
  DEFAULT_SIM_SEED,
  type SimulatorOptions,
} from './options.js';
export { FIRST_BAN_MS, MAX_BAN_MS } from './rate-limit.js';
export type { AccountTarget, CredentialRequest, EventSource, RecordedEvent, SimRecord } from './record.js';
export type { KeepaliveFailure } from './rest.js';
export { SIMULATED_VENUES, venueRestBodies } from './simulated-venues.js';
export { type Simulator, type SimulatorUrls, startSimulator, WS_API_PATH } from './simulator.js';
export {
  DEFAULT_MAX_ACTIVE_SUBSCRIPTIONS,
  DEFAULT_MAX_SUBSCRIPTION_IDS,
  type WsApiLimits,
} from './ws-api.js';
