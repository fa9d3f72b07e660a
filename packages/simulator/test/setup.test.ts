import diagnosticsChannel from 'node:diagnostics_channel';
import { ErrorCode, VirtualClock } from '@userstream/core';
import { expect, test } from 'vitest';
import { DIAGNOSTICS_CHANNELS, startSimulator } from '../src/index.js';
import { ApiClient, byType, Client, call, signPayload, wsSigned } from './helpers.js';

test('default accounts: hmac, ed25519, rsa; API keys, HMAC secrets and Ed25519 keys are deterministic per seed', async () => {
  const a = await startSimulator({ seed: 7 });
  const b = await startSimulator({ seed: 7 });
  const c = await startSimulator({ seed: 8 });
  try {
    expect(a.accounts.map((x) => [x.id, x.keyType])).toEqual([
      ['hmac', 'hmac'],
      ['ed25519', 'ed25519'],
      ['rsa', 'rsa'],
    ]);
    for (const x of a.accounts) expect(x.apiKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(a.accounts.map((x) => x.apiKey)).toEqual(b.accounts.map((x) => x.apiKey));
    expect(byType(a.accounts, 'hmac').secret).toBe(byType(b.accounts, 'hmac').secret);
    expect(byType(a.accounts, 'ed25519').privateKeyPem).toBe(byType(b.accounts, 'ed25519').privateKeyPem);
    expect(byType(a.accounts, 'rsa').privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(a.accounts[0]?.apiKey).not.toBe(c.accounts[0]?.apiKey);
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});

test('options are checked at the factory with messages that say what to do', async () => {
  await expect(startSimulator({ port: 70000 })).rejects.toThrow(
    '@userstream/simulator: port must be a whole number from 0 to 65535, got 70000',
  );
  await expect(startSimulator({ pingIntervalMs: 0 })).rejects.toMatchObject({
    code: ErrorCode.InvalidConfig,
    field: 'pingIntervalMs',
  });
  await expect(startSimulator({ clock: {} as never })).rejects.toThrow(
    /clock must have now\(\), setTimeout\(\) and clearTimeout\(\)/,
  );
  await expect(startSimulator({ priceWalk: 'yes' as never })).rejects.toThrow(/priceWalk must be a boolean/);
  await expect(startSimulator({ accounts: [] })).rejects.toThrow(/accounts must be a non-empty array/);
  await expect(startSimulator({ accounts: [{ id: 'x' }, { id: 'x' }] })).rejects.toThrow(
    "accounts[1].id 'x' is used twice",
  );
  await expect(startSimulator({ accounts: [{ keyType: 'rsa', secret: 's' }] })).rejects.toThrow(
    /takes `privateKeyPem`/,
  );
  await expect(startSimulator({ logger: { info() {} } as never })).rejects.toThrow(/pino-compatible/);
  // Bad factory options are configuration everywhere, the account specs included.
  for (const accounts of [[{ id: 'x' }, { id: 'x' }], [{ keyType: 'dsa' as never }], [{ apiKey: 'short' }]]) {
    await expect(startSimulator({ accounts })).rejects.toMatchObject({
      code: ErrorCode.InvalidConfig,
      field: expect.stringMatching(/^accounts\[\d\]/),
    });
  }
});

test('custom accounts: given keys are used as they are', async () => {
  const pem = (await startSimulator({ seed: 3 })).accounts[1]?.privateKeyPem as string;
  await using sim = await startSimulator({
    accounts: [
      { id: 'me', apiKey: 'my-api-key-0001', secret: 'my-secret' },
      { id: 'ed', keyType: 'ed25519', privateKeyPem: pem },
    ],
  });
  expect(sim.accounts).toEqual([
    { id: 'me', apiKey: 'my-api-key-0001', keyType: 'hmac', secret: 'my-secret' },
    { id: 'ed', apiKey: expect.any(String), keyType: 'ed25519', privateKeyPem: pem },
  ]);
  const payload = `timestamp=${Date.now()}`;
  const r = await call(sim.urls.rest, 'GET', '/api/v3/account', {
    query: `${payload}&signature=${signPayload(sim.accounts[0] as never, payload)}`,
    headers: { 'X-MBX-APIKEY': 'my-api-key-0001' },
  });
  expect(r.status).toBe(200);
});

test('diagnostics channels carry no secrets; the library never prints', async () => {
  const seen: string[] = [];
  const listeners = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
    const fn = (message: unknown) => seen.push(`${name} ${JSON.stringify(message)}`);
    diagnosticsChannel.subscribe(name, fn);
    return () => diagnosticsChannel.unsubscribe(name, fn);
  });
  const printed: unknown[] = [];
  const original = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  console.log = console.error = console.warn = console.info = (...args: unknown[]) => printed.push(args);
  const clock = new VirtualClock();
  try {
    await using sim = await startSimulator({ clock });
    const hmac = byType(sim.accounts, 'hmac');
    const r = await call(sim.urls.rest, 'POST', '/api/v3/userDataStream', {
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    const key = (r.body as { listenKey: string }).listenKey;
    const stream = await Client.open(`${sim.urls.ws}/ws/${key}`);
    await call(sim.urls.rest, 'PUT', '/api/v3/userDataStream', {
      query: `listenKey=${key}`,
      headers: { 'X-MBX-APIKEY': hmac.apiKey },
    });
    const api = await ApiClient.open(sim.urls.wsApi);
    const params = wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: clock.now() });
    await api.send('userDataStream.subscribe.signature', params);
    sim.faults.stall({ durationMs: 10 });
    await clock.advance(3_600_000);
    await stream.waitClose();
    api.close();
    const all = seen.join('\n');
    for (const name of ['request', 'connection', 'listenKey', 'subscription', 'fault']) {
      expect(all).toContain(`userstream:simulator:${name}`);
    }
    for (const secret of [key, hmac.apiKey, hmac.secret as string, params.signature as string])
      expect(all).not.toContain(secret);
  } finally {
    Object.assign(console, original);
    for (const off of listeners) off();
  }
  expect(printed).toEqual([]);
});
