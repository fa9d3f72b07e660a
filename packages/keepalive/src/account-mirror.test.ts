import { EventEmitter } from 'node:events';
import { ErrorCode, TransportError, VirtualClock } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import type { MirrorSnapshot } from './account-fold.js';
import {
  AccountMirror,
  type AccountMirrorOptions,
  createAccountMirror,
  type MirrorReconciled,
} from './account-mirror.js';

function controllable() {
  const calls: { resolve: (s: MirrorSnapshot) => void; reject: (e: unknown) => void }[] = [];
  const snapshot = () =>
    new Promise<MirrorSnapshot>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { calls, snapshot };
}

const pos = (E: number, u: number, a: string, f: string, l = '0') => ({
  e: 'outboundAccountPosition',
  E,
  u,
  B: [{ a, f, l }],
});

describe('AccountMirror', () => {
  it('buffers events during the first snapshot and replays only those newer than it', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    expect(mirror.phase).toBe('syncing');
    stream.emit('event', { e: 'balanceUpdate', E: 10, a: 'USDT', d: '5', T: 10 }); // in the snapshot
    stream.emit('event', { e: 'balanceUpdate', E: 20, a: 'USDT', d: '1', T: 20 }); // after it
    calls[0]!.resolve({ updateTime: 15, balances: { USDT: { free: '105', locked: '0' } }, openOrders: [] });
    await mirror.ready();
    expect(mirror.phase).toBe('live');
    expect(mirror.balances).toEqual({ USDT: { free: '106', locked: '0' } });
    expect(mirror.stats).toMatchObject({ reconciliations: 1, applied: 1, skipped: 1 });
    stream.emit('event', pos(30, 30, 'USDT', '200'));
    expect(mirror.balance('USDT')).toEqual({ free: '200', locked: '0' });
    mirror.close();
  });

  it('resyncs on gap and reports what the stream lost', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = new AccountMirror({ stream, snapshot });
    calls[0]!.resolve({ updateTime: 1, balances: { BTC: { free: '1', locked: '0' } }, openOrders: [] });
    await mirror.ready();
    const reconciled: MirrorReconciled[] = [];
    const changes: unknown[] = [];
    mirror.on('reconciled', (r) => reconciled.push(r));
    mirror.on('change', (c) => changes.push(c));
    // A deposit happened while the stream was down (its event never arrived), then a gap.
    stream.emit('gap', { reason: 'reconnect', lastEventTime: 1, at: 5 });
    expect(mirror.phase).toBe('syncing');
    stream.emit('event', pos(9, 9, 'ETH', '3')); // arrives while the snapshot is in flight
    calls[1]!.resolve({
      updateTime: 8,
      balances: { BTC: { free: '1.5', locked: '0' } },
      openOrders: [
        {
          symbol: 'ETHBTC',
          orderId: 42,
          clientOrderId: 'x',
          side: 'BUY',
          type: 'LIMIT',
          status: 'NEW',
          price: '0.05',
          quantity: '1',
          filledQuantity: '0',
          updateTime: 7,
        },
      ],
    });
    await mirror.idle();
    expect(mirror.balances).toEqual({ BTC: { free: '1.5', locked: '0' }, ETH: { free: '3', locked: '0' } });
    expect(mirror.openOrders).toMatchObject([{ symbol: 'ETHBTC', orderId: '42', status: 'NEW' }]);
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0]!.reason).toBe('gap:reconnect');
    expect(reconciled[0]!.differences).toEqual([
      {
        kind: 'balance',
        asset: 'BTC',
        mirror: { free: '1', locked: '0' },
        exchange: { free: '1.5', locked: '0' },
      },
      expect.objectContaining({ kind: 'order', orderId: '42', mirror: undefined }),
    ]);
    expect(changes.length).toBeGreaterThanOrEqual(2);
    mirror.close();
  });

  it('takes a second snapshot when a gap happens while the first is in flight', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = new AccountMirror({ stream, snapshot });
    stream.emit('gap', { reason: 'reconnect' });
    calls[0]!.resolve({ updateTime: 1, balances: { BTC: { free: '1', locked: '0' } }, openOrders: [] });
    await new Promise((r) => setImmediate(r));
    expect(mirror.phase).toBe('syncing');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve({ updateTime: 2, balances: { BTC: { free: '2', locked: '0' } }, openOrders: [] });
    await mirror.ready();
    expect(mirror.balances).toEqual({ BTC: { free: '2', locked: '0' } });
    expect(mirror.stats.reconciliations).toBe(2);
    mirror.close();
  });

  it('retries a failed snapshot with backoff on the clock and keeps the buffer', async () => {
    const clock = new VirtualClock();
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const errors: unknown[] = [];
    const mirror = new AccountMirror({
      stream,
      snapshot,
      clock,
      retry: { baseDelayMs: 1000, maxDelayMs: 1000 },
    });
    mirror.on('error', (e) => errors.push(e));
    stream.emit('event', { e: 'balanceUpdate', E: 50, a: 'BTC', d: '1', T: 50 });
    calls[0]!.reject(new TransportError('@userstream/rest: connection refused'));
    await clock.advance(0);
    expect(errors).toHaveLength(1);
    expect(clock.pending).toBe(1);
    await clock.advance(1000);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve({ updateTime: 10, balances: {}, openOrders: [] });
    await mirror.ready();
    expect(mirror.balances).toEqual({ BTC: { free: '1', locked: '0' } });
    expect(mirror.stats.snapshotFailures).toBe(1);
    mirror.close();
    expect(clock.pending).toBe(0);
  });

  it('close() during a retry wait clears its timer and stops listening', async () => {
    const clock = new VirtualClock();
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = new AccountMirror({ stream, snapshot, clock });
    calls[0]!.reject(new Error('down'));
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    mirror.close();
    expect(clock.pending).toBe(0);
    expect(stream.listenerCount('event')).toBe(0);
    expect(stream.listenerCount('gap')).toBe(0);
    await mirror.ready();
    expect(mirror.phase).toBe('closed');
  });

  it('checks its options', () => {
    const stream = new EventEmitter();
    // Options a caller without types could pass: each refusal names what to do.
    const untyped = (options: object) => new AccountMirror(options as AccountMirrorOptions);
    expect(() => untyped({ stream })).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: @userstream/keepalive: AccountMirror needs exactly one of \`rest\` (a REST client) or \`snapshot\` (a function returning balances and open orders)]`,
    );
    expect(() => untyped({ snapshot: async () => ({}) })).toThrow(/needs `stream`/);
    expect(() => untyped({ stream, snapshot: async () => ({}), foo: 1 })).toThrow(/unknown option 'foo'/);
    // Bad options are configuration (USERSTREAM_INVALID_CONFIG), as in every package's factory.
    expect(
      () =>
        new AccountMirror({
          stream,
          snapshot: async () => ({ updateTime: 0, balances: {}, openOrders: [] }),
          retry: { baseDelayMs: 0 },
        }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig, field: 'retry' }));
  });
});
