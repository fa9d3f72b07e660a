/**
 * `opened({ signal })` and `ready({ signal })` (issue #19): aborting ends the wait at once with a
 * ClosedError { aborted: true } (USERSTREAM_ABORTED), leaves no listener behind on the signal,
 * and never closes the handle (it stays as it was: close() it if it is not wanted).
 */
import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import { ClosedError, ErrorCode, VirtualClock, withBaseUrls } from '@userstream/core';
import { type Simulator, startSimulator } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountMirror, createScheduler, type Scheduler, type UserDataStreamHandle } from '../src/index.js';
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

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A handle whose stream never opens (its host refuses every connection; the clock stands still). */
async function neverOpening(): Promise<UserDataStreamHandle> {
  const account = sim.accounts[0]!;
  return openUserDataStream({
    venue: withBaseUrls(sim.venue(FUTURES.venue), { stream: `ws://127.0.0.1:${await closedPort()}` }),
    credentials: { apiKey: account.apiKey, secret: account.secret! },
    scheduler,
    waitForOpen: false,
  });
}

/** 1,000 waits, each aborted: every one rejects aborted, and its signal keeps no listener. */
async function abortMany(wait: (signal: AbortSignal) => Promise<void>): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    const controller = new AbortController();
    const pending = wait(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClosedError);
    expect(error).toMatchObject({ code: ErrorCode.Aborted });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }
}

describe('abortable waits', () => {
  it('openUserDataStream().opened({ signal }): 1,000 aborted waits, no listener left, the stream not closed', async () => {
    const stream = await neverOpening();
    await abortMany((signal) => stream.opened({ signal }));
    expect(stream.closed).toBe(false);
    // An already aborted signal rejects at once, without touching the handle.
    await expect(stream.opened({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: ErrorCode.Aborted,
    });
    // A long-lived signal: waits that end otherwise (here: close) take their listener with them.
    const keep = new AbortController();
    const waits = Array.from({ length: 1_000 }, () => stream.opened({ signal: keep.signal }).catch((e) => e));
    expect(getEventListeners(keep.signal, 'abort')).toHaveLength(1_000);
    await stream.close();
    for (const e of await Promise.all(waits)) expect(e).toMatchObject({ code: ErrorCode.Closed });
    expect(getEventListeners(keep.signal, 'abort')).toHaveLength(0);
  });

  it('AccountMirror.ready({ signal }): 1,000 aborted waits, no listener left, the mirror not closed', async () => {
    const stream = await neverOpening();
    // The account snapshot is never answered: the mirror cannot be ready while the waits run.
    sim.faults.hangRequests({ path: sim.venue(FUTURES.venue).endpoints.account!.path, count: 1_000 });
    const mirror = new AccountMirror({ stream, rest: stream.rest, clock });
    await abortMany((signal) => mirror.ready({ signal }));
    expect(mirror.phase).not.toBe('closed');
    mirror.close();
    await stream.close();
  });

  it('refuses a signal that is not an AbortSignal, typed', async () => {
    const stream = await neverOpening();
    await expect(stream.opened({ signal: {} as AbortSignal })).rejects.toMatchObject({
      code: ErrorCode.InvalidInput,
      field: 'signal',
    });
    await stream.close();
  });
});
