/**
 * Hostile JSON bodies for the admin API (faults, deposits, prices): prototype keys, wrong types,
 * huge numbers, 20,000-level nesting. The contract: a well-formed request is applied (200) or
 * refused with 400 and a typed code; an internal failure is a 500 the simulator owns up to (never
 * passed off as bad input); the simulator keeps serving; nothing reaches Object.prototype.
 * FUZZ_RUNS=N raises the runs.
 */
import { VirtualClock } from '@userstream/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectNoPollution,
  fuzzParams,
  fuzzTimeoutMs,
  hostileValue,
  PROTO_KEYS,
} from '../../core/test/hostile-values.js';
import { type Simulator, startSimulator } from '../src/index.js';

vi.setConfig({ testTimeout: fuzzTimeoutMs() });

const params = fuzzParams(300);
const FAULT_TYPES = [
  'drop',
  'stall',
  'release',
  'expire',
  'failKeepalives',
  'rateLimit',
  'ban',
  'skewClock',
  'malformedFrame',
  'unknownEvent',
  'duplicate',
  'reorder',
  'serverShutdown',
  'eventStreamTerminated',
  'refuseConnections',
  'explode',
  ...PROTO_KEYS,
];
const FIELDS = [
  'accountId',
  'apiKey',
  'venue',
  'symbol',
  'mode',
  'durationMs',
  'retryAfterMs',
  'count',
  'window',
  'ms',
  'id',
  'kind',
  'asset',
  'amount',
  'price',
  ...PROTO_KEYS,
];
const goodValue = fc.constantFrom(
  'hmac',
  'binance-usdm',
  'binance-spot',
  'BTCUSDT',
  'USDT',
  '1.5',
  '0',
  '-1',
  1,
  1000,
  'terminate',
  'reject',
  'reset',
);
const value = fc.oneof(goodValue, hostileValue);
const body = (extra: fc.Arbitrary<[string, unknown]>) =>
  fc.array(extra, { maxLength: 5 }).map((entries) => {
    try {
      return JSON.stringify(Object.fromEntries(entries));
    } catch {
      return '{}'; // BigInt and other values JSON cannot carry: the test only sends JSON
    }
  });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ clock: new VirtualClock() });
});
afterAll(async () => {
  await sim.close();
  expectNoPollution();
});

async function post(path: string, text: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.urls.rest}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  const answer = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body: answer };
}

async function expectHandled(path: string, text: string): Promise<void> {
  const r = await post(path, text);
  const what = `${path} ${text.slice(0, 200)} -> ${r.status} ${JSON.stringify(r.body)}`;
  expect([200, 400], what).toContain(r.status);
  if (r.status === 400) {
    expect(r.body.code, what).toMatch(/^USERSTREAM_[A-Z_]+$/);
    expect(r.body.error, what).toMatch(/^@userstream\/simulator: /);
  }
  sim.faults.clear();
  expectNoPollution();
}

describe('admin API under hostile bodies', () => {
  it('POST /admin/faults: every fault type with hostile fields', async () => {
    const spec = fc
      .tuple(fc.constantFrom(...FAULT_TYPES), body(fc.tuple(fc.constantFrom(...FIELDS), value)))
      .map(
        ([type, rest]) => `{"type":${JSON.stringify(type)}${rest === '{}' ? '' : `,${rest.slice(1, -1)}`}}`,
      );
    await fc.assert(
      fc.asyncProperty(spec, (text) => expectHandled('/admin/faults', text)),
      params,
    );
  });

  it('POST /admin/deposit and /admin/price with hostile fields, and bodies that are no fault at all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/admin/deposit', '/admin/price', '/admin/faults'),
        fc.oneof(
          body(fc.tuple(fc.constantFrom(...FIELDS), value)),
          fc.constantFrom(
            '',
            'null',
            '[]',
            '1e400',
            '"drop"',
            '{"__proto__":{"type":"drop"}}',
            '{"constructor":{"prototype":{"polluted":true}}}',
            `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
            `{"type":"drop","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
          ),
        ),
        (path, text) => expectHandled(path, text),
      ),
      params,
    );
  });

  it('keeps serving afterwards', async () => {
    const res = await fetch(`${sim.urls.rest}/api/v3/time`);
    expect(res.status).toBe(200);
    await res.text();
  });
});
