/**
 * openUserDataStream's `proxy` (issue #19): one value for REST and the stream. A loopback HTTP
 * CONNECT proxy (packages/stream/test/proxies.ts) in front of the simulator sees the REST calls'
 * tunnel and the WebSocket's, events flow, and the proxy password reaches no error or log.
 */
import { VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConnectProxy, type TestProxy } from '../../stream/test/proxies.js';
import { createScheduler, type Scheduler } from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { captureOutput, until } from './helpers.js';
import { FUTURES } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;
let proxy: TestProxy;

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
  scheduler = createScheduler({ clock });
  proxy = await startConnectProxy({ token: `Basic ${Buffer.from('carol:px-pass-5').toString('base64')}` });
});

afterEach(async () => {
  scheduler.close();
  await proxy.close();
  await sim.close();
});

describe('openUserDataStream({ proxy })', () => {
  it('sends REST and the stream through one proxy; events flow; the password is in no log', async () => {
    const account = sim.accounts[0]!;
    const venue = sim.venue(FUTURES.venue);
    const url = new URL(proxy.url);
    url.username = 'carol';
    url.password = 'px-pass-5';
    const out = captureOutput();
    const stream = await openUserDataStream({
      venue,
      credentials: { apiKey: account.apiKey, secret: account.secret! },
      scheduler,
      logger: out.logger,
      proxy: url.toString(),
    });
    try {
      const rest = new URL(venue.restBaseUrl);
      const ws = new URL(venue.streamBaseUrl!);
      expect(proxy.targets).toContain(`${rest.hostname}:${rest.port}`);
      expect(proxy.targets).toContain(`${ws.hostname}:${ws.port}`);
      let events = 0;
      stream.on('event', () => events++);
      sim.exchange.deposit(account.id, FUTURES.venue, 'USDT', '5');
      await until(() => events > 0, 5_000, 'an event through the proxy');
      expect(out.text()).not.toContain('px-pass-5');
    } finally {
      out.stop();
      await stream.close();
    }
  });
});
