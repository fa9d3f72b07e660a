/**
 * What createRestClient takes: venue ids as stream takes them, a scaled clock of any speed (one
 * rule for every package: network bounds keep their real-time meaning), and every refusal of an
 * option typed USERSTREAM_INVALID_CONFIG (values passed to methods are USERSTREAM_INVALID_INPUT).
 */
import { createScaledClock, ErrorCode, InvalidInputError, venues } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { createRestClient, type RestClientOptions } from '../src/index.js';
import { leaks, until, useSimulator, watch } from './helpers.js';

const ctx = useSimulator();

function refusal(options: unknown): InvalidInputError {
  try {
    void createRestClient(options as RestClientOptions).close();
  } catch (error) {
    leaks.error(error);
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected a refusal');
}

describe('venue', () => {
  it('takes a built-in venue id, as stream does', async () => {
    const rest = createRestClient({ venue: 'binance-usdm', credentials: ctx.hmac() });
    expect(rest.venue).toBe(venues['binance-usdm']);
    await rest.close();
  });

  it('refuses an unknown id or a prototype name, naming the ids that exist', () => {
    for (const venue of ['binance-moon', 'constructor']) {
      const error = refusal({ venue, credentials: ctx.hmac() });
      expect(error).toMatchObject({ code: ErrorCode.InvalidConfig, field: 'venue' });
      expect(error.message).toMatch(/^@userstream\/rest: unknown venue '.*'; known venues: binance-spot, /);
    }
  });

  it("keeps a frozen copy of a hand-made profile: the caller's later edits cannot move requests", async () => {
    const profile = { ...ctx.sim.venue('binance-usdm') };
    const rest = watch(createRestClient({ venue: profile, credentials: ctx.hmac() }));
    profile.restBaseUrl = 'http://127.0.0.1:9';
    expect(Object.isFrozen(rest.venue)).toBe(true);
    expect(await rest.serverTime()).toBeGreaterThan(0);
    await rest.close();
  });
});

describe('factory refusals are USERSTREAM_INVALID_CONFIG', () => {
  it.each([
    ['options', 42],
    ['credentials', { venue: venues['binance-usdm'] }],
    [
      'credentials.apiKey',
      { venue: venues['binance-usdm'], credentials: { apiKey: 'has spaces in it', secret: 'x' } },
    ],
    [
      'recvWindow',
      { venue: venues['binance-usdm'], credentials: { apiKey: 'k'.repeat(64), secret: 'x' }, recvWindow: 0 },
    ],
    [
      'timeoutMs',
      { venue: venues['binance-usdm'], credentials: { apiKey: 'k'.repeat(64), secret: 'x' }, timeoutMs: -1 },
    ],
  ])('%s', (field, options) => {
    const error = refusal(options);
    expect(error.code).toBe(ErrorCode.InvalidConfig);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/^@userstream\/rest: /);
  });
});

describe('a scaled clock', () => {
  it('of any speed makes a client (speed 1.13 scaled the default recvWindow to 5649.999…)', async () => {
    for (const speed of [1.13, 1.37, 0.07]) {
      const rest = createRestClient({
        venue: ctx.sim.venue('binance-usdm'),
        credentials: ctx.hmac(),
        clock: createScaledClock({ speed }),
      });
      await rest.close();
    }
  });

  it('slower than real time scales the timeout down too, so it still means real time', async () => {
    // The key comes from a client with the default timeout: a cold, busy CI
    // runner once took more than the short one below to answer the create.
    const key = await ctx.client('binance-usdm').createListenKey();
    const rest = ctx.client('binance-usdm', {
      clock: createScaledClock({ speed: 0.5 }),
      timeoutMs: 400,
      retry: false,
    });
    const before = ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey');
    ctx.sim.faults.failKeepalives({ count: 1, mode: 'timeout' });
    const pending = leaks.rejection(rest.keepAliveListenKey(key));
    await until(
      () => ctx.sim.record.requestCount('PUT', '/fapi/v1/listenKey') === before + 1,
      'the held keepalive',
    );
    const error = await pending;
    expect(error.code).toBe(ErrorCode.Timeout);
    // 400 real ms are 200 ms of a half-speed clock.
    expect(error.message).toBe('@userstream/rest: PUT /fapi/v1/listenKey failed (timed out after 200 ms)');
  });
});
