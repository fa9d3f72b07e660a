#!/usr/bin/env node
// Type-checks the code in the READMEs against the built packages, so the examples cannot drift
// from the API (root script: pnpm check:readme-examples; CI runs it in the docs step, after the
// build).
//
// Every ```ts / ```js block of every tracked README.md is extracted into its own module under
// node_modules/.cache/readme-examples/<readme>/ and compiled with `tsc --noEmit` (strict,
// NodeNext, as a consumer would). Like pnpm's strict layout, each README's directory gets a
// node_modules with only the packages its install lines name (`npm install …`, `pnpm add …`),
// linked to the workspace packages (and their dist/ types) or to the installed third-party
// package; and a block may only import packages those lines name, so an install line that
// forgets one fails here.
//
// A block without any import is an API sketch (a signature list, a fragment of an example above):
// it is counted, not compiled. KNOWN_FAILURES lists blocks that fail today and need their README
// fixed; they are printed on every run, any other failure fails the run.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const work = join(root, 'node_modules', '.cache', 'readme-examples');
const verbose = process.argv.includes('--verbose');

/** README blocks that do not compile today, by README and first line; each needs its README fixed. */
const KNOWN_FAILURES = [];

const workspacePackages = new Map(
  ['core', 'rest', 'stream', 'keepalive', 'redis', 'simulator'].map((p) => [
    `@userstream/${p}`,
    join(root, 'packages', p),
  ]),
);

function readmes() {
  const out = spawnSync('git', ['ls-files', '*README.md'], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`git ls-files failed: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .filter((f) => f && !f.startsWith('.changeset/') && !f.includes('/test/') && !f.includes('/src/'));
}

/** The ```ts/```js blocks of a markdown file, with the line each starts on (1-based, first code line). */
export function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let current;
  lines.forEach((line, i) => {
    const fence = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (!current && fence) {
      current = { lang: fence[3].toLowerCase(), fence: fence[2], start: i + 2, lines: [] };
    } else if (current && line.trim().startsWith(current.fence)) {
      if (['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts'].includes(current.lang))
        blocks.push({ lang: current.lang, start: current.start, code: current.lines.join('\n') });
      current = undefined;
    } else if (current) current.lines.push(line);
  });
  return blocks;
}

/** Package names an install line in the markdown names (`npm i|install`, `pnpm add`, `yarn add`). */
export function installedPackages(markdown) {
  const names = new Set();
  for (const m of markdown.matchAll(
    /\b(?:npm (?:i|install|add)|pnpm (?:add|i|install)|yarn add)\s+([^\n`#;&|]+)/g,
  ))
    for (const token of m[1].trim().split(/\s+/))
      if (/^(?:@[\w.-]+\/)?[\w.-]+(?:@[\w.^~<>=*-]+)?$/.test(token) && !token.startsWith('-'))
        names.add(token.replace(/(?!^)@.*$/, ''));
  return names;
}

/** Bare package names a block imports (import … from, import '…', import('…'), require('…')). */
export function importedPackages(code) {
  const specs = [
    ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(?\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return [
    ...new Set(
      specs
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('/'))
        .map((s) =>
          s
            .split('/')
            .slice(0, s.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
    ),
  ];
}

/** Where a third-party package is installed: searched from the workspace packages that use it. */
function thirdParty(name) {
  for (const base of [...workspacePackages.values(), join(root, 'apps', 'demo'), root]) {
    try {
      return dirname(createRequire(join(base, 'package.json')).resolve(`${name}/package.json`));
    } catch {}
  }
  return undefined;
}

function link(target, nodeModules, name) {
  const at = join(nodeModules, name);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(realpathSync(target), at, 'dir');
}

// ```ts blocks: a strict TypeScript consumer. ```js blocks: a JavaScript consumer whose editor
// checks the code (checkJs): wrong names, properties and arguments are errors, the strict-mode
// rules of TypeScript (implicit any, possibly undefined) are not.
const TS_CONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['*.ts'],
};
const JS_CONFIG = {
  compilerOptions: { ...TS_CONFIG.compilerOptions, strict: false, allowJs: true, checkJs: true },
  include: ['*.mjs'],
};

function main() {
  rmSync(work, { recursive: true, force: true });
  const problems = [];
  const known = [];
  let compiled = 0;
  let sketches = 0;
  let files = 0;
  let placeholders = 0;

  /** `tsc --noEmit -p project` run in `dir` (so files are named relative to it): its diagnostics. */
  function tsc(dir, project = dir) {
    const out = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--pretty', 'false'],
      { cwd: dir, encoding: 'utf8' },
    );
    if (out.error) throw out.error;
    return `${out.stdout}${out.stderr}`;
  }

  for (const readme of readmes()) {
    const markdown = readFileSync(join(root, readme), 'utf8');
    const blocks = codeBlocks(markdown);
    if (blocks.length === 0) continue;
    files++;
    const allowed = installedPackages(markdown);
    const dir = join(work, readme.replace(/\/?README\.md$/, '').replaceAll('/', '__') || 'root');
    const nodeModules = join(dir, 'node_modules');
    mkdirSync(join(dir, 'js'), { recursive: true });
    mkdirSync(nodeModules, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
    writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(TS_CONFIG, null, 2)}\n`);
    writeFileSync(join(dir, 'js', 'tsconfig.json'), `${JSON.stringify(JS_CONFIG, null, 2)}\n`);
    link(join(root, 'node_modules', '@types', 'node'), nodeModules, '@types/node');
    for (const name of allowed) {
      const target = workspacePackages.get(name) ?? thirdParty(name);
      if (target) link(target, nodeModules, name);
      else
        problems.push(`${readme}: its install line names ${name}, which is not installed in this workspace`);
    }
    const where = new Map();
    blocks.forEach((block, i) => {
      const first = block.code.split('\n').find((l) => l.trim() !== '') ?? '';
      const imports = importedPackages(block.code);
      if (!/^\s*import\s|\brequire\(/m.test(block.code)) {
        sketches++;
        if (verbose) console.log(`  sketch, not compiled: ${readme}:${block.start} ${first.trim()}`);
        return;
      }
      for (const name of imports)
        if (!allowed.has(name))
          problems.push(
            `${readme}:${block.start}: the example imports ${name}, but no install line in ${readme} names it (${[...allowed].join(' ') || 'none'})`,
          );
      const js = /^(js|javascript|mjs)$/.test(block.lang);
      const file = js ? `js/example-${i + 1}.mjs` : `example-${i + 1}.ts`;
      // `export {}` keeps a block without exports a module (top-level await, no global clashes)
      writeFileSync(join(dir, file), `${block.code}\nexport {};\n`);
      where.set(file, { block, first });
      compiled++;
    });
    if (where.size === 0) continue;
    // Examples name things the reader brings (`listenKey`, `myKms`, `frameText`): a name that is
    // used but never declared becomes an `any` placeholder (declared after the code, so lines keep
    // their numbers) and the block is compiled again; everything the packages export stays checked.
    const written = [...where.keys()];
    const check = () =>
      `${written.some((f) => f.endsWith('.ts')) ? tsc(dir) : ''}${written.some((f) => f.endsWith('.mjs')) ? tsc(dir, join(dir, 'js')) : ''}`;
    let output = check();
    const unknownNames = new Map();
    for (const m of output.matchAll(
      /^((?:js\/)?example-\d+\.(?:ts|mjs))\(\d+,\d+\): error TS(?:2304|2552|18004): (?:Cannot find name|No value exists in scope for the shorthand property) '([\w$]+)'/gm,
    )) {
      const names = unknownNames.get(m[1]) ?? new Set();
      names.add(m[2]);
      unknownNames.set(m[1], names);
    }
    for (const [file, names] of unknownNames) {
      const declare = [...names].map((n) =>
        file.endsWith('.mjs') ? `/** @type {any} */ var ${n};` : `declare const ${n}: any;`,
      );
      writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}${declare.join('\n')}\n`);
      placeholders += names.size;
      if (verbose) console.log(`  placeholders in ${readme} ${file}: ${[...names].join(', ')}`);
    }
    if (unknownNames.size > 0) output = check();
    const failing = new Map();
    for (const line of output.split('\n')) {
      const m = /^((?:js\/)?example-\d+\.(?:ts|mjs))\((\d+),(\d+)\): (error TS\d+: .*)$/.exec(line);
      if (!m) continue;
      const { block, first } = where.get(m[1]);
      const message = `${readme}:${block.start + Number(m[2]) - 1}:${m[3]}: ${m[4]}`;
      const list = failing.get(m[1]) ?? { first, messages: [] };
      list.messages.push(message);
      failing.set(m[1], list);
    }
    if (/error TS/.test(output) && failing.size === 0)
      problems.push(`${readme}: tsc failed without a located error:\n${output}`);
    for (const { first, messages } of failing.values()) {
      const k = KNOWN_FAILURES.find((f) => f.readme === readme && first.trim().startsWith(f.firstLine));
      if (k) known.push(`${readme} block "${first.trim()}" (${messages.length} errors; known: ${k.fix})`);
      else problems.push(...messages);
    }
  }

  for (const k of known) console.log(`readme examples: known failing: ${k}`);
  for (const p of problems) console.error(`readme examples: ${p}`);
  console.log(
    `readme examples: ${compiled} examples from ${files} READMEs type-checked against the built packages, ${problems.length} problems, ${known.length} known failing; ${placeholders} undeclared names taken as placeholders; ${sketches} API sketches (no imports) not compiled`,
  );
  if (problems.length > 0) process.exit(1);
  if (existsSync(work) && !verbose) rmSync(work, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
