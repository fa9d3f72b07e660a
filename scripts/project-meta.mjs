#!/usr/bin/env node
// The project's home is named in ONE place, the root package.json's `config`:
//
//   githubRepository  "owner/name" of the GitHub repository
//   conductContact    where code-of-conduct reports go (CODE_OF_CONDUCT.md, "Enforcement")
//
// Both are assumptions until the project is published under a known GitHub organization (no git
// remote names one): change them there, then run `node scripts/project-meta.mjs --write`, which
// copies them into every published package.json (repository, homepage, bugs), typedoc.json's
// source links, the issue template's advisory link, the release workflow's repository guard and
// the code of conduct. Without `--write` it only checks (CI: .ci/run) and names every file that
// differs. `node scripts/project-meta.mjs [--write] [root]`; root defaults to this repository.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const write = args.includes('--write');
const root = args.find((a) => !a.startsWith('--')) ?? new URL('..', import.meta.url).pathname;

const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const repo = rootPackage.config?.githubRepository;
const contact = rootPackage.config?.conductContact;
if (typeof repo !== 'string' || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo)) {
  console.error(
    'project-meta: package.json config.githubRepository must be "owner/name" (the GitHub repository)',
  );
  process.exit(1);
}
if (typeof contact !== 'string' || contact.trim() === '' || /[<>\n]/.test(contact)) {
  console.error(
    'project-meta: package.json config.conductContact must be where conduct reports go (an address or URL, one line)',
  );
  process.exit(1);
}
const github = `https://github.com/${repo}`;

const drift = [];
function update(path, transform) {
  const file = join(root, path);
  if (!existsSync(file)) return;
  const before = readFileSync(file, 'utf8');
  const after = transform(before);
  if (after === before) return;
  drift.push(path);
  if (write) writeFileSync(file, after);
}

/** A regex that must match at least once, each match replaced. */
function replaceAll(pattern, replacement, what) {
  return (text) => {
    if (!pattern.test(text)) {
      console.error(`project-meta: ${what}: the expected line is missing`);
      process.exitCode = 1;
      return text;
    }
    return text.replace(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`), replacement);
  };
}

// Published packages: repository (with their directory), homepage, bugs.
for (const dir of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
  if (!dir.isDirectory()) continue;
  const path = `packages/${dir.name}/package.json`;
  update(path, (text) => {
    const pkg = JSON.parse(text);
    if (pkg.private) return text;
    pkg.repository = { type: 'git', url: `git+${github}.git`, directory: `packages/${dir.name}` };
    pkg.homepage = `${github}/tree/main/packages/${dir.name}#readme`;
    pkg.bugs = { url: `${github}/issues` };
    return `${JSON.stringify(pkg, null, 2)}\n`;
  });
}
update(
  'typedoc.json',
  replaceAll(
    /("sourceLinkTemplate": ")https:\/\/github\.com\/[^"/]+\/[^"/]+(\/blob\/)/,
    `$1${github}$2`,
    'typedoc.json sourceLinkTemplate',
  ),
);
update(
  '.github/ISSUE_TEMPLATE/config.yml',
  replaceAll(
    /https:\/\/github\.com\/[^\s/]+\/[^\s/]+(\/security\/advisories\/new)/,
    `${github}$1`,
    'the issue template advisory link',
  ),
);
update(
  '.github/workflows/release.yml',
  replaceAll(/(github\.repository == ')[^']*(')/, `$1${repo}$2`, 'the release workflow guard'),
);
update('CODE_OF_CONDUCT.md', (text) => {
  const marked = /(<!-- conduct-contact -->)[^<]*(<!-- \/conduct-contact -->)/;
  if (marked.test(text)) return text.replace(marked, `$1${contact}$2`);
  return text.replace(
    '[INSERT CONTACT METHOD]',
    `<!-- conduct-contact -->${contact}<!-- /conduct-contact -->`,
  );
});

if (drift.length === 0) {
  if (!process.exitCode) console.log(`project-meta: every file names ${repo} and the conduct contact`);
} else if (write) {
  for (const path of drift) console.log(`project-meta: wrote ${path}`);
} else {
  for (const path of drift)
    console.error(`project-meta: ${relative(root, join(root, path))} does not match package.json config`);
  console.error(
    'project-meta: run `node scripts/project-meta.mjs --write` (the repository and contact live in package.json config)',
  );
  process.exitCode = 1;
}
