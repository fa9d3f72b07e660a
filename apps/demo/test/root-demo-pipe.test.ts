/**
 * `pnpm demo --duration … --json` from the repository root, read through a pipe as a script or
 * `jq` would (issue #19): stdout must carry the JSON summary and nothing else, so the build that
 * `pnpm demo` runs first (turbo) must not print on stdout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// The runs' JSON logs go here, not into the repository root (the demo's default log file).
const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A strict reader of the pipe: exactly one non-empty line, and it parses as JSON (else exit 3).
const jsonParser = join(dir, 'parse-json.mjs');
writeFileSync(
  jsonParser,
  `let s = '';
process.stdin.on('data', (d) => (s += d)).on('end', () => {
  const lines = s.split('\\n').filter(Boolean);
  if (lines.length !== 1) {
    console.error('stdout had ' + lines.length + ' lines:\\n' + s);
    process.exit(3);
  }
  const summary = JSON.parse(lines[0]);
  console.log(summary.mode + ' ' + summary.mirrorMatches);
});
`,
);

/** Runs `pnpm <args>` at the root with stdout and stderr on pipes. */
function pnpm(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return spawnAtRoot('pnpm', args);
}

/** Runs `command args` at the root with stdout and stderr on pipes. */
function spawnAtRoot(
  command: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('USERSTREAM_')) delete env[k];
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not exit in time: ${Buffer.concat(err).toString()}`),
      );
    }, 110_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Runs a command line in `sh` at the root (pipes and all), as a user types it. */
function sh(line: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return spawnAtRoot('sh', ['-c', line]);
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
}, 400_000);

describe('pnpm demo --json through a pipe', () => {
  it('`pnpm -s demo --duration 2s --json`: stdout is one JSON summary, nothing before it', async () => {
    const run = await pnpm(['-s', 'demo', '--duration', '2s', '--json', '--log-file', join(dir, 'a.log')]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines, run.stdout).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ mode: 'simulator', mirrorMatches: true });
  }, 120_000);

  it('`pnpm demo --duration 2s --json | <JSON parser>`, typed as is: stdout is one JSON summary, nothing before it', async () => {
    // The literal command, through a real shell pipe into a strict JSON parser (as `| jq` would
    // read it): pnpm's own `> userstream-monorepo@ demo …` banner, which it prints on stdout before
    // any package.json script unless run silent, must not be there, and neither may the build.
    const log = join(dir, 'b.log');
    const run = await sh(`pnpm demo --duration 2s --json --log-file '${log}' | node '${jsonParser}'`);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toBe('simulator true\n');
  }, 120_000);
});
