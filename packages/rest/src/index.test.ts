import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly these runtime names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_MAX_RESPONSE_BYTES",
        "DEFAULT_RETRY",
        "DEFAULT_TIMEOUT_MS",
        "DIAGNOSTICS_CHANNELS",
        "RestClient",
        "WEIGHT_WINDOW_MS",
        "createRestClient",
        "normalizeAccount",
        "normalizeOpenOrders",
        "normalizeOrder",
        "readUsedWeights",
      ]
    `);
  });

  it('names its diagnostics channels', () => {
    expect(api.DIAGNOSTICS_CHANNELS).toMatchInlineSnapshot(`
      {
        "error": "userstream:rest:request:error",
        "finish": "userstream:rest:request:finish",
        "start": "userstream:rest:request:start",
        "throttle": "userstream:rest:request:throttle",
      }
    `);
  });
});
