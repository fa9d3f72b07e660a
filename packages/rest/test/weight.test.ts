import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { VirtualClock } from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIAGNOSTICS_CHANNELS, readUsedWeights, WEIGHT_WINDOW_MS } from '../src/index.js';
import { leaks, until, useSimulator } from './helpers.js';
import { startProxy, type TestProxy } from './proxy-server.js';

const clock = new VirtualClock(Date.UTC(2026, 5, 1, 12, 0, 30));
const ctx = useSimulator(() => ({ clock }));
const ACCOUNT = '/openapi/v1/account'; // BHEX: weight 5, limit 1200 per minute
const count = () => ctx.sim.record.requestCount('GET', ACCOUNT);
const holds: unknown[] = [];
const onHold = (m: unknown) => holds.push(m);
const proxies: TestProxy[] = [];

beforeEach(async () => {
  // Every test starts half-way through a fresh minute of the venue.
  await clock.advance(WEIGHT_WINDOW_MS - (clock.now() % WEIGHT_WINDOW_MS) + 30_000);
  holds.length = 0;
  subscribe(DIAGNOSTICS_CHANNELS.throttle, onHold);
});
afterEach(async () => {
  unsubscribe(DIAGNOSTICS_CHANNELS.throttle, onHold);
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

describe('used weight per interval', () => {
  it('reads every X-MBX-USED-WEIGHT-<n><unit> header', () => {
    expect(
      readUsedWeights({
        'x-mbx-used-weight-1m': '42',
        'x-mbx-used-weight-1s': '3',
        'x-mbx-used-weight-10s': '9',
        'x-mbx-used-weight-1h': '700',
        'x-mbx-used-weight-1d': '9000',
        'x-mbx-used-weight': '41',
        'x-mbx-order-count-10s': '1',
        'x-mbx-used-weight-1x': '5',
        'x-mbx-used-weight-1d ': 'nan',
      }),
    ).toEqual({ '1m': 42, '1s': 3, '10s': 9, '1h': 700, '1d': 9000 });
    expect(readUsedWeights({ 'x-mbx-used-weight': '41' })).toEqual({ '1m': 41 });
    expect(readUsedWeights({ 'x-mbx-used-weight-1m': ['1', '17'] })).toEqual({ '1m': 17 });
    expect(readUsedWeights({ 'x-mbx-used-weight-1m': '-3' })).toEqual({});
  });

  it('tracks the venue count of the current minute', async () => {
    const rest = ctx.client('bhex', { clock });
    await rest.accountSnapshot();
    expect(rest.rateLimit.usedWeight).toBe(5);
    await rest.openOrders();
    expect(rest.rateLimit).toMatchObject({
      usedWeight: 6,
      usedWeights: { '1m': 6 },
      limit: 1200,
      updatedAt: clock.now(),
    });
  });

  it('keeps every interval the venue reports (headers added by a proxy on the way)', async () => {
    const proxy = await startProxy();
    proxies.push(proxy);
    proxy.state.extraHeaders = { 'X-MBX-USED-WEIGHT-1S': '7', 'X-MBX-USED-WEIGHT-1D': '900' };
    const rest = ctx.client('bhex', { clock, proxy: { uri: proxy.url, tunnel: false } });
    await rest.serverTime();
    expect(rest.rateLimit.usedWeights).toEqual({ '1m': 1, '1s': 7, '1d': 900 });
  });
});

describe('weightShare', () => {
  it('holds a request on the clock until the next minute rather than cross the share', async () => {
    const rest = ctx.client('bhex', { clock, weightShare: 0.01 }); // 12 of 1200
    const before = count();
    await rest.accountSnapshot();
    await rest.accountSnapshot();
    expect(count()).toBe(before + 2);
    const nextMinute = clock.now() + 30_000;
    const third = rest.accountSnapshot();
    await until(() => rest.rateLimit.heldUntil > 0, 'the hold');
    expect(rest.rateLimit.heldUntil).toBe(nextMinute);
    expect(holds).toEqual([
      { venue: 'bhex', method: 'GET', path: ACCOUNT, weight: 5, usedWeight: 10, budget: 12, waitMs: 30_000 },
    ]);
    await clock.advance(29_999);
    expect(count()).toBe(before + 2);
    await clock.advance(1);
    await third;
    expect(count()).toBe(before + 3);
    expect(rest.rateLimit.usedWeight).toBe(5); // counted in the new minute
    expect(rest.rateLimit.heldUntil).toBe(0);
  });

  it('never lets concurrent requests cross the share: 30 requests spread over 3 minutes', async () => {
    const rest = ctx.client('bhex', { clock, weightShare: 0.05, timeoutMs: 3_600_000 }); // 60 of 1200: 12 a minute
    const before = count();
    const seen: number[] = [];
    const all = Promise.all(
      Array.from({ length: 30 }, () =>
        rest.accountSnapshot().then(() => seen.push(rest.rateLimit.usedWeight)),
      ),
    );
    const perMinute: number[] = [];
    for (let minute = 0; minute < 3; minute++) {
      const expected = Math.min(30, 12 * (minute + 1));
      await until(() => count() - before === expected && seen.length === expected, `minute ${minute}`);
      // Nothing more is sent in this minute.
      await new Promise((r) => setTimeout(r, 20));
      perMinute.push(count() - before - perMinute.reduce((a, b) => a + b, 0));
      if (minute === 2) break;
      expect(rest.rateLimit.heldUntil).toBe(clock.now() + (minute === 0 ? 30_000 : 60_000));
      await clock.advance(rest.rateLimit.heldUntil - clock.now());
    }
    await all;
    expect(perMinute).toEqual([12, 12, 6]);
    expect(Math.max(...seen)).toBe(60);
  });

  it('counts what other clients on the same IP used (from the header)', async () => {
    const other = ctx.client('bhex', { clock });
    for (let i = 0; i < 3; i++) await other.accountSnapshot(); // 15 of the minute
    const rest = ctx.client('bhex', { clock, weightShare: 0.01 });
    const before = count();
    await rest.accountSnapshot(); // nothing known yet: sent; the venue says 20
    const held = rest.accountSnapshot();
    await until(() => rest.rateLimit.heldUntil > 0, 'the hold');
    expect(count()).toBe(before + 1);
    await clock.advance(30_000);
    await held;
    expect(count()).toBe(before + 2);
  });

  it('a hold ends with USERSTREAM_ABORTED on abort and USERSTREAM_CLOSED on close()', async () => {
    const rest = ctx.client('bhex', { clock, weightShare: 0.01 });
    await rest.accountSnapshot();
    await rest.accountSnapshot();
    const controller = new AbortController();
    const aborted = leaks.rejection(rest.accountSnapshot({ signal: controller.signal }));
    const closed = leaks.rejection(rest.accountSnapshot());
    await until(() => clock.pending >= 2, 'two holds');
    controller.abort();
    expect((await aborted).code).toBe('USERSTREAM_ABORTED');
    const pending = clock.pending;
    await rest.close();
    expect((await closed).code).toBe('USERSTREAM_CLOSED');
    expect(clock.pending).toBe(pending - 1); // no timer left behind
  });

  it('is off by default and checked when given', () => {
    expect(() => ctx.client('bhex', { weightShare: 0 })).toThrow(
      /weightShare must be a number above 0 and at most 1/,
    );
    expect(() => ctx.client('bhex', { weightShare: 1.5 })).toThrow(/weightShare/);
    expect(() => ctx.client('bhex', { weightLimit: 0.5 })).toThrow(/weightLimit must be a whole number/);
  });
});
