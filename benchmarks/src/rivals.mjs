// The rival SDKs, installed from npm into benchmarks/.rivals with pinned versions when `pnpm bench`
// runs (never by the README's install command, never in the workspace lockfile).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RIVAL_VERSIONS = {
  binance: '3.6.5',
  ccxt: '4.5.84',
  'binance-api-node': '0.13.10',
  'node-binance-api': '1.0.33',
  '@binance/spot': '32.0.4',
};

export const RIVALS_DIR = fileURLToPath(new URL('../.rivals/', import.meta.url));

function installedVersion(name) {
  const file = `${RIVALS_DIR}node_modules/${name}/package.json`;
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

/** Installs (or keeps) the pinned versions; `log` gets one line per package. */
export function installRivals(log = () => {}) {
  const stale = Object.entries(RIVAL_VERSIONS).filter(([name, v]) => installedVersion(name) !== v);
  if (stale.length > 0) {
    mkdirSync(RIVALS_DIR, { recursive: true });
    writeFileSync(
      `${RIVALS_DIR}package.json`,
      `${JSON.stringify({ name: 'userstream-bench-rivals', private: true, dependencies: RIVAL_VERSIONS }, null, 2)}\n`,
    );
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        RIVALS_DIR,
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        '--save-exact',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], cwd: RIVALS_DIR },
    );
  }
  for (const name of Object.keys(RIVAL_VERSIONS)) log(`${name}@${installedVersion(name) ?? 'missing'}`);
}
