#!/usr/bin/env node
// A source file (not a test) that passes 500 lines holds several concerns more often than not:
// it must be split along its seams, or say at its top why it is one piece, with a line
// containing "Longer than 500 lines:" and the reason. Run by .ci/run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const LIMIT = 500;
const MARKER = 'Longer than 500 lines:';
const root = new URL('..', import.meta.url).pathname;
const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['packages', 'apps'];

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (
      /\.(ts|mts|mjs)$/.test(name) &&
      !/\.(test|fuzz\.test)\.[mc]?[jt]s$/.test(name) &&
      path.includes('/src/')
    )
      yield path;
  }
}

const offenders = [];
for (const top of roots) {
  for (const path of sources(resolve(root, top))) {
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.length <= LIMIT) continue;
    if (lines.slice(0, 15).some((line) => line.includes(MARKER))) continue;
    offenders.push(`${relative(root, path)}: ${lines.length} lines`);
  }
}
if (offenders.length > 0) {
  console.error(
    `${offenders.length} source file(s) over ${LIMIT} lines without a reason at the top ("${MARKER} …"): split them along their seams or say why they are one piece:\n  ${offenders.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`every source file is at most ${LIMIT} lines or says why at its top`);
