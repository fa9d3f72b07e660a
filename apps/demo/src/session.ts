import { networkInterfaces } from 'node:os';
import { DEFAULT_LOG_FILE, type DemoConfig } from './config.js';
import type { HealthReport } from './health.js';
import { createLogger, type Logger } from './logger.js';
import { DemoMetrics, type StreamGaugeSource } from './metrics.js';
import type { Note } from './notes.js';
import { type OpsServer, startOpsServer } from './ops-server.js';
import type { FleetOpsView } from './ops-summary.js';
import { stopSignalHandler } from './stop-signals.js';
import type { Screen } from './terminal.js';

/** Exit codes: 0 fine (and every check held in --json mode), 1 a run that failed, 2 bad config. */
export const EXIT = { ok: 0, failed: 1, config: 2 } as const;

export interface SessionIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

/** 127.0.0.0/8, ::1 and localhost: nothing off this machine can connect. */
function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The loud line for --host off loopback, naming every address the ops server answers on. */
function offLoopbackWarning(host: string, port: string): string {
  const h = host.replace(/^\[|\]$/g, '');
  const wildcard = h === '0.0.0.0' || h === '::';
  const addresses = wildcard
    ? Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && (h === '::' || i.family === 'IPv4') && !i.address.startsWith('fe80:'))
        .map((i) => (i?.family === 'IPv6' ? `[${i.address}]` : (i?.address as string)))
    : [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host];
  return (
    `userstream demo: WARNING: --host ${host} is not loopback: /healthz and /metrics and the /ops page (stream health, accounts, event counts) ` +
    `are reachable by anyone at ${addresses.map((a) => `http://${a}:${port}`).join(', ')}; pass --host 127.0.0.1 to keep them on this machine\n`
  );
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim();
}

/** What the single bot and the fleet share around their run: logs, ops server, output, quitting. */
export interface Session {
  readonly logger: Logger;
  readonly ops: OpsServer;
  /** Whether the dashboard is shown (it needs a terminal; piped output gets one line per event). */
  readonly useDashboard: boolean;
  /** One line per event on stdout, unless the dashboard or --json owns stdout. */
  printNote(n: Note): void;
  /**
   * Runs until a signal, `--duration`, a closed stdout or the screen's quit key; shows the screen
   * (dashboard mode) or prints `banner` (plain mode) meanwhile. Resolves with why it stopped.
   */
  waitForQuit(screen: (quit: () => void) => Screen, banner: string): Promise<string>;
  /** Closes the ops server and metrics and flushes the logs. */
  cleanup(): Promise<void>;
}

/**
 * Opens the logger and the ops server (`/healthz`, `/metrics`) for a run. Resolves with an exit
 * code (one line on stderr) when either cannot start.
 */
export async function openSession(options: {
  config: DemoConfig;
  io: SessionIo;
  secrets?: string[];
  gauges: () => readonly StreamGaugeSource[];
  health: () => HealthReport | undefined;
  /** Fleet mode: workers, kills and owners for the ops page. */
  fleet?: () => FleetOpsView | undefined;
  /** Width of the "who" column of event lines. */
  whoWidth: number;
  start: Record<string, unknown>;
}): Promise<Session | number> {
  const { config, io } = options;
  const useDashboard = config.dashboard && io.stdout.isTTY === true;
  const logFile = config.logFile ?? (useDashboard ? DEFAULT_LOG_FILE : undefined);
  let logger: Logger;
  try {
    logger = createLogger({
      level: config.logLevel,
      file: logFile,
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
  } catch (error) {
    io.stderr.write(`userstream demo: cannot open the log file (${oneLine(error)}); pass --log-file\n`);
    return EXIT.config;
  }
  const metrics = new DemoMetrics(options.gauges);
  let ops: OpsServer;
  try {
    ops = await startOpsServer({
      host: config.host,
      port: config.port,
      metrics,
      health: () => options.health() ?? { ok: false, status: 'starting', streams: [] },
      ...(options.fleet ? { fleet: options.fleet } : {}),
    });
  } catch (error) {
    metrics.close();
    io.stderr.write(
      `userstream demo: cannot listen on ${config.host}:${config.port} (${oneLine(error)}); pass another --port\n`,
    );
    return EXIT.config;
  }
  // The ops page answers at this URL's root too (and /ops); the line itself is what scripts read.
  io.stderr.write(`userstream demo: /healthz and /metrics on ${ops.url}\n`);
  if (!isLoopback(config.host)) io.stderr.write(offLoopbackWarning(config.host, new URL(ops.url).port));
  if (logFile) io.stderr.write(`userstream demo: logs in ${logFile}\n`);
  logger.info({ ops: ops.url, ...options.start }, 'userstream demo starting');

  const whileStopping = stopSignalHandler(logger, io.stderr, (code) => process.exit(code));

  // A reader that goes away (`| head`) ends the run cleanly instead of crashing it.
  let stdoutOpen = true;
  let onStdoutClosed: (() => void) | undefined;
  io.stdout.on('error', () => {
    stdoutOpen = false;
    onStdoutClosed?.();
  });

  return {
    logger,
    ops,
    useDashboard,
    printNote(n) {
      if (useDashboard || config.json || !stdoutOpen) return;
      const time = new Date(n.at).toISOString().slice(11, 23);
      io.stdout.write(`${time} ${(n.stream ?? '·').padEnd(options.whoWidth)} ${n.text}\n`);
    },
    async waitForQuit(screen, banner) {
      let quit!: (why: string) => void;
      const quitting = new Promise<string>((resolve) => {
        quit = resolve;
      });
      onStdoutClosed = () => quit('stdout closed');
      if (!stdoutOpen) quit('stdout closed');
      const onSignal = (signal: NodeJS.Signals) => quit(signal);
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const timer =
        config.durationMs === undefined ? undefined : setTimeout(() => quit('duration'), config.durationMs);
      let shown: Screen | undefined;
      if (useDashboard) {
        shown = screen(() => quit('key'));
        shown.start();
      } else if (!config.json) {
        io.stdout.write(`${banner}\n`);
      }
      const why = await quitting;
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A signal while stopping must not cut the stop short (orders left open, credentials not
      // deleted): `pnpm demo` runs the demo's bin as `pnpm exec` does, so a Ctrl-C reaches both
      // pnpm and the demo, and pnpm then sends its child SIGTERM. Later signals are logged and
      // ignored until cleanup(); the stop is bounded (the settle takes at most 10 s).
      process.on('SIGINT', whileStopping);
      process.on('SIGTERM', whileStopping);
      shown?.stop();
      logger.info({ why }, 'userstream demo stopping');
      return why;
    },
    async cleanup() {
      await ops.close();
      metrics.close();
      process.off('SIGINT', whileStopping);
      process.off('SIGTERM', whileStopping);
      logger.flush?.();
    },
  };
}

/**
 * Ends a run (the bot's or the fleet's): with `--json`, settles it and prints its summary on
 * stdout (exit 1 unless `passed`), then stops it; a failing shutdown is one line and exit 1.
 */
export async function finishRun<S>(
  run: { finish(): Promise<S>; stop(): Promise<void> },
  json: boolean,
  passed: (summary: S) => boolean,
  io: Pick<SessionIo, 'stdout' | 'stderr'>,
): Promise<number> {
  let code: number = EXIT.ok;
  try {
    if (json) {
      const summary = await run.finish();
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      if (!passed(summary)) code = EXIT.failed;
    }
    await run.stop();
  } catch (error) {
    io.stderr.write(`userstream demo: shutdown failed: ${oneLine(error)}\n`);
    code = EXIT.failed;
  }
  return code;
}
