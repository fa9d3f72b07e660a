/**
 * Hostile options for every stream factory: wrong types, NaN, 2^31, 2^53+2, "1e309", objects
 * JSON.parse makes of `{"toString":1}` or `{"__proto__":…}`, null prototypes, 20,000-level
 * nesting, prototype names as option names. The contract: the factory either works (and closes)
 * or throws a UserstreamError with an option code; an unknown name is always refused; nothing
 * reaches Object.prototype. FUZZ_RUNS=N raises the runs.
 */
import { createSigner, VirtualClock, venues, withBaseUrls } from '@userstream/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  expectNoPollution,
  expectOptionError,
  fuzzParams,
  fuzzTimeoutMs,
  hostileOptions,
  hostileValue,
  type OptionShape,
  PROTO_KEYS,
  show,
} from '../../core/test/hostile-values.js';
import {
  createListenKeyConnection,
  createWsApiSession,
  openListenKeyStream,
  openWsApiStream,
} from '../src/index.js';

vi.setConfig({ testTimeout: fuzzTimeoutMs() });

const params = fuzzParams(250);
// Port 9 on loopback (discard): nothing listens, and the VirtualClock never fires a retry.
const futures = withBaseUrls(venues['binance-usdm'], { stream: 'ws://127.0.0.1:9' });
const spot = withBaseUrls(venues['binance-spot'], { wsApi: 'ws://127.0.0.1:9/ws-api/v3' });
const KEY = `fuzzKey${'k'.repeat(57)}`;
const auth = { type: 'signature', apiKey: 'F'.repeat(64), signer: createSigner({ secret: 's'.repeat(64) }) };

const SECTIONS = {
  heartbeat: ['pingIntervalMs', 'pongTimeoutMs', 'inactivityTimeoutMs'],
  reconnect: ['baseDelayMs', 'maxDelayMs', 'factor'],
  rotation: ['marginMs', 'jitterMs'],
  dedupe: ['capacity', 'windowMs'],
  buffer: ['size', 'policy'],
};
const BASE = [
  'venue',
  'clock',
  'logger',
  'heartbeat',
  'reconnect',
  'rotation',
  'reorderWindowMs',
  'dedupe',
  'buffer',
  'openTimeoutMs',
  'requestTimeoutMs',
  'allowInsecure',
  'maxPayload',
  'random',
];

afterAll(expectNoPollution);

/** Opens with `overrides` on top of working options; a success is closed again. */
async function attempt(
  shape: OptionShape,
  open: (overrides: Record<string, unknown>) => { close(): Promise<void> },
  { overrides, unknownKey }: { overrides: Record<string, unknown>; unknownKey: string | undefined },
): Promise<void> {
  let made: { close(): Promise<void> } | undefined;
  try {
    made = open(overrides);
  } catch (error) {
    expectOptionError(error, show(overrides));
    expectNoPollution();
    return;
  }
  await made.close();
  expectNoPollution();
  expect(unknownKey, `accepted an unknown option (${show(overrides)})`).toBeUndefined();
  void shape;
}

function fuzz(
  name: string,
  shape: OptionShape,
  open: (overrides: Record<string, unknown>) => { close(): Promise<void> },
) {
  it(`${name}: typed refusals only, unknown names refused, no pollution`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileOptions(shape), (o) => attempt(shape, open, o)),
      params,
    );
    // The whole options value hostile too (not an object, a null prototype, an array…).
    await fc.assert(
      fc.asyncProperty(hostileValue, async (value) => {
        try {
          await (open as (o: unknown) => { close(): Promise<void> })(value).close();
        } catch (error) {
          expectOptionError(error, 'options');
        }
      }),
      { ...params, numRuns: Math.ceil(params.numRuns / 5) },
    );
  });
}

describe('prototype names are not option names', () => {
  it('in every section, with a value that would pass as the real option', async () => {
    for (const [section, fields] of Object.entries(SECTIONS)) {
      for (const name of [...PROTO_KEYS, 'nope']) {
        const value = section === 'buffer' && name === 'policy' ? 'gap' : 1_000;
        const overrides = {
          [section]: Object.fromEntries([
            [fields[0], 1_000],
            [name, value],
          ]),
        };
        await attempt(
          { known: BASE },
          (o) =>
            openListenKeyStream({
              venue: futures,
              listenKey: KEY,
              clock: new VirtualClock(0),
              ...o,
            } as never),
          {
            overrides,
            unknownKey: `${section}.${name}`,
          },
        );
      }
    }
  });
});

describe('stream factories under hostile options', () => {
  const clock = () => new VirtualClock(Date.now());
  fuzz('openListenKeyStream', { known: [...BASE, 'listenKey'], sections: SECTIONS }, (o) =>
    openListenKeyStream({ venue: futures, listenKey: KEY, clock: clock(), ...o } as never),
  );
  fuzz('createListenKeyConnection', { known: BASE, sections: SECTIONS }, (o) =>
    createListenKeyConnection({ venue: futures, clock: clock(), ...o } as never),
  );
  fuzz('openWsApiStream', { known: [...BASE, 'auth'], sections: SECTIONS }, (o) =>
    openWsApiStream({ venue: spot, auth, clock: clock(), ...o } as never),
  );
  fuzz('createWsApiSession', { known: BASE, sections: SECTIONS }, (o) =>
    createWsApiSession({ venue: spot, clock: clock(), ...o } as never),
  );
});
