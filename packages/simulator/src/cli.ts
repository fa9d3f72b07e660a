#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Clock, createScaledClock, systemClock } from '@userstream/core';
import { startSimulator } from './simulator.js';

const USAGE = `usage: userstream-sim [--port <n>] [--host <addr>] [--speed <n>] [--seed <n>] [--price-walk]
                     [--admin-token <t>] [--admin-allow-host <name>]...

Starts a local Binance-style exchange and prints one JSON line:
{"rest","ws","wsApi","admin","accounts":[{"id","apiKey","keyType","secret"|"privateKeyPem"}],
 "listening":{"address","port","family","loopback","reachableAt"}}
(rest/ws/wsApi/admin are the URLs to use from this machine; listening is what is really bound.)
Runs until SIGINT or SIGTERM.

  --port <n>      TCP port (default 0: a free port)
  --host <addr>   address to listen on (default 127.0.0.1; anything else is reachable from
                  the network and warns on stderr)
  --admin-token <t>         require Authorization: Bearer <t> on the admin API (16+ visible
                            characters; or set USERSTREAM_SIM_ADMIN_TOKEN, which ps cannot see)
  --admin-allow-host <name> a Host name the admin API accepts besides loopback names and the
                            bound address (e.g. a container's service name); repeatable
  --speed <n>     protocol time runs n times faster (3600: an hour a second)
  --seed <n>      seed of generated keys, ids and prices (default 1)
  --price-walk    move prices every second of protocol time, filling resting orders
  -v, --version   print the version and exit
`;

/**
 * The version in this package's package.json. Found by walking up from this file rather than
 * at a fixed relative path: the CLI runs from dist/, from an install under node_modules, and
 * from the tests' own bundle in a cache directory.
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@userstream/simulator' && typeof pkg.version === 'string') return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/**
 * A start that failed for a reason of the machine, not of the flags (the port is taken, the
 * address is not this host's): one line that says what to do, exit 1, no usage to scroll past.
 */
function startFailure(error: unknown, host: string, port: number | undefined): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port ?? 0}`;
  if (code === 'EADDRINUSE')
    return `${where} is already in use: stop what listens there, or pass another --port (--port 0 picks a free one)`;
  if (code === 'EADDRNOTAVAIL')
    return `${host} is not an address of this machine: pass one of its addresses to --host (default 127.0.0.1)`;
  if (code === 'EACCES')
    return `not allowed to listen on ${where}: ports below 1024 need privileges; pass --port 0 for a free one`;
  return undefined;
}

function fail(message: string): never {
  process.stderr.write(`userstream-sim: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) fail(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        'price-walk': { type: 'boolean' },
        'admin-token': { type: 'string' },
        'admin-allow-host': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  let clock: Clock = systemClock;
  if (values.speed !== undefined) {
    const speed = Number(values.speed);
    if (!(Number.isFinite(speed) && speed > 0))
      fail(`--speed must be a positive number, got ${String(values.speed)}`);
    clock = createScaledClock({ speed });
  }
  const port = integer(values.port as string | undefined, 'port');
  const seed = integer(values.seed as string | undefined, 'seed');
  const adminToken =
    typeof values['admin-token'] === 'string'
      ? values['admin-token']
      : process.env.USERSTREAM_SIM_ADMIN_TOKEN;
  const allowedHosts = values['admin-allow-host'] as string[] | undefined;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({
      clock,
      ...(port !== undefined ? { port } : {}),
      ...(typeof values.host === 'string' ? { host: values.host } : {}),
      ...(seed !== undefined ? { seed } : {}),
      priceWalk: values['price-walk'] === true,
      ...(adminToken !== undefined || allowedHosts
        ? {
            admin: {
              ...(adminToken !== undefined ? { token: adminToken } : {}),
              allowedHosts: allowedHosts ?? [],
            },
          }
        : {}),
    });
  } catch (error) {
    const oneLine = startFailure(error, typeof values.host === 'string' ? values.host : '127.0.0.1', port);
    if (oneLine !== undefined) {
      process.stderr.write(`userstream-sim: ${oneLine}\n`);
      process.exit(1);
    }
    fail((error as Error).message);
  }
  const line = {
    rest: sim.urls.rest,
    ws: sim.urls.ws,
    wsApi: sim.urls.wsApi,
    admin: sim.urls.admin,
    accounts: sim.accounts.map((a) =>
      a.keyType === 'hmac'
        ? { id: a.id, apiKey: a.apiKey, keyType: a.keyType, secret: a.secret }
        : { id: a.id, apiKey: a.apiKey, keyType: a.keyType, privateKeyPem: a.privateKeyPem },
    ),
    listening: sim.address,
  };
  if (!sim.address.loopback) {
    const where = sim.address.reachableAt.length ? sim.address.reachableAt.join(', ') : sim.address.address;
    process.stderr.write(
      `userstream-sim: WARNING: listening on ${sim.address.address} port ${sim.address.port}, NOT only loopback: reachable at ${where}\n` +
        'userstream-sim: WARNING: anyone who can reach it can use the test accounts' +
        (adminToken === undefined
          ? ' and the admin API (faults, deposits, prices): pass --admin-token (or USERSTREAM_SIM_ADMIN_TOKEN), or --host 127.0.0.1\n'
          : '; the admin API needs the admin token\n'),
    );
  }
  // The simulator's timers are unref'd; this keeps the process up until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first, then the line: whoever reads the line may signal at once, and a signal that
  // arrives before a handler exists kills the process without closing the simulator.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`userstream-sim: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
