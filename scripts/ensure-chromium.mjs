#!/usr/bin/env node
// Finds a headless-capable Chromium for the docs site check (scripts/check-docs-site.mjs), the
// way scripts/ensure-redis.mjs finds redis-server:
//
//   1. CHROMIUM=/path/to/chromium, if set, must run: it is used as it is.
//   2. Otherwise `chromium` (Debian), `chromium-browser` or `google-chrome` on PATH.
//   3. Otherwise, on a Debian/Ubuntu machine where we are root or have passwordless sudo,
//      Debian's `chromium` package is installed with apt-get (said before it is done).
//   4. Otherwise one line says exactly what to install, and the check fails.
// It never skips the check silently. As a script it prints the path it found.
import { spawnSync } from 'node:child_process';

const INSTALL_HINT =
  'the docs site check needs a headless Chromium: install it (Debian/Ubuntu: `sudo apt-get install chromium`, macOS: `brew install --cask chromium`) or set CHROMIUM=/path/to/chromium';

class ChromiumMissing extends Error {}

/** `<binary> --version`, or undefined when it does not run. */
function version(binary) {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (out.error || out.status !== 0) return undefined;
  return out.stdout.trim();
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/**
 * The Chromium to use: `{ binary, version }`. Installs Debian's package when it may; throws an
 * Error whose message is the one line to print when there is none.
 */
export function ensureChromium({ log = console.log } = {}) {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: read by this script only, not a turbo task input
  const configured = process.env.CHROMIUM;
  if (configured) {
    const v = version(configured);
    if (!v)
      throw new ChromiumMissing(
        `userstream: CHROMIUM=${configured} does not run (\`${configured} --version\` failed). ${INSTALL_HINT}`,
      );
    return { binary: configured, version: v };
  }
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const v = has(name) ? version(name) : undefined;
    if (v) return { binary: name, version: v };
  }

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const canSudo =
    !isRoot && has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (process.platform !== 'linux' || !has('apt-get') || !(isRoot || canSudo))
    throw new ChromiumMissing(`userstream: ${INSTALL_HINT}`);

  const prefix = isRoot ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    return (
      spawnSync(cmd, rest, {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status === 0
    );
  };
  log(
    `userstream: chromium not found; installing Debian's chromium package with apt-get${isRoot ? '' : ' (sudo)'} for the docs site check…`,
  );
  if (
    !run(['apt-get', 'update', '-qq']) ||
    !run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium'])
  )
    throw new ChromiumMissing(`userstream: apt-get could not install chromium. ${INSTALL_HINT}`);
  const v = version('chromium');
  if (!v) throw new ChromiumMissing(`userstream: chromium was installed but does not run. ${INSTALL_HINT}`);
  log(`userstream: installed ${v}`);
  return { binary: 'chromium', version: v };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { binary, version: v } = ensureChromium();
    console.log(`userstream: docs site check uses ${binary} (${v})`);
  } catch (error) {
    if (!(error instanceof ChromiumMissing)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
