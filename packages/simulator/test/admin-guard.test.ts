import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { ErrorCode, UserstreamError } from '@userstream/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AdminRefusal, type Simulator, startSimulator } from '../src/index.js';

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

/**
 * A raw HTTP request with exactly the headers given (node:http, so `Host` and `Origin` can be
 * anything, as a browser after a DNS rebinding or a cross-origin page would send them).
 */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        method,
        path,
        headers: {
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, text, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const fault = JSON.stringify({ type: 'refuseConnections', mode: 'reject' });

describe('admin API on loopback without a token', () => {
  let sim: Simulator;
  let host: string;
  const spotEvents = () => sim.record.events({ accountId: 'hmac', venue: 'binance-spot' }).length;
  beforeAll(async () => {
    sim = await startSimulator();
    host = new URL(sim.urls.rest).host;
  });
  afterAll(() => sim.close());

  test('a cross-origin text/plain POST (what any web page can send) is refused and changes nothing', async () => {
    const evil = { origin: 'http://evil.example', 'content-type': 'text/plain;charset=UTF-8', host };
    const applied = await raw(sim.urls.rest, 'POST', '/admin/faults', evil, fault);
    expect(applied.status).toBe(403);
    expect(applied.body).toMatchObject({ code: AdminRefusal.CrossOrigin });
    expect(applied.body.error).toMatch(/^@userstream\/simulator: /);
    const events = spotEvents();
    const deposit = await raw(
      sim.urls.rest,
      'POST',
      '/admin/deposit',
      evil,
      JSON.stringify({ accountId: 'hmac', venue: 'binance-spot', asset: 'BTC', amount: '1000' }),
    );
    expect(deposit.status).toBe(403);
    expect(sim.faults.active()).toEqual([]);
    expect(spotEvents()).toBe(events);
    // A page on another port of this very machine is another origin too, and so is "null".
    for (const origin of [`http://localhost:1`, 'null', `https://${host}`, 'http://127.0.0.1.nip.io']) {
      const r = await raw(sim.urls.rest, 'POST', '/admin/faults', { ...JSON_TYPE, origin }, fault);
      expect(r.status, origin).toBe(403);
    }
    const cross = await raw(sim.urls.rest, 'GET', '/admin/state', { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(sim.faults.active()).toEqual([]);
  });

  test('a state change needs Content-Type: application/json (text/plain and forms are refused)', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
    ]) {
      const r = await raw(
        sim.urls.rest,
        'POST',
        '/admin/price',
        { 'content-type': type },
        '{"symbol":"BTCUSDT","price":"1"}',
      );
      expect(r.status, type).toBe(415);
      expect(r.body).toMatchObject({ code: AdminRefusal.ContentType });
      expect(r.body.error).toContain('application/json');
    }
    const none = await raw(sim.urls.rest, 'POST', '/admin/faults', {}, fault);
    expect(none.status).toBe(415);
    expect(sim.exchange.price('BTCUSDT')).not.toBe('1');
    expect(sim.faults.active()).toEqual([]);
  });

  test('a wrong Host (DNS rebinding: evil.example resolving to 127.0.0.1) is refused, reads included', async () => {
    const port = new URL(sim.urls.rest).port;
    for (const bad of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${Number(port) + 1}`,
      `localhost.evil.example:${port}`,
    ]) {
      const state = await raw(sim.urls.rest, 'GET', '/admin/state', { host: bad });
      expect(state.status, bad).toBe(403);
      expect(state.body).toMatchObject({ code: AdminRefusal.BadHost });
      const post = await raw(sim.urls.rest, 'POST', '/admin/faults', { host: bad, ...JSON_TYPE }, fault);
      expect(post.status, bad).toBe(403);
    }
    expect(sim.faults.active()).toEqual([]);
    // The REST API itself is not the admin API: it still answers whatever the Host.
    expect((await raw(sim.urls.rest, 'GET', '/api/v3/time', { host: `evil.example:${port}` })).status).toBe(
      200,
    );
  });

  test('same-origin and non-browser clients work: loopback names, its own Origin, JSON', async () => {
    const port = new URL(sim.urls.rest).port;
    for (const h of [host, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await raw(sim.urls.rest, 'GET', '/admin/state', { host: h })).status, h).toBe(200);
    }
    const own = await raw(
      sim.urls.rest,
      'POST',
      '/admin/faults',
      { ...JSON_TYPE, origin: `http://${host}` },
      fault,
    );
    expect(own.status).toBe(200);
    expect(sim.faults.active()).toHaveLength(1);
    const cleared = await raw(sim.urls.rest, 'DELETE', '/admin/faults', {
      origin: `http://localhost:${port}`,
    });
    expect(cleared.status).toBe(200);
    expect(sim.faults.active()).toEqual([]);
    const price = await raw(
      sim.urls.rest,
      'POST',
      '/admin/price',
      { 'content-type': 'application/json; charset=utf-8' },
      '{"symbol":"BTCUSDT","price":"61000"}',
    );
    expect(price.status).toBe(200);
    expect(sim.exchange.price('BTCUSDT')).toBe('61000');
    // What fetch() sends with a JSON string body is text/plain: refused, with what to do.
    const fetched = await fetch(`${sim.urls.admin}/faults`, { method: 'POST', body: fault });
    expect(fetched.status).toBe(415);
    const ok = await fetch(`${sim.urls.admin}/faults`, { method: 'POST', body: fault, headers: JSON_TYPE });
    expect(ok.status).toBe(200);
    sim.faults.clear();
  });
});

describe('admin token', () => {
  const token = 'test-admin-token-0123456789abcdef';
  const logs: string[] = [];
  const logger = {
    debug: (o: object, m?: string) => logs.push(`${JSON.stringify(o)} ${m}`),
    info: (o: object, m?: string) => logs.push(`${JSON.stringify(o)} ${m}`),
    warn: (o: object, m?: string) => logs.push(`${JSON.stringify(o)} ${m}`),
    error: (o: object, m?: string) => logs.push(`${JSON.stringify(o)} ${m}`),
  };
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ admin: { token }, logger });
  });
  afterAll(() => sim.close());

  test('every admin request needs Authorization: Bearer <token>; the token is never echoed or logged', async () => {
    const none = await raw(sim.urls.rest, 'GET', '/admin/state');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: AdminRefusal.Unauthorized });
    for (const auth of [
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      token,
      `Basic ${token}`,
      'Bearer ',
    ]) {
      const r = await raw(
        sim.urls.rest,
        'POST',
        '/admin/faults',
        { ...JSON_TYPE, authorization: auth },
        fault,
      );
      expect(r.status, auth).toBe(401);
      expect(r.text).not.toContain(token.slice(0, 12));
    }
    expect(sim.faults.active()).toEqual([]);
    const ok = await raw(
      sim.urls.rest,
      'POST',
      '/admin/faults',
      { ...JSON_TYPE, authorization: `Bearer ${token}` },
      fault,
    );
    expect(ok.status).toBe(200);
    expect(sim.faults.active()).toHaveLength(1);
    const state = await raw(sim.urls.rest, 'GET', '/admin/state', { authorization: `bearer ${token}` });
    expect(state.status).toBe(200);
    expect(state.text).not.toContain(token);
    // The token does not lift the other checks: a page that learnt it still cannot rebind.
    const rebound = await raw(sim.urls.rest, 'GET', '/admin/state', {
      authorization: `Bearer ${token}`,
      host: 'evil.example',
    });
    expect(rebound.status).toBe(403);
    expect(logs.join('\n')).not.toContain(token.slice(0, 12));
    expect(logs.some((l) => l.includes('admin request refused'))).toBe(true);
  });

  test('a bad token option is refused with USERSTREAM_INVALID_CONFIG', async () => {
    for (const bad of [
      'short',
      '',
      42,
      'has space in the middle of it',
      `${'x'.repeat(20)}\n`,
      { token: 'x' },
    ]) {
      const error = await startSimulator({ admin: { token: bad as string } }).then(
        (s) => s.close().then(() => undefined),
        (e: unknown) => e,
      );
      expect(UserstreamError.isInstance(error), String(bad)).toBe(true);
      expect(error).toMatchObject({ code: ErrorCode.InvalidConfig, field: 'admin.token' });
      expect((error as Error).message).not.toContain('has space');
    }
    for (const bad of [[42], 'localhost', [''], ['a b']]) {
      const error = await startSimulator({ admin: { allowedHosts: bad as string[] } }).then(
        (s) => s.close().then(() => undefined),
        (e: unknown) => e,
      );
      expect(error, String(bad)).toMatchObject({
        code: ErrorCode.InvalidConfig,
        field: 'admin.allowedHosts',
      });
    }
  });
});

describe('bound off loopback', () => {
  test('0.0.0.0: the real bound address, the interfaces it answers on, a logger warning; admin Host by interface', async () => {
    const warnings: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (obj: object, msg?: string) => warnings.push({ obj: obj as Record<string, unknown>, msg }),
      error: () => {},
    };
    const sim = await startSimulator({ host: '0.0.0.0', logger, admin: { allowedHosts: ['sim.internal'] } });
    try {
      const port = Number(new URL(sim.urls.rest).port);
      expect(sim.address).toMatchObject({ address: '0.0.0.0', port, family: 'IPv4', loopback: false });
      const v4 = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i?.family === 'IPv4')
        .map((i) => i?.address as string);
      expect([...sim.address.reachableAt].sort()).toEqual(v4.map((a) => `http://${a}:${port}`).sort());
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toMatch(/listening off loopback/);
      expect(warnings[0]?.obj).toMatchObject({ address: '0.0.0.0', port, adminToken: false });
      for (const a of v4) {
        expect((await raw(`http://${a}:${port}`, 'GET', '/admin/state')).status, a).toBe(200);
      }
      expect((await raw(sim.urls.rest, 'GET', '/admin/state', { host: `sim.internal:${port}` })).status).toBe(
        200,
      );
      expect(
        (await raw(sim.urls.rest, 'GET', '/admin/state', { host: `other.internal:${port}` })).status,
      ).toBe(403);
    } finally {
      await sim.close();
    }
  });

  test('loopback: no warning, and the address says so', async () => {
    const warn: unknown[] = [];
    const sim = await startSimulator({
      logger: { debug() {}, info() {}, warn: (o: object) => warn.push(o), error() {} },
    });
    try {
      expect(sim.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4', loopback: true });
      expect(sim.address.reachableAt).toEqual([sim.urls.rest]);
      expect(warn).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

test('option values String() cannot print (null prototype, {"toString":1}) get USERSTREAM_INVALID_CONFIG, not a TypeError', async () => {
  for (const o of [
    { port: Object.create(null) },
    { seed: JSON.parse('{"toString":1}') },
    { wsApiLimits: { maxActiveSubscriptions: Object.create(null) } },
    { pingIntervalMs: Object.create(null) },
  ]) {
    const error = await startSimulator(o as never).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(UserstreamError.isInstance(error), Object.keys(o).join()).toBe(true);
    expect(error).toMatchObject({ code: ErrorCode.InvalidConfig });
  }
});
