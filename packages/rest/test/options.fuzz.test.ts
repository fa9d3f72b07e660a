/**
 * Hostile options for createRestClient: wrong types, NaN, 2^31, 2^53+2, "1e309", objects
 * JSON.parse makes of `{"toString":1}` or `{"__proto__":…}`, null prototypes, 20,000-level
 * nesting, prototype names as option names. The contract: the client is made (and closed) or a
 * UserstreamError with an option code is thrown; an unknown name is always refused, in `retry`
 * and `proxy` too; nothing reaches Object.prototype. FUZZ_RUNS=N raises the runs.
 */
import { VirtualClock, venues, withBaseUrls } from '@userstream/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  expectNoPollution,
  expectOptionError,
  fuzzParams,
  fuzzTimeoutMs,
  type HostileOptions,
  hostileOptions,
  hostileValue,
  PROTO_KEYS,
  show,
} from '../../core/test/hostile-values.js';
import { createRestClient } from '../src/index.js';

vi.setConfig({ testTimeout: fuzzTimeoutMs() });

const params = fuzzParams(400);
const venue = withBaseUrls(venues['binance-usdm'], { rest: 'http://127.0.0.1:9' });
const credentials = { apiKey: 'F'.repeat(64), secret: 's'.repeat(64) };
const KNOWN = [
  'venue',
  'credentials',
  'clock',
  'timeoutMs',
  'retry',
  'recvWindow',
  'allowInsecure',
  'logger',
  'dispatcher',
  'proxy',
  'weightShare',
  'weightLimit',
  'random',
  'maxResponseBytes',
];
const SECTIONS = {
  retry: ['maxAttempts', 'baseDelayMs', 'maxDelayMs'],
  proxy: ['uri', 'token', 'tunnel'],
};

afterAll(expectNoPollution);

async function attempt({ overrides, unknownKey }: HostileOptions): Promise<void> {
  let client: ReturnType<typeof createRestClient>;
  try {
    client = createRestClient({ venue, credentials, clock: new VirtualClock(0), ...overrides } as never);
  } catch (error) {
    expectOptionError(error, show(overrides));
    expectNoPollution();
    return;
  }
  await client.close();
  expectNoPollution();
  expect(unknownKey, `accepted an unknown option (${show(overrides)})`).toBeUndefined();
}

describe('createRestClient under hostile options', () => {
  it('typed refusals only, unknown names refused (retry and proxy included), no pollution', async () => {
    await fc.assert(fc.asyncProperty(hostileOptions({ known: KNOWN, sections: SECTIONS }), attempt), params);
  });

  it('the whole options value hostile (not an object, a null prototype, an array…)', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        try {
          void createRestClient(value as never).close();
        } catch (error) {
          expectOptionError(error, 'options');
        }
      }),
      { ...params, numRuns: Math.ceil(params.numRuns / 4) },
    );
  });

  it('prototype names in retry and proxy, with values that would pass as the real option', async () => {
    for (const name of [...PROTO_KEYS, 'nope']) {
      await attempt({
        overrides: {
          retry: Object.fromEntries([
            ['maxAttempts', 2],
            [name, 2],
          ]),
        },
        unknownKey: `retry.${name}`,
      });
      await attempt({
        overrides: {
          proxy: Object.fromEntries([
            ['uri', 'http://127.0.0.1:9'],
            [name, true],
          ]),
        },
        unknownKey: `proxy.${name}`,
      });
    }
  });
});
