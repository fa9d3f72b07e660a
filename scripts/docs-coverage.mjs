// The docs gate's checks on a TypeDoc project, without building the site: `pnpm docs`
// (scripts/docs.mjs) runs them on the six packages, scripts/docs-coverage.test.mjs on a fixture.
//
//   - coverage: every exported top-level declaration has JSDoc (it, one of its signatures or an
//     accessor), and TypeDoc's notDocumented validation finds no documentable declaration without
//     any (members, parameters' and answers' fields), each counted once, in the package that
//     declares it, however many classes inherit it.
//   - links: what TypeDoc reports about {@link} tags that do not resolve to a documented page.
import { Application, ConsoleLogger, LogLevel, ReflectionKind } from 'typedoc';

/** Sorts TypeDoc's messages into what the gate enforces, reports, or passes through. */
export class SortingLogger extends ConsoleLogger {
  links = [];
  notExported = [];
  notDocumented = [];
  constructor(verbose = false) {
    super();
    this.showInfo = verbose;
  }
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
    else if (level !== LogLevel.Info || this.showInfo) super.log(message, level);
  }
}

/** The `@userstream/<name>` a TypeDoc message is about, or `(other)`. */
export const packageOf = (text) => /@userstream\/[a-z]+/.exec(text)?.[0] ?? '(other)';

const hasText = (comment) =>
  !!comment && (comment.summary.some((part) => part.text.trim() !== '') || comment.blockTags.length > 0);

/** A declaration is documented when it, or one of its signatures or accessors, has a comment. */
export function documented(reflection) {
  return [
    reflection,
    ...(reflection.signatures ?? []),
    reflection.getSignature,
    reflection.setSignature,
  ].some((r) => r && hasText(r.comment));
}

function countBy(values) {
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/**
 * Converts and validates the packages TypeDoc `options` name (an options file path, or an options
 * object as in typedoc.json) with notDocumented validation on; builds no site. Resolves with the
 * application (to generate the site from), the project, and the logger holding the findings.
 */
export async function convertPackages(options, { verbose = false } = {}) {
  const app = await Application.bootstrapWithPlugins(typeof options === 'string' ? { options } : options);
  const logger = new SortingLogger(verbose);
  app.logger = logger;
  // notDocumented is switched on here rather than in typedoc.json: a plain `npx typedoc` stays
  // quiet, the gate counts the findings instead of printing hundreds of lines.
  app.options.setValue('validation', { ...app.options.getValue('validation'), notDocumented: true });
  const project = await app.convert();
  if (project) app.validate(project);
  return { app, project, logger };
}

/**
 * The coverage gate on a converted project: per package, exports with JSDoc of all exports and
 * declarations without docs; `missing` names each undocumented export (`pkg.name`) and
 * `undocumentedMembers` each notDocumented finding once. `passed` is false if either has any.
 */
export function coverageOf(project, logger) {
  // One module per package; a project of a single package is that package itself.
  const modules = (project.children ?? []).filter((c) => c.kindOf(ReflectionKind.Module));
  const packages = modules.length > 0 ? modules : [project];
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
  const withoutDocs = countBy([...undocumented.values()]);
  const notExported = countBy(logger.notExported.map(packageOf));
  const missing = [];
  const rows = packages.map((pkg) => {
    // re-exports of another package's names (References) are documented where they are declared
    const top = (pkg.children ?? []).filter((c) => !c.kindOf(ReflectionKind.Reference));
    const lacking = top.filter((c) => !documented(c)).map((c) => `${pkg.name}.${c.name}`);
    missing.push(...lacking);
    return {
      name: pkg.name,
      exports: top.length,
      documented: top.length - lacking.length,
      withoutDocs: withoutDocs.get(pkg.name) ?? 0,
      notExported: notExported.get(pkg.name) ?? 0,
    };
  });
  const undocumentedMembers = [...new Set(logger.notDocumented)].map((m) => m.replace(/^\[\w+\]\s*/, ''));
  return {
    rows,
    missing,
    undocumentedMembers,
    declarationsWithoutDocs: undocumented.size,
    passed: missing.length === 0 && logger.notDocumented.length === 0,
  };
}
