// node --test scripts/: the docs gate (scripts/docs-coverage.mjs, what `pnpm docs` enforces) on a
// fixture package converted by TypeDoc the way typedoc.json converts ours (the packages strategy,
// src/index.ts), without building a site.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertPackages, coverageOf } from './docs-coverage.mjs';

/** A one-package workspace whose src/index.ts is `source`; resolves with the gate's findings. */
async function gate(t, source) {
  const dir = mkdtempSync(join(tmpdir(), 'docs-coverage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = join(dir, 'packages', 'fixture');
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@userstream/fixture', version: '0.0.0', type: 'module' }),
  );
  writeFileSync(join(pkg, 'src', 'index.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'es2022',
        module: 'nodenext',
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['packages/*/src'],
    }),
  );
  // Its own options file, so TypeDoc reads nothing of the repository's typedoc.json.
  writeFileSync(
    join(dir, 'typedoc.json'),
    JSON.stringify({
      entryPointStrategy: 'packages',
      entryPoints: ['packages/fixture'],
      packageOptions: {
        entryPoints: ['src/index.ts'],
        tsconfig: '../../tsconfig.json',
        readme: 'none',
        disableSources: true,
        disableGit: true,
      },
      readme: 'none',
      disableSources: true,
      disableGit: true,
      validation: { invalidLink: true, notExported: true },
    }),
  );
  const { project, logger } = await convertPackages(join(dir, 'typedoc.json'));
  assert.ok(project, 'TypeDoc converted the fixture');
  return { ...coverageOf(project, logger), links: logger.links };
}

const documented = `/** How many apples, a decimal string. */
export function apples(): string {
  return '1';
}
`;

test('an undocumented export fails the gate, named', { timeout: 120_000 }, async (t) => {
  const found = await gate(t, `${documented}export function pears(): string {\n  return '2';\n}\n`);
  assert.equal(found.passed, false);
  assert.deepEqual(found.missing, ['@userstream/fixture.pears']);
  assert.deepEqual(found.rows, [
    { name: '@userstream/fixture', exports: 2, documented: 1, withoutDocs: 1, notExported: 0 },
  ]);
  assert.match(found.undocumentedMembers.join('\n'), /pears/);
  assert.doesNotMatch(found.undocumentedMembers.join('\n'), /apples/);
});

test('documented, it passes', { timeout: 120_000 }, async (t) => {
  const found = await gate(
    t,
    `${documented}/** How many pears. */\nexport function pears(): string {\n  return '2';\n}\n`,
  );
  assert.equal(found.passed, true);
  assert.deepEqual(found.missing, []);
  assert.deepEqual(found.undocumentedMembers, []);
});

test('an undocumented member of a documented export fails it too, named', { timeout: 120_000 }, async (t) => {
  const found = await gate(
    t,
    `/** A basket. */\nexport interface Basket {\n  /** Apples in it. */\n  apples: string;\n  pears: string;\n}\n`,
  );
  assert.equal(found.passed, false);
  assert.deepEqual(found.missing, []);
  assert.match(found.undocumentedMembers.join('\n'), /Basket\.pears/);
});

test('a {@link} to a name that is not exported is reported as a link finding', {
  timeout: 120_000,
}, async (t) => {
  const found = await gate(
    t,
    `function secretHelper(): void {}\nsecretHelper();\n/** See {@link secretHelper}. */\nexport const fruit = 1;\n`,
  );
  assert.match(found.links.join('\n'), /secretHelper/);
});
