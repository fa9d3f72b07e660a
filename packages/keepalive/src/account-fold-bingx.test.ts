/**
 * BingX's events in the mirror's fold (issue #13 item 3). BingX swap's ORDER_TRADE_UPDATE has no
 * top-level T and sends the order's `T` as 0 before it trades (the swap page's sample,
 * https://skills.sh/bingx-api/api-ai-skills/bingx-swap-ws-account, checked 2026-12-03); BingX
 * spot's ACCOUNT_UPDATE lists balances with `lk` (locked).
 */
import type { UserDataEvent } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { applyEvent, balancesView, ordersView, stateFromSnapshot } from './account-fold.js';

const snap = (updateTime: number) => stateFromSnapshot({ updateTime, balances: {}, openOrders: [] });

describe('applyEvent: BingX', () => {
  it('a swap order update with T 0 is ordered by its E, not skipped as older than the snapshot', () => {
    const s = snap(100);
    const event = {
      e: 'ORDER_TRADE_UPDATE',
      E: 200,
      o: {
        s: 'LINK-USDT',
        c: '',
        i: 7,
        S: 'BUY',
        o: 'LIMIT',
        q: '5',
        p: '9.273',
        x: 'NEW',
        X: 'NEW',
        T: 0,
        z: '0',
      },
    };
    expect(applyEvent(s, event as unknown as UserDataEvent)).toBe(true);
    expect(ordersView(s).map((o) => [o.orderId, o.status])).toEqual([['7', 'NEW']]);
  });

  it('a spot ACCOUNT_UPDATE sets free = wb − lk and locked = lk', () => {
    const s = snap(100);
    const event = {
      e: 'ACCOUNT_UPDATE',
      E: 200,
      T: 150,
      a: { m: 'ORDER', B: [{ a: 'USDT', bc: '-1', cw: '11.5', wb: '11.5', lk: '1.25' }] },
    };
    expect(applyEvent(s, event as unknown as UserDataEvent)).toBe(true);
    expect(balancesView(s)).toEqual({ USDT: { free: '10.25', locked: '1.25' } });
  });
});
