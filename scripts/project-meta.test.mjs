// node --test scripts/: the project's home named once (root package.json config) and copied
// everywhere by project-meta.mjs, on trees made for each case.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const script = new URL('./project-meta.mjs', import.meta.url).pathname;

function tree(config) {
  const dir = mkdtempSync(join(tmpdir(), 'project-meta-'));
  const files = {
    'package.json': JSON.stringify({ name: 'root', private: true, config }, null, 2),
    'packages/core/package.json': `${JSON.stringify(
      {
        name: '@userstream/core',
        repository: {
          type: 'git',
          url: 'git+https://github.com/old-org/old.git',
          directory: 'packages/core',
        },
        homepage: 'https://github.com/old-org/old/tree/main/packages/core#readme',
        bugs: { url: 'https://github.com/old-org/old/issues' },
      },
      null,
      2,
    )}\n`,
    'packages/private-app/package.json': `${JSON.stringify({ name: 'app', private: true }, null, 2)}\n`,
    'typedoc.json':
      '{\n  "sourceLinkTemplate": "https://github.com/old-org/old/blob/main/{path}#L{line}",\n  "x": ["a"]\n}\n',
    '.github/ISSUE_TEMPLATE/config.yml':
      'contact_links:\n  - url: https://github.com/old-org/old/security/advisories/new\n',
    '.github/workflows/release.yml': "    if: github.repository == 'old-org/old'\n",
    'CODE_OF_CONDUCT.md':
      'reported to the community leaders responsible for enforcement at\n[INSERT CONTACT METHOD].\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const run = (...args) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
const CONFIG = { githubRepository: 'acme/userstream', conductContact: 'conduct@acme.test' };

test('names every file that does not match the root config, and fails', () => {
  const dir = tree(CONFIG);
  const out = run(dir);
  assert.equal(out.status, 1);
  for (const path of [
    'packages/core/package.json',
    'typedoc.json',
    '.github/ISSUE_TEMPLATE/config.yml',
    '.github/workflows/release.yml',
    'CODE_OF_CONDUCT.md',
  ])
    assert.match(out.stderr, new RegExp(path.replaceAll('.', '\\.')));
  assert.doesNotMatch(out.stderr, /private-app/);
  assert.match(out.stderr, /--write/);
});

test('--write copies the repository and the contact everywhere; the check passes after', () => {
  const dir = tree(CONFIG);
  assert.equal(run('--write', dir).status, 0);
  const pkg = JSON.parse(readFileSync(join(dir, 'packages/core/package.json'), 'utf8'));
  assert.deepEqual(pkg.repository, {
    type: 'git',
    url: 'git+https://github.com/acme/userstream.git',
    directory: 'packages/core',
  });
  assert.equal(pkg.homepage, 'https://github.com/acme/userstream/tree/main/packages/core#readme');
  assert.equal(pkg.bugs.url, 'https://github.com/acme/userstream/issues');
  assert.match(
    readFileSync(join(dir, 'typedoc.json'), 'utf8'),
    /"https:\/\/github\.com\/acme\/userstream\/blob\/main\/\{path\}#L\{line\}",\n {2}"x": \["a"\]/,
  );
  assert.match(readFileSync(join(dir, '.github/workflows/release.yml'), 'utf8'), /== 'acme\/userstream'/);
  const conduct = readFileSync(join(dir, 'CODE_OF_CONDUCT.md'), 'utf8');
  assert.match(conduct, /<!-- conduct-contact -->conduct@acme\.test<!-- \/conduct-contact -->/);
  assert.doesNotMatch(conduct, /INSERT/);
  const again = run(dir);
  assert.equal(again.status, 0, again.stderr);

  // A later change of the contact replaces the marked value, nothing else.
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ config: { ...CONFIG, conductContact: 'https://acme.test/conduct' } }),
  );
  assert.equal(run('--write', dir).status, 0);
  assert.match(
    readFileSync(join(dir, 'CODE_OF_CONDUCT.md'), 'utf8'),
    /at\n<!-- conduct-contact -->https:\/\/acme\.test\/conduct<!-- \/conduct-contact -->\.\n$/,
  );
});

test('refuses a config that does not name a repository, saying what it must be', () => {
  const out = run(tree({ githubRepository: 'not a repo', conductContact: 'x' }));
  assert.equal(out.status, 1);
  assert.match(out.stderr, /config\.githubRepository must be "owner\/name"/);
});
