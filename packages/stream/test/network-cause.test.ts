/**
 * A stream that cannot connect says why (issue #19): `connect ECONNREFUSED 127.0.0.1:<port>` in
 * its `reconnecting` info (`cause`), in the diagnostics message and in the log fields, built by
 * core's describeNetworkCause from the error's fields (never its message, so no URL and no
 * listenKey can ride along). REST's side of the same item: packages/rest/test/network-cause.test.ts.
 */
import { createServer } from 'node:net';
import { withBaseUrls } from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openListenKeyStream, type ReconnectingInfo } from '../src/index.js';
import { capture, type Rig, rig, until } from './helpers.js';

let r: Rig;

beforeEach(async () => {
  r = await rig();
});

afterEach(async () => {
  await r.close();
});

/** A loopback port nothing listens on: bound, read, and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('stream-side network causes', () => {
  it('a refused connection: reconnecting info, diagnostics and logs carry "connect ECONNREFUSED 127.0.0.1:<port>"', async () => {
    const port = await closedPort();
    const USDM = 'binance-usdm';
    const listenKey = await r.createListenKey(USDM);
    const out = capture();
    const stream = openListenKeyStream({
      venue: withBaseUrls(r.sim.venue(USDM), { stream: `ws://127.0.0.1:${port}` }),
      listenKey,
      clock: r.clock,
      logger: out.logger,
    });
    try {
      const seen: ReconnectingInfo[] = [];
      stream.on('reconnecting', (info) => seen.push(info));
      await until(() => seen.length >= 1, 'a reconnecting event');
      const expected = `connect ECONNREFUSED 127.0.0.1:${port}`;
      expect(seen[0]).toMatchObject({ reason: 'connection-failed', cause: expected });
      const text = out.text();
      expect(text).toContain(
        JSON.stringify({ venue: USDM, attempt: 1, delayMs: 0, reason: 'connection-failed', cause: expected }),
      );
      expect(text).not.toContain(listenKey);
    } finally {
      out.stop();
      await stream.close();
    }
  });
});
