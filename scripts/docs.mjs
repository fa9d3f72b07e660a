#!/usr/bin/env node
// `pnpm docs`: the API reference of the six packages as one static site in docs/api, from their
// JSDoc (TypeDoc, options in typedoc.json), then its checks:
//
//   - links, ENFORCED: every {@link} in a comment or readme resolves to a page of the site
//     (TypeDoc's invalidLink validation) and every relative href/src in the generated HTML points
//     at a file (and #anchor) that exists (scripts/docs-links.mjs). A broken link fails the run.
//   - coverage, ENFORCED: per package, how many exported top-level declarations carry JSDoc, and
//     how many documentable declarations TypeDoc's notDocumented validation finds without any
//     (members, parameters' and answers' fields, each counted once, in the package that declares
//     it, however many classes inherit it). Below 100 % (an undocumented export or member) the
//     run fails and lists what lacks JSDoc. Also reported, not enforced: how many types the public
//     API refers to without exporting them (notExported). `--verbose` lists every name.
//
// External links (source links, venue docs) are not fetched: CI has no network but the registry.
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { convertPackages, coverageOf } from './docs-coverage.mjs';
import { checkSiteLinks } from './docs-links.mjs';

const root = join(import.meta.dirname, '..');
const verbose = process.argv.includes('--verbose');

// Links TypeDoc reports that need a change in a package's src (not ours to edit here). Each is
// printed on every run; anything not listed fails the run.
/** @type {{ message: string, fix: string }[]} */
const KNOWN_BROKEN_LINKS = [];

const out = join(root, 'docs', 'api');
rmSync(out, { recursive: true, force: true });

const started = Date.now();
const { app, project, logger } = await convertPackages(join(root, 'typedoc.json'), { verbose });
if (!project) {
  console.error('docs: TypeDoc could not convert the packages (see the errors above)');
  process.exit(1);
}
await app.generateDocs(project, out);
if (logger.hasErrors()) {
  console.error('docs: TypeDoc reported errors (above)');
  process.exit(1);
}

// --- coverage (enforced; scripts/docs-coverage.mjs) ---
const coverage = coverageOf(project, logger);
console.log(
  `docs: ${coverage.rows.length} packages in ${relative(root, out)}/ (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
console.log('docs: JSDoc coverage (enforced: every export and member documented)');
console.log(
  '  package                 top-level exports documented   declarations without docs   types not exported',
);
let docTotal = 0;
let allTotal = 0;
for (const row of coverage.rows) {
  docTotal += row.documented;
  allTotal += row.exports;
  const pct = row.exports === 0 ? 100 : Math.round((100 * row.documented) / row.exports);
  console.log(
    `  ${row.name.padEnd(24)}${`${row.documented}/${row.exports} (${pct} %)`.padEnd(31)}${String(row.withoutDocs).padEnd(28)}${row.notExported}`,
  );
}
console.log(
  `  ${'all'.padEnd(24)}${docTotal}/${allTotal} (${allTotal === 0 ? 100 : Math.round((100 * docTotal) / allTotal)} %); ${coverage.declarationsWithoutDocs} declarations without docs; ${logger.notExported.length} types not exported`,
);
if (verbose) for (const m of [...logger.notDocumented, ...logger.notExported]) console.log(`      ${m}`);
// The gate: what lacks JSDoc is listed whatever the flags, so the failure says what to write.
if (!coverage.passed) {
  for (const name of coverage.missing) console.error(`docs: undocumented export: ${name}`);
  for (const m of coverage.undocumentedMembers) console.error(`docs: ${m}`);
  console.error(
    `docs: JSDoc coverage is below 100 % (${coverage.missing.length} exports, ${coverage.declarationsWithoutDocs} declarations without docs): write JSDoc for each name above (what it is, units, what it throws)`,
  );
}

// --- links (enforced) ---
const known = [];
const broken = [];
for (const m of logger.links) {
  const k = KNOWN_BROKEN_LINKS.find((entry) => m.includes(entry.message));
  if (k) known.push(`${k.message} (known; fix: ${k.fix})`);
  else broken.push(m);
}
const site = checkSiteLinks(out);
broken.push(...site.broken.map((b) => `${b.file}: ${b.href} -> ${b.reason}`));
for (const k of known) console.log(`docs: known broken link: ${k}`);
for (const k of KNOWN_BROKEN_LINKS)
  if (!logger.links.some((m) => m.includes(k.message)))
    console.log(
      `docs: a known broken link is fixed, remove it from KNOWN_BROKEN_LINKS in scripts/docs.mjs: ${k.message}`,
    );
for (const b of broken) console.error(`docs: broken link: ${b}`);
console.log(
  `docs: links: ${site.checked} relative links in ${site.pages} pages checked, ${broken.length} broken, ${known.length} known`,
);
if (broken.length > 0 || !coverage.passed) process.exit(1);
