export {
  createRestClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  DIAGNOSTICS_CHANNELS,
  type Logger,
  type ProxyOptions,
  type RateLimitState,
  type RequestOptions,
  RestClient,
  type RestClientOptions,
  type RestRequest,
  type RetryOptions,
} from './client.js';
export {
  type AccountSnapshot,
  normalizeAccount,
  normalizeOpenOrders,
  normalizeOrder,
  type OpenOrder,
} from './snapshot.js';
export { readUsedWeights, WEIGHT_WINDOW_MS } from './weight.js';
