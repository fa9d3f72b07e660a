/**
 * Aster v3 (EIP-712 signed) through the REST client, against the simulator. Docs:
 * https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-futures-api-v3.md
 * ("Authentication signature payload", "V3 Nonce Mechanism"; checked 2026-12-03).
 */
import { ErrorCode, type ExchangeError, type UserstreamError } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { createRestClient } from '../src/index.js';
import { leaks, useSimulator } from './helpers.js';

const ctx = useSimulator(() => ({ accounts: [{ id: 'hmac' }, { id: 'wallet', keyType: 'eip712' }] }));

function refusal(make: () => unknown): UserstreamError {
  try {
    make();
  } catch (error) {
    return leaks.error(error) as UserstreamError;
  }
  throw new Error('expected a refusal');
}

describe('Aster v3 credentials are checked at creation', () => {
  it('an HMAC key on a v3 venue, an API wallet on a Binance-scheme venue, an apiKey that is not the wallet', () => {
    const v3 = ctx.sim.venue('aster-futures-v3');
    const hmacOnV3 = refusal(() => createRestClient({ venue: v3, credentials: ctx.hmac() }));
    expect(hmacOnV3.code).toBe(ErrorCode.InvalidConfig);
    expect(hmacOnV3.message).toMatchInlineSnapshot(
      `"@userstream/rest: venue 'aster-futures-v3' signs with EIP-712: pass credentials with keyType 'eip712', the API wallet's address as apiKey, its key as privateKey and the main wallet's address as user"`,
    );
    const walletOnV1 = refusal(() =>
      createRestClient({ venue: ctx.sim.venue('aster-futures'), credentials: ctx.eip712() }),
    );
    expect(walletOnV1.message).toMatch(/use an Aster v3 profile such as 'aster-futures-v3'/);
    const wrongKey = refusal(() =>
      createRestClient({ venue: v3, credentials: { ...ctx.eip712(), apiKey: `0x${'1'.repeat(40)}` } }),
    );
    expect((wrongKey as UserstreamError & { field?: string }).field).toBe('credentials.apiKey');
  });
});

describe('signed v3 requests', () => {
  it('carry user, signer and a microsecond nonce; many in one millisecond never reuse a nonce', async () => {
    const rest = ctx.client('aster-futures-v3');
    const key = await rest.createListenKey();
    // Twenty keepalives at one instant of the client's clock: the venue refuses a reused nonce.
    await Promise.all(Array.from({ length: 20 }, () => rest.keepAliveListenKey(key)));
    expect(ctx.sim.record.keepalives(key)).toHaveLength(20);
    await rest.closeListenKey(key);
  });

  it("a clock 11 s off the server's: the venue refuses the nonce (-4225); the client syncs its clock and sends again, once", async () => {
    ctx.sim.faults.skewClock(11_000);
    const rest = ctx.client('aster-futures-v3', { retry: false });
    const times = ctx.sim.record.requestCount('GET', '/fapi/v3/time');
    const posts = ctx.sim.record.requestCount('POST', '/fapi/v3/listenKey');
    expect(await rest.createListenKey()).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(ctx.sim.record.requestCount('GET', '/fapi/v3/time')).toBe(times + 1);
    expect(ctx.sim.record.requestCount('POST', '/fapi/v3/listenKey')).toBe(posts + 2);
    // The server's clock jumps back a minute after the client synced: the sync moves the client's
    // clock back too, and the nonce follows it (a nonce kept above the last one would stay a minute
    // ahead and be refused again).
    ctx.sim.faults.skewClock(30_000);
    const fresh = ctx.client('aster-futures-v3', { retry: false });
    await fresh.syncTime();
    expect(await fresh.createListenKey()).toMatch(/^[A-Za-z0-9]{64}$/);
    ctx.sim.faults.skewClock(-30_000);
    expect(await fresh.createListenKey()).toMatch(/^[A-Za-z0-9]{64}$/);
    // A venue that keeps refusing is asked once more after the sync, not in a loop.
    ctx.sim.faults.skewClock(0);
    const posts2 = ctx.sim.record.requestCount('POST', '/fapi/v3/listenKey');
    const forged = ctx.client('aster-futures-v3', {
      retry: false,
      credentials: { ...ctx.eip712(), user: `0x${'2'.repeat(40)}` },
    });
    const error = await leaks.rejection(forged.createListenKey());
    expect((error as unknown as ExchangeError).exchangeCode).toBe(-2015);
    expect(ctx.sim.record.requestCount('POST', '/fapi/v3/listenKey')).toBe(posts2 + 1);
  });
});
