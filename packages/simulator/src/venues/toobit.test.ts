/**
 * Toobit spot on the simulator, over loopback, as documented (checked 2026-12-03):
 * https://api-docs.toobit.com/api/spot-websocket-account.html (paths, payloads: core's
 * test/fixtures/toobit are those examples), https://api-docs.toobit.com/api/usdt-m-websocket-account.html
 * (listenKeyWillExpire), https://api-docs.toobit.com/api/spot-websocket-market-data.html (heartbeat).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFrame, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { byType, Client, call, signedQuery } from '../../test/helpers.js';
import { startSimulator } from '../index.js';

const fixture = (name: string) =>
  (
    JSON.parse(
      readFileSync(
        fileURLToPath(new URL(`../../../core/test/fixtures/toobit/${name}.json`, import.meta.url)),
        'utf8',
      ),
    ) as Record<string, unknown>[]
  )[0] as Record<string, unknown>;

/** Lets real socket I/O happen between virtual time steps. */
const settle = () => new Promise((r) => setTimeout(r, 20));
const MIN = 60_000;

async function start() {
  const clock = new VirtualClock();
  // Binance-style server pings far apart: only Toobit's own heartbeat is under test.
  const sim = await startSimulator({ clock, pingIntervalMs: 3_600_000, pongTimeoutMs: 7_200_000 });
  const account = byType(sim.accounts, 'hmac');
  const headers = { 'X-BB-APIKEY': account.apiKey };
  const signed = () => signedQuery(account, { timestamp: clock.now() });
  return { clock, sim, account, headers, signed };
}

describe('Toobit spot on the simulator', () => {
  it('signed listenKeys under X-BB-APIKEY, array frames in the documented key order, ticketInfo per fill', async () => {
    const { clock, sim, account, headers, signed } = await start();
    await using _ = sim;
    // Unsigned: refused (timestamp is mandatory on Toobit's USER_STREAM calls).
    const unsigned = await call(sim.urls.rest, 'POST', '/api/v1/userDataStream', { headers });
    expect(unsigned.status).toBe(400);
    const r = await call(sim.urls.rest, 'POST', '/api/v1/userDataStream', { headers, query: signed() });
    expect(r.status).toBe(200);
    const key = (r.body as { listenKey: string }).listenKey;
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    const client = await Client.open(`${sim.urls.ws}/api/v1/ws/${key}`);
    sim.exchange.placeOrder(account.id, 'toobit-spot', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.001',
    });
    // The engine writes a fill's reports on its next clock turn.
    await clock.advance(1000);
    await client.waitFrames(3);
    await settle();
    const events = client.frames.map((text) => {
      expect(text.startsWith('[')).toBe(true);
      const parsed = parseFrame(text, 'toobit');
      if (!parsed.ok) throw parsed.error;
      expect(parsed.events.map((e) => e.e)).not.toContain('unknown');
      return JSON.parse(text)[0] as Record<string, unknown>;
    });
    const byName = (e: string) => events.find((x) => x.e === e);
    expect(Object.keys(byName('executionReport')!)).toEqual(Object.keys(fixture('executionReport')));
    expect(byName('executionReport')).toMatchObject({ pt: 'MARKET', w: true });
    expect(Object.keys(byName('outboundAccountInfo')!)).toEqual(Object.keys(fixture('outboundAccountInfo')));
    const ticket = byName('ticketInfo')!;
    expect(Object.keys(ticket)).toEqual(Object.keys(fixture('ticketInfo')));
    expect(typeof ticket.E).toBe('string');
    client.close();
  });

  it('answers {"ping"} with {"pong"} and drops a client silent for 5 minutes', async () => {
    const { clock, sim, headers, signed } = await start();
    await using _ = sim;
    const r = await call(sim.urls.rest, 'POST', '/api/v1/userDataStream', { headers, query: signed() });
    const key = (r.body as { listenKey: string }).listenKey;
    const talker = await Client.open(`${sim.urls.ws}/api/v1/ws/${key}`);
    const silent = await Client.open(`${sim.urls.ws}/api/v1/ws/${key}`);
    for (let minute = 1; minute <= 6; minute++) {
      talker.ws.send(JSON.stringify({ ping: minute }));
      await talker.waitFrames(minute);
      await clock.advance(MIN);
      await settle();
    }
    expect(talker.json()).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ pong: n })));
    expect(talker.closed).toBeUndefined();
    expect((await silent.waitClose()).code).toBe(1000);
    talker.close();
  });

  it('pushes listenKeyWillExpire every minute in the last 5 minutes, then closes with no expiry push', async () => {
    const { clock, sim, headers, signed } = await start();
    await using _ = sim;
    const r = await call(sim.urls.rest, 'POST', '/api/v1/userDataStream', { headers, query: signed() });
    const key = (r.body as { listenKey: string }).listenKey;
    const client = await Client.open(`${sim.urls.ws}/api/v1/ws/${key}`);
    const ping = () => client.ws.send('{"ping":1}');
    // 54 minutes: nothing but pongs.
    for (let m = 0; m < 54; m++) {
      ping();
      await clock.advance(MIN);
      await settle();
    }
    const notices = () => client.json().filter((f) => f.eventType === 'listenKeyWillExpire');
    expect(notices()).toEqual([]);
    // A keepalive at 54 min moves the expiry to 114 min and the warnings to 109 min.
    const put = await call(sim.urls.rest, 'PUT', '/api/v1/userDataStream', {
      headers,
      query: signedQuery(byType(sim.accounts, 'hmac'), { listenKey: key, timestamp: clock.now() }),
    });
    expect(put.status).toBe(200);
    for (let m = 54; m < 108; m++) {
      ping();
      await clock.advance(MIN);
      await settle();
    }
    expect(notices()).toEqual([]);
    for (let m = 108; m < 115; m++) {
      ping();
      await clock.advance(MIN);
      await settle();
    }
    const warned = notices();
    expect(warned).toHaveLength(5);
    expect(Object.keys(warned[0]!)).toEqual(['eventTime', 'eventType', 'listenKey']);
    expect(warned[0]!.listenKey).toBe(key);
    expect((await client.waitClose()).code).toBe(1000);
    expect(client.json().some((f) => f.e === 'listenKeyExpired')).toBe(false);
  });
});
