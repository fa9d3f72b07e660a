import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_FLEET_ACCOUNTS,
  DEFAULT_FLEET_SPEED,
  DEFAULT_FLEET_WORKERS,
  DEFAULT_SPEED,
  parseConfig,
  parseDuration,
  redactRedisUrl,
} from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

function error(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): { code: string; message: string; field: string } {
  try {
    parseConfig(argv, env);
  } catch (e) {
    const err = e as { code: string; message: string; field: string };
    return { code: err.code, message: err.message, field: err.field };
  }
  throw new Error('expected a config error');
}

describe('parseConfig', () => {
  it('defaults to the embedded exchange with the dashboard', () => {
    const c = parseConfig([], {});
    expect(c).toMatchObject({
      target: { kind: 'simulator' },
      durationMs: undefined,
      json: false,
      faults: false,
      speed: DEFAULT_SPEED,
      port: 0,
      host: '127.0.0.1',
      dashboard: true,
      logLevel: 'info',
    });
  });

  it('reads the non-interactive mode', () => {
    const c = parseConfig(
      ['--duration', '1.5m', '--json', '--faults', '--fault-every', '250ms', '--speed', '600'],
      {},
    );
    expect(c).toMatchObject({ durationMs: 90_000, json: true, faults: true, faultEveryMs: 250, speed: 600 });
    expect(c.dashboard).toBe(false);
  });

  it('parses times', () => {
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration('30', 'x')).toBe(30_000);
    expect(parseDuration('2h', 'x')).toBe(7_200_000);
    expect(() => parseDuration('-1s', 'x')).toThrow(/x must be a time such as 30s/);
    expect(() => parseDuration('0s', 'x')).toThrow(/x must be more than 0/);
  });

  it('takes a real venue, keys from flags, env vars or files', () => {
    const fromFlags = parseConfig(['--venue', 'binance-usdm', '--api-key', KEY, '--api-secret', SECRET], {});
    expect(fromFlags.target).toMatchObject({
      kind: 'venue',
      credentials: { apiKey: KEY, secret: SECRET },
      trade: false,
    });
    const fromEnv = parseConfig([], {
      USERSTREAM_VENUE: 'bhex',
      USERSTREAM_API_KEY: KEY,
      USERSTREAM_API_SECRET: SECRET,
    });
    expect(fromEnv.target.kind === 'venue' && fromEnv.target.venue.id).toBe('bhex');

    for (const type of ['ed25519', 'rsa'] as const) {
      const { privateKey } =
        type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
      const pemPath = join(dir, `${type}.pem`);
      writeFileSync(pemPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const keyPath = join(dir, 'api-key.txt');
      writeFileSync(keyPath, `${KEY}\n`);
      const c = parseConfig(
        [
          '--venue',
          'binance-spot-testnet',
          '--api-key-file',
          keyPath,
          '--private-key-file',
          pemPath,
          '--trade',
        ],
        {},
      );
      expect(c.target).toMatchObject({ kind: 'venue', credentials: { apiKey: KEY }, trade: true });
      expect(c.target.kind === 'venue' && c.target.credentials.privateKey).toContain('PRIVATE KEY');
    }
  });

  it('allows --trade on a loopback host (a local Binance-compatible exchange)', () => {
    const c = parseConfig(
      ['--venue', 'binance-usdm', '--rest-url', 'http://127.0.0.1:9', '--ws-url', 'ws://127.0.0.1:9/private'],
      { USERSTREAM_API_KEY: KEY, USERSTREAM_API_SECRET: SECRET },
    );
    expect(c.target.kind === 'venue' && c.target.venue.restBaseUrl).toBe('http://127.0.0.1:9');
    expect(
      parseConfig(['--venue', 'binance-usdm', '--rest-url', 'http://127.0.0.1:9', '--trade'], {
        USERSTREAM_API_KEY: KEY,
        USERSTREAM_API_SECRET: SECRET,
      }).target,
    ).toMatchObject({ trade: true });
  });

  it('rejects bad config with USERSTREAM_INVALID_CONFIG and a message that says what to do', () => {
    const env = { USERSTREAM_API_KEY: KEY, USERSTREAM_API_SECRET: SECRET };
    expect(error(['--json'])).toMatchInlineSnapshot(`
      {
        "code": "USERSTREAM_INVALID_CONFIG",
        "field": "--json",
        "message": "userstream demo: --json needs --duration (e.g. --duration 30s --json)",
      }
    `);
    expect(error(['--venue', 'binance-usdm', '--trade'], env).message).toMatchInlineSnapshot(
      `"userstream demo: --trade places orders and is allowed on testnets only; 'binance-usdm' is a live venue (drop --trade to watch read-only)"`,
    );
    expect(error(['--venue', 'binance-spot'], { USERSTREAM_API_KEY: KEY }).message).toMatchInlineSnapshot(
      `"userstream demo: venue 'binance-spot' needs a signing key: --api-secret (HMAC), --private-key-file (Ed25519/RSA PEM) or USERSTREAM_API_SECRET"`,
    );
    expect(error(['--venue', 'binance-usdm', '--symbol', 'BTCUSDT'], env).message).toMatchInlineSnapshot(
      `"userstream demo: --symbol is only for isolated margin; 'binance-usdm' streams the whole account"`,
    );
    expect(error(['--venue', 'binance-usdm', '--speed', '10'], env).field).toBe('--speed');
    expect(error(['--venue', 'binance-usdm', '--rest-url', 'not a url'], env).field).toBe('--rest-url');
    expect(error(['--api-key', KEY, '--api-secret', SECRET]).message).not.toContain(KEY);
    expect(error(['--port', '70000']).message).toMatchInlineSnapshot(
      `"userstream demo: --port must be an integer from 0 to 65535, got '70000'"`,
    );
    expect(error(['--log-level', 'loud']).code).toBe('USERSTREAM_INVALID_CONFIG');
    expect(error(['positional']).message).toMatch(/see --help$/);
  });

  it('never quotes a secret in an error', () => {
    const bad = [
      ['--venue', 'binance-usdm', '--api-key', `${KEY} x`, '--api-secret', SECRET],
      ['--venue', 'binance-usdm', '--api-key', KEY, '--api-secret', SECRET, '--trade'],
      [
        '--venue',
        'binance-usdm',
        '--api-key',
        KEY,
        '--api-secret',
        SECRET,
        '--private-key-file',
        join(dir, 'x'),
      ],
      ['--api-secret', SECRET],
    ];
    for (const argv of bad) {
      const e = error(argv);
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain(KEY);
    }
  });
});

describe('fleet mode', () => {
  it('is off by default; --fleet turns it on with defaults; USERSTREAM_REDIS_URL too', () => {
    expect(parseConfig([], {}).fleet).toBeUndefined();
    const c = parseConfig(['--fleet', 'redis://127.0.0.1:6379'], {});
    expect(c.fleet).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      workers: DEFAULT_FLEET_WORKERS,
      accounts: DEFAULT_FLEET_ACCOUNTS,
    });
    expect(c.speed).toBe(DEFAULT_FLEET_SPEED);
    expect(c.faultEveryMs).toBe(6_000);
    const e = parseConfig(['--workers', '4', '--accounts', '20', '--speed', '1'], {
      USERSTREAM_REDIS_URL: 'rediss://user:pw@redis.example:6380/2',
    });
    expect(e.fleet).toEqual({ redisUrl: 'rediss://user:pw@redis.example:6380/2', workers: 4, accounts: 20 });
    expect(e.speed).toBe(1);
  });

  it('rejects bad fleet settings with one line that says what to do, never echoing the URL', () => {
    expect(error(['--fleet', 'http://u:SeCrEt@h:1']).message).toMatchInlineSnapshot(
      `"userstream demo: --fleet must be a Redis URL such as redis://127.0.0.1:6379 (redis:// or rediss://)"`,
    );
    expect(error(['--fleet', 'redis://h', '--workers', '0']).message).toMatch(
      /--workers must be an integer from 1 to 32, got '0'/,
    );
    expect(error(['--fleet', 'redis://h', '--workers', '2.5']).field).toBe('--workers');
    expect(error(['--fleet', 'redis://h', '--accounts', '0']).field).toBe('--accounts');
    expect(error(['--accounts', '3']).message).toMatch(/--accounts needs --fleet <redis-url>/);
    expect(error(['--fleet', 'redis://h', '--speed', '60']).message).toMatch(
      /--speed must be a number from 1 to 10/,
    );
    expect(error(['--fleet', 'redis://h', '--fault-overlap']).field).toBe('--fault-overlap');
    expect(
      error(['--fleet', 'redis://h', '--venue', 'bhex', '--api-key', KEY, '--api-secret', SECRET]).message,
    ).toMatch(/--fleet runs on the embedded simulator/);
  });

  it('redacts the password of a Redis URL', () => {
    expect(redactRedisUrl('redis://:SeCrEt@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url')).toBe('the Redis URL');
  });
});
