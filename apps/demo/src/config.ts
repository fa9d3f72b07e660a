import { parseArgs } from 'node:util';
import { MAX_TIMER_MS } from '@userstream/core';
import { configError } from './config-error.js';
import { realTarget, simulatedTarget, type Target } from './venue-target.js';

export type { Target } from './venue-target.js';

/** Fleet mode: workers sharing the embedded exchange's accounts through Redis. */
export interface FleetConfig {
  /** `redis://` or `rediss://` URL (may carry a password: never printed). */
  redisUrl: string;
  workers: number;
  accounts: number;
}

export interface DemoConfig {
  target: Target;
  /** `--fleet <redis-url>` (or USERSTREAM_REDIS_URL): run a fleet instead of the single bot. */
  fleet: FleetConfig | undefined;
  /** Run this long (real ms), then shut down; undefined = until Ctrl-C / `q`. */
  durationMs: number | undefined;
  json: boolean;
  faults: boolean;
  /** Real ms between injected faults. */
  faultEveryMs: number;
  /** Inject on schedule even while streams are still recovering from the last fault. */
  faultOverlap: boolean;
  /** Protocol clock speed of the embedded simulator and the bot. */
  speed: number;
  seed: number;
  host: string;
  port: number;
  dashboard: boolean;
  /**
   * Where the JSON logs go: a file (`--log-file`, else userstream-demo.log), or undefined with
   * `--log-json` (stderr). The terminal shows human lines only unless asked.
   */
  logFile: string | undefined;
  logLevel: string;
  /** Real ms a stream may stay down before /healthz answers 503. */
  healthBoundMs: number;
  help: boolean;
  /** `--version`: print the versions and exit. */
  version: boolean;
}

export const DEFAULT_SPEED = 60;
/** Fleet mode's clock: ownership, heartbeats and takeovers stay visible (a takeover ≈ 3 s real). */
export const DEFAULT_FLEET_SPEED = 2;
export const DEFAULT_FLEET_WORKERS = 3;
export const DEFAULT_FLEET_ACCOUNTS = 12;
/** Fleet mode: real time between worker kills (each waits until the fleet is whole again). */
export const DEFAULT_FLEET_FAULT_EVERY_MS = 6_000;
export const DEFAULT_FAULT_EVERY_MS = 3_000;
export const DEFAULT_HEALTH_BOUND_MS = 30_000;
export const DEFAULT_LOG_FILE = 'userstream-demo.log';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const USAGE = `Usage: pnpm demo [-- options]

Runs the userstream demo bot. Without --venue it starts an exchange simulator in-process (no keys,
no network) and streams spot (WebSocket API), cross margin (listenToken), USD-M futures (listenKey)
and a BHEX-style venue (signed listenKey), with a ladder strategy and a live dashboard.

  --duration <time>         run for this long, then shut down (30s, 5m, 1h; default: until q/Ctrl-C)
  --json                    no dashboard; print one JSON summary at the end (exit 0 iff mirrors match)
  --faults                  inject simulator faults now and then (key f in the dashboard does one)
  --fault-every <time>      real time between faults (default 3s); each waits for the last recovery
  --fault-overlap           inject on schedule even while streams are still recovering (harsher)
  --speed <n>               protocol clock speed of the embedded exchange (default ${DEFAULT_SPEED})
  --seed <n>                simulator seed (default 1)
  --port <n>                port of /healthz and /metrics (default: a free port, printed at start)
  --host <addr>             address of /healthz and /metrics (default 127.0.0.1)
  --no-dashboard            plain log lines instead of the dashboard
  --log-file <path>         JSON logs (pino) go to this file (default ${DEFAULT_LOG_FILE})
  --log-json                JSON logs to stderr instead of the file (not under the dashboard)
  --log-level <level>       fatal, error, warn, info, debug, trace, silent (default info)
  --health-bound <time>     /healthz is 503 when a stream is down longer than this (default 30s)

Fleet mode (workers sharing the embedded exchange's accounts through Redis):
  --fleet <redis-url>       run fleet workers in this process (or USERSTREAM_REDIS_URL), e.g. redis://127.0.0.1:6379
  --workers <n>             fleet workers (default ${DEFAULT_FLEET_WORKERS})
  --accounts <m>            USD-M accounts on the embedded exchange (default ${DEFAULT_FLEET_ACCOUNTS})
  With --faults a worker is killed (nothing released) every --fault-every (default 6s) and
  replaced later; the clock runs at --speed ${DEFAULT_FLEET_SPEED} unless given (at most 10).

Real venues (read-only unless --trade):
  --venue <id>              binance-spot, binance-usdm-testnet, bhex, … (or USERSTREAM_VENUE)
  --simulate                with --venue: run that venue on the embedded simulator instead (no keys),
                            e.g. --venue mexc --simulate; every venue the simulator plays is accepted
  --api-key <key>           or USERSTREAM_API_KEY, or --api-key-file <path>
  --api-secret <secret>     HMAC secret, or USERSTREAM_API_SECRET, or --api-secret-file <path>
  --private-key-file <pem>  Ed25519 or RSA private key (PKCS#8 PEM), or USERSTREAM_PRIVATE_KEY_FILE
  --symbol <pair>           isolated margin only
  --trade                   place ladder orders (testnets and loopback hosts only)
  --rest-url, --ws-url, --ws-api-url   point the venue at a Binance-compatible host
  --version                 the demo's version and the userstream packages it runs on
  --help
`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms`, `30s`, `5m`, `1h`, `1.5m`, or a bare number of seconds. */
export function parseDuration(text: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw configError(`${field} must be a time such as 30s, 5m or 1h, got '${text}'`, field);
  const ms = Number(match[1]) * (UNITS[match[2] ?? 's'] as number);
  if (!(ms > 0) || !Number.isFinite(ms))
    throw configError(`${field} must be more than 0, got '${text}'`, field);
  // Node fires a timer above 2^31-1 ms (about 596 h) after 1 ms: --duration 600h quit at once.
  if (Math.round(ms) > MAX_TIMER_MS)
    throw configError(`${field} must be at most 596h (Node's timer limit), got '${text}'`, field);
  return Math.round(ms);
}

function parseNumber(text: string, field: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw configError(
      `${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${text}'`,
      field,
    );
  }
  return n;
}

/**
 * Reads the command line and environment into a checked config. Every problem is an
 * `InvalidInputError` with code `USERSTREAM_INVALID_CONFIG` and a one-line message that says what
 * to do; secrets never appear in it.
 */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DemoConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string' },
        json: { type: 'boolean' },
        faults: { type: 'boolean' },
        'fault-every': { type: 'string' },
        'fault-overlap': { type: 'boolean' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'no-dashboard': { type: 'boolean' },
        'log-file': { type: 'string' },
        'log-level': { type: 'string' },
        'log-json': { type: 'boolean' },
        'health-bound': { type: 'string' },
        venue: { type: 'string' },
        simulate: { type: 'boolean' },
        'api-key': { type: 'string' },
        'api-key-file': { type: 'string' },
        'api-secret': { type: 'string' },
        'api-secret-file': { type: 'string' },
        'private-key-file': { type: 'string' },
        symbol: { type: 'string' },
        trade: { type: 'boolean' },
        'rest-url': { type: 'string' },
        'ws-url': { type: 'string' },
        'ws-api-url': { type: 'string' },
        fleet: { type: 'string' },
        workers: { type: 'string' },
        accounts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    // node's messages quote the flag, never its value; keep only the first line.
    const message = String((error as Error).message).split('\n')[0];
    throw configError(`${message}; see --help`, 'argv');
  }
  const str = (name: string) => values[name] as string | undefined;
  const flag = (name: string) => values[name] === true;

  const json = flag('json');
  const durationMs =
    str('duration') === undefined ? undefined : parseDuration(str('duration')!, '--duration');
  if (json && durationMs === undefined) {
    throw configError('--json needs --duration (e.g. --duration 30s --json)', '--json');
  }
  const logLevel = str('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw configError(
      `--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`,
      '--log-level',
    );
  }

  if (flag('log-json') && str('log-file') !== undefined) {
    throw configError(
      '--log-json writes the logs to stderr; pass --log-file or --log-json, not both',
      '--log-json',
    );
  }

  const venueId = str('venue') ?? (env.USERSTREAM_VENUE || undefined);
  let target: Target = { kind: 'simulator' };
  const realOnly = ['api-key', 'api-key-file', 'api-secret', 'api-secret-file', 'private-key-file', 'symbol'];
  const urlFlags = ['rest-url', 'ws-url', 'ws-api-url'];
  if (venueId === undefined) {
    if (flag('simulate')) {
      throw configError(
        '--simulate needs --venue <id> (without --venue the demo already runs its own simulator)',
        '--simulate',
      );
    }
    for (const name of [...realOnly, ...urlFlags, 'trade']) {
      if (values[name] !== undefined) {
        throw configError(
          `--${name} needs --venue (without it the demo runs its own simulator)`,
          `--${name}`,
        );
      }
    }
  } else if (flag('simulate')) {
    target = simulatedTarget(venueId, (name) => values[name] !== undefined);
  } else {
    target = realTarget(venueId, str, flag, env);
  }
  const speedText = str('speed');
  if (speedText !== undefined && target.kind === 'venue') {
    throw configError(
      '--speed only applies to the embedded simulator; real venues run in real time',
      '--speed',
    );
  }
  const fleet = fleetConfig(str, flag, env, target);
  const maxSpeed = fleet ? 10 : 3600;
  const defaultSpeed = fleet ? DEFAULT_FLEET_SPEED : DEFAULT_SPEED;
  const defaultFaultEvery = fleet ? DEFAULT_FLEET_FAULT_EVERY_MS : DEFAULT_FAULT_EVERY_MS;
  return {
    target,
    fleet,
    durationMs,
    json,
    faults: flag('faults'),
    faultOverlap: flag('fault-overlap'),
    faultEveryMs:
      str('fault-every') === undefined
        ? defaultFaultEvery
        : parseDuration(str('fault-every')!, '--fault-every'),
    speed: speedText === undefined ? defaultSpeed : parseNumber(speedText, '--speed', 1, maxSpeed, false),
    seed: str('seed') === undefined ? 1 : parseNumber(str('seed')!, '--seed', 0, 2 ** 31 - 1, true),
    host: str('host') ?? '127.0.0.1',
    port: str('port') === undefined ? 0 : parseNumber(str('port')!, '--port', 0, 65535, true),
    dashboard: !json && !flag('no-dashboard'),
    // JSON logs never share the terminal with the human lines unless asked for (--log-json);
    // under the dashboard they go to the file whatever the flags say (see the session).
    logFile: flag('log-json') ? undefined : (str('log-file') ?? DEFAULT_LOG_FILE),
    logLevel,
    healthBoundMs:
      str('health-bound') === undefined
        ? DEFAULT_HEALTH_BOUND_MS
        : parseDuration(str('health-bound')!, '--health-bound'),
    help: flag('help'),
    version: flag('version'),
  };
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the Redis URL';
  }
}

function fleetConfig(
  str: (name: string) => string | undefined,
  flag: (name: string) => boolean,
  env: NodeJS.ProcessEnv,
  target: Target,
): FleetConfig | undefined {
  const url = str('fleet') ?? (env.USERSTREAM_REDIS_URL || undefined);
  if (url === undefined) {
    for (const name of ['workers', 'accounts']) {
      if (str(name) !== undefined) {
        throw configError(
          `--${name} needs --fleet <redis-url> (e.g. --fleet redis://127.0.0.1:6379)`,
          `--${name}`,
        );
      }
    }
    return undefined;
  }
  if (target.kind === 'venue' || target.venue !== undefined) {
    throw configError('--fleet runs on the embedded simulator; drop --venue or --fleet', '--fleet');
  }
  if (flag('fault-overlap')) {
    throw configError(
      '--fault-overlap is not for fleet mode (its faults are worker kills)',
      '--fault-overlap',
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // The value may hold a password: never echoed.
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw configError(
      '--fleet must be a Redis URL such as redis://127.0.0.1:6379 (redis:// or rediss://)',
      '--fleet',
    );
  }
  const workers =
    str('workers') === undefined
      ? DEFAULT_FLEET_WORKERS
      : parseNumber(str('workers')!, '--workers', 1, 32, true);
  const accounts =
    str('accounts') === undefined
      ? DEFAULT_FLEET_ACCOUNTS
      : parseNumber(str('accounts')!, '--accounts', 1, 500, true);
  return { redisUrl: url, workers, accounts };
}
