#!/usr/bin/env node
// `pnpm demo [flags]` from the repository root: builds what the demo runs, then runs it.
//
// A bin, not a root package.json script, so that `pnpm demo --duration 30s --json | jq` works as
// typed: pnpm prints a `> userstream-monorepo@ demo …` banner on stdout before every script it
// runs unless its reporter is silent (`pnpm -s`), and neither `loglevel` nor any per-script setting
// turns that banner off. With no `demo` script, pnpm runs the `demo` bin of the root's
// dependencies the way `pnpm exec demo` does (https://pnpm.io/pnpm-cli: "If there is no script
// with the specified name, then pnpm will execute the command as a shell script"), and prints
// nothing of its own. The build writes to stderr, so stdout carries only what the demo prints.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const turbo = createRequire(join(root, 'package.json')).resolve('turbo/bin/turbo');
const build = spawnSync(
  process.execPath,
  [turbo, 'run', 'build', '--filter=@userstream/demo...', '--output-logs=errors-only', '--log-prefix=none'],
  { cwd: root, stdio: ['ignore', 2, 2] }, // the build's stdout goes to stderr
);
if (build.status !== 0) {
  const why = build.error ? build.error.message : `turbo exited with ${build.status ?? build.signal}`;
  process.stderr.write(`userstream demo: the build failed (${why}); see the lines above\n`);
  process.exit(build.status || 1);
}
// The demo reads its flags from process.argv.slice(2), which are this bin's own.
await import('../dist/main.js');
