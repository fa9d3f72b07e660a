import { expect, test } from 'vitest';
import * as simulator from './index.js';

test('public surface: an accidental export or removal shows up here', () => {
  expect(Object.keys(simulator).sort()).toMatchInlineSnapshot(`
    [
      "AdminRefusal",
      "CANONICAL_VENUE",
      "DEFAULT_BALANCES",
      "DEFAULT_HOST",
      "DEFAULT_MAX_ACTIVE_SUBSCRIPTIONS",
      "DEFAULT_MAX_SUBSCRIPTION_IDS",
      "DEFAULT_PING_INTERVAL_MS",
      "DEFAULT_PONG_TIMEOUT_MS",
      "DEFAULT_PRICE_WALK_INTERVAL_MS",
      "DEFAULT_SIM_SEED",
      "DIAGNOSTICS_CHANNELS",
      "Exchange",
      "FIRST_BAN_MS",
      "INITIAL_PRICES",
      "LOAD_HIGH_WATER_BYTES",
      "MAX_BAN_MS",
      "MAX_LISTEN_TOKEN_VALIDITY_MS",
      "SIMULATED_VENUES",
      "WS_API_PATH",
      "dialectOf",
      "marketOf",
      "startSimulator",
      "venueRestBodies",
    ]
  `);
});
