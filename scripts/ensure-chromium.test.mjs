// node --test scripts/: the docs site check's Chromium provisioning, run on PATHs made for each case.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const script = new URL('./ensure-chromium.mjs', import.meta.url).pathname;

/** A directory holding only node and sh (and whatever `extra` adds): no chromium, no apt-get. */
function bareBin(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ensure-chromium-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  symlinkSync('/bin/sh', join(dir, 'sh'));
  for (const [name, body] of Object.entries(extra)) {
    writeFileSync(join(dir, name), body);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

const run = (env) => spawnSync(process.execPath, [script], { encoding: 'utf8', env });
const fakeChromium = '#!/bin/sh\necho "Chromium 131.0.6778.204 built on Debian"\n';

test('uses chromium from PATH and says which', () => {
  const out = run({ PATH: bareBin({ chromium: fakeChromium }) });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /docs site check uses chromium \(Chromium 131\.0\.6778\.204 built on Debian\)/);
});

test('uses CHROMIUM when set, and fails in one line when it does not run', () => {
  const dir = bareBin({ 'my-chrome': fakeChromium });
  const ok = run({ PATH: bareBin(), CHROMIUM: join(dir, 'my-chrome') });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /uses .*my-chrome \(Chromium 131/);

  const bad = run({ PATH: bareBin(), CHROMIUM: join(dir, 'missing') });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /CHROMIUM=.*missing does not run/);
});

test('with no chromium and no way to install it, fails with one line naming what to install', () => {
  const out = run({ PATH: bareBin() });
  assert.equal(out.status, 1);
  assert.equal(out.stdout, '');
  const lines = out.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /needs a headless Chromium: install it \(Debian\/Ubuntu: `sudo apt-get install chromium`/,
  );
});
