/**
 * `opened({ signal })` on a stream (issue #19): aborting rejects at once with a ClosedError
 * { aborted: true }, leaves no listener on the signal nor a wait on the stream, and does not close
 * the stream (it opens later all the same).
 */
import { getEventListeners } from 'node:events';
import { ClosedError, ErrorCode } from '@userstream/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openListenKeyStream } from '../src/index.js';
import { type Rig, rig } from './helpers.js';

let r: Rig;

beforeEach(async () => {
  r = await rig();
});

afterEach(async () => {
  await r.close();
});

describe('opened({ signal })', () => {
  it('1,000 aborted waits: each rejects aborted, no listener left; the stream still opens', async () => {
    const USDM = 'binance-usdm';
    // Every connection refused until the waits are done: the stream keeps trying.
    const refusal = r.sim.faults.refuseConnections({});
    const stream = openListenKeyStream({
      venue: r.sim.venue(USDM),
      listenKey: await r.createListenKey(USDM),
      clock: r.clock,
    });
    try {
      for (let i = 0; i < 1_000; i++) {
        const controller = new AbortController();
        const pending = stream.opened({ signal: controller.signal });
        controller.abort();
        const error = await pending.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ClosedError);
        expect(error).toMatchObject({ code: ErrorCode.Aborted });
        expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      }
      expect(stream.state).not.toBe('closed');
      const keep = new AbortController();
      const opened = stream.opened({ signal: keep.signal });
      refusal.release();
      await r.clock.advance(60_000);
      await opened;
      expect(getEventListeners(keep.signal, 'abort')).toHaveLength(0);
    } finally {
      await stream.close();
    }
  });
});
