#!/usr/bin/env node
// The release, rehearsed without publishing (root script: pnpm release:dry-run; CI runs it).
//
//   1. builds the six packages (turbo, cached when nothing changed);
//   2. `changeset status`: the pending changesets and the version each package would get from
//      the "Version Packages" pull request (fails, as in CI, when changesets cannot be read);
//   3. `pnpm -r publish --dry-run --no-git-checks` over packages/*: what `changeset publish` would
//      upload, in the order pnpm publishes (dependencies first), checked here: exactly the six
//      packages, each after its workspace dependencies, each tarball with its LICENSE,
//      CHANGELOG.md, README.md and the ESM, CJS and type entry points.
// Nothing is published and nothing in the work tree changes (the release plan is written to a
// temporary file under node_modules/.cache and removed).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const PACKAGES = ['core', 'rest', 'stream', 'keepalive', 'redis', 'simulator'];
const REQUIRED_FILES = [
  'LICENSE',
  'CHANGELOG.md',
  'README.md',
  'package.json',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
];

function fail(line) {
  console.error(`release dry run: ${line}`);
  process.exit(1);
}

// the pnpm that runs this script (`pnpm release:dry-run`, also under `npx pnpm@…` in .ci/run),
// else the one on PATH
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by pnpm for this script, not a turbo task input
const execPath = process.env.npm_execpath;
const pnpmCommand = execPath && /pnpm/.test(execPath) ? [process.execPath, execPath] : ['pnpm'];

function run(cmd, args, { quiet = false } = {}) {
  const [bin, ...pre] = cmd === 'pnpm' ? pnpmCommand : [cmd];
  const out = spawnSync(bin, [...pre, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    // provenance needs the CI provider's identity token; a dry run has none to sign with
    env: { ...process.env, NPM_CONFIG_PROVENANCE: 'false' },
  });
  if (out.error) fail(`${cmd} ${args.join(' ')}: ${out.error.message}`);
  if (out.status !== 0) {
    if (quiet) process.stderr.write(`${out.stdout}${out.stderr}`);
    fail(`\`${cmd} ${args.join(' ')}\` exited with ${out.status}`);
  }
  return out;
}

console.log('release dry run: building the packages');
run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only']);

/**
 * `changeset status` compares with the base branch (main) to find changed packages, and with
 * `--since` it counts only the changesets added after that ref. A CI checkout of a pull request
 * (a detached HEAD, no local main) has no main to compare with: then every changeset since the
 * first commit is counted, so the plan printed is the whole pending release either way.
 */
function sinceArgs() {
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (git('rev-parse', '--verify', '-q', 'refs/heads/main').status === 0) return [];
  const first = git('rev-list', '--max-parents=0', 'HEAD').stdout.split('\n')[0];
  console.log('release dry run: no local main branch: pending changesets counted from the first commit');
  return [`--since=${first}`];
}

// changeset status writes its plan to a path relative to the working directory
const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const planFile = join('node_modules', '.cache', `release-plan-${process.pid}.json`);
let plan;
try {
  run('pnpm', ['exec', 'changeset', 'status', `--output=${planFile}`, ...sinceArgs()], { quiet: true });
  plan = JSON.parse(readFileSync(join(root, planFile), 'utf8'));
} finally {
  rmSync(join(root, planFile), { force: true });
}
const next = new Map(plan.releases.map((r) => [r.name, r]));
console.log(`release dry run: ${plan.changesets.length} pending changesets`);

const pub = run(
  'pnpm',
  ['-r', '--filter', './packages/*', 'publish', '--dry-run', '--no-git-checks', '--access', 'public'],
  { quiet: true },
);

// npm prints each tarball to stderr (`npm notice 📦  name@version`, then its files) and
// `+ name@version` to stdout once it is "published".
const tarballs = new Map();
let current;
for (const line of pub.stderr.split('\n')) {
  const head = /npm notice 📦\s+(@?[^@\s]+)@(\S+)/.exec(line);
  if (head) {
    current = { name: head[1], version: head[2], files: [], size: '' };
    tarballs.set(current.name, current);
    continue;
  }
  const file = /^npm notice\s+[\d.]+k?M?B\s+(\S+)$/.exec(line);
  if (file && current) current.files.push(file[1]);
  const size = /^npm notice package size:\s+(.+)$/.exec(line);
  if (size && current) current.size = size[1];
}
const published = [...pub.stdout.matchAll(/^\+ (@?[^@\s]+)@(\S+)$/gm)].map((m) => m[1]);

const expected = PACKAGES.map((p) => `@userstream/${p}`);
const missing = expected.filter((name) => !published.includes(name));
const extra = published.filter((name) => !expected.includes(name));
if (missing.length > 0 || extra.length > 0)
  fail(
    `expected exactly ${expected.join(', ')}; missing: ${missing.join(', ') || 'none'}; extra: ${extra.join(', ') || 'none'}`,
  );

const problems = [];
console.log(`release dry run: ${published.length} packages would be published, in this order:`);
published.forEach((name, i) => {
  const dir = join(root, 'packages', name.replace('@userstream/', ''));
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {}))
    if (expected.includes(dep) && published.indexOf(dep) > i)
      problems.push(`${name} is published before its dependency ${dep}`);
  const tarball = tarballs.get(name);
  const absent = REQUIRED_FILES.filter((f) => !tarball?.files.includes(f));
  if (absent.length > 0) problems.push(`${name}'s tarball lacks ${absent.join(', ')}`);
  const r = next.get(name);
  const bump =
    r && r.type !== 'none'
      ? `, next ${r.newVersion} (${r.type}, ${r.changesets.length} changesets)`
      : ', no pending changeset';
  console.log(
    `  ${i + 1}. ${name}@${manifest.version}${bump}: ${tarball?.files.length ?? 0} files, ${tarball?.size || '?'}`,
  );
});
if (problems.length > 0) fail(problems.join('; '));
console.log('release dry run: ok (nothing was published)');
