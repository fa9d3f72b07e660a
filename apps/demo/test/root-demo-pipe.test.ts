/**
 * `pnpm demo --duration … --json` from the repository root, read through a pipe as a script or
 * `jq` would (issue #19): stdout must carry the JSON summary and nothing else, so the build that
 * `pnpm demo` runs first (turbo) must not print on stdout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// The runs' JSON logs go here, not into the repository root (the demo's default log file).
const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `pnpm <args>` at the root with stdout and stderr on pipes. */
function pnpm(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('USERSTREAM_')) delete env[k];
    const child = spawn('pnpm', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pnpm ${args.join(' ')} did not exit in time: ${Buffer.concat(err).toString()}`));
    }, 110_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

beforeAll(() => {
  // One build up front (turbo caches it): the runs below then only replay the cache.
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@userstream/demo...', '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
}, 180_000);

describe('pnpm demo --json through a pipe', () => {
  it('`pnpm -s demo --duration 2s --json`: stdout is one JSON summary, nothing before it', async () => {
    const run = await pnpm(['-s', 'demo', '--duration', '2s', '--json', '--log-file', join(dir, 'a.log')]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines, run.stdout).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ mode: 'simulator', mirrorMatches: true });
  }, 120_000);

  it('`pnpm demo --duration 2s --json`: the build says nothing on stdout; only pnpm’s own banner precedes the JSON', async () => {
    const run = await pnpm(['demo', '--duration', '2s', '--json', '--log-file', join(dir, 'b.log')]);
    expect(run.code, run.stderr).toBe(0);
    // pnpm itself prints "> <root>@ demo <dir>" and "> <script>" before running any root script
    // unless its reporter is silent (`pnpm -s`): the script cannot take that back. Everything
    // else on stdout must be the summary.
    const lines = run.stdout
      .split('\n')
      .filter(Boolean)
      .filter((l) => !l.startsWith('> '));
    expect(lines, run.stdout).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ mode: 'simulator', mirrorMatches: true });
  }, 120_000);
});
