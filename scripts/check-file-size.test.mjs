// node --test scripts/: the file-size rule, on trees made for each case.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const script = new URL('./check-file-size.mjs', import.meta.url).pathname;

function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'file-size-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const lines = (n, head = '') => `${head}${'const x = 1;\n'.repeat(n)}`;

test('refuses a long source file without a reason, names it and its length', () => {
  const dir = tree({ 'pkg/src/big.ts': lines(501), 'pkg/src/small.ts': lines(10) });
  const out = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  assert.equal(out.status, 1);
  assert.match(out.stderr, /pkg\/src\/big\.ts: 502 lines/);
  assert.doesNotMatch(out.stderr, /small/);
});

test('accepts a long file that says why at its top, and ignores tests and files outside src', () => {
  const dir = tree({
    'pkg/src/table.ts': lines(600, '// Longer than 500 lines: one generated table of every venue code.\n'),
    'pkg/src/big.test.ts': lines(900),
    'pkg/test/helpers.ts': lines(900),
  });
  const out = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
});
