/**
 * The demo shows USD-M positions: the ladder's fills on the embedded exchange open a position,
 * the mirror folds it from ACCOUNT_UPDATE (reconciled against GET /fapi/v3/positionRisk), the
 * dashboard lists it and the event lines say when it changed.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Bot, DEMO_ACCOUNT_ID } from '../src/bot.js';
import { differences, mirrorView, simulatorView } from '../src/comparison.js';
import { parseConfig } from '../src/config.js';
import { renderDashboard } from '../src/dashboard.js';
import { createLogger } from '../src/logger.js';

const bots: Bot[] = [];
afterAll(async () => {
  for (const b of bots) await b.stop();
});

/** Polls `check` until it holds (the bot runs on its own compressed clock). */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the demo and USD-M positions', () => {
  it('shows the position the ladder opened, equal to the exchange, and notes its changes', async () => {
    const config = { ...parseConfig(['--seed', '7'], {}), dashboard: false };
    const bot = await Bot.start({ config, logger: createLogger({ level: 'silent', file: undefined }) });
    bots.push(bot);
    const usdm = bot.streams.find((s) => s.name === 'usdm')!;
    await until(() => usdm.mirror.positions().length > 0, 20_000, 'a USD-M position in the mirror');
    const sim = bot.sim!;
    await until(
      () =>
        usdm.mirror.phase === 'live' &&
        differences(mirrorView(usdm.mirror), simulatorView(sim, DEMO_ACCOUNT_ID, 'binance-usdm')).length ===
          0,
      5_000,
      'the mirror to equal the engine',
    );
    const view = simulatorView(sim, DEMO_ACCOUNT_ID, 'binance-usdm');
    expect(view.positions.length).toBeGreaterThan(0);
    expect(mirrorView(usdm.mirror).positions).toEqual(view.positions);

    const frame = renderDashboard(bot, {
      columns: 130,
      rows: 50,
      opsUrl: undefined,
      ansi: false,
      interactive: false,
    }).join('\n');
    expect(frame).toContain('positions (mirror)');
    const p = usdm.mirror.positions()[0]!;
    // The position shares the futures stream's balances line (the dashboard fits 80×24).
    expect(frame).toMatch(
      new RegExp(`^usdm\\s+USDT \\S+.*BTCUSDT ${p.positionAmount.replace('.', '\\.')} @ `, 'm'),
    );
    expect(bot.notes.some((n) => n.stream === 'usdm' && /^position BTCUSDT /.test(n.text))).toBe(true);
    // Spot streams have no positions row.
    expect(frame).not.toMatch(/^spot\s+\(flat\)/m);
  }, 40_000);
});
