import { ErrorCode, VirtualClock } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountMirror, createScheduler, leaseRegistryOf, type Scheduler } from '../src/index.js';
import { openUserDataStream } from '../src/open-user-data-stream.js';
import { HOUR, MIN, until } from './helpers.js';
import { restClient } from './rest-client.js';
import { FUTURES } from './trading.js';

/**
 * Issue 19: every closeable handle takes `await using` (TS2851 on openUserDataStream's stream
 * before). This file is in the package typecheck (tsconfig includes test/), so the `await using`
 * lines below are what proves the published types; the runs prove the disposal closes.
 * The TC39/TypeScript contract: https://www.typescriptlang.org/docs/handbook/release-notes/typescript-5-2.html
 */

let clock: VirtualClock;
let sim: Simulator;

beforeEach(async () => {
  clock = new VirtualClock();
  sim = await startSimulator({ clock, pingIntervalMs: HOUR, pongTimeoutMs: 4 * HOUR });
});

afterEach(async () => {
  await sim.close();
});

function credentials() {
  const account = sim.accounts[0]!;
  return { apiKey: account.apiKey, secret: account.secret! };
}

describe('await using (Symbol.asyncDispose)', () => {
  it('disposes openUserDataStream’s stream, its mirror and the scheduler at the end of the block: DELETE sent, no socket, no job', async () => {
    const path = sim.venue(FUTURES.venue).listenKey!.keepAlive.path;
    let scheduler: Scheduler;
    {
      await using sched = createScheduler({ clock });
      scheduler = sched;
      await using stream = await openUserDataStream({
        venue: sim.venue(FUTURES.venue),
        credentials: credentials(),
        scheduler: sched,
        rest: { timeoutMs: 5 * MIN },
        stream: {
          heartbeat: { pingIntervalMs: HOUR, pongTimeoutMs: 2 * HOUR, inactivityTimeoutMs: 6 * HOUR },
        },
      });
      await using mirror = new AccountMirror({ stream, rest: stream.rest, clock });
      await mirror.ready();
      expect(sim.record.connections).toBe(1);
      expect(sim.record.requestCount('DELETE', path)).toBe(0);
    }
    // Disposed in reverse order: mirror, stream (lease released: its listenKey deleted), scheduler.
    expect(sim.record.requestCount('DELETE', path)).toBe(1);
    await until(() => sim.record.connections === 0, 2_000, 'the server to see the socket closed');
    expect(scheduler.closed).toBe(true);
    expect(leaseRegistryOf(scheduler).size).toBe(0);
  });

  it('disposes a RestClient: a request after the block is refused as closed', async () => {
    let rest: ReturnType<typeof restClient>;
    {
      await using client = restClient(sim.venue(FUTURES.venue), sim.accounts[0]!, clock);
      rest = client;
      await client.createListenKey();
    }
    await expect(rest.createListenKey()).rejects.toMatchObject({ code: ErrorCode.Closed });
  });

  it('the dispose methods are the close methods (Symbol.asyncDispose is Node’s own symbol, nothing global defined)', async () => {
    // Node 20 and 22 define it as Symbol.for('nodejs.asyncDispose'); Node 24's V8 has the real
    // well-known symbol. Either way the runtime's own, never one of ours.
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 24) expect(Symbol.asyncDispose).toBe(Symbol.for('nodejs.asyncDispose'));
    else expect(typeof Symbol.asyncDispose).toBe('symbol');
    expect(Object.getOwnPropertyDescriptor(Symbol, 'asyncDispose')?.writable).toBe(false);
    const rest = restClient(sim.venue(FUTURES.venue), sim.accounts[0]!, clock);
    await rest[Symbol.asyncDispose]();
    await expect(rest.createListenKey()).rejects.toMatchObject({ code: ErrorCode.Closed });
  });
});
