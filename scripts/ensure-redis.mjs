#!/usr/bin/env node
// Makes sure the fleet tests (packages/redis, apps/demo) can start their own redis-server
// processes on free loopback ports. Run by `pnpm test` before the test suite, and so by CI.
//
//   1. REDIS_SERVER=/path/to/redis-server, if set, must work: it is used as it is.
//   2. Otherwise `redis-server` on PATH is used.
//   3. Otherwise, on a Debian/Ubuntu machine where we are root or have passwordless sudo,
//      Debian's `redis-server` package is installed with apt-get (said before it is done), and
//      the system instance apt starts on port 6379 is stopped: the tests never use it.
//   4. Otherwise one line says exactly what to install, and the test command fails.
// It never skips the Redis tests silently.
import { spawnSync } from 'node:child_process';

const INSTALL_HINT =
  'the fleet tests need redis-server >= 6.2: install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) or set REDIS_SERVER=/path/to/redis-server';

/** `redis-server --version` of a binary, or undefined when it does not run. */
function version(binary) {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  return /v=(\S+)/.exec(out.stdout)?.[1] ?? out.stdout.trim();
}

function fail(line) {
  console.error(line);
  process.exit(1);
}

const configured = process.env.REDIS_SERVER;
if (configured) {
  const v = version(configured);
  if (!v)
    fail(
      `userstream: REDIS_SERVER=${configured} does not run (\`${configured} --version\` failed). ${INSTALL_HINT}`,
    );
  console.log(`userstream: fleet tests use REDIS_SERVER=${configured} (${v})`);
  process.exit(0);
}

const found = version('redis-server');
if (found) {
  console.log(`userstream: fleet tests use redis-server ${found} from PATH`);
  process.exit(0);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canSudo = !isRoot && has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;

if (process.platform !== 'linux' || !has('apt-get') || !(isRoot || canSudo))
  fail(`userstream: ${INSTALL_HINT}`);

const prefix = isRoot ? [] : ['sudo', '-n'];
const run = (args) => {
  const [cmd, ...rest] = [...prefix, ...args];
  const out = spawnSync(cmd, rest, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return out.status === 0;
};

console.log(
  `userstream: redis-server not found; installing Debian's redis-server package with apt-get${isRoot ? '' : ' (sudo)'} for the fleet tests…`,
);
if (
  !run(['apt-get', 'update', '-qq']) ||
  !run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'redis-server'])
) {
  fail(`userstream: apt-get could not install redis-server. ${INSTALL_HINT}`);
}
// apt starts a system instance on 6379; the tests start their own on free ports.
run(['sh', '-c', 'service redis-server stop >/dev/null 2>&1 || true']);

const installed = version('redis-server');
if (!installed) fail(`userstream: redis-server was installed but does not run. ${INSTALL_HINT}`);
console.log(`userstream: installed redis-server ${installed}; fleet tests use it`);
