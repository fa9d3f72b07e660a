/**
 * Aster spot's event shapes, key for key in the documented order:
 * https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V1(Legacy)/EN/aster-finance-spot-api.md
 * ("Payload: ACCOUNT_UPDATE", "Payload: Order Update"; core's test/fixtures/aster are those examples).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEvent, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { byType, Client, call } from '../../test/helpers.js';
import { startSimulator } from '../index.js';
import { asterSpotEvent } from './aster-spot.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../core/test/fixtures/aster/${name}.json`, import.meta.url)),
      'utf8',
    ),
  ) as Record<string, unknown>;

/** A Binance spot executionReport as the engine writes it (a partial fill of a cancel-replaced id). */
const binanceReport = {
  e: 'executionReport',
  E: 1649926447209,
  s: 'BTCUSDT',
  c: 'cancel-1',
  S: 'SELL',
  o: 'LIMIT',
  f: 'GTC',
  q: '3.00000000',
  p: '10.00000000',
  P: '0.00000000',
  F: '0.00000000',
  g: -1,
  C: 'mine-1',
  x: 'CANCELED',
  X: 'CANCELED',
  r: 'NONE',
  i: 27,
  l: '0.00000000',
  z: '2.00000000',
  L: '0.00000000',
  n: '0',
  N: null,
  T: 1649926447190,
  t: -1,
  I: 99,
  w: false,
  m: false,
  M: false,
  O: 1649926440000,
  Z: '20.10000000',
  Y: '0.00000000',
  Q: '0.00000000',
};

describe('Aster spot events in the simulator', () => {
  it("executionReport: the page's keys in its order, ap = Z / z, ot, the order's own client id", () => {
    const aster = asterSpotEvent(binanceReport, undefined)!;
    expect(Object.keys(aster)).toEqual(Object.keys(fixture('executionReport')));
    expect(aster).toMatchObject({ c: 'mine-1', ap: '10.0500000000000000', ot: 'LIMIT', z: '2.00000000' });
    expect(asterSpotEvent({ ...binanceReport, z: '0.00000000', Z: '0.00000000' }, undefined)!.ap).toBe('0');
    const parsed = parseEvent(JSON.parse(JSON.stringify(aster)), 'aster');
    expect(parsed.ok).toBe(true);
  });

  it('outboundAccountPosition: B, e, T (from u), E, m; the reason follows the event before it', () => {
    const binance = {
      e: 'outboundAccountPosition',
      E: 5,
      u: 4,
      B: [{ a: 'BTC', f: '1.00000000', l: '0.00000000' }],
    };
    const afterDeposit = asterSpotEvent(binance, 'balanceUpdate')!;
    expect(Object.keys(afterDeposit)).toEqual(Object.keys(fixture('outboundAccountPosition')));
    expect(afterDeposit).toEqual({ B: binance.B, e: 'outboundAccountPosition', T: 4, E: 5, m: 'DEPOSIT' });
    expect(asterSpotEvent(binance, 'executionReport')!.m).toBe('ORDER');
    expect(parseEvent(afterDeposit, 'aster').ok).toBe(true);
  });

  it('sends no balanceUpdate or listStatus (not documented for Aster spot)', () => {
    expect(asterSpotEvent({ e: 'balanceUpdate', E: 1, a: 'BTC', d: '1', T: 1 }, undefined)).toBeUndefined();
    expect(asterSpotEvent({ e: 'listStatus', E: 1 }, undefined)).toBeUndefined();
  });
});

/** Lets real socket I/O happen between virtual time steps. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('Aster spot heartbeat ("WebSocket connection limits": ping every 3 min, pong within 10 min)', () => {
  it('pings an Aster spot stream every 3 minutes and drops a silent client after 10 minutes', async () => {
    const clock = new VirtualClock();
    await using sim = await startSimulator({ clock });
    const r = await call(sim.urls.rest, 'POST', '/api/v1/listenKey', {
      headers: { 'X-MBX-APIKEY': byType(sim.accounts, 'hmac').apiKey },
    });
    const key = (r.body as { listenKey: string }).listenKey;
    const good = await Client.open(`${sim.urls.ws}/ws/${key}`);
    const silent = await Client.open(`${sim.urls.ws}/ws/${key}`, { autoPong: false });
    const pings: number[] = [];
    good.ws.on('ping', () => pings.push(clock.now()));
    const start = clock.now();
    // Not Binance's 20 s cadence.
    for (let t = 0; t < 17; t++) {
      await clock.advance(10_000);
      await settle();
    }
    expect(pings).toEqual([]);
    await clock.advance(10_000);
    await settle();
    expect(pings).toEqual([start + 180_000]);
    // The silent client's first unanswered ping is at 3 min: it goes at 3 + 10 min.
    for (let t = 0; t < 9; t++) {
      await clock.advance(60_000);
      await settle();
    }
    expect(silent.closed).toBeUndefined();
    await clock.advance(60_000);
    expect((await silent.waitClose()).code).toBe(1006);
    expect(good.closed).toBeUndefined();
    good.close();
  });
});
