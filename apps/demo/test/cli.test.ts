/**
 * The demo as a user runs it: a child process of the built bundle (the same build as `pnpm demo`,
 * into a cache directory), checked by its exit code, stdout, stderr and log file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@userstream/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, runDemo as run } from './run-demo.js';

let out: string;
const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-'));

beforeAll(() => {
  out = buildDemo('demo-cli-test');
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const runDemo = (args: string[], options?: Parameters<typeof run>[3]) => run(out, dir, args, options);

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('invalid config: one line on stderr, exit code 2, no stack trace', () => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pemPath = join(dir, 'ed25519.pem');
  const badPemPath = join(dir, 'not-a-key.pem');
  writeFileSync(pemPath, pem);
  writeFileSync(badPemPath, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  const SECRET = 'sEcReT0123456789abcdefSECRET';
  const KEY = 'kEy0123456789abcdefghijklmnopKEY';

  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown flag', ['--frobnicate'], {}, /Unknown option '--frobnicate'.*--help/],
    ['a bad duration', ['--duration', 'soon'], {}, /--duration must be a time such as 30s/],
    ['--json without --duration', ['--json'], {}, /--json needs --duration/],
    ['an unknown venue', ['--venue', 'mtgox'], {}, /unknown venue 'mtgox'/],
    ['a venue without a key', ['--venue', 'binance-usdm'], {}, /needs an API key: --api-key/],
    ['a key without a secret', ['--venue', 'binance-usdm', '--api-key', KEY], {}, /needs a signing key/],
    [
      '--trade on a live venue',
      ['--venue', 'binance-usdm', '--api-key', KEY, '--api-secret', SECRET, '--trade'],
      {},
      /--trade places orders and is allowed on testnets only/,
    ],
    [
      'a missing key file',
      ['--venue', 'binance-spot', '--api-key', KEY, '--private-key-file', join(dir, 'nope.pem')],
      {},
      /cannot read --private-key-file .*ENOENT/,
    ],
    [
      'a key file that is no key',
      ['--venue', 'binance-spot', '--api-key', KEY, '--private-key-file', badPemPath],
      {},
      /--private-key-file must be an unencrypted Ed25519 or RSA private key/,
    ],
    [
      'isolated margin without a symbol',
      ['--venue', 'binance-isolated-margin', '--private-key-file', pemPath],
      { USERSTREAM_API_KEY: KEY },
      /isolated margin: pass --symbol/,
    ],
    [
      '--faults on a real venue',
      ['--venue', 'bhex', '--faults'],
      { USERSTREAM_API_KEY: KEY },
      /--faults only works/,
    ],
    ['a key flag without --venue', ['--api-key', KEY], {}, /--api-key needs --venue/],
    ['--speed out of range', ['--speed', '0'], {}, /--speed must be a number from 1 to 3600/],
  ];

  it.concurrent.each(cases)('%s', async (_name, args, env, message) => {
    const run = await runDemo(args, { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^userstream demo: /);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toContain(KEY);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await runDemo(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: pnpm demo');
    expect(run.stdout).toContain('--faults');
  });
});

describe('--duration --json --faults against the embedded exchange', () => {
  it('survives every fault, prints one JSON summary, and every mirror equals the exchange', async () => {
    // The demo's simulator is seeded: the same seed here gives the same demo account, whose
    // API key must then appear nowhere in what the demo prints, serves or logs.
    const twin = await startSimulator({ seed: 7, accounts: [{ id: 'demo', keyType: 'ed25519' }] });
    const { apiKey, privateKeyPem } = twin.accounts[0]!;
    await twin.close();
    const keyBody = privateKeyPem!.split('\n')[1]!;
    const logFile = join(dir, 'e2e.log');
    const scraped: { health: { status: number; body: string }; metrics: { status: number; body: string } }[] =
      [];

    const run = await runDemo(
      [
        '--duration',
        '9s',
        '--json',
        '--faults',
        '--fault-every',
        '300ms',
        '--seed',
        '7',
        '--log-file',
        logFile,
        '--log-level',
        'debug',
      ],
      {
        timeoutMs: 60_000,
        during: async (opsUrl) => {
          for (let i = 0; i < 3; i++) {
            await new Promise((r) => setTimeout(r, 2_000));
            scraped.push({ health: await get(`${opsUrl}/healthz`), metrics: await get(`${opsUrl}/metrics`) });
          }
        },
      },
    );
    expect(run.duringError).toBeUndefined();
    expect(run.stderr).toMatch(/^userstream demo: \/healthz and \/metrics on http:\/\/127\.0\.0\.1:\d+\n/);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    const context = JSON.stringify(summary, null, 1);

    expect(run.code, context).toBe(0);
    expect(summary.mode).toBe('simulator');
    expect(summary.streams.map((s: { name: string; protocol: string }) => `${s.name}:${s.protocol}`)).toEqual(
      ['spot:wsApi', 'margin:listenToken', 'usdm:listenKey', 'bhex:listenKey'],
    );
    // Faults rotate over the streams, at most one per 300 ms and each after the last recovery,
    // none in the last 30 % of the run.
    expect(summary.faultsInjected, context).toBeGreaterThanOrEqual(5);
    expect(Object.keys(summary.faults).length, context).toBeGreaterThanOrEqual(4);
    expect(summary.faults.drop, context).toBeGreaterThanOrEqual(1);
    expect(summary.faults.expire, context).toBeGreaterThanOrEqual(1);
    for (const s of summary.streams) {
      expect(s.mirrorMatches, `${s.name}: ${s.mismatches.join('; ')}`).toBe(true);
      expect(s.events, s.name).toBeGreaterThan(20);
      expect(s.fills, s.name).toBeGreaterThan(0);
      expect(s.reconciliations, s.name).toBeGreaterThanOrEqual(s.gaps > 0 ? 2 : 1);
      expect(s.duplicateEvents, s.name).toBe(0);
      expect(s.unannouncedLostEvents, s.name).toBe(0);
      expect(s.lostEvents, s.name).toBeGreaterThanOrEqual(0);
    }
    expect(summary.reconnects, context).toBeGreaterThan(0);
    expect(summary.gaps, context).toBeGreaterThan(0);
    expect(summary.reconciliations).toBeGreaterThan(summary.streams.length);
    expect(summary.duplicateEvents).toBe(0);
    expect(summary.mirrorMatches).toBe(true);
    for (const key of ['events', 'reconnects', 'gaps', 'reconciliations', 'lostEvents', 'duplicateEvents']) {
      expect(typeof summary[key], key).toBe('number');
    }

    // /healthz and /metrics answered while it ran, fed from the libraries' diagnostics channels.
    expect(scraped.length).toBe(3);
    const lastHealth = JSON.parse(scraped[2]!.health.body);
    expect(lastHealth.streams.map((s: { name: string }) => s.name)).toEqual([
      'spot',
      'margin',
      'usdm',
      'bhex',
    ]);
    expect([200, 503]).toContain(scraped[2]!.health.status);
    const metrics = scraped[2]!.metrics.body;
    expect(scraped[2]!.metrics.status).toBe(200);
    expect(metrics).toMatch(
      /userstream_rest_requests_total\{venue="binance-usdm",method="POST",path="\/fapi\/v1\/order",status="200"\} \d+/,
    );
    expect(metrics).toMatch(
      /userstream_lease_events_total\{venue="bhex",kind="listenKey",event="created",reason=""\} \d+/,
    );
    expect(metrics).toMatch(
      /userstream_stream_lifecycle_total\{venue="[a-z-]+",event="gap",reason="[a-z-]+"\} \d+/,
    );
    expect(metrics).toMatch(/userstream_mirror_reconciliations_total\{reason="start"\} 4/);
    expect(metrics).toMatch(/userstream_demo_faults_total\{type="drop"\} \d+/);
    expect(metrics).toMatch(/userstream_demo_events_received\{stream="spot",venue="binance-spot"\} \d+/);

    // Secrets: not in stdout, stderr, /healthz, /metrics or the log.
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('userstream demo stopping');
    expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(50);
    for (const text of [
      run.stdout,
      run.stderr,
      log,
      ...scraped.flatMap((s) => [s.health.body, s.metrics.body]),
    ]) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(keyBody);
    }
  }, 90_000);
});

describe('--fault-overlap: faults land while streams are still recovering', () => {
  it('still ends with every mirror equal to the exchange, nothing duplicated, every loss announced', async () => {
    const run = await runDemo(
      ['--duration', '10s', '--json', '--faults', '--fault-every', '250ms', '--fault-overlap', '--seed', '3'],
      { timeoutMs: 60_000, env: {} },
    );
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    const context = JSON.stringify(summary, null, 1);
    expect(run.code, context).toBe(0);
    expect(summary.faultsInjected, context).toBeGreaterThanOrEqual(15);
    expect(Object.keys(summary.faults).length, context).toBeGreaterThanOrEqual(8);
    expect(summary.mirrorMatches, context).toBe(true);
    expect(summary.duplicateEvents, context).toBe(0);
    expect(summary.unannouncedLostEvents, context).toBe(0);
  }, 90_000);
});

describe('Ctrl-C', () => {
  it('cancels the orders it placed, closes the streams and exits 0', async () => {
    const run = await runDemo(['--duration', '5m', '--json', '--log-file', join(dir, 'sigint.log')], {
      // Only a hang is caught (no timed assertion): under load the start alone took over 40 s.
      timeoutMs: 100_000,
      during: async (opsUrl, child) => {
        await healthy(opsUrl);
        await new Promise((r) => setTimeout(r, 1_500)); // let the ladders fill and refill
        child.kill('SIGINT');
      },
    });
    expect(run.duringError).toBeUndefined();
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.mirrorMatches).toBe(true);
    for (const s of summary.streams) {
      expect(s.ordersPlaced, s.name).toBeGreaterThan(0);
      expect(s.ordersCanceled, s.name).toBeGreaterThan(0);
      expect(s.openOrdersAtEnd, s.name).toBe(0);
    }
    const log = readFileSync(join(dir, 'sigint.log'), 'utf8');
    expect(log).toContain('"why":"SIGINT"');
    expect(log).toMatch(/canceled \d+ open order\(s\) of ours/);
  }, 120_000);

  it('under `pnpm demo`: the SIGTERM pnpm sends its child after a Ctrl-C does not cut the stop short', async () => {
    // `pnpm demo` runs the demo's bin as `pnpm exec` would: a Ctrl-C reaches pnpm and the demo,
    // pnpm exits at once and sends the demo SIGTERM. The demo must finish its stop (orders
    // canceled, streams closed, summary printed) instead of dying half-way through it.
    const log = join(dir, 'sigint-sigterm.log');
    const run = await runDemo(['--duration', '5m', '--json', '--log-file', log], {
      // Only a hang is caught: under load (load average 25+) the start alone took over 40 s.
      timeoutMs: 100_000,
      during: async (opsUrl, child) => {
        await healthy(opsUrl);
        child.kill('SIGINT');
        // The SIGTERM once the demo is stopping (the log is written synchronously).
        await stopping(log);
        child.kill('SIGTERM');
      },
    });
    expect(run.duringError).toBeUndefined();
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.mirrorMatches).toBe(true);
    for (const s of summary.streams) expect(s.openOrdersAtEnd, s.name).toBe(0);
    const lines = readFileSync(log, 'utf8');
    expect(lines).toContain('"why":"SIGINT"');
    expect(lines).toMatch(/"signal":"SIGTERM".*already stopping, signal ignored/);
    expect(run.stderr).toContain('two more signals quit at once');
  }, 120_000);
});

/** Waits for the demo's ops server to answer /healthz 200 (fails, saying so, after 60 s). */
async function healthy(opsUrl: string): Promise<void> {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    const health = await get(`${opsUrl}/healthz`).catch(() => undefined);
    if (health?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the demo did not answer /healthz 200 within 60 s');
}

/** Waits for the demo's log to say it is stopping (the log is written synchronously). */
async function stopping(log: string): Promise<void> {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    if (existsSync(log) && readFileSync(log, 'utf8').includes('userstream demo stopping')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the demo did not log that it is stopping within 60 s');
}

describe('a real venue (a simulator standing in for a Binance-compatible host)', () => {
  it('watches read-only and sums up without a record to compare with', async () => {
    await using venue = await startSimulator({ seed: 12 });
    const account = venue.accounts.find((a) => a.keyType === 'hmac')!;
    const run = await runDemo(
      [
        '--venue',
        'binance-usdm',
        '--rest-url',
        venue.urls.rest,
        '--ws-url',
        `${venue.urls.ws}/private`,
        '--duration',
        '1500ms',
        '--json',
      ],
      {
        env: { USERSTREAM_API_KEY: account.apiKey, USERSTREAM_API_SECRET: account.secret! },
        during: async () => {
          venue.exchange.deposit(account.id, 'binance-usdm', 'USDT', '3.25');
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      mode: 'venue',
      speed: 1,
      faultsInjected: 0,
      lostEvents: null,
      duplicateEvents: 0,
      mirrorMatches: true,
      streams: [{ name: 'binance-usdm', protocol: 'listenKey', ordersPlaced: 0, mismatches: [] }],
    });
    expect(venue.record.requestCount('DELETE', '/fapi/v1/listenKey')).toBe(1);
    expect(run.stderr + run.stdout).not.toContain(account.secret!);
    expect(run.stderr + run.stdout).not.toContain(account.apiKey);
  });

  it('a key the venue rejects: one line naming the problem, exit code 2', async () => {
    await using venue = await startSimulator({ seed: 13 });
    const run = await runDemo(
      [
        '--venue',
        'bhex',
        '--rest-url',
        venue.urls.rest,
        '--ws-url',
        `${venue.urls.ws}/openapi`,
        '--json',
        '--duration',
        '5s',
      ],
      {
        env: {
          USERSTREAM_API_KEY: 'NotAKeyTheVenueKnows0123456789',
          USERSTREAM_API_SECRET: 'AlsoNotTheSecret0123456789',
        },
      },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    // Human lines only: the JSON logs go to userstream-demo.log (issue #19).
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/\/healthz and \/metrics on/);
    expect(lines[1]).toBe('userstream demo: logs in userstream-demo.log');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^userstream demo: could not start: .*-2015.*\(check --venue and the keys\)$/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('NotAKeyTheVenueKnows0123456789');
    expect(run.stderr).not.toContain('AlsoNotTheSecret0123456789');
  });
});

describe('--host', () => {
  it('off loopback (0.0.0.0): a loud warning naming every interface it answers on; loopback: none', async () => {
    let reached: number[] = [];
    const wide = await runDemo(['--host', '0.0.0.0', '--duration', '1s', '--json'], {
      during: async (opsUrl) => {
        const port = new URL(opsUrl).port;
        const v4 = Object.values(networkInterfaces())
          .flat()
          .filter((i) => i?.family === 'IPv4')
          .map((i) => i?.address as string);
        reached = await Promise.all(v4.map(async (a) => (await get(`http://${a}:${port}/healthz`)).status));
      },
    });
    expect(wide.code, wide.stderr).toBe(0);
    const warning = wide.stderr.split('\n').find((l) => l.includes('WARNING'));
    expect(warning).toMatch(
      /^userstream demo: WARNING: --host 0\.0\.0\.0 is not loopback: \/healthz and \/metrics .* reachable by anyone at http:\/\/127\.0\.0\.1:\d+.*; pass --host 127\.0\.0\.1/,
    );
    for (const i of Object.values(networkInterfaces()).flat()) {
      if (i?.family === 'IPv4') expect(warning).toContain(`http://${i.address}:`);
    }
    expect(reached.length).toBeGreaterThan(0);
    for (const status of reached) expect([200, 503]).toContain(status);
    const local = await runDemo(['--host', '127.0.0.1', '--duration', '500ms', '--json']);
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr).not.toContain('WARNING');
  });
});
