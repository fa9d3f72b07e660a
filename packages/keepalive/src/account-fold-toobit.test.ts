/**
 * Toobit USDT-M's pushes in the mirror's fold (issue #13 item 4), from the documented payloads
 * (core's test/fixtures/toobit, https://api-docs.toobit.com/api/usdt-m-websocket-account.html,
 * checked 2026-12-03): contractExecutionReport is an order (ordered by its update time U),
 * outboundContractAccountInfo a balance snapshot (ordered by E), outboundContractPositionInfo one
 * side's position (LONG, SHORT), signed in the mirror.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFrame, type UserDataEvent } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { applyEvent, balancesView, ordersView, stateFromSnapshot } from './account-fold.js';
import { positionsView } from './positions-fold.js';

const FIXTURES = fileURLToPath(new URL('../../core/test/fixtures/toobit/', import.meta.url));
const documented = (name: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as Record<string, unknown>[])[0]!;

/** The payload with some fields changed, parsed as the stream parses it (toobit dialect). */
function event(name: string, changes: Record<string, unknown> = {}): UserDataEvent {
  const parsed = parseFrame(JSON.stringify([{ ...documented(name), ...changes }]), 'toobit');
  if (!parsed.ok) throw parsed.error;
  return parsed.events[0]!;
}

const snap = (updateTime: number) => stateFromSnapshot({ updateTime, balances: {}, openOrders: [] });

describe('applyEvent: Toobit USDT-M', () => {
  it('a contract order opens, fills partly and ends; a stale report (older U) is skipped', () => {
    const s = snap(100);
    expect(applyEvent(s, event('contractExecutionReport', { E: 200, U: 150 }))).toBe(true);
    expect(ordersView(s).map((o) => [o.symbol, o.orderId, o.side, o.status])).toEqual([
      ['BTC-SWAP-USDT', '4293153', 'BUY', 'NEW'],
    ]);
    const partial = { E: 300, U: 250, X: 'PARTIALLY_FILLED', z: '0.4', l: '0.4' };
    expect(applyEvent(s, event('contractExecutionReport', partial))).toBe(true);
    expect(applyEvent(s, event('contractExecutionReport', { E: 301, U: 150 }))).toBe(false);
    expect(ordersView(s).map((o) => [o.status, o.filledQuantity])).toEqual([['PARTIALLY_FILLED', '0.4']]);
    expect(applyEvent(s, event('contractExecutionReport', { E: 400, U: 350, X: 'FILLED', z: '1' }))).toBe(
      true,
    );
    expect(ordersView(s)).toEqual([]);
  });

  it('the balance push sets the listed assets, ordered by E', () => {
    const s = snap(100);
    expect(applyEvent(s, event('outboundContractAccountInfo', { E: 200 }))).toBe(true);
    expect(balancesView(s)).toEqual({ LTC: { free: '17366.18538083', locked: '0' } });
    const older = { E: 150, B: [{ a: 'LTC', f: '1', l: '0' }] };
    expect(applyEvent(s, event('outboundContractAccountInfo', older))).toBe(false);
  });

  it('position pushes per side: the SHORT side held (negative), the LONG side flat', () => {
    const s = snap(100);
    expect(applyEvent(s, event('outboundContractPositionInfo', { E: 200, S: 'LONG', P: '0', p: '0' }))).toBe(
      true,
    );
    expect(
      applyEvent(s, event('outboundContractPositionInfo', { E: 200, S: 'SHORT', P: '0.02', p: '60000' })),
    ).toBe(true);
    expect(
      positionsView(s.positions).map((p) => [p.symbol, p.positionSide, p.positionAmount, p.entryPrice]),
    ).toEqual([['BTC-SWAP-USDT', 'SHORT', '-0.02', '60000']]);
    // Closed: the SHORT side pushed with 0.
    expect(applyEvent(s, event('outboundContractPositionInfo', { E: 300, S: 'SHORT', P: '0' }))).toBe(true);
    expect(positionsView(s.positions)).toEqual([]);
  });
});
