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
import { Application, ConsoleLogger, LogLevel, ReflectionKind } from 'typedoc';
import { checkSiteLinks } from './docs-links.mjs';

const root = join(import.meta.dirname, '..');
const verbose = process.argv.includes('--verbose');

// Links TypeDoc reports that need a change in a package's src (not ours to edit here). Each is
// printed on every run; anything not listed fails the run.
const KNOWN_BROKEN_LINKS = [
  {
    message: 'The comment for @userstream/simulator.MarketKey links to "canonicalVenueOf"',
    fix: 'packages/simulator/src/engine/markets.ts: canonicalVenueOf is not exported; link to an exported name or write it as code',
  },
];

/** Sorts TypeDoc's messages into what this script enforces, reports, or passes through. */
class SortingLogger extends ConsoleLogger {
  links = [];
  notExported = [];
  notDocumented = [];
  log(message, level) {
    const text = String(message);
    if (/does not have any documentation/.test(text)) this.notDocumented.push(text);
    else if (/is referenced by .* but not included in the documentation/.test(text))
      this.notExported.push(text);
    else if (
      /links to ".*" which was resolved but is not included|Failed to resolve link|is not a file and will not be copied|does not have a link in the documentation/.test(
        text,
      )
    )
      this.links.push(text);
    else if (level !== LogLevel.Info || verbose) super.log(message, level);
  }
}

const packageOf = (text) => /@userstream\/[a-z]+/.exec(text)?.[0] ?? '(other)';

function countBy(messages) {
  const counts = new Map();
  for (const m of messages) counts.set(packageOf(m), (counts.get(packageOf(m)) ?? 0) + 1);
  return counts;
}

const hasText = (comment) =>
  !!comment && (comment.summary.some((part) => part.text.trim() !== '') || comment.blockTags.length > 0);

/** A declaration is documented when it, or one of its signatures or accessors, has a comment. */
function documented(reflection) {
  return [
    reflection,
    ...(reflection.signatures ?? []),
    reflection.getSignature,
    reflection.setSignature,
  ].some((r) => r && hasText(r.comment));
}

const out = join(root, 'docs', 'api');
rmSync(out, { recursive: true, force: true });

const app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json') });
const logger = new SortingLogger();
app.logger = logger;
// notDocumented is switched on here rather than in typedoc.json: a plain `npx typedoc` stays quiet,
// this script counts the findings instead of printing hundreds of lines.
app.options.setValue('validation', { ...app.options.getValue('validation'), notDocumented: true });

const started = Date.now();
const project = await app.convert();
if (!project) {
  console.error('docs: TypeDoc could not convert the packages (see the errors above)');
  process.exit(1);
}
app.validate(project);
await app.generateDocs(project, out);
if (logger.hasErrors()) {
  console.error('docs: TypeDoc reported errors (above)');
  process.exit(1);
}

const packages = (project.children ?? []).filter((c) => c.kindOf(ReflectionKind.Module));
console.log(
  `docs: ${packages.length} packages in ${relative(root, out)}/ (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);

// --- coverage (enforced) ---
// TypeDoc reports an inherited member once per class that inherits it, under the inheriting
// package; counted here once, under the package whose source declares it: an inherited copy has
// its declaration's source position, so position + kind + name is the same for all the copies
// (and differs for two interfaces' same-named fields).
const sourceOf = new Map();
for (const r of Object.values(project.reflections)) {
  const s = r.sources?.[0];
  if (s) sourceOf.set(r.getFullName(), `${s.fileName}:${s.line}:${s.character}`);
}
const undocumented = new Map();
for (const m of logger.notDocumented) {
  const found = /(\S+) \((\w+)\), defined in (\S+), does not have/.exec(m);
  const path = found?.[1].split('.') ?? [];
  const where = found ? (sourceOf.get(found[1]) ?? `${found[3]} ${path.slice(2).join('.')}`) : m;
  const key = found ? `${where} ${found[2]} ${path.at(-1)}` : m;
  undocumented.set(key, found ? packageOf(found[3]) : packageOf(m));
}
const notDocumented = countBy([...undocumented.values()]);
const notExported = countBy(logger.notExported);
console.log('docs: JSDoc coverage (enforced: every export and member documented)');
console.log(
  '  package                 top-level exports documented   declarations without docs   types not exported',
);
let docTotal = 0;
let allTotal = 0;
for (const pkg of packages) {
  // re-exports of another package's names (References) are documented where they are declared
  const top = (pkg.children ?? []).filter((c) => !c.kindOf(ReflectionKind.Reference));
  const withDocs = top.filter(documented).length;
  docTotal += withDocs;
  allTotal += top.length;
  const pct = top.length === 0 ? 100 : Math.round((100 * withDocs) / top.length);
  console.log(
    `  ${pkg.name.padEnd(24)}${`${withDocs}/${top.length} (${pct} %)`.padEnd(31)}${String(notDocumented.get(pkg.name) ?? 0).padEnd(28)}${notExported.get(pkg.name) ?? 0}`,
  );
  if (verbose)
    for (const c of top.filter((c) => !documented(c)))
      console.log(`      undocumented export: ${pkg.name}.${c.name}`);
}
console.log(
  `  ${'all'.padEnd(24)}${docTotal}/${allTotal} (${allTotal === 0 ? 100 : Math.round((100 * docTotal) / allTotal)} %); ${undocumented.size} declarations without docs; ${logger.notExported.length} types not exported`,
);
if (verbose) for (const m of [...logger.notDocumented, ...logger.notExported]) console.log(`      ${m}`);
// The gate: every exported declaration and every member TypeDoc documents has JSDoc. What lacks
// it is listed whatever the flags, so the failure says what to write.
const missingTop = [];
for (const pkg of packages)
  for (const c of (pkg.children ?? []).filter((c) => !c.kindOf(ReflectionKind.Reference)))
    if (!documented(c)) missingTop.push(`${pkg.name}.${c.name}`);
const coverageFailed = missingTop.length > 0 || logger.notDocumented.length > 0;
if (coverageFailed) {
  for (const name of missingTop) console.error(`docs: undocumented export: ${name}`);
  for (const m of new Set(logger.notDocumented)) console.error(`docs: ${m.replace(/^\[\w+\]\s*/, '')}`);
  console.error(
    `docs: JSDoc coverage is below 100 % (${missingTop.length} exports, ${undocumented.size} declarations without docs): write JSDoc for each name above (what it is, units, what it throws)`,
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
if (broken.length > 0 || coverageFailed) process.exit(1);
