import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
/** A throwaway ESM bundle of the package source (dist is left alone). */
const out = fileURLToPath(new URL('../node_modules/.cache/rest-example-test/', import.meta.url));

beforeAll(() => {
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
      '--external',
      'undici',
      '--out-dir',
      out,
      '--silent',
    ],
    { cwd: pkg, stdio: 'pipe' },
  );
  const example = readFileSync(new URL('../examples/simulator.mjs', import.meta.url), 'utf8').replace(
    "from '@userstream/rest'",
    `from '${out}index.js'`,
  );
  writeFileSync(`${out}example.mjs`, example);
}, 60_000);

it('the README example runs against the simulator and the process exits by itself', async () => {
  const child = spawn(process.execPath, [`${out}example.mjs`], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the example did not exit by itself; stdout: ${stdout} stderr: ${stderr}`));
      // Generous: the bound proves the process exits by itself, and a CI runner under load
      // (load average 30 on 2 cores) once took over 15 s to start the child at all.
    }, 60_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('after close: USERSTREAM_EXCHANGE_ERROR -1125');
  expect(stdout).toMatch(/open orders: \[ 'BUY 0\.00100000 @ 50000\.00000000 \(NEW\)' \]/);
  expect(stdout.trim().endsWith('done')).toBe(true);
}, 90_000);
