import { EventEmitter } from 'node:events';
import { ErrorCode } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import type { FoldChange, MirrorSnapshot } from './account-fold.js';
import { createAccountMirror, type MirrorReconciled } from './account-mirror.js';

// Portfolio margin's three ledgers in the mirror, hand-fed (mirror-pm-margin.sim.test.ts runs the
// same against the simulator's endpoints):
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Account-Update
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Margin-Order-Update
// https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Balance-and-Position-Update

function controllable() {
  const calls: { resolve: (s: MirrorSnapshot) => void }[] = [];
  const snapshot = () => new Promise<MirrorSnapshot>((resolve) => calls.push({ resolve }));
  return { calls, snapshot };
}

const position = (E: number, u: number, a: string, f: string, l = '0') => ({
  e: 'outboundAccountPosition',
  E,
  u,
  U: E,
  B: [{ a, f, l }],
});

// The spot executionReport fields core's normalizer reads (the Margin-Order-Update page's example).
const report = (E: number, i: number, X: string, z = '0') => ({
  e: 'executionReport',
  E,
  s: 'BTCUSDT',
  c: `c${i}`,
  S: 'BUY',
  o: 'LIMIT',
  f: 'GTC',
  q: '0.01',
  p: '59990',
  P: '0',
  F: '0',
  g: -1,
  C: '',
  x: X === 'NEW' ? 'NEW' : 'TRADE',
  X,
  r: 'NONE',
  i,
  l: z,
  z,
  L: '59990',
  n: '0',
  N: null,
  T: E,
  t: -1,
  I: 1,
  w: X === 'NEW',
  m: false,
  M: false,
  O: E,
  Z: '0',
  Y: '0',
  Q: '0',
});

const umUpdate = (T: number, fs: 'UM' | 'CM', asset: string, wb: string) => ({
  e: 'ACCOUNT_UPDATE',
  fs,
  E: T + 1,
  T,
  i: '',
  a: { m: 'ORDER', B: [{ a: asset, wb, cw: wb, bc: '0' }], P: [] },
});

const base: MirrorSnapshot = {
  updateTime: 5,
  balances: { USDT: { free: '10000', locked: '0' } },
  openOrders: [],
  books: {
    CM: { balances: { BTC: { free: '1', locked: '0' } } },
    MARGIN: { balances: { USDT: { free: '500', locked: '0' } }, openOrders: [] },
  },
};

describe('AccountMirror on portfolio margin', () => {
  it('folds margin events into MARGIN and fs CM into CM; the UM wallet and UM orders stay', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot, portfolioMargin: true });
    calls[0]!.resolve(base);
    await mirror.ready();
    const changes: FoldChange[] = [];
    mirror.on('change', (c) => changes.push(c));
    stream.emit('event', report(10, 7, 'NEW'));
    stream.emit('event', position(10, 10, 'USDT', '400.0100', '99.99'));
    stream.emit('event', umUpdate(11, 'CM', 'BTC', '0.99'));
    stream.emit('event', umUpdate(12, 'UM', 'USDT', '9999'));
    expect(mirror.balances).toEqual({ USDT: { free: '9999', locked: '0' } });
    expect(mirror.openOrders).toEqual([]);
    expect(mirror.book('UM')).toEqual({ balances: mirror.balances, openOrders: [] });
    expect(mirror.book('MARGIN').balances).toEqual({ USDT: { free: '400.01', locked: '99.99' } });
    expect(mirror.book('MARGIN').openOrders.map((o) => [o.orderId, o.status])).toEqual([['7', 'NEW']]);
    expect(mirror.book('CM')).toEqual({ balances: { BTC: { free: '0.99', locked: '0' } }, openOrders: [] });
    expect(changes.map((c) => [c.type, 'book' in c ? c.book : 'own'])).toEqual([
      ['order', 'MARGIN'],
      ['balance', 'MARGIN'],
      ['balance', 'CM'],
      ['balance', 'own'],
    ]);
    mirror.close();
  });

  it('a gap reconciles each ledger against its own snapshot part, differences named by book', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot, portfolioMargin: true });
    calls[0]!.resolve(base);
    await mirror.ready();
    stream.emit('event', report(10, 7, 'NEW'));
    stream.emit('gap', { reason: 'reconnect', lastEventTime: 10, at: 20 });
    // Lost while down: order 7 filled, the margin USDT moved; the CM part is left out of this
    // snapshot (its events' state stays).
    calls[1]!.resolve({
      ...base,
      updateTime: 20,
      books: { MARGIN: { balances: { USDT: { free: '400', locked: '0' } }, openOrders: [] } },
    });
    const info = await new Promise<MirrorReconciled>((resolve) => mirror.once('reconciled', resolve));
    expect(info.differences.map((d) => [d.kind, 'book' in d ? d.book : 'own'])).toEqual([
      ['balance', 'MARGIN'],
      ['order', 'MARGIN'],
    ]);
    expect(mirror.book('MARGIN')).toEqual({
      balances: { USDT: { free: '400', locked: '0' } },
      openOrders: [],
    });
    expect(mirror.book('CM').balances).toEqual({ BTC: { free: '1', locked: '0' } });
    mirror.close();
  });

  it('outside portfolio margin the spot events are the account itself; bad input is refused by name', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    calls[0]!.resolve({ updateTime: 5, balances: {}, openOrders: [] });
    await mirror.ready();
    stream.emit('event', position(10, 10, 'USDT', '1'));
    expect(mirror.balances).toEqual({ USDT: { free: '1', locked: '0' } });
    expect(mirror.book('MARGIN')).toEqual({ balances: {}, openOrders: [] });
    expect(() => mirror.book('SPOT' as 'UM')).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidConfig }),
    );
    mirror.close();
    expect(() =>
      createAccountMirror({ stream, snapshot, portfolioMargin: 'yes' as unknown as boolean }),
    ).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidConfig,
        message: expect.stringContaining('portfolioMargin'),
      }),
    );
  });
});
