/**
 * The ops page's server side: the JSON it polls (/ops/summary, /ops/streams), paging and search
 * over 10,000 accounts, typed answers to bad parameters, read-only, its security headers, uPlot
 * served from node_modules, and no secret in anything it serves while a real bot runs.
 * (The page itself, in headless Chromium, is ops-page-browser.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ErrorCode } from '@userstream/core';
import { createRestClient } from '@userstream/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../src/bot.js';
import { parseConfig } from '../src/config.js';
import { FleetDemo } from '../src/fleet.js';
import { createLogger } from '../src/logger.js';
import { DemoMetrics } from '../src/metrics.js';
import { type OpsServer, startOpsServer } from '../src/ops-server.js';
import { fleetOpsView, type OpsStreamPage, type OpsSummary } from '../src/ops-summary.js';
import { accountName, SYNTHETIC_ACCOUNTS, syntheticFleet } from './ops-page-fixtures.js';
import { startRedisServer } from './redis-server.js';

async function getJson<T>(url: string): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

/** Polls `/ops/streams` (every 50 ms, at most 20 s) until `done` holds; the last page either way. */
async function pollStreams(base: string, done: (page: OpsStreamPage) => boolean): Promise<OpsStreamPage> {
  const end = Date.now() + 20_000;
  for (;;) {
    const page = (await getJson<OpsStreamPage>(`${base}/ops/streams?size=200`)).body;
    if (done(page) || Date.now() > end) return page;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the ops page over a fleet of 10,000 accounts', () => {
  let ops: OpsServer;
  let metrics: DemoMetrics;
  beforeAll(async () => {
    const source = syntheticFleet();
    metrics = new DemoMetrics(() => []);
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics, ...source });
  });
  afterAll(async () => {
    await ops.close();
    metrics.close();
  });

  it('pages the streams on the server: 50 a page by default, at most 200, the last page clamps', async () => {
    const first = await getJson<OpsStreamPage>(`${ops.url}/ops/streams`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ q: '', page: 1, size: 50, pages: 200, total: SYNTHETIC_ACCOUNTS });
    expect(first.body.rows.map((r) => r.name)).toEqual(Array.from({ length: 50 }, (_, i) => accountName(i)));

    const seventh = await getJson<OpsStreamPage>(`${ops.url}/ops/streams?page=7&size=25`);
    expect(seventh.body.rows).toHaveLength(25);
    expect(seventh.body.rows[0]).toMatchObject({ name: accountName(150), owner: 'w4', state: 'open on w4' });

    const beyond = await getJson<OpsStreamPage>(`${ops.url}/ops/streams?page=999&size=200`);
    expect(beyond.body).toMatchObject({ page: 50, pages: 50 });
    expect(beyond.body.rows.at(-1)?.name).toBe(accountName(SYNTHETIC_ACCOUNTS - 1));
  });

  it('searches name, state and owner, case-insensitively', async () => {
    const one = await getJson<OpsStreamPage>(`${ops.url}/ops/streams?q=ACCT-04242`);
    expect(one.body).toMatchObject({ q: 'ACCT-04242', matched: 1, pages: 1 });
    expect(one.body.rows.map((r) => r.name)).toEqual(['acct-04242']);

    const unowned = await getJson<OpsStreamPage>(`${ops.url}/ops/streams?q=unowned&size=200`);
    expect(unowned.body.matched).toBe(15); // i % 700 === 3 below 10,000
    expect(unowned.body.rows.every((r) => r.state === 'unowned' && r.owner === null)).toBe(true);

    const none = await getJson<OpsStreamPage>(`${ops.url}/ops/streams?q=nobody`);
    expect(none.body).toMatchObject({ matched: 0, page: 1, pages: 1, rows: [] });
  });

  it('answers bad parameters with a typed 400 that names the parameter', async () => {
    for (const [query, field] of [
      ['size=10000', 'size'],
      ['size=0', 'size'],
      ['page=-1', 'page'],
      ['page=two', 'page'],
      [`q=${'x'.repeat(101)}`, 'q'],
    ] as const) {
      const res = await getJson<{ code: string; message: string }>(`${ops.url}/ops/streams?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe(ErrorCode.InvalidInput);
      expect(res.body.message).toContain(`?${field}=`);
    }
    const res = await getJson<{ code: string; message: string }>(`${ops.url}/ops/streams?size=500`);
    expect(res.body.message).toMatchInlineSnapshot(
      `"userstream demo ops: ?size= must be a whole number from 1 to 200"`,
    );
  });

  it('sums the run up with the fleet workers and takeovers, and a growing history', async () => {
    const { body } = await getJson<OpsSummary>(`${ops.url}/ops/summary`);
    expect(body).toMatchObject({ mode: 'fleet', status: 'degraded', ok: true });
    expect(body.streams.total).toBe(SYNTHETIC_ACCOUNTS);
    expect(body.streams.byState).toEqual({ open: SYNTHETIC_ACCOUNTS - 15, unowned: 15 });
    expect(body.streams.down).toBe(15);
    expect(body.fleet?.workers.map((w) => [w.id, w.alive])).toEqual([
      ['w1', true],
      ['w2', true],
      ['w3', true],
      ['w0', false],
      ['w4', true],
    ]);
    expect(body.fleet?.takeovers).toEqual([
      { worker: 'w0', accounts: 1294, at: Date.UTC(2026, 11, 3, 12, 0, 5), takeoverMs: 5400 },
    ]);
    expect(body.history.at(-1)).toMatchObject({ streams: SYNTHETIC_ACCOUNTS, down: 15 });
    // The summary carries totals, never the 10,000 rows.
    expect(JSON.stringify(body).length).toBeLessThan(200_000);
    expect(JSON.stringify(body)).not.toContain('acct-');
  });

  it('is read-only and serves the page and its assets under a strict Content-Security-Policy', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${ops.url}/ops/streams`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    for (const path of ['/', '/ops']) {
      const res = await fetch(`${ops.url}${path}`);
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self';/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // Nothing inline and nothing from another origin, so the policy needs no exceptions.
      expect(html).not.toMatch(/<script>|<style|\sstyle="|\son[a-z]+="|https?:\/\//);
    }
    const head = await fetch(`${ops.url}/ops/summary`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    const uplot = await fetch(`${ops.url}/ops/assets/uplot.js`);
    const shipped = readFileSync(
      createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'),
      'utf8',
    );
    expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await uplot.text()).toBe(shipped);
    expect((await fetch(`${ops.url}/ops/assets/uplot.css`)).status).toBe(200);
    expect((await fetch(`${ops.url}/ops/assets/nope.js`)).status).toBe(404);
  });
});

describe('the ops page of a running bot', () => {
  it('shows the four streams and leaks no API key or listenKey', async () => {
    const config = { ...parseConfig(['--seed', '4'], {}), dashboard: false };
    let bot: Bot | undefined;
    const metrics = new DemoMetrics(() => bot?.streams ?? []);
    const ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      sampleEveryMs: 20,
      health: () => bot?.health() ?? { ok: false, status: 'starting', streams: [] },
    });
    try {
      bot = await Bot.start({ config, logger: createLogger({ level: 'silent', file: undefined }) });
      const sim = bot.sim!;
      const { apiKey, privateKeyPem } = sim.accounts[0]!;
      // The listenKeys in use (a POST on an account with an active key returns that same key).
      const listenKeys: string[] = [];
      for (const id of ['binance-usdm', 'bhex'] as const) {
        const rest = createRestClient({
          venue: sim.venue(id),
          credentials: { apiKey, privateKey: privateKeyPem! },
          clock: bot.clock,
        });
        listenKeys.push(await rest.createListenKey());
        await rest.close();
      }
      expect(listenKeys.every((k) => k.length >= 60)).toBe(true);

      const summary = await getJson<OpsSummary>(`${ops.url}/ops/summary`);
      expect(summary.body).toMatchObject({ mode: 'bot', status: 'ok', fleet: null });
      expect(summary.body.streams).toMatchObject({ total: 4, byState: { open: 4 }, down: 0 });
      const page = await getJson<OpsStreamPage>(`${ops.url}/ops/streams?q=usdm`);
      expect(page.body.rows.map((r) => [r.name, r.venue, r.state, r.owner])).toEqual([
        ['usdm', 'binance-usdm', 'open', null],
      ]);
      expect(page.body.rows[0]?.credentialAgeMs).toBeGreaterThanOrEqual(0);
      expect(page.body.rows[0]?.nextRenewalInMs).toBeGreaterThan(0);

      const served = await Promise.all(
        ['/ops', '/ops/summary', '/ops/streams?size=200', '/ops/assets/ops.js'].map(async (p) =>
          (await fetch(`${ops.url}${p}`)).text(),
        ),
      );
      for (const text of served) {
        expect(text).not.toContain(apiKey);
        for (const k of listenKeys) expect(text).not.toContain(k);
      }
    } finally {
      await bot?.stop();
      await ops.close();
      metrics.close();
    }
  }, 30_000);
});

describe('the ops page of a running fleet (real workers on a real redis-server)', () => {
  it('shows the workers, who owns each account, and a kill taken over; no API key or secret', async () => {
    const redis = await startRedisServer();
    const config = parseConfig(
      ['--fleet', redis.url, '--workers', '2', '--accounts', '4', '--seed', '12'],
      {},
    );
    const demo = await FleetDemo.start({
      config,
      fleet: config.fleet!,
      logger: createLogger({ level: 'silent', file: undefined }),
    });
    const metrics = new DemoMetrics(() => []);
    const ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      health: () => demo.health(),
      fleet: () => fleetOpsView(demo),
    });
    try {
      const first = await getJson<OpsSummary>(`${ops.url}/ops/summary`);
      expect(first.body).toMatchObject({ mode: 'fleet', status: 'ok' });
      expect(first.body.streams).toMatchObject({ total: 4, byState: { open: 4 }, down: 0 });
      expect(first.body.fleet?.workers.map((w) => [w.id, w.alive])).toEqual([
        ['w1', true],
        ['w2', true],
      ]);
      expect(first.body.fleet?.workers.reduce((n, w) => n + w.owned, 0)).toBe(4);
      const rows = (await getJson<OpsStreamPage>(`${ops.url}/ops/streams`)).body.rows;
      expect(rows.map((r) => [r.name, r.owner])).toEqual(
        demo.accounts.map((a) => [a.id, demo.ownerOf(a.id)?.id]),
      );
      // The ops columns of a fleet row (issue 19): credential age and next renewal from the
      // owner's lease; events, gaps and reconnects counted per account across its owners.
      const streaming = await pollStreams(ops.url, (p) => p.rows.every((r) => r.events > 0));
      for (const r of streaming.rows) {
        expect(r.credentialAgeMs, r.name).toBeGreaterThanOrEqual(0);
        expect(r.nextRenewalInMs, r.name).toBeGreaterThan(0);
        expect(r.eventLagMs, r.name).toBeGreaterThanOrEqual(0);
        // A stream acquired without a covering handoff never proves continuity: each had one.
        expect(r.gaps, r.name).toBeGreaterThanOrEqual(1);
      }
      const before = new Map(streaming.rows.map((r) => [r.name, r]));

      const kill = demo.kill()!;
      const killed = await getJson<OpsSummary>(`${ops.url}/ops/summary`);
      expect(killed.body.fleet?.workers.find((w) => w.id === kill.worker)).toMatchObject({
        alive: false,
        owned: 0,
      });
      expect(killed.body.fleet?.takeovers).toEqual([
        { worker: kill.worker, accounts: kill.accounts.length, at: kill.realAt, takeoverMs: null },
      ]);
      // Taken over: the survivor owns all four, and the search (which covers owners) finds them.
      const end = Date.now() + 20_000;
      let after = killed.body;
      while (after.fleet?.takeovers[0]?.takeoverMs === null && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        after = (await getJson<OpsSummary>(`${ops.url}/ops/summary`)).body;
      }
      expect(after.fleet?.takeovers[0]?.takeoverMs).toBeGreaterThan(0);
      const survivor = demo.live[0]!.id;
      const owned = (await getJson<OpsStreamPage>(`${ops.url}/ops/streams?q=${survivor}`)).body;
      expect(owned.matched).toBe(4);
      // The taken-over accounts keep their counts (not reset by the new owner's stream) and add
      // the takeover's gap.
      for (const r of owned.rows.filter((row) => kill.accounts.includes(row.name))) {
        expect(r.gaps, r.name).toBeGreaterThan(before.get(r.name)!.gaps);
        expect(r.events, r.name).toBeGreaterThanOrEqual(before.get(r.name)!.events);
      }
      // Every connection dropped by the exchange: each stream reconnects (same credential) and
      // says it may have lost events.
      const dropped = new Map(owned.rows.map((r) => [r.name, r]));
      expect(demo.sim.faults.drop()).toBeGreaterThan(0);
      const reconnected = await pollStreams(ops.url, (p) =>
        p.rows.every((r) => r.reconnects > dropped.get(r.name)!.reconnects && r.state.startsWith('open')),
      );
      for (const r of reconnected.rows) expect(r.gaps, r.name).toBeGreaterThan(dropped.get(r.name)!.gaps);
      const totals = (await getJson<OpsSummary>(`${ops.url}/ops/summary`)).body.streams;
      expect(totals.reconnects).toBeGreaterThanOrEqual(4);

      const served = await Promise.all(
        ['/ops/summary', '/ops/streams?size=200'].map(async (p) => (await fetch(`${ops.url}${p}`)).text()),
      );
      for (const text of served) {
        for (const a of demo.sim.accounts) {
          expect(text).not.toContain(a.apiKey);
          if (a.secret) expect(text).not.toContain(a.secret);
        }
      }
    } finally {
      await ops.close();
      metrics.close();
      await demo.stop();
      await redis.stop();
    }
  }, 60_000);
});
