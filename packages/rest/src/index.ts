export { createRestClient, RestClient } from './client.js';
export { DIAGNOSTICS_CHANNELS } from './diagnostics.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type Logger,
  type ProxyOptions,
  type RestClientOptions,
  type RetryOptions,
} from './options.js';
export type { RateLimitState } from './rate-limit-gate.js';
export type { RequestOptions, RestRequest } from './request-checks.js';
export {
  type AccountSnapshot,
  type AlgoOrder,
  normalizeAccount,
  normalizeOpenOrders,
  normalizeOrder,
  type OpenOrder,
  type Position,
} from './snapshot.js';
export { readUsedWeights, WEIGHT_WINDOW_MS } from './weight.js';
