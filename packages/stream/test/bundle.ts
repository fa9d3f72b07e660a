import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const streamPkg = fileURLToPath(new URL('..', import.meta.url));
const packages = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles `entries` (paths relative to `pkg`, this package by default) into
 * `<pkg>/node_modules/.cache/<name>/` as ESM for a child process, with the sibling packages taken
 * from their SOURCES (as the tests' aliases do), so a child runs the code under test and not a
 * stale `dist`. `external` (CommonJS packages such as ws and undici) are resolved from `pkg` at
 * run time.
 */
export function bundleForChild(
  name: string,
  entries: Record<string, string>,
  { pkg = streamPkg, external = ['ws'] }: { pkg?: string; external?: string[] } = {},
): string {
  const out = `${pkg}node_modules/.cache/${name}/`;
  mkdirSync(out, { recursive: true });
  const config = `${out}tsup.config.mjs`;
  writeFileSync(
    config,
    `export default {
  entry: ${JSON.stringify(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, `${pkg}${v}`])))},
  format: ['esm'],
  target: 'node20',
  outDir: ${JSON.stringify(out)},
  splitting: false,
  silent: true,
  noExternal: [/^@userstream\\//, /^zod/],
  external: ${JSON.stringify(external)},
  // Bundled CommonJS dependencies (the proxy agents) require Node's built-ins: give the ESM bundle a require.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  esbuildPlugins: [{
    name: 'userstream-sources',
    setup(build) {
      build.onResolve({ filter: /^@userstream\\/[a-z]+$/ }, (args) => ({
        path: ${JSON.stringify(packages)} + args.path.slice('@userstream/'.length) + '/src/index.ts',
      }));
    },
  }],
};
`,
  );
  execFileSync('pnpm', ['exec', 'tsup', '--config', config], { cwd: pkg, stdio: 'pipe' });
  return out;
}
