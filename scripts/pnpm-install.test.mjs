// node --test scripts/: what `pnpm install` prints with this repository's pnpm settings
// (pnpm-workspace.yaml, and .npmrc if one is added), run with the pinned pnpm (packageManager).
//
// The settings must keep install errors visible (a silent reporter was proposed to make
// `pnpm demo --json` pipeable and rejected for hiding them; `pnpm demo` is a bin instead, see
// apps/demo/bin/demo.mjs), and a fresh clone's install must print no warning (issue #19: no
// "Failed to create bin", no "Unknown project config", no "Ignored build scripts").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

/** `pnpm <args>` with the pinned pnpm (npx, as the README does), in `cwd`; never on the network. */
function pnpm(args, cwd) {
  const run = spawnSync('npx', ['-y', `pnpm@${pnpmVersion}`, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: 300_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A directory with this repository's pnpm settings files and the given package.json. */
function workspaceWith(manifest) {
  const dir = mkdtempSync(join(tmpdir(), 'pnpm-install-'));
  for (const file of ['pnpm-workspace.yaml', '.npmrc'])
    if (existsSync(join(root, file))) copyFileSync(join(root, file), join(dir, file));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

test('a failing install still says why (the settings do not silence pnpm)', (t) => {
  // A dependency with no lockfile under --frozen-lockfile: pnpm must refuse and name the reason.
  const dir = workspaceWith({ name: 'broken', private: true, dependencies: { 'left-pad': '1.3.0' } });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = pnpm(['install', '--frozen-lockfile', '--offline'], dir);
  assert.notEqual(run.status, 0, run.output);
  assert.match(
    run.output,
    /ERR_PNPM_NO_LOCKFILE|Cannot install with "frozen-lockfile" because pnpm-lock\.yaml is absent/,
  );
});

test('a fresh clone installs without a single warning', (t) => {
  // The committed tree (what a clone gets), installed from the store the first install filled.
  const dir = mkdtempSync(join(tmpdir(), 'pnpm-install-clone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clone = spawnSync('git', ['clone', '-q', root, join(dir, 'c')], { encoding: 'utf8' });
  if (clone.status !== 0) {
    t.skip(`not a git work tree (${clone.stderr.trim()})`);
    return;
  }
  const run = pnpm(['install', '--frozen-lockfile', '--prefer-offline'], join(dir, 'c'));
  assert.equal(run.status, 0, run.output);
  const warnings = run.output
    .split('\n')
    .filter((l) => /\bWARN\b|Warning|warn |Failed to create bin|Ignored build scripts/.test(l));
  assert.deepEqual(warnings, [], run.output);
});

test('npx in the repository prints no npm warning (npm reads .npmrc: no pnpm-only settings there)', () => {
  const run = spawnSync('npx', ['-y', `pnpm@${pnpmVersion}`, '--version'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), pnpmVersion);
  assert.doesNotMatch(run.stderr, /npm warn/i);
});
