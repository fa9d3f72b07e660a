/** Runs examples/fleet.mjs (the README's example) against a real redis-server, as a user would. */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from './redis-server.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
/** A throwaway ESM bundle of the package source (dist is left alone). */
const out = fileURLToPath(new URL('../node_modules/.cache/redis-example-test/', import.meta.url));
let server: TestRedisServer;

beforeAll(async () => {
  execFileSync(
    'pnpm',
    [
      'exec',
      'tsup',
      'src/index.ts',
      '--no-config',
      '--format',
      'esm',
      '--target',
      'node20',
      '--out-dir',
      out,
      '--silent',
    ],
    { cwd: pkg, stdio: 'pipe' },
  );
  const example = readFileSync(new URL('../examples/fleet.mjs', import.meta.url), 'utf8').replace(
    "from '@userstream/redis'",
    `from '${out}index.js'`,
  );
  writeFileSync(`${out}example.mjs`, example);
  server = await startRedisServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('examples/fleet.mjs', () => {
  it('runs: two workers, one dies, the other takes over, each event once', async () => {
    const { stdout } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        [`${out}example.mjs`],
        { cwd: pkg, env: { ...process.env, REDIS_URL: server.url }, timeout: 60_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
      );
    });
    expect(stdout).toMatch(/worker-a took over in \d+\.\d s/);
    for (const id of ['alice', 'bob', 'carol', 'dave']) {
      // Two deposits per account, once each, and a gap marker at every acquisition.
      expect(stdout).toMatch(new RegExp(`^${id} .*gap\\(acquired\\).*`, 'm'));
      const line = stdout.split('\n').find((l) => l.startsWith(`${id} `))!;
      expect(line.split(' ').filter((w) => w === 'ACCOUNT_UPDATE')).toHaveLength(2);
    }
    expect(await server.client().keys('userstream-example-*')).toEqual([]);
  }, 90_000);
});
