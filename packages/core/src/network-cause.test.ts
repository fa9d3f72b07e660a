import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeNetworkCause } from './network-cause.js';

const sys = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

describe('describeNetworkCause', () => {
  it('says what Node says, from the fields', () => {
    expect(
      describeNetworkCause(sys({ code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'fapi.binance.com' })),
    ).toBe('getaddrinfo ENOTFOUND fapi.binance.com');
    expect(
      describeNetworkCause(sys({ code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 9 })),
    ).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(describeNetworkCause(sys({ code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });

  it('follows cause chains and AggregateErrors (undici wraps, happy eyeballs aggregates)', () => {
    const refused = sys({ code: 'ECONNREFUSED', syscall: 'connect', address: '::1', port: 443 });
    expect(describeNetworkCause(new TypeError('fetch failed', { cause: refused }))).toBe(
      'connect ECONNREFUSED ::1:443',
    );
    expect(describeNetworkCause(new Error('a', { cause: new AggregateError([refused]) }))).toBe(
      'connect ECONNREFUSED ::1:443',
    );
    expect(describeNetworkCause(sys({ code: 'UND_ERR_CONNECT_TIMEOUT' }))).toBe('connect timed out');
  });

  it('never quotes a message, and refuses odd field values (a URL with a key cannot get through)', () => {
    const sneaky = sys({
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'x.example/?listenKey=SECRET',
      message: 'listenKey=SECRET',
    });
    expect(describeNetworkCause(sneaky)).toBe('getaddrinfo ENOTFOUND');
    expect(describeNetworkCause(sys({ code: 'lower case' }))).toBeUndefined();
    expect(describeNetworkCause(new Error('listenKey=SECRET'))).toBeUndefined();
  });

  it('survives cycles and non-objects', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(describeNetworkCause(a)).toBeUndefined();
    expect(describeNetworkCause(undefined)).toBeUndefined();
    expect(describeNetworkCause('ECONNRESET')).toBeUndefined();
  });

  it('reads a real refused connect', async () => {
    const error = await new Promise<unknown>((resolve) => {
      const socket = connect(1, '127.0.0.1');
      socket.on('error', resolve);
    });
    expect(describeNetworkCause(error)).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });
});
