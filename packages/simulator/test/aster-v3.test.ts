/**
 * Aster futures v3 in the simulator (issue #13 item 2): EIP-712 signed listenKey requests, the
 * nonce rules, the documented expiry notice without a key, and announcements.
 * https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-futures-api-v3.md
 * ("Authentication signature payload", "V3 Nonce Mechanism", "User Data Streams", "Event: User
 * Data Stream Expired", "Event: Public Announcement", "Event: Direct Announcement"; checked
 * 2026-12-03). Requests are signed with core's client signer; the simulator verifies with its own
 * EIP-712 code (src/eip712.ts).
 */
import { createEip712Signer, VirtualClock } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimAccount, type Simulator, startSimulator } from '../src/index.js';
import { Client, call } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 11, 3));
let sim: Simulator;
let wallet: SimAccount;
let other: SimAccount;

beforeAll(async () => {
  sim = await startSimulator({
    clock,
    accounts: [{ id: 'w', keyType: 'eip712' }, { id: 'x', keyType: 'eip712' }, { id: 'h' }],
  });
  wallet = sim.accounts[0] as SimAccount;
  other = sim.accounts[1] as SimAccount;
});
afterAll(() => sim.close());

let nonceSeq = 0;
/** A v3 query signed as a client would: params, user, signer, nonce, then the signature. */
async function signed(
  account: SimAccount,
  params: Record<string, string> = {},
  over: { nonce?: number; user?: string; key?: string } = {},
): Promise<string> {
  const signer = createEip712Signer({
    privateKey: over.key ?? (account.privateKeyHex as string),
    user: over.user ?? (account.user as string),
  });
  const nonce = over.nonce ?? clock.now() * 1000 + ++nonceSeq;
  const head = new URLSearchParams(params).toString();
  const payload = `${head}${head ? '&' : ''}user=${signer.user}&signer=${signer.address}&nonce=${nonce}`;
  return `${payload}&signature=${await signer.sign(payload)}`;
}

const lk = (method: 'POST' | 'PUT' | 'DELETE', query: string) =>
  call(sim.urls.rest, method, '/fapi/v3/listenKey', { query });

describe('EIP-712 authentication', () => {
  test('an eip712 account: its apiKey is the address of its key, with a main wallet beside it', () => {
    expect(wallet.keyType).toBe('eip712');
    expect(wallet.apiKey).toBe(
      createEip712Signer({ privateKey: wallet.privateKeyHex!, user: wallet.user! }).address,
    );
    expect(wallet.user).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  test('a signed POST creates a key (no API-key header needed); a second returns the same key', async () => {
    const a = await lk('POST', await signed(wallet));
    expect(a.status).toBe(200);
    const key = (a.body as { listenKey: string }).listenKey;
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    const b = await lk('POST', await signed(wallet));
    expect((b.body as { listenKey: string }).listenKey).toBe(key);
    expect((await lk('PUT', await signed(wallet))).status).toBe(200);
  });

  test("refusals in Aster's shape", async () => {
    // A signature by another wallet's key.
    const forged = await signed(wallet, {}, { key: other.privateKeyHex });
    const bad = await lk('POST', forged.replace(/signer=[^&]+/, `signer=${wallet.apiKey}`));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    // A signer that belongs to another user.
    const mismatch = await lk('POST', await signed(wallet, {}, { user: other.user }));
    expect(mismatch.status).toBe(401);
    expect((mismatch.body as { code: number }).code).toBe(-2015);
    // Missing fields.
    const none = await lk('POST', '');
    expect(none.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'user' was not sent, was empty/null, or malformed.",
    });
  });

  test('nonces: within 10 s of server time, never reused', async () => {
    const now = clock.now() * 1000;
    const first = await signed(wallet, {}, { nonce: now + 500 });
    expect((await lk('POST', first)).status).toBe(200);
    const again = await lk('POST', first);
    expect(again.body).toEqual({ code: -4225, msg: 'Nonce Expired' });
    const stale = await lk('POST', await signed(wallet, {}, { nonce: now - 10_001_000 }));
    expect(stale.body).toEqual({ code: -4225, msg: 'Nonce Expired' });
    const ahead = await lk('POST', await signed(wallet, {}, { nonce: now + 10_001_000 }));
    expect(ahead.body).toEqual({ code: -4225, msg: 'Nonce Expired' });
    expect((await lk('POST', await signed(wallet, {}, { nonce: now + 9_000_000 }))).status).toBe(200);
  });

  test('the v3 paths do not take an HMAC account or a Binance-style signature', async () => {
    const hmac = sim.accounts[2] as SimAccount;
    const r = await call(sim.urls.rest, 'POST', '/fapi/v3/listenKey', {
      query: `timestamp=${clock.now()}&signature=00`,
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    expect(r.status).toBe(400);
    expect((r.body as { code: number }).code).toBe(-1102);
  });
});

describe('streams', () => {
  test('a lapsed key: {"e":"listenKeyExpired","E":…} without the key, then a close', async () => {
    const key = ((await lk('POST', await signed(other))).body as { listenKey: string }).listenKey;
    const stream = await Client.open(`${sim.urls.ws}/ws/${key}`);
    sim.faults.expire({ accountId: other.id, venue: 'aster-futures-v3' });
    await stream.waitClose();
    expect(stream.json()).toEqual([{ e: 'listenKeyExpired', E: expect.any(Number) }]);
    expect(stream.frames.join('')).not.toContain(key);
  });

  test('announcements: public to every Aster v3 stream, direct to one account; no E', async () => {
    const k1 = ((await lk('POST', await signed(wallet))).body as { listenKey: string }).listenKey;
    const k2 = ((await lk('POST', await signed(other))).body as { listenKey: string }).listenKey;
    const s1 = await Client.open(`${sim.urls.ws}/ws/${k1}`);
    const s2 = await Client.open(`${sim.urls.ws}/ws/${k2}`);
    expect(sim.faults.announce()).toBe(2);
    await s1.waitFrames(1);
    await s2.waitFrames(1);
    expect(sim.faults.announce({ accountId: wallet.id, category: 'DIRECT', title: 'for you' })).toBe(1);
    await s1.waitFrames(2);
    const [pub, direct] = s1.json();
    expect(Object.keys(pub as object)).toEqual(['e', 'en', 'zh']);
    expect(pub).toMatchObject({ e: 'announcement', en: { c: 'NEW_LISTING', S: false } });
    expect(pub).not.toHaveProperty('E');
    expect(Object.keys((pub as { en: object }).en)).toEqual(['i', 't', 's', 'c', 'd', 'S', 'j', 'C']);
    expect(direct).toMatchObject({ e: 'announcement', en: { c: 'DIRECT', t: 'for you' } });
    expect(s2.frames).toHaveLength(1);
    s1.close();
    s2.close();
  });
});

describe('Aster spot v3', () => {
  // https://github.com/asterdex/api-docs/blob/265e024b22c0ec8f04bbd39fe24ca5e5f7d9b12e/V3(Recommended)/EN/aster-finance-spot-api-v3.md
  // ("Listen Key (spot account)": PUT/DELETE take listenKey; "Payload: Order Update"; no expiry push).
  const spotLk = (method: 'POST' | 'PUT' | 'DELETE', query: string) =>
    call(sim.urls.rest, method, '/api/v3/listenKey', { query });

  test("signed keys on /api/v3/listenKey; Binance spot's /api/v3 paths answer v3-signed requests as Aster's", async () => {
    const key = ((await spotLk('POST', await signed(wallet))).body as { listenKey: string }).listenKey;
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect((await spotLk('PUT', await signed(wallet, { listenKey: key }))).status).toBe(200);
    const stream = await Client.open(`${sim.urls.ws}/ws/${key}`);
    const placed = await call(sim.urls.rest, 'POST', '/api/v3/order', {
      query: await signed(wallet, {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.001',
        price: '50000',
      }),
    });
    expect(placed.status).toBe(200);
    await stream.waitFrames(2);
    // Aster spot's shapes (ap, ot; no r), not Binance spot's.
    const report = stream.json().find((f) => f.e === 'executionReport');
    expect(report).toMatchObject({ ap: '0', ot: 'LIMIT', x: 'NEW' });
    expect(report).not.toHaveProperty('r');
    const open = await call(sim.urls.rest, 'GET', '/api/v3/openOrders', { query: await signed(wallet) });
    expect((open.body as unknown[]).length).toBe(1);
    // The same path with Binance's signing still reaches Binance spot (an HMAC account's book).
    const binance = await call(sim.urls.rest, 'GET', '/api/v3/openOrders', {
      query: `timestamp=${clock.now()}&signature=00`,
      headers: { 'X-MBX-APIKEY': (sim.accounts[2] as SimAccount).apiKey },
    });
    expect((binance.body as { code: number }).code).toBe(-1022);
    // A lapse: no notice (none documented), the connection closes.
    const before = stream.frames.length;
    sim.faults.expire({ accountId: wallet.id, venue: 'aster-spot-v3' });
    await stream.waitClose();
    expect(stream.frames.slice(before)).toEqual([]);
  });
});
