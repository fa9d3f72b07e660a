import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createListenKeyConnection, createWsApiSession, openListenKeyStream } from '../src/index.js';
import { type Rig, rig, until } from './helpers.js';

/**
 * Issue 19: `await using` on every closeable stream handle. This file is in the package
 * typecheck (tsconfig includes test/): TS2851 there if a handle lacks `[Symbol.asyncDispose]`.
 * Disposal is checked on the simulator's side: no socket left.
 */

let r: Rig;

beforeEach(async () => {
  r = await rig();
});

afterEach(async () => {
  await r.close();
});

describe('await using on stream handles', () => {
  it('a listenKey stream, a shared listenKey connection and a WS API session close at the end of their blocks', async () => {
    const USDM = 'binance-usdm';
    {
      await using stream = openListenKeyStream({
        venue: r.sim.venue(USDM),
        listenKey: await r.createListenKey(USDM),
        clock: r.clock,
      });
      await stream.opened();
      await using connection = createListenKeyConnection({ venue: r.sim.venue(USDM), clock: r.clock });
      await connection.open({ listenKey: await r.createListenKey(USDM) }).opened();
      await using session = createWsApiSession({ venue: r.sim.venue('binance-spot'), clock: r.clock });
      const account = r.sim.accounts[0]!;
      await session
        .subscribe({ auth: { type: 'signature', apiKey: account.apiKey, signer: r.signer() } })
        .opened();
      expect(r.sim.record.connections).toBe(3);
    }
    await until(() => r.sim.record.connections === 0, 'the simulator to see every socket closed');
  });
});
