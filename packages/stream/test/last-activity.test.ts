/**
 * `lastActivityAt`: a stream's proof of life (issue 15, chaos fleet seed 432). A fleet worker
 * handing a stream over must know that its connection still delivered after the new owner's
 * opened; a connection the venue silently stalls stays `open` but must stop advancing it, while a
 * quiet but healthy one advances on its heartbeat (the client pings every 10 s by default).
 * Against the simulator on a virtual clock (its stall fault holds frames and pongs back).
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openListenKeyStream, openWsApiStream, type UserDataStream } from '../src/index.js';
import { type Rig, rig, SEC, until } from './helpers.js';

let r: Rig;
let streams: UserDataStream[];

beforeEach(async () => {
  r = await rig();
  streams = [];
});

afterEach(async () => {
  await Promise.all(streams.map((s) => s.close()));
  await r.close();
});

async function check(stream: UserDataStream): Promise<void> {
  streams.push(stream);
  await stream.opened();
  const openedAt = stream.lastActivityAt;
  expect(openedAt).toBeTypeOf('number');
  // A quiet account: only the heartbeat (ping at 10 s, the venue's pong) moves it.
  const t = r.clock.now();
  await r.clock.advance(10 * SEC);
  await until(() => (stream.lastActivityAt ?? 0) > t, 'the pong after the first ping');
  // Stalled: the socket stays open, nothing arrives, so it stays where it was.
  const stall = r.sim.faults.stall({ accountId: r.account.id });
  const frozen = stream.lastActivityAt;
  await r.clock.advance(10 * SEC); // the next ping, unanswered (the pong timeout is 5 s after it)
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(stream.state).toBe('open');
  expect(stream.lastActivityAt).toBe(frozen);
  stall.release();
  await stream.close();
  expect(stream.lastActivityAt).toBeUndefined();
}

describe('lastActivityAt', () => {
  it('a listenKey stream: moves with the heartbeat, stops while the venue stalls the connection', async () => {
    const listenKey = await r.createListenKey('binance-usdm');
    await check(openListenKeyStream({ venue: r.sim.venue('binance-usdm'), listenKey, clock: r.clock }));
  });

  it('a WebSocket API stream: the same', async () => {
    await check(
      openWsApiStream({
        venue: r.sim.venue('binance-spot'),
        auth: { type: 'signature', apiKey: r.account.apiKey, signer: r.signer() },
        clock: r.clock,
      }),
    );
  });
});
