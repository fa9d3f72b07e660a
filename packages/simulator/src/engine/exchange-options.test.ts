import {
  type Clock,
  compareDecimal,
  ErrorCode,
  mulDecimal,
  subDecimal,
  VirtualClock,
} from '@userstream/core';
import { describe, expect, test } from 'vitest';
import { DEFAULT_BALANCES } from './account-book.js';
import { Exchange } from './exchange.js';
import { setup } from './test-helpers.js';

const clock = new VirtualClock(0);
const emit = () => {};

describe('Exchange options and inputs', () => {
  test('the constructor checks its options with messages that say what to do', () => {
    expect(() => new Exchange(undefined as never)).toThrow(
      /@userstream\/simulator: new Exchange\(options\) needs/,
    );
    expect(() => new Exchange({ clock: {} as Clock, emit })).toThrow(/options.clock must be a Clock/);
    expect(() => new Exchange({ clock, emit: 'x' as never })).toThrow(/options.emit must be a function/);
    expect(() => new Exchange({ clock, emit, seed: 1.5 })).toThrow(/options.seed must be an integer/);
    expect(() => new Exchange({ clock, emit, prices: { BTCUSDT: '-1' } })).toThrow(/positive decimal/);
    expect(() => new Exchange({ clock, emit, prices: { DOGE: '1' } })).toThrow(/unknown symbol "DOGE"/);
    const ex = new Exchange({ clock, emit, prices: { BTCUSDT: '42000.5' } });
    expect(ex.price('BTCUSDT')).toBe('42000.5');
  });

  test('errors are InvalidInputError with a stable code and a field: options are configuration, method values input', () => {
    try {
      new Exchange({ clock, emit, seed: Number.NaN });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        name: 'InvalidInputError',
        code: ErrorCode.InvalidConfig,
        field: 'seed',
      });
    }
    const ex = new Exchange({ clock, emit });
    expect(() => ex.addAccount('a', { 'binance-spot': { USDT: '-1' } })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidInput, field: 'balances.binance-spot.USDT' }),
    );
    expect(() => ex.setPrice('BTCUSDT', '0')).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidInput, field: 'price' }),
    );
  });

  test('addAccount: demo balances by default, replaced per market by any of its venue ids', () => {
    const ex = new Exchange({ clock, emit });
    ex.addAccount('a');
    ex.addAccount('b', {
      'binance-spot-legacy': { USDT: '5' },
      'binance-isolated-margin': { 'ETHBTC:BTC': '2', USDT: '7' },
    });
    expect(ex.balances('a', 'binance-spot')).toEqual({
      BTC: { free: '1.00000000', locked: '0.00000000' },
      ETH: { free: '10.00000000', locked: '0.00000000' },
      USDT: { free: '10000.00000000', locked: '0.00000000' },
    });
    expect(ex.balances('b', 'binance-spot')).toEqual({ USDT: { free: '5.00000000', locked: '0.00000000' } });
    // The margin account keeps its defaults.
    expect(ex.balances('b', 'binance-margin').USDT?.free).toBe('10000.00000000');
    expect(ex.balances('b', 'binance-isolated-margin')).toEqual({
      'BTCUSDT:USDT': { free: '7.00000000', locked: '0.00000000' },
      'ETHUSDT:USDT': { free: '7.00000000', locked: '0.00000000' },
      'ETHBTC:BTC': { free: '2.00000000', locked: '0.00000000' },
    });
    expect(ex.balances('a', 'binance-usdm')).toEqual({
      USDT: { free: '10000.00000000', locked: '0.00000000' },
    });
    expect(ex.balances('a', 'binance-coinm')).toEqual({ BTC: { free: '1.00000000', locked: '0.00000000' } });
    expect(Object.isFrozen(DEFAULT_BALANCES.spot)).toBe(true);
  });

  test('addAccount rejects bad ids, duplicates, bad assets and amounts', () => {
    const ex = new Exchange({ clock, emit });
    ex.addAccount('a');
    expect(() => ex.addAccount('a')).toThrow(/this accountId is already taken/);
    expect(() => ex.addAccount('has space')).toThrow(/accountId must be/);
    expect(() => ex.addAccount('c', { 'binance-spot': { usdt: '1' } })).toThrow(/upper-case/);
    expect(() => ex.addAccount('c', { 'binance-spot': { USDT: '1.123456789' } })).toThrow(
      /at most 8 decimal places/,
    );
    expect(() => ex.addAccount('c', { 'binance-spot': { USDT: '-1' } })).toThrow(/non-negative decimal/);
    expect(() => ex.addAccount('c', { nowhere: { USDT: '1' } } as never)).toThrow(/unknown venue "nowhere"/);
    expect(ex.hasAccount('c')).toBe(false);
  });

  test('unknown accounts, venues, symbols and bad amounts are typed input errors', () => {
    const { exchange } = setup();
    expect(() => exchange.account('zed-secret', 'binance-spot')).toThrow(
      /^@userstream\/simulator: unknown accountId; call addAccount\(\) with it first$/,
    );
    expect(() => exchange.placeOrder('alice', 'ftx' as never, {})).toThrow(/unknown venue "ftx"/);
    expect(() => exchange.price('DOGEUSDT')).toThrow(/unknown symbol "DOGEUSDT"/);
    expect(() => exchange.setPrice('BTCUSDT', '60000.001')).toThrow(/multiple of 0.01/);
    expect(() => exchange.setPrice('BTCUSDT', '0')).toThrow(/positive decimal/);
    expect(() => exchange.deposit('alice', 'binance-spot', 'USDT', '0')).toThrow(/greater than zero/);
    expect(() => exchange.deposit('alice', 'binance-spot', 'usdt', '1')).toThrow(/upper-case/);
  });

  test('an emit callback that throws is logged and the engine carries on with the next event', () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (obj: object, msg?: string) => errors.push({ obj, msg }),
    };
    const ex = new Exchange({
      clock,
      logger,
      emit: (_, event) => {
        seen.push(event.e as string);
        if (seen.length === 1) throw new Error('socket gone');
      },
    });
    ex.addAccount('a');
    ex.deposit('a', 'binance-spot', 'USDT', '1');
    expect(seen).toEqual(['balanceUpdate', 'outboundAccountPosition']);
    expect(errors).toEqual([
      {
        obj: { err: { name: 'Error', message: 'socket gone' }, event: 'balanceUpdate' },
        msg: '@userstream/simulator: emit threw; the engine carried on',
      },
    ]);
    expect(ex.balances('a', 'binance-spot').USDT?.free).toBe('10001.00000000');
  });

  test('tick walks every symbol by at most 0.1 % per step, on its price grid', () => {
    const ex = new Exchange({ clock, emit, seed: 5 });
    let before = ex.price('BTCUSDT');
    let moved = 0;
    for (let i = 0; i < 200; i++) {
      ex.tick();
      const now = ex.price('BTCUSDT');
      const diff = subDecimal(now, before);
      const abs = diff.startsWith('-') ? diff.slice(1) : diff;
      expect(compareDecimal(abs, mulDecimal(before, '0.001'))).toBeLessThanOrEqual(0);
      if (now !== before) moved++;
      before = now;
      expect(ex.price('ETHBTC')).toMatch(/^\d+(\.\d{1,5})?$/);
    }
    expect(moved).toBeGreaterThan(150);
  });

  test('the walk fills resting orders of every account it crosses', () => {
    const { exchange, take } = setup({ seed: 9 });
    exchange.addAccount('bob');
    for (const id of ['alice', 'bob']) {
      exchange.placeOrder(id, 'binance-spot', {
        symbol: 'ETHUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.1',
        price: '2999.99',
      });
    }
    take();
    for (let i = 0; i < 500 && exchange.orders('bob', 'binance-spot').length > 0; i++) exchange.tick();
    const fills = take().filter((r) => r.event.x === 'TRADE');
    expect(new Set(fills.map((r) => r.target.accountId))).toEqual(new Set(['alice', 'bob']));
    expect(exchange.orders('alice', 'binance-spot')).toEqual([]);
  });
});
