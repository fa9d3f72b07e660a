/**
 * The bot in-process against the embedded exchange (and against a simulator standing in for a
 * real venue): health, shutdown hygiene and secrets, read where a user or an operator would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { venues } from '@userstream/core';
import { createRestClient } from '@userstream/rest';
import { startSimulator } from '@userstream/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { Bot, DEMO_ACCOUNT_ID } from '../src/bot.js';
import { parseConfig } from '../src/config.js';
import { Dashboard, renderDashboard } from '../src/dashboard.js';
import { createLogger } from '../src/logger.js';
import { DemoMetrics } from '../src/metrics.js';
import { startOpsServer } from '../src/ops-server.js';

const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-bot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Polls `check` (real time: the health bound is real time by design) until it holds. */
async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

describe('the bot on the embedded exchange', () => {
  it('serves health and metrics, reports a stream down beyond the bound, recovers, and shuts down cleanly', async () => {
    const logFile = join(dir, 'bot.log');
    const config = { ...parseConfig(['--health-bound', '300ms', '--seed', '3'], {}), dashboard: false };
    const logger = createLogger({ level: 'debug', file: logFile });
    let bot: Bot | undefined;
    const metrics = new DemoMetrics(() => bot?.streams ?? []);
    const ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      health: () => bot?.health() ?? { ok: false, status: 'starting', streams: [] },
    });
    try {
      expect((await get(`${ops.url}/healthz`)).status).toBe(503);
      bot = await Bot.start({ config, logger });
      const sim = bot.sim!;
      const { apiKey, privateKeyPem } = sim.accounts[0]!;
      expect(bot.streams.map((s) => [s.name, s.protocol, s.state])).toEqual([
        ['spot', 'wsApi', 'open'],
        ['margin', 'listenToken', 'open'],
        ['usdm', 'listenKey', 'open'],
        ['bhex', 'listenKey', 'open'],
      ]);
      const healthy = await get(`${ops.url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(JSON.parse(healthy.text)).toMatchObject({ ok: true, status: 'ok' });

      // The ladder trades: orders rest on every market.
      await until(() => bot!.streams.every((s) => s.mirror.openOrders.length >= 4), 5_000, 'ladders');

      // The listenKeys in use (a POST on an account with an active key returns that key).
      const credentials = { apiKey, privateKey: privateKeyPem! };
      const listenKeys: string[] = [];
      for (const id of ['binance-usdm', 'bhex'] as const) {
        const rest = createRestClient({ venue: sim.venue(id), credentials, clock: bot.clock });
        listenKeys.push(await rest.createListenKey());
        await rest.close();
      }

      // USD-M goes down and cannot come back: degraded, then 503 once past the bound.
      const refused = sim.faults.refuseConnections({ mode: 'reject' });
      sim.faults.drop({ accountId: DEMO_ACCOUNT_ID, venue: 'binance-usdm', mode: 'terminate' });
      await until(() => bot!.health().status === 'down', 5_000, 'usdm to be down beyond the bound');
      const down = await get(`${ops.url}/healthz`);
      expect(down.status).toBe(503);
      const report = JSON.parse(down.text);
      expect(report.status).toBe('down');
      const usdm = report.streams.find((s: { name: string }) => s.name === 'usdm');
      expect(usdm.state).not.toBe('open');
      expect(usdm.downForMs).toBeGreaterThan(300);
      expect(report.streams.filter((s: { state: string }) => s.state === 'open')).toHaveLength(3);

      refused.release();
      await until(() => bot!.health().status === 'ok', 10_000, 'usdm to be back');
      expect((await get(`${ops.url}/healthz`)).status).toBe(200);
      const usdmRuntime = bot.streams.find((s) => s.name === 'usdm')!;
      expect(usdmRuntime.reconnects).toBeGreaterThan(0);
      await until(() => usdmRuntime.mirror.stats.reconciliations >= 2, 5_000, 'the usdm mirror to resync');
      expect(
        bot.notes.some((n) => n.stream === 'usdm' && /mirror reconciled \(gap:reconnect\)/.test(n.text)),
      ).toBe(true);

      // The dashboard shows it (rendered without ANSI codes, as a test can read it).
      const frame = renderDashboard(bot, {
        columns: 130,
        rows: 40,
        opsUrl: ops.url,
        ansi: false,
        interactive: true,
      }).join('\n');
      expect(frame).toContain('userstream demo embedded exchange ×60');
      expect(frame).toMatch(/usdm\s+binance-usdm: listenKey, \/private stream\s+open\s+\S+\s+\S+\s+[1-9]/);
      expect(frame).toContain('keys: f inject a fault · q quit');
      expect(frame).toMatch(/reconnected/);

      // The live dashboard on a (fake) terminal: redraws, `f` injects a fault, `q` quits.
      let screen = '';
      const out = Object.assign(
        new Writable({
          write(chunk, _encoding, done) {
            screen += chunk;
            done();
          },
        }),
        { isTTY: true, columns: 120, rows: 40 },
      ) as unknown as NodeJS.WriteStream;
      const rawModes: boolean[] = [];
      const keys = Object.assign(new PassThrough(), {
        isTTY: true,
        setRawMode: (on: boolean) => rawModes.push(on),
      }) as unknown as NodeJS.ReadStream;
      let quits = 0;
      const dashboard = new Dashboard({ bot, out, in: keys, opsUrl: ops.url, onQuit: () => quits++ });
      dashboard.start();
      const faultsBefore = bot.faults!.injected;
      keys.write('f');
      await until(() => bot!.faults!.injected === faultsBefore + 1, 2_000, 'the f key to inject a fault');
      await until(() => screen.split('\x1b[H').length > 3, 3_000, 'redraws');
      keys.write('q');
      await until(() => quits === 1, 2_000, 'the q key');
      dashboard.stop();
      expect(rawModes).toEqual([true, false]);
      expect(screen.startsWith('\x1b[?1049h\x1b[?25l')).toBe(true); // alternate screen, cursor hidden
      expect(screen.endsWith('\x1b[?25h\x1b[?1049l')).toBe(true); // and back
      expect(screen).toContain('FAULT ');
      await until(() => bot!.health().status === 'ok', 10_000, 'recovery from the f fault');

      const metricsText = (await get(`${ops.url}/metrics`)).text;
      expect(metricsText).toMatch(
        /userstream_stream_lifecycle_total\{venue="binance-usdm",event="reconnecting"/,
      );
      expect(metricsText).toMatch(/userstream_demo_stream_up\{stream="usdm",venue="binance-usdm"\} 1/);

      // Ctrl-C: our orders canceled, listenKeys deleted, the exchange closed.
      await bot.stop();
      expect(bot.phase).toBe('stopped');
      for (const venue of ['binance-spot', 'binance-margin', 'binance-usdm', 'bhex'] as const) {
        expect(sim.exchange.orders(DEMO_ACCOUNT_ID, venue), venue).toEqual([]);
      }
      expect(sim.record.requestCount('DELETE', '/fapi/v1/listenKey')).toBe(1);
      expect(sim.record.requestCount('DELETE', '/openapi/v1/userDataStream')).toBe(1);
      expect(sim.record.connections).toBe(0);
      expect(bot.notes.some((n) => /canceled \d+ open order\(s\) of ours/.test(n.text))).toBe(true);

      // Secrets never reach the log, /metrics or /healthz.
      const log = readFileSync(logFile, 'utf8');
      expect(log).toContain('reconnecting');
      const keyBody = privateKeyPem!.split('\n')[1]!;
      for (const text of [log, metricsText, down.text, frame, screen]) {
        expect(text).not.toContain(apiKey);
        expect(text).not.toContain(keyBody);
        for (const k of listenKeys) expect(text).not.toContain(k);
      }
    } finally {
      await bot?.stop();
      await ops.close();
      metrics.close();
    }
  }, 60_000);

  it('sums a run up: events, gaps, reconciliations, losses against the record, mirrors equal to the engine', async () => {
    const config = parseConfig(['--duration', '2s', '--json', '--seed', '5'], {});
    const bot = await Bot.start({ config, logger: createLogger({ level: 'silent', file: undefined }) });
    try {
      await until(
        () => bot.streams.every((s) => (s.ladder?.filled ?? 0) > 0),
        15_000,
        'fills on every market',
      );
      const sim = bot.sim!;
      // A drop on spot loses what the exchange sends before the new subscription: the stream
      // says so (gap) and the mirror resyncs.
      sim.faults.drop({ accountId: DEMO_ACCOUNT_ID, venue: 'binance-spot', mode: 'terminate' });
      sim.faults.duplicate({ accountId: DEMO_ACCOUNT_ID, venue: 'binance-usdm', count: 5 });
      await until(() => bot.streams[0]!.reconnects > 0, 5_000, 'spot to reconnect');
      const summary = await bot.finish();
      expect(summary.mode).toBe('simulator');
      expect(summary.mirrorMatches).toBe(true);
      expect(summary.duplicateEvents).toBe(0);
      expect(summary.unannouncedLostEvents).toBe(0);
      const spot = summary.streams[0]!;
      expect(spot.gaps).toBeGreaterThan(0);
      expect(spot.reconciliations).toBeGreaterThanOrEqual(2);
      for (const s of summary.streams) {
        expect(s.events, s.name).toBeGreaterThan(0);
        expect(s.mismatches, s.name).toEqual([]);
        // Everything recorded after the start arrived, or was announced lost by a gap.
        const recorded = sim.record
          .events({ accountId: DEMO_ACCOUNT_ID, venue: s.venue as 'bhex' })
          .filter((r) => r.source === 'engine').length;
        expect(s.events + (s.lostEvents ?? 0), s.name).toBeGreaterThanOrEqual(recorded);
      }
      expect(summary.events).toBe(summary.streams.reduce((n, s) => n + s.events, 0));
    } finally {
      await bot.stop();
    }
  }, 60_000);
});

describe('a real venue (a simulator standing in for a Binance-compatible host)', () => {
  it('watches read-only, keeps the mirror equal to the venue, and reports no record comparison', async () => {
    await using venue = await startSimulator({ seed: 11 });
    const account = venue.accounts.find((a) => a.keyType === 'hmac')!;
    const config = parseConfig(
      ['--venue', 'binance-usdm', '--rest-url', venue.urls.rest, '--ws-url', `${venue.urls.ws}/private`],
      { USERSTREAM_API_KEY: account.apiKey, USERSTREAM_API_SECRET: account.secret! },
    );
    expect(venues['binance-usdm'].restBaseUrl).not.toBe(venue.urls.rest);
    const bot = await Bot.start({ config, logger: createLogger({ level: 'silent', file: undefined }) });
    try {
      expect(bot.sim).toBeUndefined();
      expect(bot.streams.map((s) => [s.name, s.protocol, s.state, s.ladder])).toEqual([
        ['binance-usdm', 'listenKey', 'open', undefined],
      ]);
      // Someone else trades on the account: the mirror follows.
      venue.exchange.placeOrder(account.id, 'binance-usdm', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        quantity: '0.002',
        price: '50000',
      });
      venue.exchange.deposit(account.id, 'binance-usdm', 'USDT', '12.5');
      await until(() => bot.streams[0]!.mirror.openOrders.length === 1, 5_000, 'the order in the mirror');
      const summary = await bot.finish(3_000);
      expect(summary).toMatchObject({
        mode: 'venue',
        lostEvents: null,
        unannouncedLostEvents: null,
        duplicateEvents: 0,
        mirrorMatches: true,
      });
      expect(summary.streams[0]).toMatchObject({ events: 2, ordersPlaced: 0, mismatches: [] });
      // Read-only: the order someone else placed is still there after shutdown.
      await bot.stop();
      expect(venue.exchange.orders(account.id, 'binance-usdm')).toHaveLength(1);
      expect(venue.record.requestCount('DELETE', '/fapi/v1/listenKey')).toBe(1);
    } finally {
      await bot.stop();
    }
  }, 30_000);
});
