/**
 * openUserDataStream's "did not open within" error says why the stream could not connect
 * (issue #19): `last: connection-failed (connect ECONNREFUSED 127.0.0.1:<port>)`, the cause the
 * stream reports in its `reconnecting` info (core's describeNetworkCause: the error's fields only,
 * so neither the URL nor the listenKey can reach the message).
 */
import { createServer } from 'node:net';
import { ErrorCode, TransportError, VirtualClock, withBaseUrls } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { FUTURES } from './trading.js';

let clock: VirtualClock;
let sim: Simulator;
let scheduler: Scheduler;

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock });
  scheduler = createScheduler({ clock });
});

afterEach(async () => {
  scheduler.close();
  await sim.close();
});

/** A loopback port nothing listens on: bound, read, and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openUserDataStream: a stream that cannot connect says why', () => {
  it('"did not open within" names the last cause: connect ECONNREFUSED 127.0.0.1:<port>', async () => {
    const port = await closedPort();
    const account = sim.accounts[0]!;
    const error = await openUserDataStream({
      // REST (the listenKey) reaches the simulator; the stream's host refuses every connection.
      venue: withBaseUrls(sim.venue(FUTURES.venue), { stream: `ws://127.0.0.1:${port}` }),
      credentials: { apiKey: account.apiKey, secret: account.secret! },
      scheduler,
      // Real milliseconds: the clock stands still, so the one immediate attempt is all there is.
      stream: { openTimeoutMs: 500 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: ErrorCode.Timeout });
    expect((error as Error).message).toContain(
      `last: connection-failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    // The key was made and, the open having failed, deleted again.
    const path = sim.venue(FUTURES.venue).listenKey!.keepAlive.path;
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
  });
});
