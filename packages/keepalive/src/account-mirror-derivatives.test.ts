import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { MirrorSnapshot } from './account-fold.js';
import { createAccountMirror, type MirrorReconciled } from './account-mirror.js';

// Positions and conditional (algo) orders in the mirror, against a hand-fed snapshot; the
// simulator tests (test/mirror-positions.test.ts) run the same against real endpoints.

function controllable() {
  const calls: { resolve: (s: MirrorSnapshot) => void }[] = [];
  const snapshot = () => new Promise<MirrorSnapshot>((resolve) => calls.push({ resolve }));
  return { calls, snapshot };
}

// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update
const accountUpdate = (T: number, pa: string, ep: string, extra: object = {}, symbol = 'BTCUSDT') => ({
  e: 'ACCOUNT_UPDATE',
  E: T + 1,
  T,
  ...extra,
  a: {
    m: 'ORDER',
    B: [{ a: 'USDT', wb: '1000', cw: '1000', bc: '0' }],
    P: [{ s: symbol, pa, ep, bep: ep, cr: '0', up: '0', mt: 'cross', iw: '0', ps: 'BOTH' }],
  },
});

// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
const algo = (E: number, aid: number, X: string, ai = '') => ({
  e: 'ALGO_UPDATE',
  T: E - 1,
  E,
  o: {
    caid: `c${aid}`,
    aid,
    at: 'CONDITIONAL',
    o: 'STOP_MARKET',
    s: 'BTCUSDT',
    S: 'SELL',
    ps: 'BOTH',
    f: 'GTC',
    q: '0.100',
    X,
    ai,
    tp: '59000.0',
    p: '0',
  },
});

const base = { updateTime: 1, balances: {}, openOrders: [] };
const position = (pa: string, entryPrice: string, updateTime: number, book?: 'UM' | 'CM') => ({
  book,
  symbol: 'BTCUSDT',
  positionSide: 'BOTH',
  positionAmount: pa,
  entryPrice,
  unrealizedPnl: '0',
  marginType: 'cross',
  isolatedWallet: '0',
  updateTime,
});

describe('AccountMirror positions', () => {
  it('folds ACCOUNT_UPDATE positions on the position snapshot, newer events only', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    stream.emit('event', accountUpdate(10, '0.1', '60000')); // in the snapshot
    stream.emit('event', accountUpdate(20, '0.3', '60500.00')); // after it
    calls[0]!.resolve({ ...base, positions: [position('0.100', '60000.0', 10)] });
    await mirror.ready();
    expect(mirror.positions()).toMatchObject([
      { symbol: 'BTCUSDT', positionAmount: '0.3', entryPrice: '60500' },
    ]);
    stream.emit('event', accountUpdate(30, '0', '0'));
    expect(mirror.positions()).toEqual([]);
    mirror.close();
  });

  it("keeps portfolio margin's UM and CM books apart", async () => {
    // https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Balance-and-Position-Update
    // (not in the search store: `fs` as the issue describes it)
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    calls[0]!.resolve({ ...base, positions: [position('1', '100', 5, 'UM')] });
    await mirror.ready();
    stream.emit('event', accountUpdate(10, '2', '200', { fs: 'CM' }));
    expect(mirror.positions().map((p) => [p.book, p.positionAmount])).toEqual([
      ['CM', '2'],
      ['UM', '1'],
    ]);
    mirror.close();
  });

  it('a gap resyncs positions from the snapshot, reports and emits what the stream lost', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    calls[0]!.resolve({ ...base, positions: [] });
    await mirror.ready();
    const reconciled: MirrorReconciled[] = [];
    const changes: unknown[] = [];
    mirror.on('reconciled', (r) => reconciled.push(r));
    mirror.on('change', (c) => changes.push(c));
    stream.emit('gap', { reason: 'reconnect', lastEventTime: 1, at: 5 });
    calls[1]!.resolve({ ...base, updateTime: 9, positions: [position('-0.5', '61000', 9)] });
    await mirror.idle();
    expect(mirror.positions()).toMatchObject([{ positionAmount: '-0.5', entryPrice: '61000' }]);
    expect(reconciled[0]!.differences).toMatchObject([
      { kind: 'position', mirror: undefined, exchange: { positionAmount: '-0.5' } },
    ]);
    expect(changes).toMatchObject([
      { type: 'position', removed: false, position: { positionAmount: '-0.5' } },
    ]);
    mirror.close();
  });

  it('a snapshot without positions keeps what the events told', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    calls[0]!.resolve(base);
    await mirror.ready();
    stream.emit('event', accountUpdate(10, '0.2', '60000'));
    stream.emit('gap', { reason: 'reconnect', lastEventTime: 11, at: 12 });
    calls[1]!.resolve({ ...base, updateTime: 12 });
    await mirror.idle();
    expect(mirror.positions()).toMatchObject([{ positionAmount: '0.2' }]);
    mirror.close();
  });
});

describe('AccountMirror algo orders', () => {
  it('tracks NEW, TRIGGERED and FINISHED; a straggling update never brings one back', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    calls[0]!.resolve({ ...base, algoOrders: [] });
    await mirror.ready();
    const changes: { type: string; removed: boolean }[] = [];
    mirror.on('change', (c) => changes.push(c as (typeof changes)[0]));
    stream.emit('event', algo(10, 7, 'NEW'));
    stream.emit('event', algo(11, 8, 'NEW'));
    expect(mirror.algoOrders()).toMatchObject([
      { algoId: '7', status: 'NEW', quantity: '0.1', triggerPrice: '59000' },
      { algoId: '8' },
    ]);
    stream.emit('event', algo(20, 7, 'TRIGGERED', '123'));
    expect(mirror.algoOrders()[0]).toMatchObject({ status: 'TRIGGERED', actualOrderId: '123' });
    stream.emit('event', algo(30, 7, 'FINISHED', '123'));
    stream.emit('event', algo(40, 8, 'CANCELED'));
    stream.emit('event', algo(25, 7, 'TRIGGERED', '123')); // late duplicate
    expect(mirror.algoOrders()).toEqual([]);
    expect(changes.map((c) => [c.type, c.removed])).toEqual([
      ['algoOrder', false],
      ['algoOrder', false],
      ['algoOrder', false],
      ['algoOrder', true],
      ['algoOrder', true],
    ]);
    mirror.close();
  });

  it('reconciles algo orders against the open-algo-orders snapshot on a gap', async () => {
    const stream = new EventEmitter();
    const { calls, snapshot } = controllable();
    const mirror = createAccountMirror({ stream, snapshot });
    calls[0]!.resolve({ ...base, algoOrders: [] });
    await mirror.ready();
    stream.emit('event', algo(10, 7, 'NEW'));
    stream.emit('gap', { reason: 'reconnect', lastEventTime: 10, at: 15 });
    // The stream lost the cancel of 7 and the placement of 9.
    calls[1]!.resolve({
      ...base,
      algoOrders: [
        {
          symbol: 'BTCUSDT',
          algoId: 9,
          clientAlgoId: 'c9',
          algoType: 'CONDITIONAL',
          orderType: 'STOP_MARKET',
          side: 'SELL',
          status: 'NEW',
          quantity: '0.1',
          triggerPrice: '58000',
          price: '0',
          updateTime: 14,
        },
      ],
    });
    let info: MirrorReconciled | undefined;
    mirror.once('reconciled', (r) => {
      info = r;
    });
    await mirror.idle();
    expect(mirror.algoOrders().map((o) => o.algoId)).toEqual(['9']);
    expect(info?.differences.map((d) => d.kind)).toEqual(['algoOrder', 'algoOrder']);
    mirror.close();
  });
});
