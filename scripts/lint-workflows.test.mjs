// node --test scripts/: the workflow linter flags broken workflows and passes ours.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintWorkflows } from './lint-workflows.mjs';

const workflows = new URL('../.github/workflows/', import.meta.url).pathname;
const script = new URL('./lint-workflows.mjs', import.meta.url).pathname;

test("the project's workflows lint clean", async () => {
  const { files, problems } = await lintWorkflows(workflows);
  assert.ok(files.length >= 2, `expected ci.yml and release.yml in ${workflows}`);
  assert.deepEqual(problems, []);
});

test('an unknown job key and a misspelt context are reported, and the CLI fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-workflows-'));
  const ci = readFileSync(join(workflows, 'ci.yml'), 'utf8')
    .replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    needz: build')
    .replace('github.workflow }}', 'github.workflo }}');
  writeFileSync(join(dir, 'ci.yml'), ci);
  copyFileSync(join(workflows, 'release.yml'), join(dir, 'release.yml'));
  const { problems } = await lintWorkflows(dir);
  assert.deepEqual(
    problems.map((p) => [p.file.endsWith('ci.yml'), p.kind]),
    [
      [true, 'expression'],
      [true, 'syntax-check'],
    ],
  );
  assert.match(problems[0].message, /property "workflo" is not defined/);
  assert.match(problems[1].message, /unexpected key "needz"/);

  const out = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  assert.equal(out.status, 1);
  assert.match(out.stderr, /ci\.yml:\d+:\d+: unexpected key "needz"/);
});

test('a directory without workflows fails instead of passing vacuously', () => {
  const out = spawnSync(process.execPath, [script, mkdtempSync(join(tmpdir(), 'lint-workflows-'))], {
    encoding: 'utf8',
  });
  assert.equal(out.status, 1);
  assert.match(out.stderr, /no workflow files/);
});
